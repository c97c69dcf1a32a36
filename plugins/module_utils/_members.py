# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend members and their health, read the same way in every family.

Each family declares how its members are read (``Family.members``: one of the readers below, with its
paths); what they share is here too: the normalised record (``health``: one of HEALTH_STATES, the raw
``status``, the ``reason``), the summary and the one-line description, and the ``Scope`` a reader resolves and
reads on each poll. The selection options and their checks are ``_member_selection.py``; the wait is
``_member_wait.py``.
"""

from __future__ import annotations

import re

from ansible_collections.hwcloud.elb.plugins.module_utils._client import PAGE_SIZE
from ansible_collections.hwcloud.elb.plugins.module_utils._family import HEX32, UUID, ParentNotFound, pool_loadbalancer_id
from ansible_collections.hwcloud.elb.plugins.module_utils._lookup import Lookup

HEALTHY, UNHEALTHY, CHECKING, UNMONITORED, UNKNOWN = 'healthy', 'unhealthy', 'checking', 'unmonitored', 'unknown'
HEALTH_STATES = (HEALTHY, UNHEALTHY, CHECKING, UNMONITORED, UNKNOWN)  # a member's health (the summary's keys)
# What a wait for healthy (and min_healthy) accepts: NO_MONITOR members get traffic from the balancer (api-notes §10).
SERVING_HEALTH = (HEALTHY, UNMONITORED)
DEFAULT_DELAY, DEFAULT_DOWN, DEFAULT_UP = 5, 3, 3  # when a parent has no monitor: the service's usual values

# v3 and v2 operating_status (member lists and status trees); DISABLED is a member switched off in a tree.
POOL_HEALTH = {'ONLINE': HEALTHY, 'OFFLINE': UNHEALTHY, 'INITIAL': CHECKING, 'NO_MONITOR': UNMONITORED,
               'DISABLED': UNMONITORED, 'UNKNOWN': UNKNOWN}
# Classic health_status: UNAVAILABLE covers "not checked yet" and "cannot be checked" alike, so it is unknown,
# except on a listener without a health check, where it is unmonitored.
CLASSIC_HEALTH = {'NORMAL': HEALTHY, 'ABNORMAL': UNHEALTHY, 'UNAVAILABLE': UNKNOWN}


def _items(data, key):
    return (data.get(key) or []) if isinstance(data, dict) else (data or [])


def reason_of(raw):
    """A v3 reason ``{reason_code, expected_response, healthcheck_response}`` as ``{code, expected, received}``."""
    if not isinstance(raw, dict) or not raw.get('reason_code'):
        return None
    return dict(code=raw.get('reason_code'), expected=raw.get('expected_response') or None,
                received=raw.get('healthcheck_response') or None)


def summary_of(members):
    summary = dict((state, 0) for state in HEALTH_STATES)
    for member in members:
        summary[member['health']] += 1
    summary['total'] = len(members)
    return summary


def endpoint(member):
    """``127.0.0.1:8080``: a member's address and port."""
    return '%s:%s' % (member.get('address'), member.get('protocol_port'))


def describe(member):
    """``127.0.0.1:8080 in pool web: RESPONSE_MISMATCH, expected 200-204, got 500`` (or the state and status)."""
    where = member.get('pool_name') or member.get('pool_id')
    kind = 'pool'
    if where is None:
        where, kind = member.get('listener_name') or member.get('listener_id'), 'listener'
    head = '%s in %s %s' % (endpoint(member), kind, where)
    reason = member.get('reason')
    if reason:
        text = reason['code']
        if reason.get('expected') or reason.get('received'):
            text += ', expected %s, got %s' % (reason.get('expected') or '?', reason.get('received') or '?')
        return '%s: %s' % (head, text)
    return '%s: %s (%s)' % (head, member['health'], member.get('status'))


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
        self.balancer = None    # the balancer id the task named (pool families), else None
        self.pool_given = False  # whether the task named pools (v3: the member list is filtered by them)
        self.balancers = []     # v2: the balancers whose status trees are read on each poll
        self.details = {}       # v2: member id -> its record in its pool's member list (names, weights)

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
