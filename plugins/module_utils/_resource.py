# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The set reconcile behind hwcloud.elb.healthmonitors: the health checks of many parents in one task.

read by list calls (balancers when a scope is given, parents, monitors; v1 has no monitor list call: one GET per
listener that has a check) → preflight every item (statically and against what was read; one bad item fails the
task naming every bad one, before any write) → plan → write per balancer, serialised, balancers in parallel
(``max_parallel``) → one wait for ACTIVE per balancer after its last write.

Each write goes through the engine's ``Reconciler`` (409 while PENDING retried, a lost create re-read before it is
repeated), so the single modules and this one follow the same rules; the fields and rules come from the same
``Family`` declaration.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.hwcloud.elb.plugins.module_utils._client import PAGE_SIZE
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import FailedAfterWrite, Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import DEFAULT, FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import CheckContext, InputError, ParentNotFound, ParentView
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import control_problem
from ansible_collections.hwcloud.elb.plugins.module_utils._module import ElbModule, check_item

try:
    from requests.adapters import HTTPAdapter
except ImportError:  # ElbModule reports the missing library
    HTTPAdapter = None

STATES = ('merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered')
PARENT_KEYS = ('pool', 'listener', 'loadbalancer')
DEFAULT_MAX_PARALLEL = 4
WRITES = ('merged', 'replaced', 'overridden', 'deleted')
COMPLETE = ('replaced', 'overridden', 'rendered')  # states in which an item describes the whole monitor
ITEM_NUMBER = re.compile(r'config item (\d+)')
SHOWN = 10  # writes a failure message names one by one


def config_item_spec():
    """The options of one ``config`` item: every family's fields (one spelling each, no aliases: a v1 alias such as
    ``timeout`` is a v3 field) and the parent keys. Each item is checked against the chosen family at run time."""
    spec = {}
    for family in FAMILIES.values():
        for field in family.fields:
            spec.setdefault(field.name, dict(type={'enum': 'str', 'codes': 'str'}.get(field.kind, field.kind)))
    for key in PARENT_KEYS:
        spec[key] = dict(type='str')
    return spec


def argument_spec():
    return dict(
        api_version=dict(type='str', choices=sorted(FAMILIES), default=DEFAULT),
        state=dict(type='str', choices=list(STATES), default='merged'),
        # Each item is checked by ResourceRun.checked_items, so that every message names the item and its parent.
        config=dict(type='list', elements='dict', default=[]),
        scope=dict(type='list', elements='str'),
        max_parallel=dict(type='int', default=DEFAULT_MAX_PARALLEL),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=300),
    )


def _label(family, index, item):
    value = item.get(family.parent.option) if isinstance(item, dict) else None
    return 'config item %d%s' % (index + 1, ' (%s %r)' % (family.parent.option, value) if value else '')


def _parent_key(family, item):
    """How an item names its parent, as given: the parent option and the keys that narrow it (v1's balancer)."""
    return tuple(item.get(key) for key in (family.parent.option,) + tuple(family.parent.narrowing))


class Action:
    """One planned write: ``kind`` create, update or delete, on ``parent`` (its balancer groups the writes)."""

    def __init__(self, kind, parent, current, desired, command):
        self.kind = kind
        self.parent = parent
        self.current = current
        self.desired = desired
        self.command = command
        self.done = False
        self.error = None  # why its write failed, when it did


class BalancerWriter(Reconciler):
    """The engine's writes, for several writes in a row to one balancer without a wait between them.

    Each write sets the balancer PENDING for a moment, so the next one may meet a 409. The engine retries a 409
    while the balancer reads PENDING; but the window can close between the 409 and that read (the balancer reads
    ACTIVE, and the engine takes the 409 for a real conflict). After a write of our own to the same balancer, such
    a 409 is tried again a few times, with the shared backoff; a real conflict keeps answering 409 and fails."""

    AFTER_OWN_WRITE = 3  # tries again of a 409 met on an ACTIVE balancer right after our own write

    wrote = False

    def write(self, method, path, body, parent):
        again = self.client.backoff(budget=self.AFTER_OWN_WRITE)
        while True:
            try:
                answer = super().write(method, path, body, parent)
                break
            except ApiError as err:
                if err.status != 409 or not self.wrote or again.exhausted():
                    raise
                again.pause()
        self.wrote = True
        return answer


class ResourceRun:
    """One task of hwcloud.elb.healthmonitors; ``run`` returns the module result."""

    def __init__(self, client, params, check_mode=False, diff_mode=False, warn=None, retries=0):
        self.family = FAMILIES[params['api_version']]
        self.client = client
        self.params = params
        self.state = params['state']
        self.items = params.get('config') or []
        self.scope = params.get('scope') or []
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.retries = retries
        self._balancers = None
        self._balancer_reads = {}
        self.scope_ids = None

    # -- static checks --------------------------------------------------------------------------------

    def given(self, item):
        """The family fields an item gives, canonical (false and 0 count)."""
        return self.family.desired(item)

    def checked_items(self):
        """Each item with its values converted to the options' types: ``(items, problems, bad)``; an item that is
        not a dict becomes an empty one, and a value of the wrong type is left out (and named in ``problems``)."""
        family = self.family
        spec = dict((name, option['type']) for name, option in config_item_spec().items())
        allowed = dict((field.name, 'a whole number from %s to %s' % (field.minimum, field.maximum))
                       for field in family.fields if field.kind == 'int' and field.minimum is not None)
        items, problems, bad = [], [], set()
        for index, raw in enumerate(self.items):
            item, found = check_item(raw, spec, allowed)
            items.append(item or {})
            if found:
                bad.add(index)
                problems.extend('%s: %s' % (_label(family, index, item or {}), problem) for problem in found)
        return items, problems, bad

    def static_problems(self, item, left_out=()):
        family = self.family
        parent = family.parent
        allowed = set(family.by_name) | {parent.option} | set(parent.narrowing)
        wrong = sorted(key for key, value in item.items() if value is not None and key not in allowed)
        problems = []
        if wrong:
            problems.append('%s %s not for a %s health check (%s has no such option); it takes %s.' % (
                ', '.join(wrong), 'is' if len(wrong) == 1 else 'are', family.name, family.module,
                ', '.join(sorted(allowed))))
        if not item.get(parent.option) and parent.option not in left_out:
            problems.append('no %s given; a %s item names its %s (id or name).' % (
                parent.option, family.name, parent.kind))
        for key in (parent.option,) + tuple(parent.narrowing):
            control = control_problem(key, item.get(key))
            if control:
                problems.append(control)
        given = dict((name, value) for name, value in self.given(item).items() if name not in wrong)
        errors, _warnings = family.validate(given, given.get(family.type_field))
        problems.extend(errors)
        if self.state in COMPLETE:
            missing = [name for name in family.create_required if given.get(name) is None and name not in left_out]
            if missing:
                problems.append('state %s describes the whole health check: give %s (missing: %s).' % (
                    self.state, ', '.join(family.create_required), ', '.join(missing)))
        return problems

    # -- reads ------------------------------------------------------------------------------------------

    def balancers(self):
        if self._balancers is None:
            path = self.family.loadbalancer.path
            if self.family.listed:
                self._balancers = list(self.client.paginate(path, 'loadbalancers', limit=PAGE_SIZE))
            else:
                data = self.client.get(path) or {}
                self._balancers = data.get('loadbalancers', []) if isinstance(data, dict) else data
        return self._balancers

    def find_balancer(self, value, what):
        """The id of the balancer named or identified by ``value``; InputError naming ``what`` otherwise."""
        by_id = [b for b in self.balancers() if b.get('id') == value]
        matches = by_id or [b for b in self.balancers() if b.get('name') == value]
        if len(matches) == 1:
            return matches[0]['id']
        if not matches:
            raise ParentNotFound('%s is %r; no load balancer has that id or name.' % (what, value))
        raise InputError('%s is %r; %d load balancers have that name (ids %s): give the id instead.' % (
            what, value, len(matches), ', '.join(sorted(b['id'] for b in matches))))

    def resolve_scope(self):
        if not self.scope:
            return None
        problems, ids = [], set()
        for value in self.scope:
            try:
                ids.add(self.find_balancer(value, 'scope'))
            except InputError as err:
                problems.append(str(err))
        if problems:
            raise InputError(' '.join(problems) + ' Nothing was written.')
        return ids

    def list_parents(self, scope_ids):
        """The pools (listeners) of the balancers in scope, else of the project: list calls, filtered by balancer."""
        parent = self.family.parent
        one_value = self.family.one_value_filters or not self.family.listed
        if scope_ids and (not one_value or len(scope_ids) == 1):
            queries = [{'loadbalancer_id': sorted(scope_ids)}]
        elif scope_ids and not self.family.listed:
            queries = [{'loadbalancer_id': ident} for ident in sorted(scope_ids)]
        else:
            queries = [{}]  # the whole project in one listing (v2 filters on one balancer at a time)
        found = []
        for query in queries:
            if self.family.listed:
                found.extend(self.client.paginate(parent.path, parent.list_key, query, limit=PAGE_SIZE))
            else:
                data = self.client.get(parent.path, query) or []
                found.extend(data.get(parent.list_key, []) if isinstance(data, dict) else data)
        if scope_ids:
            found = [item for item in found if parent.loadbalancer_id(item) in scope_ids]
        return found

    def read_monitors(self, parents):
        """Monitor id -> monitor: one listing (paginated), or for a family without one a GET per parent's check."""
        family = self.family
        if family.listed:
            listed = self.client.paginate(family.path, family.list_key, limit=PAGE_SIZE)
            return dict((monitor['id'], monitor) for monitor in listed)
        monitors = {}
        for ident in sorted(set(filter(None, (family.parent.monitor_id(parent) for parent in parents)))):
            try:
                monitors[ident] = family.unwrap(self.client.get('%s/%s' % (family.path, ident)))
            except ApiError as err:
                if err.status != 404:  # the listener still points at a check that is gone
                    raise
        return monitors

    def read_balancer(self, parent):
        ident = self.family.parent.loadbalancer_id(parent)
        if ident not in self._balancer_reads:
            self._balancer_reads[ident] = self.family.loadbalancer.read(self.client, ident) if ident else None
        return self._balancer_reads[ident]

    def match(self, item, parents):
        """The one parent an item names, by id else name, narrowed to its balancer (v1); InputError otherwise."""
        parent = self.family.parent
        value = item[parent.option]
        candidates = parents
        where = ''
        narrow = item.get('loadbalancer') if 'loadbalancer' in parent.narrowing else None
        if narrow:
            balancer = self.find_balancer(narrow, 'loadbalancer')
            candidates = [p for p in parents if parent.loadbalancer_id(p) == balancer]
            where = ' in load balancer %s' % narrow
        matches = [p for p in candidates if p.get('id') == value] or [p for p in candidates if p.get('name') == value]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            if narrow and any(p.get('id') == value for p in parents):
                raise ParentNotFound('%s is %r, which is not%s.' % (parent.option, value, where))
            inside = ' within scope (%s)' % ', '.join(self.scope) if self.scope else ''
            raise ParentNotFound('%s is %r; no %s%s has that id or name%s.' % (
                parent.option, value, parent.kind, where, inside))
        raise InputError('%s is %r; %d %ss have that name (ids %s): give the id instead.' % (
            parent.option, value, len(matches), parent.kind, ', '.join(sorted(p['id'] for p in matches))))

    # -- shapes ---------------------------------------------------------------------------------------

    def shape(self, parent_id, monitor):
        """A monitor as a config item: the parent's id and every field the monitor's type uses that is set."""
        family = self.family
        monitor_type = monitor.get(family.type_field)
        item = {family.parent.option: parent_id}
        for field in family.fields:
            value = monitor.get(field.name)
            if value is None or (field.types and monitor_type not in field.types):
                continue
            item[field.name] = field.canonical(value)
        return item

    def complete(self, given, current):
        """What ``replaced`` makes of an existing monitor: the item, and for every field it does not give that the
        type uses, the service's default (``Field.default``), or nothing where the family clears it."""
        family = self.family
        monitor_type = given.get(family.type_field) or current.get(family.type_field)
        full = dict(given)
        for field in family.fields:
            if field.name in full or (field.types and monitor_type not in field.types):
                continue
            default = field.server_default(monitor_type)
            if default is not None:
                full[field.name] = field.canonical(default)
            elif field.name in family.clearable:
                full[field.name] = None
        return full

    def command(self, method, path, body, parent_id):
        path = path.format(project_id=self.client.project_id) if self.client is not None else path
        return {'method': method, 'path': path, 'body': body, self.family.parent.option: parent_id}

    # -- the run --------------------------------------------------------------------------------------

    def run(self):
        family = self.family
        raw = self.items
        self.items, problems, bad = self.checked_items()
        given_as = {}  # how an item names its parent -> the first item that names it so
        for index, item in enumerate(self.items):
            if not isinstance(raw[index], dict):
                continue  # said already
            found = self.static_problems(item, left_out=set(raw[index]) - set(item))
            key = _parent_key(family, item)
            if key[0] and key in given_as:
                found.append(self.twice(given_as[key]))
            given_as.setdefault(key, index)
            if found:
                bad.add(index)
                problems.extend('%s: %s' % (_label(family, index, item), problem) for problem in found)
        if self.state == 'rendered':
            self.fail_if(problems)
            return self.rendered()
        if self.state == 'overridden' and not self.scope:
            raise InputError('state overridden needs scope: the load balancers (ids or names) whose health checks '
                             'the task owns; it deletes every other health check there and never touches a '
                             'balancer not named.')
        if self.state == 'deleted' and not self.items and not self.scope:
            raise InputError('state deleted with an empty config needs scope: the load balancers (ids or names) '
                             'whose health checks to delete.')
        scope_ids = self.scope_ids = self.resolve_scope()
        parents = self.list_parents(scope_ids)
        resolved, seen = [], {}
        for index, item in enumerate(self.items):
            if index in bad:  # said already; its parent is not looked for
                continue
            try:
                parent = self.match(item, parents)
            except InputError as err:
                # Nothing to delete where nothing matches; a name several parents share fails in every state.
                if self.state == 'deleted' and isinstance(err, ParentNotFound):
                    self.warn('%s: %s Nothing to delete.' % (_label(family, index, item), err))
                else:
                    problems.append('%s: %s' % (_label(family, index, item), err))
                continue
            if parent['id'] in seen:
                problems.append('%s: %s' % (_label(family, index, item), self.twice(seen[parent['id']], parent)))
                continue
            seen[parent['id']] = index
            resolved.append((index, item, parent))
        in_play = self.in_play(resolved, parents)
        monitors = self.read_monitors(in_play)
        if self.state == 'gathered':
            self.fail_if(problems)
            return {'changed': False, 'gathered': self.current_shapes(in_play, monitors)}
        actions, warnings = self.plan(resolved, in_play, monitors, problems)
        self.fail_if(problems)
        for message in warnings:
            self.warn(message)
        return self.apply(actions, in_play, monitors)

    def twice(self, first, parent=None):
        """Why an item is refused that names the same parent as item number ``first`` (0-based)."""
        kind = self.family.parent.kind
        return 'the same %s as %s%s: give each %s once (the two would undo each other on every run).' % (
            kind, _label(self.family, first, self.items[first]), ' (both are %s %s)' % (kind, parent['id'])
            if parent else '', kind)

    def in_play(self, resolved, parents):
        """The parents whose monitors the task reads, shows and may write: the items' parents, and every listed
        parent (of the scope, else of the project) for overridden, deleted with no items, and gathered with none."""
        if self.state == 'overridden' or (self.state in ('deleted', 'gathered') and not self.items):
            return parents
        return [parent for _index, _item, parent in resolved]

    def fail_if(self, problems):
        """One failure naming every problem, in the order of the items (static ones were found first)."""
        if problems:
            ordered = sorted(problems, key=lambda problem: int(ITEM_NUMBER.match(problem).group(1))
                             if ITEM_NUMBER.match(problem) else 0)
            raise InputError('%d problem(s) in config; nothing was written. %s' % (len(problems), ' '.join(ordered)))

    def current_of(self, parent, monitors):
        ident = self.family.parent.monitor_id(parent)
        return monitors.get(ident) if ident else None

    def current_shapes(self, parents, monitors):
        shapes = []
        for parent in sorted(parents, key=lambda p: p['id']):
            current = self.current_of(parent, monitors)
            if current is not None:
                shapes.append(self.shape(parent['id'], current))
        return shapes

    def plan(self, resolved, in_play, monitors, problems):
        family = self.family
        actions, warnings = [], []
        if self.state == 'deleted':
            targets = [parent for _i, _item, parent in resolved] if self.items else in_play
            for parent in targets:
                current = self.current_of(parent, monitors)
                if current is not None:
                    actions.append(self.delete_action(parent, current))
            return actions, warnings
        for index, item, parent in resolved:
            label = _label(family, index, item)
            current = self.current_of(parent, monitors)
            given = self.given(item)
            monitor_type = given.get(family.type_field) or (current or {}).get(family.type_field)
            if current is None:
                missing = [name for name in family.create_required if given.get(name) is None]
                if missing:
                    problems.append('%s: %s %s has no health check yet; creating one needs %s (missing: %s).' % (
                        label, family.parent.kind, parent['id'], ', '.join(family.create_required),
                        ', '.join(missing)))
                    continue
            desired = self.complete(given, current) if current is not None and self.state != 'merged' else given
            errors, _none = family.validate(dict((k, v) for k, v in desired.items() if v is not None), monitor_type,
                                            None, current)
            view = ParentView(parent, lambda parent=parent: self.read_balancer(parent))
            context = CheckContext(family, desired, monitor_type, view, current)
            for check in family.checks:
                for level, message in check(context):
                    if level == 'error':
                        errors.append(message)
                    else:
                        warnings.append('%s: %s' % (label, message))
            if errors:
                problems.extend('%s: %s' % (label, error) for error in errors)
                continue
            if current is None:
                body = dict(desired, **{family.parent.body_field: parent['id']})
                actions.append(Action('create', parent, None, desired,
                                      self.command('POST', family.path, family.wrap(body), parent['id'])))
                continue
            changes = dict((name, wanted) for name, wanted in desired.items()
                           if not family.by_name[name].equal(wanted, current.get(name), monitor_type))
            if changes:
                path = '%s/%s' % (family.path, current['id'])
                actions.append(Action('update', parent, current, desired,
                                      self.command('PUT', path, family.wrap(changes), parent['id'])))
        if self.state == 'overridden':
            kept = set(parent['id'] for _i, _item, parent in resolved)
            for parent in in_play:
                current = self.current_of(parent, monitors)
                if parent['id'] not in kept and current is not None:
                    actions.append(self.delete_action(parent, current))
        return actions, warnings

    def delete_action(self, parent, current):
        path = '%s/%s' % (self.family.path, current['id'])
        return Action('delete', parent, current, None, self.command('DELETE', path, None, parent['id']))

    def rendered(self):
        family = self.family
        bodies = []
        for item in self.items:
            body = dict(self.given(item), **{family.parent.body_field: item[family.parent.option]})
            bodies.append(family.wrap(body))
        return {'changed': False, 'rendered': bodies}

    # -- writes ---------------------------------------------------------------------------------------

    def apply(self, actions, in_play, monitors):
        family = self.family
        touched = set(action.parent['id'] for action in actions)
        parents = [parent for parent in in_play if parent['id'] in touched]
        before = self.current_shapes(parents, monitors)
        after = dict((parent['id'], self.current_of(parent, monitors)) for parent in parents)
        reconciler = self.reconciler(wait=False)
        for action in actions:  # what the writes will make of each monitor: the same prediction in check mode
            body = family.unwrap(action.command['body'])
            if action.kind == 'create':
                after[action.parent['id']] = reconciler.predicted(body)
            elif action.kind == 'update':
                after[action.parent['id']] = dict(action.current, **body)
            else:
                after[action.parent['id']] = None
        result = {'changed': bool(actions), 'commands': [action.command for action in actions], 'before': before}
        failures, unknown = [], []
        if actions and not self.check_mode:
            written, failures = self.write_all(actions)
            after.update(written)  # the service's answers, where it gave one
            if failures:
                unknown = self.read_back([action for action in actions if not action.done], after)
        result['after'] = self.shapes(after)
        if self.diff_mode:
            result['diff'] = self.diff(before, result['after'])
        if failures:
            self.fail_part_way(actions, result, failures, unknown)
        return result

    def read_back(self, unfinished, after):
        """After a failure: what the service holds for each parent whose write failed or never ran, into ``after``.

        Read back by list calls (the parents, then the monitors; v1 a GET per listener in question); when that read
        fails too, the answers prove it: a write never sent, or refused, left the monitor as it was. Returns the
        actions whose answer was lost while the read failed: what the service holds there is unknown."""
        try:
            parents = dict((parent['id'], parent) for parent in self.list_parents(self.scope_ids))
            in_question = [parents[action.parent['id']] for action in unfinished if action.parent['id'] in parents]
            held = self.read_monitors(in_question)
        except ApiError:
            unknown = [action for action in unfinished if getattr(action.error, 'applied_unknown', False)]
            for action in unfinished:
                after[action.parent['id']] = None if action in unknown else action.current
            return unknown
        for action in unfinished:
            parent = parents.get(action.parent['id'])
            after[action.parent['id']] = self.current_of(parent, held) if parent else None
        return []

    def fail_part_way(self, actions, result, failures, unknown):
        """Fail, saying what was written: the writes that went through, and those the read back shows applied
        although their answer never came (``changed`` true then); nothing written re-raises the error itself."""
        family = self.family
        before = dict((item[family.parent.option], item) for item in result['before'])
        after = dict((item[family.parent.option], item) for item in result['after'])
        applied = [action for action in actions if action.done or (
            action not in unknown and before.get(action.parent['id']) != after.get(action.parent['id']))]
        message = ' '.join(str(err) for err in failures)
        if not applied and not unknown:
            if len(failures) == 1:
                raise failures[0]
            raise InputError('Nothing was written: %s' % message)
        result['changed'] = True
        result['commands'] = [action.command for action in applied]
        what = '; '.join('%s the health check of %s %s' % (
            {'create': 'created', 'update': 'updated', 'delete': 'deleted'}[action.kind], family.parent.kind,
            action.parent['id']) for action in applied[:SHOWN]) or 'nothing certain'
        if len(applied) > SHOWN:
            what += '; and %d more (commands lists them all)' % (len(applied) - SHOWN)
        text = '%d of %d health check write(s) went through (%s), then: %s' % (
            len(applied), len(actions), what, message.rstrip('.') + '.')
        if unknown:
            text += ' Whether the %s of %s went through is unknown: the answer was lost and reading it back ' \
                    'failed; they are left out of after.' % (
                        ' and '.join(sorted(set(action.kind for action in unknown))),
                        ', '.join('%s %s' % (family.parent.kind, action.parent['id']) for action in unknown))
        text += ' after shows what the service holds; run the task again to finish.'
        raise FailedAfterWrite(text, result)

    def diff(self, before, after):
        """Ansible's diff callbacks show dicts, not lists: each side keyed by parent id."""
        option = self.family.parent.option
        return dict((side, dict((item[option], item) for item in items))
                    for side, items in (('before', before), ('after', after)))

    def shapes(self, monitors_by_parent):
        return [self.shape(ident, monitor) for ident, monitor in sorted(monitors_by_parent.items())
                if monitor is not None]

    def reconciler(self, wait):
        params = dict(wait=wait, wait_timeout=self.params.get('wait_timeout') or 0)
        return BalancerWriter(self.family, self.client, params, retries=self.retries)

    def write_all(self, actions):
        """Writes grouped by balancer: serial within one, balancers in parallel; one wait per balancer."""
        groups = {}
        for action in actions:
            groups.setdefault(self.family.parent.loadbalancer_id(action.parent), []).append(action)
        workers = max(1, min(self.params.get('max_parallel') or DEFAULT_MAX_PARALLEL, len(groups)))
        self.widen_connection_pool(workers)
        if workers == 1:
            outcomes = [self.write_balancer(ident, group) for ident, group in groups.items()]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                outcomes = list(pool.map(lambda entry: self.write_balancer(*entry), groups.items()))
        written, failures = {}, []
        for group_written, failure in outcomes:
            written.update(group_written)
            if failure is not None:
                failures.append(failure)
        return written, failures

    def widen_connection_pool(self, workers):
        session = getattr(self.client, 'session', None)
        if session is None or workers <= 10:  # requests keeps 10 connections per host by default
            return
        for prefix in ('http://', 'https://'):
            session.mount(prefix, HTTPAdapter(pool_connections=workers, pool_maxsize=workers))

    def write_balancer(self, balancer_id, actions):
        """One balancer's writes in order, then one wait for it; returns ``(parent id -> monitor, failure)``.

        The first failure stops this balancer's writes (the next would meet the same trouble); the others go on."""
        family = self.family
        writer = self.reconciler(wait=False)
        written = {}
        action = None
        try:
            for action in actions:
                if action.kind == 'create':
                    written[action.parent['id']] = writer.create(action.parent, action.desired)[family.result_key]
                elif action.kind == 'update':
                    written[action.parent['id']] = writer.update(action.parent, action.current,
                                                                 action.desired)[family.result_key]
                else:
                    writer.delete(action.parent, action.current)
                    written[action.parent['id']] = None
                action.done = True
            self.reconciler(wait=self.params.get('wait', True)).wait_active(actions[-1].parent, {})
        except FailedAfterWrite as err:
            return written, InputError('load balancer %s: %s' % (balancer_id, err))
        except (ApiError, InputError) as err:
            if action is not None and not action.done:
                action.error = err
            if not written:
                return written, err
            return written, InputError('load balancer %s: %s' % (balancer_id, err))
        return written, None


def run_resource_module(**module_kwargs):
    """The whole main() of hwcloud.elb.healthmonitors."""
    module = ElbModule(argument_spec(), **module_kwargs)

    def work(module):
        params = module.params
        client = None if params['state'] == 'rendered' else module.client  # rendered makes no call
        run = ResourceRun(client, params, check_mode=module.ansible.check_mode, diff_mode=module.ansible._diff,
                          warn=module.ansible.warn, retries=module.settings.api_retries)
        return run.run()

    module.run(work)
