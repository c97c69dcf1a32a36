# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine shared by every API family: it runs one task against one family's declaration.

find the parent → read the monitor → validate → diff over the options the user gave → check/diff mode →
write (409 while PENDING retried, a lost create looked for before repeating) → wait.
A family is a ``Family`` declaration (``_family.py``, ``_family_v3.py``); nothing here knows a field by name.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentNotFound, ParentView

POLL_BASE, POLL_CAP = 2.0, 10.0   # re-reads of a busy balancer: pauses of 1-2 s, then 2-4 s, ..., at most 5-10 s


class FailedAfterWrite(Exception):
    """A write went through, then something after it failed (most often the wait for ACTIVE).

    ``result`` is the module result as written (``changed`` true), so the failure can say what was done."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result


def is_busy_conflict(err):
    """A 409 whose message says the balancer is busy (PENDING_*): whatever a later status read shows, the write was
    refused only because of the moment, so it is tried again (★ the service's wording: "... in PENDING_UPDATE ...")."""
    return err.status == 409 and 'PENDING' in (err.message or '').upper()


class BalancerWrites:
    """The one write path of monitors and members: a write, its 409 while the balancer is busy, and the wait for
    ACTIVE after it. Used by composition (``Reconciler.writes``, ``MemberTraffic.writes``).

    A 409 is retried until ``wait_timeout`` when its message says the balancer is PENDING, or when a status read
    says so; a status read that fails (throttled past ``api_retries``, no answer) never turns the 409 into a
    conflict: the write is tried again. Only a 409 on a balancer read ACTIVE is a real conflict, raised at once.
    Every message names ``wait_timeout``, the option that bounds these waits."""

    def __init__(self, family, client, wait=True, wait_timeout=0, written='The health check'):
        self.family = family
        self.client = client
        self.wait = wait
        self.wait_timeout = wait_timeout or 0
        self.written = written  # what a FailedAfterWrite message says was written

    def write(self, method, path, body, parent):
        """One write; a 409 while the balancer is busy is retried until ``wait_timeout``."""
        busy = self.client.backoff(deadline=self.wait_timeout, base=POLL_BASE, cap=POLL_CAP)
        while True:
            try:
                return self.client.request(method, path, body=body)
            except ApiError as err:
                if err.status != 409:
                    raise
                if not is_busy_conflict(err):
                    try:
                        status = self.loadbalancer_status(parent)
                    except ApiError:
                        status = 'UNKNOWN'  # no answer about the balancer: not a proof of a conflict
                    if not (status.startswith('PENDING') or status == 'UNKNOWN'):
                        err.hint = ('load balancer %s is %s, so this is a real conflict, not a busy balancer'
                                    % (self.family.parent.loadbalancer_id(parent), status))
                        raise
                if busy.exhausted():
                    err.hint = ('the load balancer stayed busy (PENDING) for all of wait_timeout (%s s): raise '
                                'wait_timeout' % self.wait_timeout)
                    raise
                busy.pause()

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
            raise FailedAfterWrite('%s was written, but reading load balancer %s while waiting for it '
                                   'to become ACTIVE failed: %s' % (self.written, ident, err), written)
        if status == 'ACTIVE':
            return
        if status == 'ERROR':
            why = 'is ERROR'
        else:
            why = 'did not become ACTIVE within wait_timeout (%s s; raise it, or set wait: false)' % self.wait_timeout
        raise FailedAfterWrite('%s was written, but load balancer %s %s.' % (self.written, ident, why), written)

    def _settled(self, ident):
        """The balancer's status once it is ACTIVE or ERROR, else None (keep polling)."""
        status = self.family.loadbalancer.status(self.client, ident) if ident else 'ACTIVE'
        return status if status in ('ACTIVE', 'ERROR') else None


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
        self.writes = BalancerWrites(family, client, wait=self.wait, wait_timeout=self.wait_timeout)

    # -- reads ------------------------------------------------------------------------------------

    def find_parent(self):
        return self.family.parent.find_for(self.client, self.params)

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
            missing = [name for name in family.create_required if desired.get(name) is None]
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
                       if not family.by_name[name].equal(wanted, current.get(name), monitor_type))
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

    # -- writing and waiting (the shared BalancerWrites) --------------------------------------------

    def write(self, method, path, body, parent):
        return self.writes.write(method, path, body, parent)

    def read_loadbalancer(self, parent):
        ident = self.family.parent.loadbalancer_id(parent)
        return self.family.loadbalancer.read(self.client, ident) if ident else None

    def loadbalancer_status(self, parent):
        return self.writes.loadbalancer_status(parent)

    def wait_active(self, parent, written):
        self.writes.wait_active(parent, written)

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
            if field.name not in predicted:
                predicted[field.name] = field.server_default(monitor_type)
        return predicted

    def result(self, changed, obj, before=None, after=None):
        result = {'changed': changed, self.family.result_key: obj}
        if self.diff_mode and before is not None:
            result['diff'] = {'before': before, 'after': after}
        return result
