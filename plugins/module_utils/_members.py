# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend members and their health, read and waited for the same way in every family.

Each family declares how its members are read (``Family.members``: one of the readers below, with its
paths); everything else is shared: the selection options and their checks, the normalised record
(``health``: healthy | unhealthy | checking | unmonitored | unknown, the raw ``status``, the ``reason``),
the summary, and the wait (``wait_for_health``), which polls with one list call per balancer (v1: per
listener) and never one per member. Used by member_health_info, member_health_facts and the inventory plugin.
"""

from __future__ import annotations

import math
import re

from ansible_collections.hwcloud.elb.plugins.module_utils._family import (
    HEX32, UUID, InputError, Lookup, ParentNotFound, pool_loadbalancer_id)

HEALTHY, UNHEALTHY, CHECKING, UNMONITORED, UNKNOWN = 'healthy', 'unhealthy', 'checking', 'unmonitored', 'unknown'
STATES = (HEALTHY, UNHEALTHY, CHECKING, UNMONITORED, UNKNOWN)
WAIT_STATES = (HEALTHY, UNHEALTHY, 'decided')  # decided: no member checking any more (wait_until_decided)
# What a wait for healthy (and min_healthy) accepts: NO_MONITOR members get traffic from the balancer (api-notes §10).
SERVING_HEALTH = (HEALTHY, UNMONITORED)
PAGE_SIZE = 2000  # the largest page the v3 member list serves
DEFAULT_DELAY, DEFAULT_DOWN, DEFAULT_UP = 5, 3, 3  # when a parent has no monitor: the service's usual values
MIN_HEALTHY = re.compile(r'(\d{1,9})(%?)')

# v3 and v2 operating_status (member lists and status trees); DISABLED is a member switched off in a tree.
POOL_HEALTH = {'ONLINE': HEALTHY, 'OFFLINE': UNHEALTHY, 'INITIAL': CHECKING, 'NO_MONITOR': UNMONITORED,
               'DISABLED': UNMONITORED, 'UNKNOWN': UNKNOWN}
# Classic health_status: UNAVAILABLE covers "not checked yet" and "cannot be checked" alike, so it is unknown,
# except on a listener without a health check, where it is unmonitored.
CLASSIC_HEALTH = {'NORMAL': HEALTHY, 'ABNORMAL': UNHEALTHY, 'UNAVAILABLE': UNKNOWN}

# The options that select members, in every family that has them (argument spec: member_argument_spec).
SELECTION_OPTIONS = ('loadbalancer', 'pool', 'listener', 'address', 'instance_id', 'member')


def _items(data, key):
    return (data.get(key) or []) if isinstance(data, dict) else (data or [])


def reason_of(raw):
    """A v3 reason ``{reason_code, expected_response, healthcheck_response}`` as ``{code, expected, received}``."""
    if not isinstance(raw, dict) or not raw.get('reason_code'):
        return None
    return dict(code=raw.get('reason_code'), expected=raw.get('expected_response') or None,
                received=raw.get('healthcheck_response') or None)


def summary_of(members):
    summary = dict((state, 0) for state in STATES)
    for member in members:
        summary[member['health']] += 1
    summary['total'] = len(members)
    return summary


def describe(member):
    """``127.0.0.1:8080 in pool web: RESPONSE_MISMATCH, expected 200-204, got 500`` (or the state and status)."""
    where = member.get('pool_name') or member.get('pool_id')
    kind = 'pool'
    if where is None:
        where, kind = member.get('listener_name') or member.get('listener_id'), 'listener'
    head = '%s:%s in %s %s' % (member.get('address'), member.get('protocol_port'), kind, where)
    reason = member.get('reason')
    if reason:
        text = reason['code']
        if reason.get('expected') or reason.get('received'):
            text += ', expected %s, got %s' % (reason.get('expected') or '?', reason.get('received') or '?')
        return '%s: %s' % (head, text)
    return '%s: %s (%s)' % (head, member['health'], member.get('status'))


# -- selection ----------------------------------------------------------------------------------------


def parse_min_healthy(value):
    """``None`` (all), ``(count, False)`` or ``(percent, True)``; InputError for anything else."""
    if value is None:
        return None
    text = str(value).strip()
    found = MIN_HEALTHY.fullmatch(text)
    if not found:
        raise InputError('min_healthy is %r; give a number of members (for example 2) or a percentage of the '
                         'selected members (for example "50%%").' % (value,))
    number, percent = int(found.group(1)), bool(found.group(2))
    if percent and number > 100:
        raise InputError('min_healthy is %r; a percentage must be from 0%% to 100%%.' % (value,))
    return number, percent


def needed(min_healthy, total):
    """How many of ``total`` members must be healthy."""
    if min_healthy is None:
        return total
    number, percent = min_healthy
    return int(math.ceil(total * number / 100.0)) if percent else number


def selection_problems(family, params):
    """What is wrong with the selection options for this family, before any call (a list of sentences)."""
    reader = family.members
    problems = []
    given = [name for name in SELECTION_OPTIONS if params.get(name) not in (None, [], '')]
    if params.get('pool') and params.get('listener'):
        problems.append('pool and listener are mutually exclusive: %s members belong to a %s, give only %s.' % (
            family.name, reader.parent_option, reader.parent_option))
    wrong = [name for name in given if name not in reader.options and not (
        name in ('pool', 'listener') and params.get('pool') and params.get('listener'))]
    if wrong:
        problems.append('%s cannot select %s members; with api_version %s use %s.' % (
            ', '.join(wrong), family.name, family.name, ', '.join(reader.options)))
    wait_for = params.get('wait_for')
    try:
        min_healthy = parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    else:
        if min_healthy is not None and wait_for != HEALTHY:
            problems.append('min_healthy is %r; it applies only with wait_for: healthy.' % (params['min_healthy'],))
    return problems


# -- reading --------------------------------------------------------------------------------------------


def selected(member, params):
    """Whether ``member`` matches the address, instance_id, member and protocol_port of ``params``."""
    if params.get('address') and member.get('address') not in params['address']:
        return False
    if params.get('instance_id') and member.get('instance_id') not in params['instance_id']:
        return False
    if params.get('member') and params['member'] not in (member.get('id'), member.get('name')):
        return False
    if params.get('protocol_port') and member.get('protocol_port') != params['protocol_port']:
        return False  # member_traffic: one of several members on the same address
    if params.get('ids') is not None and member.get('id') not in params['ids']:
        return False  # member_traffic: only the members it waits for
    return True


class Scope:
    """The members a task selected, resolved once (balancers, parents, names) and then read on each poll."""

    def __init__(self, reader, family, params):
        self.reader = reader
        self.family = family
        self.params = params
        self.parents = {}       # parent id -> its record (pool or listener), for names and monitors
        self.thresholds = None  # parent id -> (delay, down threshold, up threshold), read on the first wait

    def read(self, client):
        """Every selected member, normalised, sorted by parent, address, port and id."""
        members = [dict(member, api_version=self.family.name) for member in self.reader.read(client, self)]
        members = [member for member in members if self._selected(member)]
        return sorted(members, key=lambda m: (m.get('pool_name') or m.get('listener_name') or '',
                                              m.get('pool_id') or m.get('listener_id') or '',
                                              m.get('address') or '', m.get('protocol_port') or 0, m.get('id') or ''))

    def _selected(self, member):
        """Filters the service did not apply (a family whose read call takes none of them)."""
        return selected(member, self.params)

    def monitor_timing(self, client):
        if self.thresholds is None:
            self.thresholds = self.reader.thresholds(client, self)
        return self.thresholds


class PoolMembers:
    """The common part of v3 and v2: members belong to pools, found by id or name, in balancers."""

    parent_option = 'pool'

    def __init__(self, loadbalancers, pools, monitors, monitors_key, one_value_filters):
        self.loadbalancers = Lookup(kind='load balancer', option='loadbalancer', path=loadbalancers,
                                    wrapper='loadbalancer', list_key='loadbalancers', id_pattern=UUID)
        self.pools = Lookup(kind='pool', option='pool', path=pools, wrapper='pool', list_key='pools', id_pattern=UUID)
        self.monitors = monitors
        self.monitors_key = monitors_key
        self.one_value_filters = one_value_filters

    def resolve(self, client, family, params):
        """The scope: the balancer and pools named (an unknown one fails, naming it), else every pool."""
        scope = Scope(self, family, params)
        balancer = None
        if params.get('loadbalancer'):
            balancer = self.loadbalancers.find(client, params['loadbalancer'])['id']
        if params.get('pool') and params.get('unique_pool') and not balancer:
            pools = [self.pools.find(client, params['pool'])]  # a name two balancers share is refused (member_traffic)
        elif params.get('pool'):
            pools = self.pools.matching(client, params['pool'])
            if balancer:
                pools = [pool for pool in pools if pool_loadbalancer_id(pool) == balancer]
            if not pools:
                raise ParentNotFound('pool is %r; no %s pool has that id or name%s.' % (
                    params['pool'], family.name, ' in load balancer %s' % params['loadbalancer'] if balancer else ''))
        else:
            query = {'loadbalancer_id': balancer} if balancer else None
            pools = list(client.paginate(self.pools.path, 'pools', query=query, limit=PAGE_SIZE))
        scope.balancer = balancer
        scope.pool_given = bool(params.get('pool'))
        scope.parents = dict((pool['id'], pool) for pool in pools)
        return scope

    def thresholds(self, client, scope):
        """Each pool's monitor interval, down and up thresholds: one list call for all the monitors."""
        ids = [pool.get('healthmonitor_id') for pool in scope.parents.values() if pool.get('healthmonitor_id')]
        query = None if self.one_value_filters or not ids else {'id': ids}
        monitors = {}
        if ids:
            for monitor in client.paginate(self.monitors, self.monitors_key, query=query,
                                           limit=None if self.one_value_filters else PAGE_SIZE):
                monitors[monitor['id']] = monitor
        timing = {}
        for pool_id, pool in scope.parents.items():
            monitor = monitors.get(pool.get('healthmonitor_id') or '') or {}
            timing[pool_id] = (monitor.get('delay') or DEFAULT_DELAY, monitor.get('max_retries_down') or DEFAULT_DOWN,
                               monitor.get('max_retries') or DEFAULT_UP)
        return timing

    @staticmethod
    def record(raw, pool, loadbalancer_id, status, reason):
        return dict(id=raw.get('id'), name=raw.get('name'), address=raw.get('address'),
                    protocol_port=raw.get('protocol_port'), weight=raw.get('weight'),
                    admin_state_up=raw.get('admin_state_up'), pool_id=pool.get('id'), pool_name=pool.get('name'),
                    loadbalancer_id=loadbalancer_id, health=POOL_HEALTH.get(status, UNKNOWN), status=status,
                    reason=reason)


class ProjectMembers(PoolMembers):
    """v3: the project-wide member list, filtered by the service (pool_id, loadbalancer_id, address,
    instance_id; several values each): one call per 2,000 members, whatever the number of pools."""

    options = ('loadbalancer', 'pool', 'address', 'instance_id', 'member')

    def __init__(self, path, **kwargs):
        super().__init__(**kwargs)
        self.path = path

    def read(self, client, scope):
        params = scope.params
        query = {}
        if scope.pool_given:
            query['pool_id'] = sorted(scope.parents)
        if scope.balancer:
            query['loadbalancer_id'] = scope.balancer
        for name in ('address', 'instance_id'):
            if params.get(name):
                query[name] = params[name]
        if params.get('member'):
            query['id' if re.fullmatch(UUID, params['member']) else 'name'] = params['member']
        members = []
        for raw in client.paginate(self.path, 'members', query=query, limit=PAGE_SIZE):
            pool = scope.parents.get(raw.get('pool_id')) or {'id': raw.get('pool_id')}
            status, reason = self._health(raw)
            member = self.record(raw, pool, raw.get('loadbalancer_id') or pool_loadbalancer_id(pool), status, reason)
            member['instance_id'] = raw.get('instance_id') or None
            member['member_type'] = raw.get('member_type') or None  # instance | ip (the member module shows it)
            member['listeners'] = [dict(listener_id=item.get('listener_id'),
                                        health=POOL_HEALTH.get(item.get('operating_status'), UNKNOWN),
                                        status=item.get('operating_status'), reason=reason_of(item.get('reason')))
                                   for item in raw.get('status') or []]
            members.append(member)
        return members

    @staticmethod
    def _health(raw):
        """The member's status and reason; when ``status[]`` (one per listener) is set it is authoritative, and
        the worst listener's view counts (a member failing behind one listener is failing)."""
        per_listener = raw.get('status') or []
        if not per_listener:
            return raw.get('operating_status'), reason_of(raw.get('reason'))
        order = [UNHEALTHY, UNKNOWN, CHECKING, UNMONITORED, HEALTHY]
        worst = min(per_listener, key=lambda item: order.index(POOL_HEALTH.get(item.get('operating_status'), UNKNOWN)))
        return worst.get('operating_status'), reason_of(worst.get('reason')) or reason_of(raw.get('reason'))


class TreeMembers(PoolMembers):
    """v2: health from each balancer's status tree (one call per balancer and poll); names and weights from the
    pools' member lists, read once (the tree has neither)."""

    options = ('loadbalancer', 'pool', 'address', 'member')

    def __init__(self, pool_members, **kwargs):
        super().__init__(**kwargs)
        self.pool_members = pool_members  # path with {pool_id}

    def resolve(self, client, family, params):
        scope = super().resolve(client, family, params)
        balancers = set(filter(None, (pool_loadbalancer_id(pool) for pool in scope.parents.values())))
        if scope.balancer:
            balancers = {scope.balancer}
        scope.balancers = sorted(balancers)
        scope.details = {}
        for pool_id in sorted(scope.parents):
            for raw in client.paginate(self.pool_members.format(pool_id=pool_id, project_id='{project_id}'),
                                       'members', limit=PAGE_SIZE):
                scope.details[raw.get('id')] = raw
        return scope

    def read(self, client, scope):
        members = []
        for balancer in scope.balancers:
            tree = (client.get('%s/%s/statuses' % (self.loadbalancers.path, balancer)) or {}).get('statuses') or {}
            for node in (tree.get('loadbalancer') or {}).get('pools') or []:
                pool = scope.parents.get(node.get('id'))
                if pool is None:
                    continue  # a pool not selected (or created since)
                for item in node.get('members') or []:
                    raw = dict(scope.details.get(item.get('id')) or {}, **item)
                    members.append(self.record(raw, pool, balancer, item.get('operating_status'), None))
        return members


class ListenerMembers:
    """v1 (classic): members belong to listeners; one member list call per listener and poll."""

    parent_option = 'listener'
    options = ('loadbalancer', 'listener', 'address', 'instance_id', 'member')

    def __init__(self, loadbalancers, listeners, members, healthchecks):
        self.loadbalancers = Lookup(kind='load balancer', option='loadbalancer', path=loadbalancers, wrapper=None,
                                    list_key='loadbalancers', id_pattern=HEX32)
        self.listeners = listeners
        self.members = members          # path with {listener_id}
        self.healthchecks = healthchecks

    def resolve(self, client, family, params):
        scope = Scope(self, family, params)
        if params.get('listener'):
            listeners = [family.parent.find_for(client, params)]
        else:
            query = {}
            if params.get('loadbalancer'):
                query['loadbalancer_id'] = self.loadbalancers.find(client, params['loadbalancer'])['id']
            listeners = client.get(self.listeners, query) or []
        scope.parents = dict((listener['id'], listener) for listener in listeners)
        return scope

    def thresholds(self, client, scope):
        timing = {}
        for listener_id, listener in scope.parents.items():
            check = {}
            if listener.get('healthcheck_id'):
                check = client.get('%s/%s' % (self.healthchecks, listener['healthcheck_id'])) or {}
            timing[listener_id] = (check.get('healthcheck_interval') or DEFAULT_DELAY,
                                   check.get('unhealthy_threshold') or DEFAULT_DOWN,
                                   check.get('healthy_threshold') or DEFAULT_UP)
        return timing

    def read(self, client, scope):
        members = []
        for listener_id in sorted(scope.parents):
            listener = scope.parents[listener_id]
            path = self.members.format(listener_id=listener_id, project_id='{project_id}')
            for raw in _items(client.get(path), 'members'):
                status = raw.get('health_status')
                health = CLASSIC_HEALTH.get(status, UNKNOWN)
                if not listener.get('healthcheck_id') and health == UNKNOWN:
                    health = UNMONITORED
                members.append(dict(id=raw.get('id'), name=raw.get('server_name'), address=raw.get('address'),
                                    protocol_port=listener.get('backend_port'), weight=None,
                                    instance_id=raw.get('server_id'), listener_id=listener_id,
                                    listener_name=listener.get('name'),
                                    loadbalancer_id=listener.get('loadbalancer_id'), health=health, status=status,
                                    reason=None))
        return members


# -- the entry points ---------------------------------------------------------------------------------------


def check_selection(family, params):
    """InputError naming every problem of the selection options, before any call."""
    if family.members is None:
        raise InputError('api_version %s has no backend members to read.' % family.name)
    problems = selection_problems(family, params)
    if problems:
        raise InputError(' '.join(problems))


def resolve(client, family, selection):
    """The members ``selection`` names (the options of SELECTION_OPTIONS), resolved once: a Scope to read."""
    params = dict((name, selection.get(name)) for name in SELECTION_OPTIONS)
    params.update((name, selection.get(name)) for name in ('wait_for', 'min_healthy', 'protocol_port', 'unique_pool'))
    check_selection(family, params)
    return family.members.resolve(client, family, params)


def read_health(client, family, selection):
    """The selected members with their health: ``(members, summary)``. An unknown balancer, pool or listener
    fails (InputError); a selection matching no member gives an empty list."""
    members = resolve(client, family, selection).read(client)
    return members, summary_of(members)


class WaitFailed(InputError):
    """A wait that ended without what it waited for: the message, and the members and summary as last read."""

    def __init__(self, message, members):
        super().__init__(message)
        self.members = members
        self.summary = summary_of(members)


def wait_for_health(client, family, selection, wait_for=HEALTHY, min_healthy=None, wait_timeout=300,
                    fail_fast=True, scope=None, settling=(), steady=False, seen=None):
    """Poll the selected members until ``wait_for`` holds; return ``(members, summary)`` as last read.

    ``wait_for`` healthy: at least ``min_healthy`` members (a count, or "N%" of the selected ones; default all)
    are healthy or unmonitored (no monitor: the balancer sends them traffic). unhealthy: every selected member is
    unhealthy. Each poll is one list call per balancer (v1: per listener); the pause starts at 1 s and, once the
    monitors are read (the first time a member is unhealthy: one list call), follows their interval (``delay``)
    through the shared backoff. With ``fail_fast`` (healthy only), a member that stays unhealthy for its monitor's
    down threshold (``delay`` x ``max_retries_down``; twice that for the member ids in ``settling``, members just
    put back from weight 0 that v2 shows OFFLINE until checked again) ends the wait as soon as the others can no
    longer make up ``min_healthy``. ``scope``: an already resolved Scope (no second lookup of the selection).
    ``steady`` (member_traffic's settle): a healthy member counts only once every poll for its monitor's up threshold
    (``delay`` x ``max_retries``) has found it healthy - any other verdict starts its window again - so a backend
    restarted faster than the down threshold is proven up, not just never marked down. Unmonitored members count
    at once. The monitors are then read on the first poll, and the polls follow their interval from the start.
    ``seen``: the selected members as the caller has just read them, taken as the first poll (one list call fewer).
    Raises WaitFailed (an InputError with the members) naming each member that is not as wanted, with its reason.
    """
    if wait_for not in WAIT_STATES:
        raise InputError('wait_for is %r; it must be one of %s.' % (wait_for, ', '.join(WAIT_STATES)))
    if wait_for == 'decided':
        return wait_until_decided(client, family, selection, wait_timeout)
    if wait_timeout is None or wait_timeout < 0:
        raise InputError('wait_timeout is %r; it must be a number of seconds, 0 or more.' % (wait_timeout,))
    if scope is None:
        scope = resolve(client, family, dict(selection, wait_for=wait_for, min_healthy=min_healthy))
    minimum = parse_min_healthy(min_healthy)
    backoff = client.backoff(deadline=wait_timeout, base=1.0, cap=float(DEFAULT_DELAY))
    first_unhealthy = {}  # member id -> when it was first seen unhealthy (reset when it is not)
    healthy_since = {}  # steady: member id -> when it was first seen healthy (reset when it is not)
    outcome = {'seen': seen}

    def probe():
        members = outcome.pop('seen', None) or scope.read(client)
        outcome['members'] = members
        if not members:
            raise WaitFailed('No member matches the selection (%s): there is nothing to wait for.' % _selection_text(
                scope.params), members)
        if wait_for == UNHEALTHY:
            return True if all(member['health'] == UNHEALTHY for member in members) else None
        want = needed(minimum, len(members))
        if want > len(members):
            raise WaitFailed('min_healthy is %r, but only %d member(s) match the selection.' % (
                min_healthy, len(members)), members)
        now = client.clock()
        serving = [member for member in members if member['health'] in SERVING_HEALTH]
        if steady:
            for member in members:
                if member['health'] != HEALTHY:
                    healthy_since.pop(member['id'], None)  # unhealthy or checking: the window starts again
            serving = [member for member in serving if steady_for(member, now)]
        if len(serving) >= want:
            return True
        stuck = []
        for member in members:
            if member['health'] != UNHEALTHY:
                first_unhealthy.pop(member['id'], None)
                continue
            since = first_unhealthy.setdefault(member['id'], now)
            delay, down, _up = timing_of(member)
            if now - since >= delay * down * (2 if member['id'] in settling else 1):
                stuck.append(member)
        if fail_fast and stuck and len(members) - len(stuck) < want:
            raise WaitFailed('Gave up waiting for %d of %d member(s) to be healthy: %d stayed unhealthy for their '
                             "monitor's down threshold: %s." % (want, len(members), len(stuck),
                                                                '; '.join(describe(m) for m in stuck)), members)
        return None

    def timing_of(member):
        timing = scope.monitor_timing(client)  # read once, when first needed
        # Poll at most every monitor interval (the shortest of the parents').
        backoff.cap = float(min([delay for delay, _down, _up in timing.values()] or [DEFAULT_DELAY]))
        return timing.get(member.get('pool_id') or member.get('listener_id'), (DEFAULT_DELAY, DEFAULT_DOWN, DEFAULT_UP))

    def steady_for(member, now):
        """Whether a serving member has been seen healthy for its monitor's whole up threshold."""
        if member['health'] == UNMONITORED:
            return True
        delay, _down, up = timing_of(member)
        return now - healthy_since.setdefault(member['id'], now) >= delay * up

    if backoff.poll(probe) is None:
        members = outcome.get('members') or []
        if wait_for == HEALTHY:
            wrong = [member for member in members if member['health'] not in SERVING_HEALTH]
            goal = '%d of %d member(s) to be healthy (%d are)' % (needed(minimum, len(members)), len(members),
                                                                  len(members) - len(wrong))
            if steady:
                goal += " for their monitor's up threshold (delay x max_retries) without a break"
                wrong = wrong or members
        else:
            wrong = [member for member in members if member['health'] != UNHEALTHY]
            goal = 'all %d member(s) to be unhealthy' % len(members)
        raise WaitFailed('Timed out after %s s waiting for %s: %s.' % (
            wait_timeout, goal, '; '.join(describe(m) for m in wrong)), members)
    members = outcome['members']
    return members, summary_of(members)


def _selection_text(params):
    return ', '.join('%s %s' % (name, params[name]) for name in SELECTION_OPTIONS if params.get(name)) or 'all members'


def wait_until_decided(client, family, selection, wait_timeout=300):
    """Poll until the health check has decided on every selected member (none is ``checking``): the state to read
    before judging a pool, for example right after members were added. Returns ``(members, summary)``."""
    scope = resolve(client, family, selection)
    backoff = client.backoff(deadline=wait_timeout, base=1.0, cap=float(DEFAULT_DELAY))
    outcome = {}

    def probe():
        outcome['members'] = scope.read(client)
        return None if any(member['health'] == CHECKING for member in outcome['members']) else True

    if backoff.poll(probe) is None:
        checking = [member for member in outcome.get('members') or [] if member['health'] == CHECKING]
        raise WaitFailed('Timed out after %s s waiting for the health check to decide on %d member(s): %s.' % (
            wait_timeout, len(checking), '; '.join(describe(member) for member in checking)), outcome.get('members') or [])
    return outcome['members'], summary_of(outcome['members'])
