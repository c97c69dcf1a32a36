# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the member tasks share (member, member_traffic, member_check): the task's set-up and its runner, the
options that say where a member is, ``min_healthy``'s arithmetic over a pool, the drain wait, and the health
wait on the task's own members (with ``diagnose``: the member check of those that failed it).

Every write goes through the engine's ``BalancerWrites`` (409 while the balancer is PENDING retried, the wait for
ACTIVE), composed into each task as ``writes``.
"""

from __future__ import annotations

import copy
import ipaddress

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_check, _member_wait, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import Task
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._families import DEFAULT, FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._member_selection import needed, parse_min_healthy
from ansible_collections.hwcloud.elb.plugins.module_utils._members import endpoint
from ansible_collections.hwcloud.elb.plugins.module_utils._module import ElbModule

MAX_WEIGHT = 100
MAX_DRAIN_TIMEOUT = 4000  # seconds
PORTS = (1, 65535)


class TaskFailed(FailedAfterWrite):
    """A failure that still returns the task's result: ``members`` (as the service holds them), ``summary``
    where there is one, and ``changed`` true only when something was written."""


def location_spec():
    """The options that say where a member is, shared by member and member_traffic: family, balancer, pool,
    address, port."""
    return dict(
        api_version=dict(type='str', choices=sorted(FAMILIES), default=DEFAULT),
        loadbalancer=dict(type='str', aliases=['loadbalancer_id']),
        pool=dict(type='str', aliases=['pool_id']),
        address=dict(type='str'),
        protocol_port=dict(type='int'),
    )


def diagnose_problems(family, params, applies, where):
    """The checks of ``diagnose`` (the member check after a failed wait for health): v3 only, and only where the
    task waits for health (``applies``; ``where`` says when that is)."""
    if not params.get('diagnose'):
        return []
    refusal = _member_check.diagnose_problem(family)
    if refusal:
        return [refusal]
    if not applies:
        return ['diagnose applies only with %s (it diagnoses a failed wait for health).' % where]
    return []


def address_key(address):
    """An address compared as an IP (``::1`` and ``0:0::1`` are one), else as given."""
    try:
        return str(ipaddress.ip_address(str(address).strip()))
    except ValueError:
        return address


def identity(item):
    return address_key(item.get('address')), item.get('protocol_port')


def member_text(members):
    return ', '.join(sorted(set(endpoint(m) for m in members)))


def pool_text(member):
    return member.get('pool_name') or member.get('pool_id')


# -- min_healthy over a pool ---------------------------------------------------------------------------------


def shortfalls(everyone, leaving, minimum, pool_ids):
    """The pools that ``leaving`` (members about to be drained) would leave below ``minimum``, each as a dict:
    pool, members, leaving, serving (what would be left serving and healthy or unmonitored), needed, room (how
    many of its members can be drained at once). A percentage is of every member of the pool, so "1%" still
    keeps one member of a one-member pool serving."""
    leaving_ids = set(member['id'] for member in leaving)
    short = []
    for pool_id in pool_ids:
        members = [member for member in everyone if member.get('pool_id') == pool_id]
        serving_now = [member for member in members
                       if member.get('weight') and member['health'] in _members.SERVING_HEALTH]
        serving = [member for member in serving_now if member['id'] not in leaving_ids]
        want = needed(minimum, len(members))
        if len(serving) < want:
            short.append(dict(pool=pool_text(members[0]) if members else pool_id, members=len(members),
                              leaving=[member for member in members if member['id'] in leaving_ids],
                              serving=len(serving), needed=want, room=max(0, len(serving_now) - want)))
    return short


def shortfall_text(short, min_healthy):
    texts = []
    for item in short:
        texts.append('pool %s has %d member(s); draining %d of them (%s) leaves %d serving and healthy, %d needed '
                     '(min_healthy %s), so at most %d of its members can be out at once' % (
                         item['pool'], item['members'], len(item['leaving']), member_text(item['leaving']),
                         item['serving'], item['needed'], min_healthy, item['room']))
    return '; '.join(texts)


# -- waits ---------------------------------------------------------------------------------------------------


def drain_seconds(pools, drain_timeout=None):
    """How long open connections may last after a member leaves new traffic: ``drain_timeout`` when given, else
    the longest ``connection_drain.timeout`` of ``pools`` that have connection drain enabled, else 0."""
    if drain_timeout is not None:
        return drain_timeout
    seconds = 0
    for pool in pools:
        drain = pool.get('connection_drain') or {}
        if drain.get('enable'):
            seconds = max(seconds, drain.get('timeout') or 0)
    return seconds


def wait_for_drain(client, seconds):
    """The drain wait: a poll that never succeeds, so it ends at that deadline (the shared backoff)."""
    if seconds:
        client.backoff(deadline=seconds, base=1.0, cap=5.0).poll(lambda: None)


def wait_healthy(client, family, scope, ids, wait_timeout, fail_fast, settling=(), selection=None, **options):
    """The member-health wait (``_member_wait.wait_for_health``) on the members ``ids`` of an already resolved
    scope: healthy or unmonitored, each; ``selection`` adds the filters the service applies on each poll (fewer
    members to send); ``options``: wait_for_health's ``steady`` and ``seen`` (settle). Returns
    ``(members, summary)``; raises ``_member_wait.WaitFailed``."""
    own = copy.copy(scope)
    own.params = dict(scope.params, ids=ids, **dict((k, v) for k, v in (selection or {}).items() if v is not None))
    return _member_wait.wait_for_health(client, family, None, wait_for=_members.HEALTHY, wait_timeout=wait_timeout,
                                        fail_fast=fail_fast, scope=own, settling=settling, **options)


class MemberTask(Task):
    """One task on members (the engine's Task: family, client, options, modes, the one write path)."""

    WRITTEN = 'The member'  # what a failure after a write says was written

    def __init__(self, family, client, params, **options):
        super().__init__(family, client, params, **options)
        self.minimum = parse_min_healthy(params.get('min_healthy'))

    def wait_own_health(self, scope, ids, result, selection=None, **options):
        """wait_healthy on the task's own members ``ids``; the health as last read goes into ``result``, and with
        diagnose a failed wait carries the member check's diagnosis (in its message and ``result``)."""
        try:
            members, summary = wait_healthy(self.client, self.family, scope, ids, self.params['wait_timeout'],
                                            self.params['fail_fast'], selection=selection, **options)
        except _member_wait.WaitFailed as err:
            self.show_health(err.members, result)
            if not self.params.get('diagnose'):
                raise
            text, result['diagnosis'] = _member_check.diagnosis_of(self.client, self.family, err.members)
            raise _member_wait.WaitFailed(str(err) + text, err.members) from None
        self.show_health(members, result)
        result['summary'] = summary

    @staticmethod
    def show_health(members, result):
        health = dict((member['id'], member) for member in members)
        for item in result['members']:
            found = health.get(item['id'])
            if found:
                item['health'], item['reason'] = found.get('health'), found.get('reason')
        if members:
            result['summary'] = _members.summary_of(members)


def run_member_task_module(argument_spec, bounds, input_problems, task_of, module_kwargs):
    """main() of a member module: its options and bounds (``ElbModule``), ``input_problems(family, params)``
    failing before any call, then the task ``task_of(family)`` run and its result returned."""
    module = ElbModule(argument_spec, bounds=bounds, **module_kwargs)
    params = module.params
    family = FAMILIES[params['api_version']]
    problems = input_problems(family, params)
    if problems:
        module.ansible.fail_json(msg=' '.join(problems))

    def work(module):
        return task_of(family)(family, module.client, params, check_mode=module.ansible.check_mode,
                               diff_mode=module.ansible._diff, warn=module.ansible.warn,
                               retries=module.settings.api_retries).run()

    module.run(work)
