# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of member_check: its options (with their bounds), their checks, and run() - find the members
(``_member_selection.py``), run their check jobs (``_member_check.py``), shape the result."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._member_check import (
    MAX_MEMBERS, REFUSAL, SUBJECTS, check_members)
from ansible_collections.hwcloud.elb.plugins.module_utils._member_selection import resolve, selection_text
from ansible_collections.hwcloud.elb.plugins.module_utils._member_task import (
    PORTS, MemberTask, location_spec, run_member_task_module)
from ansible_collections.hwcloud.elb.plugins.module_utils._members import endpoint
from ansible_collections.hwcloud.elb.plugins.module_utils._module import WAIT_BOUNDS

BOUNDS = dict(WAIT_BOUNDS, protocol_port=PORTS)


def argument_spec():
    return dict(
        location_spec(),
        member=dict(type='str', aliases=['member_id']),
        listener=dict(type='str', aliases=['listener_id']),
        subject=dict(type='str', choices=sorted(SUBJECTS), default='all'),
        wait_timeout=dict(type='int', default=120),
    )


def input_problems(family, params):
    """Everything wrong with the options, before any call (a list of sentences)."""
    if not family.member_api.check:
        return [REFUSAL % family.name]
    problems = []
    if not params.get('member') and not params.get('address'):
        problems.append('Name the member: give member (its id or name), or address (with protocol_port when '
                        'several members share it) and pool or loadbalancer.')
    if params.get('address') and not params.get('pool') and not params.get('loadbalancer'):
        problems.append('address needs pool or loadbalancer: the member is looked for in that pool, or in every '
                        'pool of that load balancer.')
    if params.get('protocol_port') is not None and not params.get('address'):
        problems.append('protocol_port applies only with address.')
    return problems


def selection(params):
    return dict(loadbalancer=params.get('loadbalancer'), pool=params.get('pool'),
                address=[params['address']] if params.get('address') else None,
                member=params.get('member'), protocol_port=params.get('protocol_port'))


class MemberCheck(MemberTask):
    """One task: find the members, run their check jobs, shape the result (reads only: changed is false)."""

    def run(self):
        scope = resolve(self.client, self.family, selection(self.params))
        members = scope.read(self.client)
        if not members:
            raise InputError('No member matches %s: nothing to check.' % selection_text(selection(self.params)))
        if len(members) > MAX_MEMBERS:
            raise InputError('%d members match (%s); member_check checks at most %d at once: give protocol_port, '
                             'pool or member.' % (len(members), ', '.join(endpoint(m) for m in members), MAX_MEMBERS))
        checks = check_members(self.client, self.family, scope.parents, members, self.params, self.params['wait_timeout'])
        unfinished = [r for r in checks if r['passed'] is None]
        if unfinished:
            raise InputError(' '.join(line for record in unfinished for line in record['summary']))
        summary = [line for record in checks for line in record['summary']]
        return dict(changed=False, passed=all(r['passed'] for r in checks), checks=checks, summary=summary)


def run_member_check_module(**module_kwargs):
    run_member_task_module(argument_spec(), BOUNDS, input_problems, lambda family: MemberCheck, module_kwargs)
