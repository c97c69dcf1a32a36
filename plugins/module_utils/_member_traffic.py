# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""member_traffic's work: take a backend out of new traffic (weight 0) and back, waiting for the drain and for
health, never leaving a pool below ``min_healthy``. Its options and checks are ``_member_traffic_module.py``.

Members are found with the member-health reader (``_members.py``): one list call reads every member of the
pools in play, the task's own and the others (for ``min_healthy``), never one GET per member. The weight writes
go through the task's ``BalancerWrites`` (``_member_task.py``); the wait for health is the member-health wait on
the scope already resolved.

``min_healthy`` under concurrency (docs/rolling-updates.md):
- the hosts of one play's batch pass each other's addresses (``batch``): the check counts them all as drained,
  so every host of a batch too large fails before any write, whatever the timing;
- independent runs (two plays, two AWX jobs) are caught after the write: the pool is read again, and a drain that
  left it below ``min_healthy`` puts its own weights back, waits (jittered) for the pool to allow it again and
  retries, until ``wait_timeout``; then it fails with ``changed: true`` and the weights as they are.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _members
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._member_selection import resolve, selection_text
from ansible_collections.hwcloud.elb.plugins.module_utils._member_task import (
    MemberTask, TaskFailed, drain_seconds, member_text, pool_text, shortfall_text, shortfalls, wait_for_drain)
from ansible_collections.hwcloud.elb.plugins.module_utils._members import endpoint

DRAINED, SERVING = 'drained', 'serving'
NEW_MEMBER_WEIGHT = 1  # what the service gives a member created without a weight
RETRY_BASE, RETRY_CAP = 1.0, 10.0  # pauses before a drain that had to put its weight back tries again
VIEW_KEYS = ('id', 'name', 'address', 'protocol_port', 'pool_id', 'pool_name', 'loadbalancer_id', 'weight')


def weight_value(value):
    """A weight given as a number or a string of digits (as O(weight) takes it), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def selection(params):
    """The member-health selection these options name (lists where _members takes several values)."""
    return dict(loadbalancer=params.get('loadbalancer'), pool=params.get('pool'),
                address=[params['address']] if params.get('address') else None,
                instance_id=[params['instance_id']] if params.get('instance_id') else None,
                member=params.get('member'), protocol_port=params.get('protocol_port'))


def in_batch(member, batch):
    """Whether ``batch`` (addresses, or address:port) names this member."""
    return member.get('address') in batch or endpoint(member) in batch


def view(member):
    """A member as the diff and the result show it."""
    return dict((key, member.get(key)) for key in VIEW_KEYS)


class MemberTraffic(MemberTask):
    """One task: read every member of the pools in play, write the weights of the task's own members that
    differ, check min_healthy again after a drain, wait."""

    WRITTEN = 'The member weight'

    def __init__(self, family, client, params, **modes):
        super().__init__(family, client, params, **modes)
        self.batch = set(params.get('batch') or ())
        self.own = selection(params)
        self.settled = set()  # member ids proven healthy by settle just before their write

    # -- reading ------------------------------------------------------------------------------------------

    def read(self, scope):
        """Every member of the pools in play (one list call), and the task's own among them."""
        everyone = scope.read(self.client)
        return everyone, [member for member in everyone if _members.selected(member, self.own)]

    def resolve(self):
        """The pools in play, resolved once. A pool name that two balancers share is refused, as the monitor
        modules refuse it ("give the id instead")."""
        wide = dict(loadbalancer=self.params.get('loadbalancer'), pool=self.params.get('pool'), unique_pool=True)
        return resolve(self.client, self.family, wide)

    # -- the run ------------------------------------------------------------------------------------------

    def run(self):
        params = self.params
        scope = self.resolve()
        everyone, mine = self.read(scope)
        if not mine:
            raise InputError('No member matches %s: nothing to %s.' % (
                selection_text(selection(params)),
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
        if changing and params['state'] == SERVING and params.get('settle') and self.family.member_api.settle:
            self.settle(scope, changing, targets, result)
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
        path = '%s/%s' % (self.family.member_path.format(pool_id=member['pool_id'], project_id='{project_id}'),
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

    def settle(self, scope, changing, targets, result):
        """v3, before a member goes back from weight 0: the balancer probes it at weight 0 (api-notes §10), so wait
        until every poll for the monitor's up threshold found it healthy. A restart shorter than the down threshold
        never shows unhealthy, and the new process may still answer errors; without this the restore would give it
        traffic at once. Unmonitored members get theirs at once. A failure here has written nothing."""
        ids = [member['id'] for member in changing if targets[member['id']] and not member.get('weight') and
               member['health'] != _members.UNMONITORED]
        if not ids:
            return
        try:
            self.wait_own_health(scope, ids, result, selection=self.own, steady=True,
                                 seen=[member for member in changing if member['id'] in ids])
        except (InputError, ApiError) as err:
            for item in result['members']:
                item['weight'] = item['weight_before']
            result['changed'] = False
            raise TaskFailed('Did not give traffic back to %s (settle), nothing was written: %s' % (
                member_text([m for m in changing if m['id'] in ids]), err), result) from None
        self.settled.update(ids)

    def wait_serving(self, scope, mine, targets, result):
        """The member-health wait: healthy (or unmonitored) in every pool where it gets a weight above 0 (a
        weight kept at 0 is not meant to serve). A v2 member put back from 0 comes back from OFFLINE. Members that
        settle has just proven healthy are not waited for again."""
        ids = [member['id'] for member in mine if targets[member['id']] and member['id'] not in self.settled]
        if not ids:
            return
        self.wait_own_health(scope, ids, result, settling=[member['id'] for member in mine if not member.get('weight')],
                             selection=self.own)
