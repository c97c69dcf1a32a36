# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The single monitor modules' reconcile, and the write path every write under a balancer takes.

``Reconciler``: find the parent → read the monitor → validate → plan (``_plan.py``) → check/diff mode → write → wait.
``BalancerWrites``: one write under a balancer (409 while PENDING retried), the wait for ACTIVE after writes.
``MonitorWrites``: a monitor's create (a lost create looked for before repeating), update and delete through it.
A family is a ``Family`` declaration (``_family.py``, ``_family_v3.py``); nothing here knows a field by name.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _plan
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError, FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentNotFound, ParentView

POLL_BASE, POLL_CAP = 2.0, 10.0   # re-reads of a busy balancer: pauses of 1-2 s, then 2-4 s, ..., at most 5-10 s


def is_busy_conflict(err):
    """A 409 whose message says the balancer is busy (PENDING_*): whatever a later status read shows, the write was
    refused only because of the moment, so it is tried again (★ the service's wording: "... in PENDING_UPDATE ...")."""
    return err.status == 409 and 'PENDING' in (err.message or '').upper()


class BalancerWrites:
    """The one write path under a balancer, used by composition (monitors, the set run, members): ``write`` one
    call, ``wrote`` says whether any went through, ``wait_active`` waits (if the task asks) for ACTIVE after them.

    A 409 is retried until ``wait_timeout`` when its message says the balancer is PENDING, or when a status read
    says so; a status read that fails (throttled past ``api_retries``, no answer) never turns the 409 into a
    conflict: the write is tried again. A 409 on a balancer read ACTIVE is a real conflict, raised at once, except
    right after a write of our own: the PENDING window may close between that 409 and the read, so it is tried
    again ``own_write_retries`` times (several writes in a row, as the set run makes), with the shared backoff; a
    real conflict keeps answering 409 and fails. Every message names ``wait_timeout``, the option that bounds
    these waits."""

    def __init__(self, family, client, wait=True, wait_timeout=0, written='The health check', own_write_retries=0):
        self.family = family
        self.client = client
        self.wait = wait
        self.wait_timeout = wait_timeout or 0
        self.written = written  # what a FailedAfterWrite message says was written
        self.own_write_retries = own_write_retries
        self.wrote = False  # a write of this component went through

    def write(self, method, path, body, parent, repeatable=False):
        """One write; a 409 while the balancer is busy is retried until ``wait_timeout``. ``repeatable``: a POST
        that does the same when sent twice (see ``ElbClient.request``)."""
        busy = self.client.backoff(deadline=self.wait_timeout, base=POLL_BASE, cap=POLL_CAP)
        again = self.client.backoff(budget=self.own_write_retries)
        while True:
            try:
                answer = self.client.request(method, path, body=body, repeatable=repeatable)
            except ApiError as err:
                if err.status != 409:
                    raise
                if not is_busy_conflict(err):
                    try:
                        status = self.loadbalancer_status(parent)
                    except ApiError:
                        status = 'UNKNOWN'  # no answer about the balancer: not a proof of a conflict
                    if not (status.startswith('PENDING') or status == 'UNKNOWN'):
                        if self.wrote and not again.exhausted():
                            again.pause()
                            continue
                        err.hint = ('load balancer %s is %s, so this is a real conflict, not a busy balancer'
                                    % (self.family.parent.loadbalancer_id(parent), status))
                        raise
                if busy.exhausted():
                    err.hint = ('the load balancer stayed busy (PENDING) for all of wait_timeout (%s s): raise '
                                'wait_timeout' % self.wait_timeout)
                    raise
                busy.pause()
            else:
                self.wrote = True
                return answer

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


def read_monitor(family, client, ident):
    """The monitor ``ident``, or None when there is none: no id, or a parent still pointing at one that is gone."""
    if not ident:
        return None
    try:
        return family.unwrap(client.get('%s/%s' % (family.path, ident)))
    except ApiError as err:
        if err.status == 404:  # the parent still points at a monitor that is gone
            return None
        raise


class MonitorWrites:
    """Create, update and delete one family's monitors through a ``BalancerWrites``; waiting is the caller's
    (the single run waits after each write, the set run once per balancer)."""

    def __init__(self, family, client, writes, retries=0):
        self.family = family
        self.client = client
        self.writes = writes
        self.retries = retries  # how often a create whose answer was lost may be tried again

    def create(self, parent, desired):
        """POST a monitor for ``parent``: ``(parent, monitor, found)``. ``found``: the answer was lost (or another
        writer got there first) and the parent, read again, holds a monitor, which may not hold ``desired`` yet."""
        family = self.family
        body = family.wrap(dict(desired, **{family.parent.body_field: parent['id']}))
        retry = self.client.backoff(budget=self.retries)
        while True:
            try:
                return parent, family.unwrap(self.writes.write('POST', family.path, body, parent)), False
            except ApiError as err:
                if not (err.applied_unknown or err.status == 409):
                    raise
                # The answer was lost, or another writer got there first: look before creating again.
                parent = family.parent.get(self.client, parent['id']) or parent
                existing = read_monitor(family, self.client, family.parent.monitor_id(parent))
                if existing is not None:
                    return parent, existing, True
                if not err.applied_unknown or retry.exhausted():
                    raise
                retry.pause()  # the service is struggling (a 5xx or a dropped answer): give it room

    def update(self, parent, current, changes):
        """PUT ``changes``; the monitor as answered, else as it must be now."""
        path = '%s/%s' % (self.family.path, current['id'])
        updated = self.family.unwrap(self.writes.write('PUT', path, self.family.wrap(changes), parent))
        return updated or dict(current, **changes)

    def delete(self, parent, current):
        """DELETE the monitor; False when it was gone already (what we wanted)."""
        try:
            self.writes.write('DELETE', '%s/%s' % (self.family.path, current['id']), None, parent)
        except ApiError as err:
            if err.status != 404:  # already gone is what we wanted
                raise
            return False
        return True


class Task:
    """One module task: the family, the client, the options, the modes, and the one write path (``writes``).
    ``retries``: how often a create whose answer was lost may be sent again."""

    WRITTEN = 'The health check'  # what a failure after a write says was written

    def __init__(self, family, client, params, check_mode=False, diff_mode=False, warn=None, retries=0):
        self.family = family
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn or (lambda message: None)
        self.retries = retries
        self.writes = BalancerWrites(family, client, wait=params.get('wait', True),
                                     wait_timeout=params.get('wait_timeout') or 0, written=self.WRITTEN)


class Reconciler(Task):
    """Brings one monitor to the state a task asks for; ``run`` returns the module result."""

    def __init__(self, family, client, params, **options):
        super().__init__(family, client, params, **options)
        self.monitors = MonitorWrites(family, client, self.writes, retries=self.retries)

    def run(self):
        family = self.family
        desired = family.desired(self.params)
        errors = family.validate(desired, desired.get(family.type_field))
        if errors:
            raise InputError(' '.join(errors))
        absent = self.params.get('state') == 'absent'
        try:
            parent = family.parent.find_for(self.client, self.params)
        except ParentNotFound as err:
            if not absent:
                raise
            self.warn('%s Nothing to delete.' % err)
            return self.result(False, None)
        current = read_monitor(family, self.client, family.parent.monitor_id(parent))
        if absent:
            return self.delete(parent, current)
        if current is None:
            refusal = _plan.no_monitor_yet(family, parent, desired)
            if refusal:
                raise InputError(refusal)
        view = ParentView(parent, lambda: self.read_loadbalancer(parent))
        errors, warnings = _plan.problems(family, desired, _plan.monitor_type(family, desired, current), view, current)
        if errors:
            raise InputError(' '.join(errors))
        for message in warnings:
            self.warn(message)
        if current is None:
            return self.create(parent, desired)
        return self.update(parent, current, desired)

    def create(self, parent, desired):
        if self.check_mode:
            predicted = _plan.predicted(self.family, dict(desired, **{self.family.parent.body_field: parent['id']}))
            return self.result(True, predicted, before={}, after=predicted)
        parent, created, found = self.monitors.create(parent, desired)
        result = self.result(True, created, before={}, after=created)
        self.writes.wait_active(parent, result)
        if found:  # bring the monitor found to what the task asks
            return self.update(parent, created, desired, created=True)
        return result

    def update(self, parent, current, desired, created=False):
        changes = _plan.changes(self.family, desired, current)
        before = dict((name, current.get(name)) for name in desired)
        if not changes:
            return self.result(created, current, before=before, after=before)
        after = dict(before, **changes)
        if self.check_mode:
            return self.result(True, dict(current, **changes), before=before, after=after)
        result = self.result(True, self.monitors.update(parent, current, changes), before=before, after=after)
        self.writes.wait_active(parent, result)
        return result

    def delete(self, parent, current):
        if current is None:
            return self.result(False, None)
        result = self.result(True, None, before=current, after={})
        if not self.check_mode and self.monitors.delete(parent, current):
            self.writes.wait_active(parent, result)
        return result

    def read_loadbalancer(self, parent):
        ident = self.family.parent.loadbalancer_id(parent)
        return self.family.loadbalancer.read(self.client, ident) if ident else None

    def result(self, changed, obj, before=None, after=None):
        result = {'changed': changed, self.family.result_key: obj}
        if self.diff_mode and before is not None:
            result['diff'] = {'before': before, 'after': after}
        return result
