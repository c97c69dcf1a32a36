# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of member_health_info and member_health_facts: options, their checks, read or wait
(``_member_selection.py``, ``_member_wait.py``), exit."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_check, _member_selection, _member_wait, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._families import DEFAULT, FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._module import WAIT_BOUNDS, ElbModule

FACT = 'hwcloud_elb_member_health'
BOUNDS = WAIT_BOUNDS


def member_families():
    return sorted(name for name, family in FAMILIES.items() if family.members is not None)


def member_argument_spec():
    """api_version, the selection (loadbalancer, pool or listener, address, instance_id, member) and the wait."""
    return dict(
        api_version=dict(type='str', choices=member_families(), default=DEFAULT),
        loadbalancer=dict(type='str', aliases=['loadbalancer_id']),
        pool=dict(type='str', aliases=['pool_id']),
        listener=dict(type='str', aliases=['listener_id']),
        address=dict(type='list', elements='str'),
        instance_id=dict(type='list', elements='str'),
        member=dict(type='str', aliases=['member_id']),
        wait_for=dict(type='str', choices=list(_member_wait.WAIT_STATES)),
        min_healthy=dict(type='str'),
        wait_timeout=dict(type='int', default=300),
        fail_fast=dict(type='bool', default=True),
        diagnose=dict(type='bool', default=False),
    )


def diagnose_problems(family, params):
    """diagnose (the member check after a failed wait for healthy) needs that wait, on v3."""
    if not params.get('diagnose'):
        return []
    if params.get('wait_for') != _members.HEALTHY:
        return ['diagnose applies only with wait_for: healthy (it diagnoses the members a failed wait names).']
    refusal = _member_check.diagnose_problem(family)
    return [refusal] if refusal else []


def run_member_health_module(as_facts, **module_kwargs):
    """main() of member_health_info (as_facts False) and member_health_facts (True). Reads only: changed is false."""
    module = ElbModule(member_argument_spec(), bounds=BOUNDS, **module_kwargs)
    params = module.params
    family = FAMILIES[params['api_version']]
    # Everything wrong with the selection fails here, before any call.
    problems = _member_selection.selection_problems(family, params) + diagnose_problems(family, params)
    if problems:
        module.ansible.fail_json(msg=' '.join(problems))

    def work(module):
        if params.get('wait_for'):
            try:
                members, summary = _member_wait.wait_for_health(
                    module.client, family, params, wait_for=params['wait_for'], min_healthy=params.get('min_healthy'),
                    wait_timeout=params['wait_timeout'], fail_fast=params['fail_fast'])
            except _member_wait.WaitFailed as err:
                # A failed wait still says what it saw (RETURN: members and summary, returned always).
                extra, text = {}, ''
                if params['diagnose']:
                    text, extra['diagnosis'] = _member_check.diagnosis_of(module.client, family, err.members)
                module.ansible.fail_json(msg=str(err) + text, members=err.members, summary=err.summary, **extra)
        else:
            members, summary = _member_selection.read_health(module.client, family, params)
        if as_facts:
            return dict(changed=False, ansible_facts={FACT: dict(members=members, summary=summary)})
        return dict(changed=False, members=members, summary=summary)

    module.run(work)
