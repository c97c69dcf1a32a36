# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine shared by every API family.

find the parent → read the monitor → validate → diff over the options the user gave →
check/diff mode → write (409 while PENDING retried, a lost create looked for before repeating) → wait.
A family is a ``Family`` declaration (see ``_family_v3.py``); nothing here knows a field by name.
"""

from __future__ import annotations

import re
import time

from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError

UUID = r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
HEX32 = r'[0-9a-f]{32}'
POLL_FIRST = 1.0   # seconds before the first re-read of a busy balancer
POLL_MAX = 5.0     # the longest pause between re-reads


class InputError(Exception):
    """The task's options cannot work; the message names the option, the value and what is allowed."""


class ParentNotFound(InputError):
    """No pool or listener has the id or name the task gives."""


class Lookup:
    """How to find one object of a kind by id, else by name (one GET either way)."""

    def __init__(self, kind, option, path, wrapper, list_key, id_pattern, name_filter=True):
        self.kind = kind                      # "pool" / "listener" / "load balancer", for messages
        self.option = option                  # the module option naming it
        self.path = path                      # collection path; item at path/{id}
        self.wrapper = wrapper                # response key around one object, or None (flat)
        self.list_key = list_key              # response key around a list, or None (bare list)
        self.id_pattern = re.compile('^(%s)$' % id_pattern)
        self.name_filter = name_filter        # whether the list call filters by name on the server

    def get(self, client, ident):
        try:
            data = client.get('%s/%s' % (self.path, ident))
        except ApiError as err:
            if err.status == 404:
                return None
            raise
        return data.get(self.wrapper) if self.wrapper else data

    def find_by_name(self, client, name, query=None):
        query = dict(query or {})
        if self.name_filter:
            query['name'] = name
        data = client.get(self.path, query) or []
        items = data.get(self.list_key, []) if isinstance(data, dict) else data
        return [item for item in items if item.get('name') == name]

    def matching(self, client, value, query=None):
        """Every object with the id ``value``, else with that name (narrowed by ``query``); empty when none."""
        if self.id_pattern.match(value):
            found = self.get(client, value)
            if found is not None:
                return [found]
        return self.find_by_name(client, value, query)

    def find(self, client, value, query=None, where=''):
        """The one object named or identified by ``value``; InputError when none or several match."""
        matches = self.matching(client, value, query)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ParentNotFound('%s is %r; no %s has that id or name%s.' % (self.option, value, self.kind, where))
        raise InputError('%s is %r; %d %ss have that name (ids %s): give the id instead.' % (
            self.option, value, len(matches), self.kind, ', '.join(sorted(m['id'] for m in matches))))


class Parent(Lookup):
    """How a family finds what a monitor belongs to (a pool or a listener) and that object's balancer.

    narrow_field: a list filter that narrows a name search (v1: ``loadbalancer_id``), fed by the
    ``loadbalancer`` option; the parent's field of the same name must then match it.
    narrow_by: a ``Lookup`` that turns a name given for that option into an id (one GET, only for a name).
    """

    def __init__(self, kind, option, path, wrapper, list_key, link_field, body_field, id_pattern,
                 loadbalancer_id, name_filter=True, narrow_field=None, narrow_by=None):
        super().__init__(kind, option, path, wrapper, list_key, id_pattern, name_filter)
        self.link_field = link_field          # the parent's field holding the monitor id
        self.body_field = body_field          # the monitor's field holding the parent id
        self.loadbalancer_id = loadbalancer_id  # parent dict -> balancer id
        self.narrow_field = narrow_field
        self.narrow_by = narrow_by

    def find(self, client, value, narrow=None):
        """The parent named or identified by ``value``, within the balancer ``narrow`` (id or name) when given."""
        if not (narrow and self.narrow_field):
            return super().find(client, value)
        balancer, where = narrow, ' in load balancer %s' % narrow
        if self.narrow_by and not self.narrow_by.id_pattern.match(narrow):
            balancer = self.narrow_by.find(client, narrow)['id']
            where = ' in load balancer %s (%s)' % (narrow, balancer)
        if self.id_pattern.match(value):
            found = self.get(client, value)
            if found is not None:
                if found.get(self.narrow_field) != balancer:  # both given, and they disagree
                    raise InputError('%s is %r, which is not%s but in load balancer %s.' % (
                        self.option, value, where, found.get(self.narrow_field)))
                return found
        return super().find(client, value, {self.narrow_field: balancer}, where)

    def monitor_id(self, parent):
        return parent.get(self.link_field) or None


class ParentView(dict):
    """The parent as read, plus its balancer fetched on first use: a rule that needs the balancer
    (v1: its type) costs a GET only on the runs where it applies."""

    def __init__(self, parent, read_loadbalancer):
        super().__init__(parent)
        self._read_loadbalancer = read_loadbalancer
        self._loadbalancer = None

    def loadbalancer(self):
        if self._loadbalancer is None:
            self._loadbalancer = self._read_loadbalancer() or {}
        return self._loadbalancer


class LoadBalancer:
    """Where a family reads a balancer's provisioning status."""

    def __init__(self, path, wrapper, status_field='provisioning_status'):
        self.path = path
        self.wrapper = wrapper
        self.status_field = status_field

    def read(self, client, ident):
        data = client.get('%s/%s' % (self.path, ident))
        return data.get(self.wrapper) if self.wrapper else data

    def status(self, client, ident):
        return (self.read(client, ident).get(self.status_field) or '').upper()


class Family:
    """One API generation's health-check resource, declared as data plus a few hooks.

    checks: callables ``(family, desired, monitor_type, parent, current) -> [(level, message)]`` with
    level ``error`` or ``warning``, for rules that need the parent (protocol compatibility, ports).
    """

    def __init__(self, name, result_key, path, wrapper, fields, type_field, create_required, parent,
                 loadbalancer, checks=()):
        self.name = name
        self.result_key = result_key
        self.path = path
        self.wrapper = wrapper
        self.fields = fields
        self.by_name = dict((field.name, field) for field in fields)
        self.by_api_name = dict((field.api_name, field) for field in fields)
        self.type_field = type_field
        self.create_required = create_required
        self.parent = parent
        self.loadbalancer = loadbalancer
        self.checks = checks

    def unwrap(self, data):
        return data.get(self.wrapper) if self.wrapper and isinstance(data, dict) else data

    def wrap(self, body):
        return {self.wrapper: body} if self.wrapper else body

    def desired(self, params):
        """The API fields the user gave, canonical: every option that is not None counts, false and 0 too."""
        return dict((field.api_name, field.canonical(params.get(field.name)))
                    for field in self.fields if params.get(field.name) is not None)

    def validate(self, desired, monitor_type, parent=None, current=None):
        """Return ``(errors, warnings)``; without a parent only the rules that need none run."""
        errors = []
        for field in self.fields:
            if field.api_name in desired:
                problem = field.problem(desired[field.api_name], monitor_type)
                if problem:
                    errors.append(problem)
        warnings = []
        if parent is not None:
            for check in self.checks:
                for level, message in check(self, desired, monitor_type, parent, current):
                    (errors if level == 'error' else warnings).append(message)
        return errors, warnings


class Reconciler:
    """Brings one monitor to the state a task asks for; ``run`` returns the module result."""

    def __init__(self, family, client, params, check_mode=False, diff_mode=False, warn=None, sleep=time.sleep,
                 clock=time.monotonic):
        self.family = family
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.sleep = sleep
        self.clock = clock
        self.wait = params.get('wait', True)
        self.wait_timeout = params.get('wait_timeout') or 0

    # -- reads ------------------------------------------------------------------------------------

    def find_parent(self):
        parent_spec = self.family.parent
        return parent_spec.find(self.client, self.params[parent_spec.option], self.params.get('loadbalancer'))

    def read_monitor(self, parent):
        ident = self.family.parent.monitor_id(parent)
        if not ident:
            return None
        try:
            return self.family.unwrap(self.client.get('%s/%s' % (self.family.path, ident)))
        except ApiError as err:
            if err.status == 404:  # the parent still points at a monitor that is gone
                return None
            raise

    # -- the run ----------------------------------------------------------------------------------

    def run(self):
        family = self.family
        desired = family.desired(self.params)
        type_field = family.type_field
        errors, _warnings = family.validate(desired, desired.get(type_field))
        if errors:
            raise InputError(' '.join(errors))
        absent = self.params.get('state') == 'absent'
        try:
            parent = self.find_parent()
        except ParentNotFound as err:
            if not absent:
                raise
            self.warn('%s Nothing to delete.' % err)
            return self.result(False, None)
        current = self.read_monitor(parent)
        if absent:
            return self.delete(parent, current)
        monitor_type = desired.get(type_field) or (current or {}).get(type_field)
        if current is None:
            missing = [name for name in family.create_required if desired.get(family.by_name[name].api_name) is None]
            if missing:
                raise InputError('%s %s has no health check yet; creating one needs %s (missing: %s).' % (
                    family.parent.kind, parent.get('id'), ', '.join(family.create_required), ', '.join(missing)))
        view = ParentView(parent, lambda: self.read_loadbalancer(parent))
        errors, warnings = family.validate(desired, monitor_type, view, current)
        if errors:
            raise InputError(' '.join(errors))
        for message in warnings:
            self.warn(message)
        if current is None:
            return self.create(parent, desired)
        return self.update(parent, current, desired)

    def create(self, parent, desired):
        family = self.family
        body = dict(desired)
        body[family.parent.body_field] = parent['id']
        if self.check_mode:
            predicted = self.predicted(body)
            return self.result(True, predicted, before={}, after=predicted)
        attempts = self.client.settings.api_retries + 1
        for attempt in range(attempts):
            try:
                created = family.unwrap(self.write('POST', family.path, family.wrap(body), parent))
                break
            except ApiError as err:
                if not (err.applied_unknown or err.status == 409):
                    raise
                # The answer was lost, or another writer got there first: look before creating again.
                parent = family.parent.get(self.client, parent['id']) or parent
                existing = self.read_monitor(parent)
                if existing is not None:
                    self.wait_active(parent)  # the create that did happen may have left the balancer busy
                    return self.update(parent, existing, desired, created=True)
                if not err.applied_unknown or attempt + 1 == attempts:
                    raise
        self.wait_active(parent)
        return self.result(True, created, before={}, after=created)

    def update(self, parent, current, desired, created=False):
        family = self.family
        monitor_type = desired.get(family.type_field) or current.get(family.type_field)
        changes = dict((name, wanted) for name, wanted in desired.items()
                       if not family.by_api_name[name].equal(wanted, current.get(name), monitor_type))
        refusals = ['%s cannot be changed on an existing health check (it is %r, the task wants %r); delete it '
                    '(state: absent) and create it again.' % (name, current.get(name), changes[name])
                    for name in changes if not family.by_api_name[name].updatable]
        if refusals:
            raise InputError(' '.join(refusals))
        before = dict((name, current.get(name)) for name in desired)
        if not changes:
            return self.result(created, current, before=before, after=before)
        after = dict(before, **changes)
        if self.check_mode:
            return self.result(True, dict(current, **changes), before=before, after=after)
        path = '%s/%s' % (family.path, current['id'])
        updated = family.unwrap(self.write('PUT', path, family.wrap(changes), parent))
        self.wait_active(parent)
        return self.result(True, updated or dict(current, **changes), before=before, after=after)

    def delete(self, parent, current):
        if current is None:
            return self.result(False, None)
        if not self.check_mode:
            try:
                self.write('DELETE', '%s/%s' % (self.family.path, current['id']), None, parent)
            except ApiError as err:
                if err.status != 404:  # already gone is what we wanted
                    raise
            else:
                self.wait_active(parent)
        return self.result(True, None, before=current, after={})

    # -- writing and waiting ----------------------------------------------------------------------

    def write(self, method, path, body, parent):
        """One write; a 409 while the balancer is PENDING_* is retried until ``wait_timeout``."""
        deadline = self.clock() + self.wait_timeout
        pause = POLL_FIRST
        while True:
            try:
                return self.client.request(method, path, body=body)
            except ApiError as err:
                if err.status != 409 or self.clock() >= deadline:
                    raise
                if not self.loadbalancer_status(parent).startswith('PENDING'):
                    raise
                self.sleep(min(pause, max(deadline - self.clock(), 0)))
                pause = min(pause * 2, POLL_MAX)

    def read_loadbalancer(self, parent):
        ident = self.family.parent.loadbalancer_id(parent)
        return self.family.loadbalancer.read(self.client, ident) if ident else None

    def loadbalancer_status(self, parent):
        ident = self.family.parent.loadbalancer_id(parent)
        return self.family.loadbalancer.status(self.client, ident) if ident else 'ACTIVE'

    def wait_active(self, parent):
        """After a write, wait (if asked) until the balancer is ACTIVE again, at most ``wait_timeout``."""
        if not self.wait:
            return
        deadline = self.clock() + self.wait_timeout
        pause = POLL_FIRST
        while True:
            status = self.loadbalancer_status(parent)
            if status == 'ACTIVE':
                return
            if status == 'ERROR' or self.clock() >= deadline:
                raise InputError('load balancer %s is %s %s; the health check was written but the balancer did '
                                 'not become ACTIVE%s.' % (
                                     self.family.parent.loadbalancer_id(parent), status or 'in no known state',
                                     'after %s s' % self.wait_timeout if status != 'ERROR' else 'now',
                                     ' (raise wait_timeout, or set wait: false)' if status != 'ERROR' else ''))
            self.sleep(min(pause, max(deadline - self.clock(), 0)))
            pause = min(pause * 2, POLL_MAX)

    # -- results ----------------------------------------------------------------------------------

    def predicted(self, body):
        """What a create would hold: what is sent plus the service's defaults for the rest."""
        monitor_type = body.get(self.family.type_field)
        predicted = dict(body)
        for field in self.family.fields:
            if field.api_name not in predicted and (not field.types or monitor_type in field.types):
                predicted[field.api_name] = field.server_default(monitor_type)
        return predicted

    def result(self, changed, obj, before=None, after=None):
        result = {'changed': changed, self.family.result_key: obj}
        if self.diff_mode and before is not None:
            result['diff'] = {'before': before, 'after': after}
        return result
