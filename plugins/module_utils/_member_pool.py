# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member module's work on a v3 or v2 pool: register (create or update), deregister (drain, then delete),
disable and enable backend members - one, or several at once (``members``: the v3 batch endpoints, a handful of
calls whatever their number). The classic (v1) backends are ``_member_classic.py``; the options, their checks
and run() are ``_member_module.py``.

Reused, not repeated: the pool and its members are read with the member-health reader (one list call for the
whole pool, health included); ``min_healthy`` is ``shortfalls``, the drain and health waits are those of
``_member_task.py``; every write goes through the task's ``BalancerWrites`` (409 while the balancer is PENDING
retried, the wait for ACTIVE). A create whose answer was lost (or a 409 "already exists") is looked for before it
is sent again.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _subnets
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError, FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentNotFound
from ansible_collections.hwcloud.elb.plugins.module_utils._instance_members import (
    IDENTITY_KEYS, identity_fields, plan_members)
from ansible_collections.hwcloud.elb.plugins.module_utils._member_selection import resolve
from ansible_collections.hwcloud.elb.plugins.module_utils._member_task import (
    MemberTask, TaskFailed, drain_seconds, identity, member_text, shortfall_text, shortfalls, wait_for_drain)
from ansible_collections.hwcloud.elb.plugins.module_utils._member_wait import WaitFailed
from ansible_collections.hwcloud.elb.plugins.module_utils._members import PAGE_SIZE, endpoint

PRESENT, ABSENT, ENABLED, DISABLED = 'present', 'absent', 'enabled', 'disabled'
STATES = (PRESENT, ABSENT, ENABLED, DISABLED)  # the member module's task states
HEALTHY, NO_WAIT = 'healthy', 'none'  # what wait_for takes
# The member fields a task may set (compared, updated); subnet is used on create only.
FIELDS = ('name', 'weight', 'admin_state_up')
BATCH_SIZE = 200  # members per batch call (★ the emulator's limit; the API reference does not state one)
VIEW_KEYS = ('id', 'name', 'address', 'protocol_port', 'pool_id', 'pool_name', 'loadbalancer_id', 'weight',
             'admin_state_up') + IDENTITY_KEYS


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


def view(member):
    """A member as the diff and the result show it."""
    return dict((key, member.get(key)) for key in VIEW_KEYS)


class Member(MemberTask):
    """One task: read the pool's members once, plan every write, refuse what min_healthy forbids, then write
    (creates, updates, drain, deletes), wait for ACTIVE, the drain and health."""

    def __init__(self, family, client, params, **modes):
        super().__init__(family, client, params, **modes)
        self.wanted = wanted_members(params)
        self.path = family.member_path
        self.wrote = False
        self.scope = self.pool = self.balancer_id = None  # resolved by run()

    # -- reading ------------------------------------------------------------------------------------------

    def resolve(self):
        """The pool, resolved once; a name that pools of two balancers share is refused."""
        return resolve(self.client, self.family, dict(
            loadbalancer=self.params.get('loadbalancer'), pool=self.params.get('pool'), unique_pool=True))

    def pool_path(self, suffix=''):
        return self.path.format(pool_id=self.pool['id'], project_id='{project_id}') + suffix

    def record(self, raw):
        """A member as the service answers it (a write, the pool's member list), in the reader's shape."""
        return dict(self.family.members.record(raw, self.pool, self.balancer_id, raw.get('operating_status'), None),
                    **identity_fields(raw))

    def held(self):
        """What the service holds now for the task's members, by identity (one list call)."""
        wanted = set(identity(item) for item in self.wanted)
        found = {}
        for raw in self.client.paginate(self.pool_path(), 'members', limit=PAGE_SIZE):
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
        self.balancer_id = self.family.parent.loadbalancer_id(self.pool)
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
        if params['state'] == PRESENT and self.family.member_api.subnet_required:
            no_subnet = [item for item, member in plan if member is None and not item.get('subnet')]
            if no_subnet:
                raise InputError('Registering %s in %s pool %s needs subnet (the id of the subnet of the '
                                 "member's address, %s). Nothing was written." % (
                                     member_text(no_subnet), self.family.role.label,
                                     self.pool.get('name') or self.pool['id'], self.family.member_api.subnet_field))
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
                                   loadbalancer_id=self.balancer_id, name='', weight=1, admin_state_up=True)
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
        return self.family.member_api.batches and count > 1

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
            body[self.family.member_api.subnet_field] = item['subnet']
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
        """POST the members to a batch endpoint, at most BATCH_SIZE a call. A batch-update or batch-delete sent
        twice does what it did once (a member deleted is then "not found"), so a lost answer is sent again."""
        answers = []
        for start in range(0, len(bodies), BATCH_SIZE):
            answer = self.writes.write('POST', self.pool_path('/' + action),
                                       {'members': bodies[start:start + BATCH_SIZE]}, self.pool,
                                       repeatable=action != 'batch-add')
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
            self.wait_own_health(self.scope, ids, result)
        except WaitFailed as err:
            raise TaskFailed(('The member was written, but the wait failed: %s' % err) if result['changed'] else str(err), result)
        except ApiError as err:
            raise TaskFailed(('The member was written, but waiting for its health failed: %s' % err)
                             if result['changed'] else str(err), result)
