# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of the member module: register (create or update), deregister (drain, then delete), disable and
enable backend members of a v3 or v2 pool - one, or several at once (``members``: the v3 batch endpoints, a
handful of calls whatever their number).

Reused, not repeated: the pool and its members are read with the member-health reader (``_members.resolve``,
one list call for the whole pool, health included); ``min_healthy`` is member_traffic's ``shortfalls``; the drain
wait and the health wait are member_traffic's ``drain_seconds`` / ``wait_for_drain`` / ``wait_healthy``; every
write goes through the engine's ``BalancerWrites`` (409 while the balancer is PENDING retried, the wait for
ACTIVE). A create whose answer was lost (or a 409 "already exists") is looked for before it is sent again.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.hwcloud.elb.plugins.module_utils import _members, _subnets
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import POLL_BASE, POLL_CAP, BalancerWrites, FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentNotFound
from ansible_collections.hwcloud.elb.plugins.module_utils._member_traffic import (
    MAX_WEIGHT, MEMBER_PATHS, MemberTraffic, drain_seconds, endpoint, location_spec, member_text, shortfall_text,
    shortfalls, wait_for_drain, wait_healthy)
from ansible_collections.hwcloud.elb.plugins.module_utils._instance_members import (
    IDENTITY_KEYS, identity_fields, instance_problems, plan_members)
from ansible_collections.hwcloud.elb.plugins.module_utils._module import BOUNDS, ElbModule

PRESENT, ABSENT, ENABLED, DISABLED = 'present', 'absent', 'enabled', 'disabled'
STATES = (PRESENT, ABSENT, ENABLED, DISABLED)
HEALTHY, NO_WAIT = 'healthy', 'none'
# The member fields a task may set (compared, updated); subnet is used on create only.
FIELDS = ('name', 'weight', 'admin_state_up')
SUBNET_FIELD = {'v3': 'subnet_cidr_id', 'v2': 'subnet_id'}
MAX_NAME, MAX_SUBNET = 255, 36  # the API's lengths of a member name and a subnet id
BATCH_SIZE = 200  # members per batch call (★ the emulator's limit; the API reference does not state one)
VIEW_KEYS = ('id', 'name', 'address', 'protocol_port', 'pool_id', 'pool_name', 'loadbalancer_id', 'weight',
             'admin_state_up') + IDENTITY_KEYS
# Classic (v1): a listener's backend ECSs, added and removed through jobs (api-notes §9, ★ unverified).
CLASSIC_JOBS = '/v1.0/{project_id}/jobs/%s'
JOB_SUCCESS, JOB_FAILED = 'SUCCESS', ('FAIL', 'FAILED', 'ERROR')  # ★ the failed statuses' spelling
MAX_SERVER_ID = 64  # ★ the emulator's limit
CLASSIC_VIEW_KEYS = ('id', 'address', 'protocol_port', 'server_id', 'listener_id', 'listener_name', 'loadbalancer_id')
# What v3/v2 members have and classic backends do not (the port is the listener's backend_port).
NOT_CLASSIC = ('pool', 'protocol_port', 'name', 'weight', 'admin_state_up', 'subnet', 'members', 'drain_timeout',
               'instance_id')
# A member's weight may be 0 here (registered, no traffic); member_traffic's restore weight starts at 1.
MEMBER_BOUNDS = dict(BOUNDS, weight=(0, MAX_WEIGHT))

MEMBER_OPTIONS = dict(
    address=dict(type='str', required=True),
    protocol_port=dict(type='int', required=True),
    name=dict(type='str'),
    weight=dict(type='int'),
    admin_state_up=dict(type='bool'),
    subnet=dict(type='str'),
)


class TaskFailed(FailedAfterWrite):
    """A failure that still returns ``members`` (as the service holds them) and ``changed``."""


def argument_spec():
    return dict(
        location_spec(),
        name=dict(type='str'),
        weight=dict(type='int'),
        admin_state_up=dict(type='bool'),
        subnet=dict(type='str', aliases=['subnet_cidr_id', 'subnet_id']),
        listener=dict(type='str', aliases=['listener_id']),
        server_id=dict(type='str'),
        instance_id=dict(type='str'),
        members=dict(type='list', elements='dict', options=MEMBER_OPTIONS),
        state=dict(type='str', choices=list(STATES), default=PRESENT),
        wait=dict(type='bool', default=True),
        wait_for=dict(type='str', choices=[HEALTHY, NO_WAIT], default=HEALTHY),
        min_healthy=dict(type='str'),
        drain_timeout=dict(type='int'),
        wait_timeout=dict(type='int', default=300),
        fail_fast=dict(type='bool', default=True),
    )


def address_key(address):
    """An address compared as an IP (``::1`` and ``0:0::1`` are one), else as given."""
    try:
        return str(ipaddress.ip_address(str(address).strip()))
    except ValueError:
        return address


def identity(item):
    return address_key(item.get('address')), item.get('protocol_port')


def wanted_members(params):
    """The members the task names, each a dict of address, protocol_port and the fields given (the task-level
    weight, admin_state_up and subnet are defaults of the ``members`` items)."""
    defaults = dict((name, params.get(name)) for name in ('weight', 'admin_state_up', 'subnet'))
    if params.get('members') is None:
        items = [dict(address=params.get('address'), protocol_port=params.get('protocol_port'),
                      name=params.get('name'), instance_id=params.get('instance_id'))]
    else:
        items = params['members']
    wanted = []
    for item in items:
        one = dict(item)
        for name, value in defaults.items():
            if one.get(name) is None:
                one[name] = value
        if params['state'] in (ENABLED, DISABLED):
            one['admin_state_up'] = params['state'] == ENABLED
        wanted.append(one)
    return wanted


def input_problems(family, params):
    """Everything wrong with the options, before any call (a list of sentences)."""
    if family.name not in MEMBER_PATHS:
        return classic_problems(params)
    problems = []
    state = params['state']
    classic_only = [name for name in ('listener', 'server_id') if params.get(name) is not None]
    if classic_only:
        problems.append('%s applies only with api_version v1 (classic); api_version %s members belong to a pool.' % (
            ' and '.join(classic_only), family.name))
    if not params.get('pool'):
        problems.append('pool is required: the pool (name or id) the member belongs to.')
    listed = params.get('members') is not None
    single = [name for name in ('address', 'protocol_port', 'name') if params.get(name) is not None]
    if listed and single:
        problems.append('%s and members are mutually exclusive: give each member in members.' % ', '.join(single))
    elif listed and not params['members']:
        problems.append('members is an empty list; name at least one member (address and protocol_port).')
    elif not listed and not params.get('instance_id') and not (params.get('address') and params.get('protocol_port') is not None):
        problems.append('Name the member: address and protocol_port (or a members list).')
    settable = ('name', 'weight', 'admin_state_up', 'subnet')
    fields = [name for name in settable if params.get(name) is not None]
    fields += sorted(set(name for item in params.get('members') or [] for name in settable
                         if item.get(name) is not None and name not in fields))
    if fields and state != PRESENT:
        problems.append('%s applies only with state: present (state %s %s).' % (
            ', '.join(fields), state, 'deletes the member' if state == ABSENT else 'sets admin_state_up only'))
    drain_only = [name for name in ('min_healthy', 'drain_timeout') if params.get(name) is not None]
    if drain_only and state not in (ABSENT, DISABLED):
        problems.append('%s applies only with state: absent or disabled.' % ' and '.join(drain_only))
    try:
        _members.parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    problems += instance_problems(family, params)
    seen = set()
    for index, item in enumerate(wanted_members(params) if not problems else []):
        where = 'members[%d].' % index if listed else ''
        try:
            if item['address'] is not None:  # only instance_id may leave it out
                ipaddress.ip_address(str(item['address']).strip())
        except ValueError:
            problems.append('%saddress is %r; it must be an IPv4 or IPv6 address.' % (where, item['address']))
        if item['protocol_port'] is not None and not 1 <= item['protocol_port'] <= 65535:
            problems.append('%sprotocol_port is %r; it must be a whole number from 1 to 65535.' % (
                where, item['protocol_port']))
        if item.get('weight') is not None and not 0 <= item['weight'] <= MAX_WEIGHT:
            problems.append('%sweight is %r; it must be a whole number from 0 (registered, no new traffic) to %d.'
                            % (where, item['weight'], MAX_WEIGHT))
        for name, longest in (('name', MAX_NAME), ('subnet', MAX_SUBNET)):
            if item.get(name) is not None and len(item[name]) > longest:
                problems.append('%s%s is %d characters long; at most %d are allowed.' % (
                    where, name, len(item[name]), longest))
        if identity(item) in seen:
            problems.append('%saddress %s and protocol_port %s name a member given before; each member once.' % (
                where, item['address'], item['protocol_port']))
        seen.add(identity(item))
    return problems


def classic_problems(params):
    """Everything wrong with the options of a classic (v1) task, before any call."""
    problems = []
    state = params['state']
    if state in (ENABLED, DISABLED):
        problems.append('state %s: classic (v1) backends have no admin state or weight; use state: present or '
                        'absent (absent removes the backend at once - classic has no drain).' % state)
    if not params.get('listener'):
        problems.append('listener is required with api_version v1: the listener (name or id) the backend belongs to.')
    wrong = [name for name in NOT_CLASSIC if params.get(name) is not None]
    if wrong:
        problems.append('%s cannot be used with api_version v1: a classic backend is a listener, an address and a '
                        'server_id, and takes the listener\'s backend_port.' % ', '.join(wrong))
    address = params.get('address')
    if not address:
        problems.append('address is required: the backend ECS\'s private IP address.')
    else:
        try:
            ipaddress.ip_address(str(address).strip())
        except ValueError:
            problems.append('address is %r; it must be an IPv4 or IPv6 address.' % address)
    server_id = params.get('server_id')
    if state == PRESENT and not server_id:
        problems.append('server_id is required with api_version v1 and state: present: the id of the ECS behind '
                        'address (the classic API adds a backend by both).')
    elif server_id is not None and state != PRESENT:
        problems.append('server_id applies only with state: present.')
    elif server_id and len(server_id) > MAX_SERVER_ID:
        problems.append('server_id is %d characters long; at most %d are allowed.' % (len(server_id), MAX_SERVER_ID))
    if params.get('min_healthy') is not None and state != ABSENT:
        problems.append('min_healthy applies only with state: absent.')
    try:
        _members.parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    return problems


def view(member):
    """A member as the diff and the result show it."""
    return dict((key, member.get(key)) for key in VIEW_KEYS)


class Member:
    """One task: read the pool's members once, plan every write, refuse what min_healthy forbids, then write
    (creates, updates, drain, deletes), wait for ACTIVE, the drain and health."""

    def __init__(self, family, client, params, check_mode=False, diff_mode=False, warn=None, retries=0):
        self.family = family
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.retries = retries  # how often a create whose answer was lost may be sent again
        self.writes = BalancerWrites(family, client, wait=params['wait'], wait_timeout=params['wait_timeout'],
                                     written='The member')
        self.minimum = _members.parse_min_healthy(params.get('min_healthy'))
        self.wanted = wanted_members(params)
        self.path = MEMBER_PATHS[family.name]
        self.wrote = False

    # -- reading ------------------------------------------------------------------------------------------

    def resolve(self):
        """The pool, resolved once; a name that pools of two balancers share is refused."""
        return _members.resolve(self.client, self.family, dict(
            loadbalancer=self.params.get('loadbalancer'), pool=self.params.get('pool'), unique_pool=True))

    def pool_path(self, suffix=''):
        return self.path.format(pool_id=self.pool['id'], project_id='{project_id}') + suffix

    def record(self, raw):
        """A member as the service answers it (a write, the pool's member list), in the reader's shape."""
        return dict(self.family.members.record(raw, self.pool, self.scope.balancer_id, raw.get('operating_status'), None),
                    **identity_fields(raw))

    def held(self):
        """What the service holds now for the task's members, by identity (one list call)."""
        wanted = set(identity(item) for item in self.wanted)
        found = {}
        for raw in self.client.paginate(self.pool_path(), 'members', limit=_members.PAGE_SIZE):
            if identity(raw) in wanted:
                found[identity(raw)] = self.record(raw)
        return found

    # -- the run ------------------------------------------------------------------------------------------

    def run(self):
        params = self.params
        try:
            self.scope = self.resolve()
        except ParentNotFound as err:
            if params['state'] != ABSENT:
                raise
            self.warn('%s Nothing to delete.' % err)
            return dict(changed=False, members=[])
        if len(self.scope.parents) != 1:
            raise InputError('pool is %r; %d pools of that load balancer have that name: give the pool id.' % (
                params['pool'], len(self.scope.parents)))
        (self.pool,) = self.scope.parents.values()
        self.scope.balancer_id = self.family.parent.loadbalancer_id(self.pool)
        everyone = self.scope.read(self.client)
        plan = plan_members(self.wanted, everyone, identity, self.pool.get('name') or self.pool['id'], params['state'])
        self.wanted = [item for item, _member in plan]  # completed: a member named by instance_id has its address
        if params['state'] == PRESENT:
            _subnets.resolve_creates(self.client, plan, params)  # subnet names, for the creates only
        if params['state'] in (ENABLED, DISABLED):
            missing = [item for item, member in plan if member is None]
            if missing:
                raise InputError('No member %s in pool %s: state %s changes an existing member only (register it '
                                 'with state: present, admin_state_up: %s). Nothing was written.' % (
                                     member_text(missing), self.pool.get('name') or self.pool['id'], params['state'],
                                     str(params['state'] == ENABLED).lower()))
        if params['state'] == PRESENT and self.family.name == 'v2':
            no_subnet = [item for item, member in plan if member is None and not item.get('subnet')]
            if no_subnet:
                raise InputError('Registering %s in shared (v2) pool %s needs subnet (the id of the subnet of the '
                                 "member's address, subnet_id). Nothing was written." % (
                                     member_text(no_subnet), self.pool.get('name') or self.pool['id']))
        result = self.plan_result(plan)
        leaving = self.leaving(plan)
        if leaving and self.minimum is not None:
            short = shortfalls(everyone, leaving, self.minimum, [self.pool['id']])
            if short:
                raise TaskFailed('Refusing to %s %s: %s. Bring other members in first, or lower min_healthy. Nothing '
                                 'was written.' % ('deregister' if params['state'] == ABSENT else 'disable',
                                                   member_text(leaving), shortfall_text(short, params['min_healthy'])),
                                 dict(result, changed=False, members=[dict(m, **self.unchanged(m))
                                                                      for m in result['members']]))
        if self.check_mode or not result['changed']:
            if not self.check_mode and params['state'] in (PRESENT, ENABLED):
                self.wait_health(result)  # registered already: still wait until it serves
            return result
        try:
            if params['state'] == ABSENT:
                self.deregister(plan, leaving)
            else:
                self.register(plan, result)
        except (ApiError, FailedAfterWrite) as err:
            self.fail_after_write(err, result)
        if params['state'] in (PRESENT, ENABLED):
            self.wait_health(result)
        return result

    def plan_result(self, plan):
        """The result as it will be: each member's view after the task (its weight before kept), and the diff."""
        members, before, after = [], [], []
        changed = False
        for item, member in plan:
            old = view(member) if member else {}
            if self.params['state'] == ABSENT:
                new = {}
            else:
                given = dict((name, item[name]) for name in FIELDS if item.get(name) is not None)
                base = old or dict(view(dict(address=item['address'], protocol_port=item['protocol_port'])),
                                   pool_id=self.pool['id'], pool_name=self.pool.get('name'),
                                   loadbalancer_id=self.scope.balancer_id, name='', weight=1, admin_state_up=True)
                new = dict(base, **given)
            changed = changed or new != old
            members.append(dict(new or dict(old, weight=None), address=item['address'],
                                protocol_port=item['protocol_port'], present=bool(new),
                                weight_before=old.get('weight')))
            before.append(old)
            after.append(new)
        result = dict(changed=changed, members=members)
        if self.diff_mode:
            result['diff'] = dict(before=dict(members=before), after=dict(members=after))
        return result

    @staticmethod
    def unchanged(item):
        """A refused task's member: as it was."""
        return dict(weight=item['weight_before'], present=item['weight_before'] is not None)

    def leaving(self, plan):
        """The members this task takes out of traffic: deleted, or disabled while serving."""
        state = self.params['state']
        if state == ABSENT:
            return [member for _item, member in plan if member]
        if state == DISABLED:
            return [member for _item, member in plan if member and member.get('admin_state_up') is not False]
        return []

    # -- writing ------------------------------------------------------------------------------------------

    def batched(self, count):
        """Whether these writes go through the v3 batch endpoints (several members at once)."""
        return self.family.name == 'v3' and count > 1

    def register(self, plan, result):
        """Create the missing members, update the others where a given field differs; then ACTIVE, the drain of
        a disabled member, and the result's ids and fields from the answers."""
        creates = [item for item, member in plan if member is None]
        updates = []
        for item, member in plan:
            changes = dict((name, item[name]) for name in FIELDS
                           if member and item.get(name) is not None and item[name] != member.get(name))
            if changes:
                updates.append((member, changes))
        made = self.create(creates) if creates else {}
        if updates:
            self.update(updates)
        self.writes.wait_active(self.pool, result)
        for entry in result['members']:
            created = made.get(identity(entry))
            if created:
                entry.update((key, created.get(key)) for key in ('id', 'name', 'weight', 'admin_state_up') + IDENTITY_KEYS)
        if self.params['state'] == DISABLED and self.params['wait']:
            wait_for_drain(self.client, drain_seconds([self.pool], self.params.get('drain_timeout')))

    def create(self, items):
        """POST (or batch-add) the missing members; a lost answer (or a 409: another writer) is looked for before
        sending again, and only what is still missing is sent. Returns the created members by identity."""
        made = {}
        retry = self.client.backoff(budget=self.retries)
        while items:
            try:
                for answer in self.post(items):
                    made[identity(answer)] = answer
                return made
            except ApiError as err:
                if not (err.applied_unknown or err.status == 409):
                    raise
                self.wrote = self.wrote or err.applied_unknown
                held = self.held()
                made.update((key, member) for key, member in held.items() if key in set(map(identity, items)))
                missing = [item for item in items if identity(item) not in held]
                if not missing:
                    return made
                if not err.applied_unknown or retry.exhausted():
                    raise
                items = missing
                retry.pause()  # the service is struggling (a 5xx or a dropped answer): give it room
        return made

    def body(self, item):
        body = dict(address=item['address'], protocol_port=item['protocol_port'])
        body.update((name, item[name]) for name in FIELDS if item.get(name) is not None)
        if item.get('subnet'):
            body[SUBNET_FIELD[self.family.name]] = item['subnet']
        return body

    def post(self, items):
        if not self.batched(len(items)):
            answers = []
            for item in items:
                answer = self.writes.write('POST', self.pool_path(), {'member': self.body(item)}, self.pool)
                self.wrote = True
                answers.append(self.record((answer or {}).get('member') or {}))
            return answers
        return self.batch('batch-add', [self.body(item) for item in items])

    def batch(self, action, bodies):
        answers = []
        for start in range(0, len(bodies), BATCH_SIZE):
            answer = self.writes.write('POST', self.pool_path('/' + action),
                                       {'members': bodies[start:start + BATCH_SIZE]}, self.pool)
            self.wrote = True
            answers += [self.record(raw) for raw in (answer or {}).get('members') or []]
        return answers

    def update(self, updates):
        if self.batched(len(updates)):
            self.batch('batch-update', [dict(changes, id=member['id']) for member, changes in updates])
            return
        for member, changes in updates:
            self.writes.write('PUT', self.pool_path('/' + member['id']), {'member': changes}, self.pool)
            self.wrote = True

    def deregister(self, plan, leaving):
        """Drain first - weight 0 for the members that still take traffic, ACTIVE, the pool's connection-drain
        time (or drain_timeout) - then delete (one batch-delete on v3), then ACTIVE."""
        serving = [member for member in leaving if member.get('weight') and member.get('admin_state_up') is not False]
        if serving:
            self.update([(member, dict(weight=0)) for member in serving])
            self.writes.wait_active(self.pool, {})
            if self.params['wait']:
                wait_for_drain(self.client, drain_seconds([self.pool], self.params.get('drain_timeout')))
        if self.batched(len(leaving)):
            self.batch('batch-delete', [dict(id=member['id']) for member in leaving])
        else:
            for member in leaving:
                try:
                    self.writes.write('DELETE', self.pool_path('/' + member['id']), None, self.pool)
                except ApiError as err:
                    if err.status != 404:  # already gone is what we wanted
                        raise
                self.wrote = True
        self.writes.wait_active(self.pool, {})

    def fail_after_write(self, err, result):
        """A write or a wait failed: read what the service holds, put it in ``members``, and fail with ``changed``
        true when anything was written."""
        try:
            held = self.held()
        except ApiError:
            held = None
        lines = []
        for entry in result['members']:
            if held is None:
                break
            now = held.get(identity(entry))
            entry.update(view(now) if now else dict(id=entry.get('id'), weight=None))
            entry['present'] = now is not None
            lines.append('%s %s' % (endpoint(entry), 'weight %s, admin_state_up %s' % (
                now.get('weight'), now.get('admin_state_up')) if now else 'absent'))
        result['changed'] = self.wrote
        holds = ('the service holds now: %s' % '; '.join(lines)) if held is not None else \
            'reading the members back failed too'
        if self.wrote:
            head = str(err).rstrip('.') if isinstance(err, FailedAfterWrite) else 'The member was written, but then: %s' % err
            raise TaskFailed('%s. In pool %s %s.' % (head, self.pool.get('name') or self.pool['id'], holds), result)
        raise TaskFailed('%s. Nothing was written; %s.' % (err, holds), result)

    # -- waiting ------------------------------------------------------------------------------------------

    def wait_health(self, result):
        """With wait and wait_for: healthy, the member-health wait on the members meant to serve (weight above 0,
        admin_state_up true): healthy, or unmonitored when the pool has no monitor."""
        params = self.params
        ids = [entry['id'] for entry in result['members']
               if entry.get('id') and entry.get('weight') and entry.get('admin_state_up') is not False]
        if not (params['wait'] and params['wait_for'] == HEALTHY and ids):
            return
        try:
            members, summary = wait_healthy(self.client, self.family, self.scope, ids, params['wait_timeout'],
                                            params['fail_fast'])
        except _members.WaitFailed as err:
            MemberTraffic.show_health(err.members, result)
            raise TaskFailed(('The member was written, but the wait failed: %s' % err) if result['changed'] else str(err), result)
        except ApiError as err:
            raise TaskFailed(('The member was written, but waiting for its health failed: %s' % err)
                             if result['changed'] else str(err), result)
        MemberTraffic.show_health(members, result)
        result['summary'] = summary


class ClassicMember:
    """One classic (v1) task: a listener's backend ECS by address - added (``server_id`` and ``address``) or
    removed, each through a job that is waited for; no weights, so no drain. A lost add answer (or a 409) is
    answered by reading the listener's backends again before a second add."""

    def __init__(self, family, client, params, check_mode=False, diff_mode=False, warn=None, retries=0):
        self.family = family
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.retries = retries
        self.writes = BalancerWrites(family, client, wait=params['wait'], wait_timeout=params['wait_timeout'],
                                     written='The classic backend')
        self.minimum = _members.parse_min_healthy(params.get('min_healthy'))
        self.wrote = False

    def path(self, suffix=''):
        return self.family.members.members.format(listener_id=self.listener['id'], project_id='{project_id}') + suffix

    def held(self):
        """The listener's backend at the task's address (one list call), or None."""
        wanted = address_key(self.params['address'])
        return next((m for m in self.scope.read(self.client) if address_key(m.get('address')) == wanted), None)

    @staticmethod
    def view(member):
        shown = dict((key, member.get(key)) for key in CLASSIC_VIEW_KEYS)
        shown['server_id'] = member.get('instance_id', member.get('server_id'))
        return shown

    def run(self):
        params = self.params
        try:
            self.scope = _members.resolve(self.client, self.family, dict(
                loadbalancer=params.get('loadbalancer'), listener=params['listener']))
        except ParentNotFound as err:
            if params['state'] != ABSENT:
                raise
            self.warn('%s Nothing to delete.' % err)
            return dict(changed=False, members=[])
        (self.listener,) = self.scope.parents.values()
        everyone = self.scope.read(self.client)
        wanted = address_key(params['address'])
        current = next((m for m in everyone if address_key(m.get('address')) == wanted), None)
        old = self.view(current) if current else {}
        if params['state'] == PRESENT and current and old['server_id'] != params['server_id']:
            raise InputError('Listener %s already has backend %s, for server %s, not %s: a classic backend cannot be '
                             'changed - remove it (state: absent) and add it again. Nothing was written.' % (
                                 self.listener.get('name') or self.listener['id'], params['address'],
                                 old['server_id'], params['server_id']))
        if params['state'] == PRESENT:
            new = old or dict(id=None, address=params['address'], protocol_port=self.listener.get('backend_port'),
                              server_id=params['server_id'], listener_id=self.listener['id'],
                              listener_name=self.listener.get('name'),
                              loadbalancer_id=self.listener.get('loadbalancer_id'))
        else:
            new = {}
        entry = dict(new or dict(old, id=old.get('id')), address=params['address'], present=bool(new), weight=None,
                     weight_before=None)
        result = dict(changed=new != old, members=[entry])
        if self.diff_mode:
            result['diff'] = dict(before=dict(members=[old]), after=dict(members=[new]))
        if params['state'] == ABSENT and current and self.minimum is not None:
            self.refuse_below_minimum(everyone, current, result)
        if self.check_mode or not result['changed']:
            if not self.check_mode and params['state'] == PRESENT:
                self.wait_health(result)
            return result
        try:
            if params['state'] == PRESENT:
                self.add()
            else:
                self.remove(current)
            self.writes.wait_active(self.listener, result)
            if params['state'] == PRESENT:
                made = self.held()
                entry['id'] = (made or {}).get('id')
        except (ApiError, FailedAfterWrite) as err:
            self.fail_after_write(err, result)
        if params['state'] == PRESENT:
            self.wait_health(result)
        return result

    def refuse_below_minimum(self, everyone, current, result):
        """min_healthy: classic backends all serve (no weight), one listener is the 'pool' counted."""
        counted = [dict(m, weight=1, pool_id=m['listener_id'], pool_name='of listener %s' % (
            m.get('listener_name') or m['listener_id'])) for m in everyone]
        leaving = [dict(current, weight=1)]
        short = shortfalls(counted, leaving, self.minimum, [self.listener['id']])
        if short:
            raise TaskFailed('Refusing to remove %s: %s. Add other backends first, or lower min_healthy. Nothing was '
                             'written.' % (member_text(leaving), shortfall_text(short, self.params['min_healthy'])),
                             dict(result, changed=False, members=[dict(m, present=True) for m in result['members']]))

    def add(self):
        """POST the backend, wait for its job. A lost answer (or a 409: another writer) is looked for before the
        add is sent again."""
        body = [dict(server_id=self.params['server_id'], address=self.params['address'])]
        retry = self.client.backoff(budget=self.retries)
        while True:
            try:
                answer = self.writes.write('POST', self.path(), body, self.listener)
                self.wrote = True
                self.wait_job(answer)
                return
            except ApiError as err:
                if not (err.applied_unknown or err.status == 409):
                    raise
                self.wrote = self.wrote or err.applied_unknown
                if self.held():
                    return
                if not err.applied_unknown or retry.exhausted():
                    raise
                retry.pause()

    def remove(self, member):
        try:
            answer = self.writes.write('POST', self.path('/action'), {'removeMember': [{'id': member['id']}]},
                                       self.listener)
        except ApiError as err:
            if err.status != 404:  # already gone is what we wanted
                raise
            return
        self.wrote = True
        self.wait_job(answer)

    def wait_job(self, answer):
        """Poll the job a classic write answered until it ends (the shared backoff, at most wait_timeout)."""
        job_id = (answer or {}).get('job_id') if isinstance(answer, dict) else None
        if not (job_id and self.params['wait']):
            return

        def ended():
            job = self.client.get(CLASSIC_JOBS % job_id) or {}
            status = str(job.get('status') or '').upper()
            return job if status == JOB_SUCCESS or status in JOB_FAILED else None

        job = self.client.backoff(deadline=self.params['wait_timeout'], base=POLL_BASE, cap=POLL_CAP).poll(ended)
        if job is None:
            raise FailedAfterWrite('The classic backend was written, but its job %s did not end within wait_timeout '
                                   '(%s s; raise it, or set wait: false)' % (job_id, self.params['wait_timeout']), {})
        if str(job.get('status')).upper() != JOB_SUCCESS:
            raise FailedAfterWrite('The classic backend job %s ended %s (%s: %s)' % (
                job_id, job.get('status'), job.get('error_code'), job.get('fail_reason')), {})

    def fail_after_write(self, err, result):
        try:
            now = self.held()
            holds = 'listener %s holds %s' % (self.listener.get('name') or self.listener['id'], 'backend %s (server %s)' % (
                now.get('address'), now.get('instance_id')) if now else 'no backend at %s' % self.params['address'])
            result['members'][0].update(self.view(now) if now else {}, present=now is not None)
        except ApiError:
            holds = 'reading the backends back failed too'
        result['changed'] = self.wrote
        if self.wrote:
            head = str(err).rstrip('.') if isinstance(err, FailedAfterWrite) else \
                'The classic backend was written, but then: %s' % err
            raise TaskFailed('%s. Now %s.' % (head, holds), result)
        raise TaskFailed('%s. Nothing was written; %s.' % (err, holds), result)

    def wait_health(self, result):
        """With wait and wait_for: healthy, the member-health wait on the backend (healthy, or unmonitored when
        the listener has no health check)."""
        entry = result['members'][0]
        if not (self.params['wait'] and self.params['wait_for'] == HEALTHY and entry.get('id')):
            return
        try:
            members, summary = wait_healthy(self.client, self.family, self.scope, [entry['id']],
                                            self.params['wait_timeout'], self.params['fail_fast'])
        except _members.WaitFailed as err:
            MemberTraffic.show_health(err.members, result)
            raise TaskFailed(('The classic backend was written, but the wait failed: %s' % err) if result['changed'] else str(err),
                             result)
        MemberTraffic.show_health(members, result)
        result['summary'] = summary


def run_member_module(**module_kwargs):
    module = ElbModule(argument_spec(), bounds=MEMBER_BOUNDS, **module_kwargs)
    params = module.params
    family = FAMILIES[params['api_version']]
    problems = input_problems(family, params)
    if problems:
        module.ansible.fail_json(msg=' '.join(problems))

    def work(module):
        task = ClassicMember if family.name == 'v1' else Member
        return task(family, module.client, params, check_mode=module.ansible.check_mode,
                    diff_mode=module.ansible._diff, warn=module.ansible.warn,
                    retries=module.settings.api_retries).run()

    module.run(work)
