# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of member_traffic: take a backend out of new traffic (weight 0) and back, waiting for the drain
and for health, never leaving a pool below ``min_healthy``.

Members are found with the member-health reader (``_members.py``): one list call reads every member of the
pools in play, the task's own and the others (for ``min_healthy``), never one GET per member. The weight writes
go through the engine's ``BalancerWrites`` (409 while the balancer is PENDING retried, the wait for ACTIVE); the
wait for health is ``_members.wait_for_health`` on the scope already resolved.

``min_healthy`` under concurrency (docs/rolling-updates.md):
- the hosts of one play's batch pass each other's addresses (``batch``): the check counts them all as drained,
  so every host of a batch too large fails before any write, whatever the timing;
- independent runs (two plays, two AWX jobs) are caught after the write: the pool is read again, and a drain that
  left it below ``min_healthy`` puts its own weights back, waits (jittered) for the pool to allow it again and
  retries, until ``wait_timeout``; then it fails with ``changed: true`` and the weights as they are.
"""

from __future__ import annotations

import copy

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_check, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import BalancerWrites, FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import DEFAULT, FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._module import ElbModule

DRAINED, SERVING = 'drained', 'serving'
NEW_MEMBER_WEIGHT = 1  # what the service gives a member created without a weight
MAX_WEIGHT = 100
RETRY_BASE, RETRY_CAP = 1.0, 10.0  # pauses before a drain that had to put its weight back tries again
# Where a pool's members are written (PUT .../{member_id} {"member": {"weight": N}}).
MEMBER_PATHS = {'v3': '/v3/{project_id}/elb/pools/{pool_id}/members',
                'v2': '/v2.0/lbaas/pools/{pool_id}/members'}
VIEW_KEYS = ('id', 'name', 'address', 'protocol_port', 'pool_id', 'pool_name', 'loadbalancer_id', 'weight')
CLASSIC_REFUSAL = ('api_version v1: classic load balancers cannot drain a backend - their members have no weight, '
                   'and a classic backend leaves rotation only by being removed from the listener. Use a dedicated '
                   '(v3) or shared (v2) load balancer, or remove and re-add the member yourself.')


class TaskFailed(FailedAfterWrite):
    """A failure that still returns the task's result: ``members`` and ``summary`` (returned always), and
    ``changed`` true only when something was written."""


def location_spec():
    """The options that say where a member is, shared with the member module: family, balancer, pool, address, port."""
    return dict(
        api_version=dict(type='str', choices=sorted(FAMILIES), default=DEFAULT),
        loadbalancer=dict(type='str', aliases=['loadbalancer_id']),
        pool=dict(type='str', aliases=['pool_id']),
        address=dict(type='str'),
        protocol_port=dict(type='int'),
    )


def argument_spec():
    return dict(
        location_spec(),
        instance_id=dict(type='str'),
        member=dict(type='str', aliases=['member_id']),
        state=dict(type='str', choices=[DRAINED, SERVING], required=True),
        weight=dict(type='int'),
        weights=dict(type='dict'),
        min_healthy=dict(type='str'),
        batch=dict(type='list', elements='str'),
        wait=dict(type='bool', default=True),
        drain_timeout=dict(type='int'),
        wait_timeout=dict(type='int', default=300),
        fail_fast=dict(type='bool', default=True),
        diagnose=dict(type='bool', default=False),
    )


def weight_value(value):
    """A weight given as a number or a string of digits (as O(weight) takes it), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def input_problems(family, params):
    """Everything wrong with the options, before any call (a list of sentences)."""
    if family.name not in MEMBER_PATHS:
        return [CLASSIC_REFUSAL]
    problems = []
    if not any(params.get(name) for name in ('address', 'instance_id', 'member')):
        problems.append('Name the member: give address (with protocol_port when several members share it), '
                        'instance_id or member.')
    if not params.get('pool') and not params.get('loadbalancer'):
        problems.append('Give pool or loadbalancer: the member is looked for in that pool, or in every pool of '
                        'that load balancer.')
    problems += _members.selection_problems(family, dict(selection(params), min_healthy=None))
    serving_only = [name for name in ('weight', 'weights') if params.get(name) is not None]
    if serving_only and params['state'] != SERVING:
        problems.append('%s applies only with state: serving (the weight to restore).' % ' and '.join(serving_only))
    drained_only = [name for name in ('min_healthy', 'drain_timeout', 'batch') if params.get(name) is not None]
    if drained_only and params['state'] != DRAINED:
        problems.append('%s applies only with state: drained.' % ' and '.join(drained_only))
    try:
        _members.parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    if params.get('diagnose'):
        refusal = _member_check.diagnose_problem(family)
        if refusal:
            problems.append(refusal)
        elif params['state'] != SERVING or not params['wait']:
            problems.append('diagnose applies only with state: serving and wait: true (it diagnoses a failed wait '
                            'for health).')
    if params.get('weight') is not None and not 1 <= params['weight'] <= MAX_WEIGHT:
        problems.append('weight is %r; the weight to restore must be a whole number from 1 to %d.' % (
            params['weight'], MAX_WEIGHT))
    for key, value in sorted((params.get('weights') or {}).items()):
        number = weight_value(value)
        if number is None or not 0 <= number <= MAX_WEIGHT:
            problems.append('weights[%s] is %r; a weight to restore must be a whole number from 0 to %d (0 keeps '
                            'the member out of traffic).' % (key, value, MAX_WEIGHT))
    return problems


def selection(params):
    """The member-health selection these options name (lists where _members takes several values)."""
    return dict(loadbalancer=params.get('loadbalancer'), pool=params.get('pool'),
                address=[params['address']] if params.get('address') else None,
                instance_id=[params['instance_id']] if params.get('instance_id') else None,
                member=params.get('member'), protocol_port=params.get('protocol_port'))


def view(member):
    """A member as the diff and the result show it."""
    return dict((key, member.get(key)) for key in VIEW_KEYS)


def endpoint(member):
    return '%s:%s' % (member.get('address'), member.get('protocol_port'))


def member_text(members):
    return ', '.join(sorted(set(endpoint(m) for m in members)))


def pool_text(member):
    return member.get('pool_name') or member.get('pool_id')


def in_batch(member, batch):
    """Whether ``batch`` (addresses, or address:port) names this member."""
    return member.get('address') in batch or endpoint(member) in batch


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
        want = _members.needed(minimum, len(members))
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


def wait_healthy(client, family, scope, ids, wait_timeout, fail_fast, settling=(), selection=None):
    """The member-health wait (``_members.wait_for_health``) on the members ``ids`` of an already resolved scope:
    healthy or unmonitored, each; ``selection`` adds the filters the service applies on each poll (fewer members
    to send). Returns ``(members, summary)``; raises ``_members.WaitFailed``."""
    own = copy.copy(scope)
    own.params = dict(scope.params, ids=ids, **dict((k, v) for k, v in (selection or {}).items() if v is not None))
    return _members.wait_for_health(client, family, None, wait_for=_members.HEALTHY, wait_timeout=wait_timeout,
                                    fail_fast=fail_fast, scope=own, settling=settling)


class MemberTraffic:
    """One task: read every member of the pools in play, write the weights of the task's own members that
    differ, check min_healthy again after a drain, wait."""

    def __init__(self, family, client, params, check_mode=False, diff_mode=False, warn=None):
        self.family = family
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.writes = BalancerWrites(family, client, wait=params['wait'], wait_timeout=params['wait_timeout'],
                                     written='The member weight')
        self.minimum = _members.parse_min_healthy(params.get('min_healthy'))
        self.batch = set(params.get('batch') or ())
        self.own = selection(params)

    # -- reading ------------------------------------------------------------------------------------------

    def read(self, scope):
        """Every member of the pools in play (one list call), and the task's own among them."""
        everyone = scope.read(self.client)
        return everyone, [member for member in everyone if _members.selected(member, self.own)]

    def resolve(self):
        """The pools in play, resolved once. A pool name that two balancers share is refused, as the monitor
        modules refuse it ("give the id instead")."""
        wide = dict(loadbalancer=self.params.get('loadbalancer'), pool=self.params.get('pool'), unique_pool=True)
        return _members.resolve(self.client, self.family, wide)

    # -- the run ------------------------------------------------------------------------------------------

    def run(self):
        params = self.params
        scope = self.resolve()
        everyone, mine = self.read(scope)
        if not mine:
            raise InputError('No member matches %s: nothing to %s.' % (
                _members._selection_text(selection(params)),  # pylint: disable=protected-access
                'drain' if params['state'] == DRAINED else 'restore'))
        self.check_weight_keys(mine)
        targets = dict((member['id'], self.target_weight(member)) for member in mine)
        changing = [member for member in mine if member.get('weight') != targets[member['id']]]
        before = [view(member) for member in mine]
        after = [dict(view(member), weight=targets[member['id']]) for member in mine]
        result = dict(changed=bool(changing), members=[dict(item, weight_before=old['weight'])
                                                       for item, old in zip(after, before)],
                      summary=_members.summary_of(mine))
        if self.diff_mode:
            result['diff'] = dict(before=dict(members=before), after=dict(members=after))
        if params['state'] == DRAINED and changing and self.minimum is not None:
            short = self.short(everyone, mine, changing)
            if short:
                if len(self.batch) > 1:
                    advice = ('Lower serial (this batch drains %d members at once) or min_healthy.' %
                              len(set(member['id'] for item in short for member in item['leaving'])))
                else:
                    advice = 'Bring the other members back first, or lower min_healthy.'
                unchanged = [dict(item, weight=item['weight_before']) for item in result['members']]
                raise TaskFailed('Refusing to drain %s: %s. %s Nothing was written.' % (
                    member_text(changing), shortfall_text(short, params['min_healthy']), advice),
                    dict(result, changed=False, members=unchanged))
        if self.check_mode:
            return result
        if changing:
            self.write(scope, mine, changing, targets, result)
            if params['state'] == DRAINED and self.minimum is not None:
                self.hold_min_healthy(scope, mine, changing, targets, result)
        if not params['wait']:
            return result
        try:
            if params['state'] == SERVING:
                self.wait_serving(scope, mine, targets, result)  # also when nothing was written
            elif changing:
                self.wait_drained(scope, changing)
        except (InputError, ApiError) as err:
            if changing:
                raise TaskFailed('The member weight was written, but the wait failed: %s' % err, result)
            raise TaskFailed(str(err), result)
        return result

    def short(self, everyone, mine, changing):
        """The pools that draining ``mine`` with the rest of the batch would leave below min_healthy: those of
        ``changing`` and those where another member of the batch still serves (a pool where they are all out
        already loses nothing). Every host of a batch judges the same pools, so they all refuse or none does."""
        own = set(member['id'] for member in mine)
        leaving = [member for member in everyone if member['id'] in own or in_batch(member, self.batch)]
        pool_ids = set(member['pool_id'] for member in changing)
        pool_ids.update(member['pool_id'] for member in leaving if member.get('weight'))
        return shortfalls(everyone, leaving, self.minimum, sorted(pool_ids))

    # -- writing ------------------------------------------------------------------------------------------

    def write(self, scope, mine, changing, targets, result):
        """One PUT per member whose weight differs, then one wait for ACTIVE per balancer written to. A failure
        part-way reads the members again and says what the service holds (``changed`` true when anything was
        written), in the message and in ``members``."""
        balancers = {}
        done = []
        try:
            for member in changing:
                pool = scope.parents[member['pool_id']]
                self.put(member, targets[member['id']], pool)
                done.append(member)
                balancers.setdefault(self.family.parent.loadbalancer_id(pool), pool)
        except ApiError as err:
            self.fail_part_way(scope, mine, done, err, result)
        for pool in balancers.values():
            self.writes.wait_active(pool, result)

    def put(self, member, weight, pool):
        path = '%s/%s' % (MEMBER_PATHS[self.family.name].format(pool_id=member['pool_id'], project_id='{project_id}'),
                          member['id'])
        self.writes.write('PUT', path, {'member': {'weight': weight}}, pool)

    def fail_part_way(self, scope, mine, done, err, result):
        """A write failed: read what the service holds (the answer may have been lost after the write), report
        every member's weight before and now, and fail with ``changed`` true when anything changed."""
        before = dict((item['id'], item['weight_before']) for item in result['members'])
        held = {}
        try:
            _everyone, now = self.read(scope)
            held = dict((member['id'], member.get('weight')) for member in now)
        except ApiError:
            proven = dict((item['id'], item['weight']) for item in result['members'])  # what the answers proved
            held = dict((member['id'], proven[member['id']]) for member in done)
        for item in result['members']:
            item['weight'] = held.get(item['id'], before[item['id']])
        changed = any(item['weight'] != before[item['id']] for item in result['members'])
        result['changed'] = changed
        text = '; '.join('%s in pool %s: %s -> %s' % (endpoint(item), pool_text(item), before[item['id']], item['weight'])
                         for item in result['members'])
        if changed:
            raise TaskFailed('A weight write failed, after weights were written: %s. The service holds now: %s.' % (
                err, text), result)
        raise TaskFailed('%s. Nothing was written; the weights are: %s.' % (err, text), result)

    # -- min_healthy between independent runs -----------------------------------------------------------------

    def hold_min_healthy(self, scope, mine, changing, targets, result):
        """After a drain, read the pools again: another run (a second play, an AWX job) may have drained at the
        same moment. If the pools fell below min_healthy, put this task's weights back, wait (jittered, so two
        runs that met do not meet again) until the pools allow the drain again, and drain again - until
        wait_timeout; then fail with changed true and the weights as they are."""
        retry = self.client.backoff(deadline=self.params['wait_timeout'], base=RETRY_BASE, cap=RETRY_CAP)
        originals = dict((member['id'], member.get('weight')) for member in mine)
        while True:
            everyone, now = self.read(scope)
            short = self.short(everyone, now, changing)
            if not short:
                return
            # Below min_healthy because of someone else: give the traffic back first, then see.
            self.write(scope, mine, [member for member in now if member['id'] in targets and
                                     member.get('weight') != originals[member['id']]], originals, result)
            for item in result['members']:
                item['weight'] = originals[item['id']]
            while True:
                if retry.exhausted():
                    raise TaskFailed(
                        'Drained %s, but then %s (another run drained at the same time). The weights were put back '
                        '(%s) and the pool did not allow the drain again within wait_timeout (%s s): run the drains '
                        'one after the other, or raise wait_timeout.' % (
                            member_text(changing), shortfall_text(short, self.params['min_healthy']),
                            ', '.join('%s in pool %s: %s' % (endpoint(m), pool_text(m), originals[m['id']])
                                      for m in changing), self.params['wait_timeout']), result)
                retry.pause()
                everyone, now = self.read(scope)
                short = self.short(everyone, now, changing)
                if not short:
                    break
            again = [member for member in now if member.get('weight') != targets[member['id']]]
            self.write(scope, mine, again, targets, result)
            for item in result['members']:
                item['weight'] = targets[item['id']]

    # -- targets ------------------------------------------------------------------------------------------

    def check_weight_keys(self, mine):
        """Every key of ``weights`` must name a member id, pool id or pool name of the selected members."""
        weights = self.params.get('weights') or {}
        known = set()
        for member in mine:
            known.update(key for key in (member['id'], member.get('pool_id'), member.get('pool_name')) if key)
        unknown = sorted(key for key in weights if key not in known)
        if unknown:
            raise InputError('weights has key(s) %s, which name no member id, pool id or pool name of the selected '
                             'member(s); they are: %s. Nothing was written.' % (
                                 ', '.join(repr(key) for key in unknown), '; '.join(
                                     'member %s in pool %s (%s)' % (m['id'], m.get('pool_name'), m.get('pool_id'))
                                     for m in mine)))

    def target_weight(self, member):
        params = self.params
        if params['state'] == DRAINED:
            return 0
        weights = params.get('weights') or {}
        for key in (member['id'], member.get('pool_id'), member.get('pool_name')):
            if key in weights:
                return weight_value(weights[key])
        if params.get('weight') is not None:
            return params['weight']
        if member.get('weight'):
            return member['weight']  # serving already: keep its weight
        self.warn('%s in pool %s has weight 0 and no weight to restore was given (weight or weights); it gets %d, '
                  'the weight of a new member.' % (endpoint(member), pool_text(member), NEW_MEMBER_WEIGHT))
        return NEW_MEMBER_WEIGHT

    # -- waits --------------------------------------------------------------------------------------------

    def wait_drained(self, scope, changing):
        wait_for_drain(self.client, drain_seconds([scope.parents[m['pool_id']] for m in changing],
                                                  self.params.get('drain_timeout')))

    def wait_serving(self, scope, mine, targets, result):
        """The member-health wait: healthy (or unmonitored) in every pool where it gets a weight above 0 (a
        weight kept at 0 is not meant to serve). A v2 member put back from 0 comes back from OFFLINE."""
        ids = [member['id'] for member in mine if targets[member['id']]]
        if not ids:
            return
        settling = [member['id'] for member in mine if not member.get('weight')]
        try:
            members, summary = wait_healthy(self.client, self.family, scope, ids, self.params['wait_timeout'],
                                            self.params['fail_fast'], settling=settling, selection=self.own)
        except _members.WaitFailed as err:
            self.show_health(err.members, result)
            if not self.params.get('diagnose'):
                raise
            text, result['diagnosis'] = _member_check.diagnosis_of(self.client, self.family, err.members)
            raise _members.WaitFailed(str(err) + text, err.members) from None
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


def run_member_traffic_module(**module_kwargs):
    module = ElbModule(argument_spec(), **module_kwargs)
    params = module.params
    family = FAMILIES[params['api_version']]
    problems = input_problems(family, params)
    if problems:
        module.ansible.fail_json(msg=' '.join(problems))

    def work(module):
        return MemberTraffic(family, module.client, params, check_mode=module.ansible.check_mode,
                             diff_mode=module.ansible._diff, warn=module.ansible.warn).run()

    module.run(work)
