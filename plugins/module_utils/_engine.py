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

from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError

UUID = r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
HEX32 = r'[0-9a-f]{32}'
POLL_BASE, POLL_CAP = 2.0, 10.0   # re-reads of a busy balancer: pauses of 1-2 s, then 2-4 s, ..., at most 5-10 s


class InputError(Exception):
    """The task's options cannot work; the message names the option, the value and what is allowed."""


class ParentNotFound(InputError):
    """No pool or listener has the id or name the task gives."""


class FailedAfterWrite(Exception):
    """A write went through, then something after it failed (most often the wait for ACTIVE).

    ``result`` is the module result as written (``changed`` true), so the failure can say what was done."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


class Lookup:
    """How to find one object of a kind by id, else by name (one GET either way)."""

    def __init__(self, kind, option, path, wrapper, list_key, id_pattern, name_filter=True):
        self.kind = kind                      # "pool" / "listener" / "load balancer", for messages
        self.option = option                  # the module option naming it
        self.path = path                      # collection path; item at path/{id}
        self.wrapper = wrapper                # response key around one object, or None (flat)
        self.list_key = list_key              # response key around a list, or None (bare list)
        self.id_pattern = re.compile(id_pattern)
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
        if self.id_pattern.fullmatch(value):
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
        if self.narrow_by and not self.narrow_by.id_pattern.fullmatch(narrow):
            balancer = self.narrow_by.find(client, narrow)['id']
            where = ' in load balancer %s (%s)' % (narrow, balancer)
        if self.id_pattern.fullmatch(value):
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
                 loadbalancer, record, checks=()):
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
        self.record = record  # parent id -> the keys the service adds to a monitor it creates (check mode shows them)
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
        if current is not None and monitor_type and desired.get(self.type_field) not in (None, current.get(self.type_field)):
            errors.extend(self.kept_values_misfit(desired, monitor_type, current))
        warnings = []
        if parent is not None:
            for check in self.checks:
                for level, message in check(self, desired, monitor_type, parent, current):
                    (errors if level == 'error' else warnings).append(message)
        return errors, warnings


    def kept_values_misfit(self, desired, new_type, current):
        """On a type change, the values the monitor keeps (not given by the task) must suit the new type: the
        service would otherwise hold a monitor its own create rule refuses (GRPC codes 0-99 on an HTTP check)."""
        problems = []
        for field in self.fields:
            value = current.get(field.api_name)
            if field.api_name in desired or value in (None, '') or (field.types and new_type not in field.types):
                continue
            if field.problem(value, new_type):
                problems.append('type changes from %s to %s, but the monitor keeps %s %r, which a %s monitor cannot '
                                'have; give %s for the new type in the same task.' % (
                                    current.get(self.type_field), new_type, field.name, value, new_type, field.name))
        return problems


class Reconciler:
    """Brings one monitor to the state a task asks for; ``run`` returns the module result."""

    def __init__(self, family, client, params, check_mode=False, diff_mode=False, warn=None, retries=0):
        self.family = family
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.retries = retries  # how often a create whose answer was lost may be tried again
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
        retry = self.client.backoff(budget=self.retries)
        while True:
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
                    self.wait_active(parent, self.result(True, existing, before={}, after=existing))
                    return self.update(parent, existing, desired, created=True)
                if not err.applied_unknown or retry.exhausted():
                    raise
                retry.pause()  # the service is struggling (a 5xx or a dropped answer): give it room
        result = self.result(True, created, before={}, after=created)
        self.wait_active(parent, result)
        return result

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
        result = self.result(True, updated or dict(current, **changes), before=before, after=after)
        self.wait_active(parent, result)
        return result

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
                self.wait_active(parent, self.result(True, None, before=current, after={}))
        return self.result(True, None, before=current, after={})

    # -- writing and waiting ----------------------------------------------------------------------

    def write(self, method, path, body, parent):
        """One write; a 409 while the balancer is PENDING_* is retried until ``wait_timeout``."""
        busy = self.client.backoff(deadline=self.wait_timeout, base=POLL_BASE, cap=POLL_CAP)
        while True:
            try:
                return self.client.request(method, path, body=body)
            except ApiError as err:
                # A 409 on an ACTIVE balancer is a real conflict (another writer, a quota): never retried.
                if err.status != 409 or busy.exhausted() or not self.loadbalancer_status(parent).startswith('PENDING'):
                    raise
                busy.pause()

    def read_loadbalancer(self, parent):
        ident = self.family.parent.loadbalancer_id(parent)
        return self.family.loadbalancer.read(self.client, ident) if ident else None

    def loadbalancer_status(self, parent):
        ident = self.family.parent.loadbalancer_id(parent)
        return self.family.loadbalancer.status(self.client, ident) if ident else 'ACTIVE'

    def wait_active(self, parent, written):
        """After a write, wait (if asked) until the balancer is ACTIVE again, at most ``wait_timeout``.

        ``written`` is the result of the write: a failure here says the write happened (``FailedAfterWrite``)."""
        if not self.wait:
            return
        ident = self.family.parent.loadbalancer_id(parent)
        try:
            status = self.client.backoff(deadline=self.wait_timeout, base=POLL_BASE, cap=POLL_CAP).poll(
                lambda: self._settled(ident))
        except ApiError as err:
            raise FailedAfterWrite('The health check was written, but reading load balancer %s while waiting for it '
                                   'to become ACTIVE failed: %s' % (ident, err), written)
        if status == 'ACTIVE':
            return
        if status == 'ERROR':
            why = 'is ERROR'
        else:
            why = 'did not become ACTIVE within wait_timeout (%s s; raise it, or set wait: false)' % self.wait_timeout
        raise FailedAfterWrite('The health check was written, but load balancer %s %s.' % (ident, why), written)

    def _settled(self, ident):
        """The balancer's status once it is ACTIVE or ERROR, else None (keep polling)."""
        status = self.family.loadbalancer.status(self.client, ident) if ident else 'ACTIVE'
        return status if status in ('ACTIVE', 'ERROR') else None

    # -- results ----------------------------------------------------------------------------------

    def predicted(self, body):
        """What a create would hold, in the shape the service answers: what is sent, the service's defaults for
        the rest, and the keys it adds (``id`` and the like, None until it exists)."""
        family = self.family
        monitor_type = body.get(family.type_field)
        parent_id = body[family.parent.body_field]
        predicted = dict((name, value) for name, value in body.items() if name != family.parent.body_field)
        predicted.update(family.record(parent_id))
        for field in family.fields:
            if field.api_name not in predicted and (not field.types or monitor_type in field.types):
                predicted[field.api_name] = field.server_default(monitor_type)
        return predicted

    def result(self, changed, obj, before=None, after=None):
        result = {'changed': changed, self.family.result_key: obj}
        if self.diff_mode and before is not None:
            result['diff'] = {'before': before, 'after': after}
        return result
