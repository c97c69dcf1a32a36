# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of member_traffic: take a backend out of new traffic (weight 0) and back, waiting for the drain
and for health.

Members are found with the member-health reader (``_members.py``: list calls, never one GET per member); the
weight writes go through the engine's ``Reconciler.write`` (409 while the balancer is PENDING retried) and
``wait_active``; the wait for health is ``_members.wait_for_health``, with its options and messages.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _members
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import FailedAfterWrite, Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import DEFAULT, FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, pool_loadbalancer_id
from ansible_collections.hwcloud.elb.plugins.module_utils._module import ElbModule

DRAINED, SERVING = 'drained', 'serving'
NEW_MEMBER_WEIGHT = 1  # what the service gives a member created without a weight
MAX_WEIGHT = 100
# Where a pool's members are written (PUT .../{member_id} {"member": {"weight": N}}).
MEMBER_PATHS = {'v3': '/v3/{project_id}/elb/pools/{pool_id}/members',
                'v2': '/v2.0/lbaas/pools/{pool_id}/members'}
VIEW_KEYS = ('id', 'name', 'address', 'protocol_port', 'pool_id', 'pool_name', 'loadbalancer_id', 'weight')
CLASSIC_REFUSAL = ('api_version v1: classic load balancers cannot drain a backend - their members have no weight, '
                   'and a classic backend leaves rotation only by being removed from the listener. Use a dedicated '
                   '(v3) or shared (v2) load balancer, or remove and re-add the member yourself.')


def argument_spec():
    return dict(
        api_version=dict(type='str', choices=sorted(FAMILIES), default=DEFAULT),
        loadbalancer=dict(type='str', aliases=['loadbalancer_id']),
        pool=dict(type='str', aliases=['pool_id']),
        address=dict(type='str'),
        protocol_port=dict(type='int'),
        instance_id=dict(type='str'),
        member=dict(type='str', aliases=['member_id']),
        state=dict(type='str', choices=[DRAINED, SERVING], required=True),
        weight=dict(type='int'),
        weights=dict(type='dict'),
        min_healthy=dict(type='str'),
        wait=dict(type='bool', default=True),
        drain_timeout=dict(type='int'),
        wait_timeout=dict(type='int', default=300),
        fail_fast=dict(type='bool', default=True),
    )


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
    drained_only = [name for name in ('min_healthy', 'drain_timeout') if params.get(name) is not None]
    if drained_only and params['state'] != DRAINED:
        problems.append('%s applies only with state: drained.' % ' and '.join(drained_only))
    try:
        _members.parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    for key, value in sorted((params.get('weights') or {}).items()):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WEIGHT:
            problems.append('weights[%s] is %r; a weight to restore must be a whole number from 1 to %d.' % (
                key, value, MAX_WEIGHT))
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


class MemberTraffic:
    """One task: read the member in each of its pools, write the weights that differ, wait."""

    def __init__(self, family, client, params, check_mode=False, diff_mode=False, warn=None):
        self.family = family
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.writer = Reconciler(family, client, dict(wait=params['wait'], wait_timeout=params['wait_timeout']))
        self.writer.written = 'The member weight'

    def run(self):
        scope = _members.resolve(self.client, self.family, selection(self.params))
        members = scope.read(self.client)
        if not members:
            raise InputError('No member matches %s: nothing to %s.' % (
                _members._selection_text(dict(selection(self.params))),  # pylint: disable=protected-access
                'drain' if self.params['state'] == DRAINED else 'restore'))
        targets = dict((member['id'], self.target_weight(member)) for member in members)
        changing = [member for member in members if member.get('weight') != targets[member['id']]]
        if self.params['state'] == DRAINED and changing and self.params.get('min_healthy') is not None:
            self.refuse_last_healthy(scope, members, changing)
        before = [view(member) for member in members]
        after = [dict(view(member), weight=targets[member['id']]) for member in members]
        shown = [dict(item, weight_before=old['weight']) for item, old in zip(after, before)]
        result = dict(changed=bool(changing), members=shown)
        if self.diff_mode:
            result['diff'] = dict(before=dict(members=before), after=dict(members=after))
        if self.check_mode:
            return result
        if changing:
            self.write(scope, changing, targets, result)
        if not self.params['wait']:
            return result
        try:
            if self.params['state'] == SERVING:
                self.wait_serving(result)  # also when nothing was written: "serving" means healthy
            elif changing:
                self.wait_drained(scope, changing)
        except (InputError, ApiError) as err:
            if not changing:
                raise
            raise FailedAfterWrite('The member weight was written, but %s' % err, result)
        return result

    def write(self, scope, changing, targets, result):
        """One PUT per member whose weight differs, then one wait for ACTIVE per balancer written to."""
        balancers = {}
        for member in changing:
            pool = scope.parents[member['pool_id']]
            pool_members = MEMBER_PATHS[self.family.name].format(pool_id=member['pool_id'], project_id='{project_id}')
            path = '%s/%s' % (pool_members, member['id'])
            self.writer.write('PUT', path, {'member': {'weight': targets[member['id']]}}, pool)
            balancers.setdefault(pool_loadbalancer_id(pool), pool)
        for pool in balancers.values():
            self.writer.wait_active(pool, result)

    def target_weight(self, member):
        params = self.params
        if params['state'] == DRAINED:
            return 0
        weights = params.get('weights') or {}
        for key in (member['id'], member.get('pool_id'), member.get('pool_name')):
            if key in weights:
                return weights[key]
        if params.get('weight') is not None:
            return params['weight']
        if member.get('weight'):
            return member['weight']  # serving already: keep its weight
        self.warn('%s in pool %s has weight 0 and no weight to restore was given (weight or weights); it gets %d, '
                  'the weight of a new member.' % (self.member_text([member]), member.get('pool_name') or
                                                   member.get('pool_id'), NEW_MEMBER_WEIGHT))
        return NEW_MEMBER_WEIGHT

    def refuse_last_healthy(self, scope, members, changing):
        """Draining must leave at least min_healthy serving, healthy members in each pool (one list call for them
        all, not one per member)."""
        minimum = _members.parse_min_healthy(self.params['min_healthy'])
        pool_ids = sorted(set(member['pool_id'] for member in changing))
        mine = set(member['id'] for member in members)
        everyone = dict(scope.params, address=None, instance_id=None, member=None, protocol_port=None)
        if not scope.pool_given and len(pool_ids) == 1:
            everyone['pool'] = pool_ids[0]
        others, _summary = _members.read_health(self.client, self.family, everyone)
        short = []
        for pool_id in pool_ids:
            rest = [m for m in others if m['pool_id'] == pool_id and m['id'] not in mine]
            serving = [m for m in rest if m.get('weight') and m['health'] in (_members.HEALTHY, _members.UNMONITORED)]
            want = _members.needed(minimum, len(rest))
            if len(serving) < want:
                name = scope.parents[pool_id].get('name') or pool_id
                short.append('pool %s has %d other member(s) serving and healthy, %d needed (min_healthy %s)' % (
                    name, len(serving), want, self.params['min_healthy']))
        if short:
            raise InputError('Refusing to drain %s: %s. Nothing was written.' % (
                self.member_text(changing), '; '.join(short)))

    @staticmethod
    def member_text(members):
        return ', '.join(sorted(set('%s:%s' % (m.get('address'), m.get('protocol_port')) for m in members)))

    def wait_drained(self, scope, changing):
        """New connections stopped at weight 0; old ones may last the pool's connection-drain time (or
        drain_timeout). The wait is a poll that never succeeds, so it ends at that deadline (the shared backoff)."""
        seconds = self.params.get('drain_timeout')
        if seconds is None:
            seconds = 0
            for member in changing:
                drain = scope.parents[member['pool_id']].get('connection_drain') or {}
                if drain.get('enable'):
                    seconds = max(seconds, drain.get('timeout') or 0)
        if seconds:
            self.client.backoff(deadline=seconds, base=1.0, cap=5.0).poll(lambda: None)

    def wait_serving(self, result):
        """The member-health wait: healthy in every pool that holds it."""
        members, _summary = _members.wait_for_health(
            self.client, self.family, selection(self.params), wait_for=_members.HEALTHY,
            wait_timeout=self.params['wait_timeout'], fail_fast=self.params['fail_fast'])
        health = dict((member['id'], member) for member in members)
        for item in result['members']:
            found = health.get(item['id']) or {}
            item['health'], item['reason'] = found.get('health'), found.get('reason')


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
