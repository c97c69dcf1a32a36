# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How hwcloud.elb.healthmonitors writes its plan: per balancer, serialised, balancers in parallel
(``max_parallel``), each through its own ``BalancerWrites`` (the single modules' write path) and one wait for ACTIVE
after its last write; after a failure, what the service holds is read back and the failure says what was written."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.hwcloud.elb.plugins.module_utils import _plan
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import BalancerWrites, MonitorWrites
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError, FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._set_plan import current_shapes, shapes
from ansible_collections.hwcloud.elb.plugins.module_utils._set_reads import current_of

DEFAULT_MAX_PARALLEL = 4
AFTER_OWN_WRITE = 3  # tries again of a 409 met on an ACTIVE balancer right after our own write (BalancerWrites)
SHOWN = 10  # writes a failure message names one by one


class SetWrites:
    """The writes of one task (none in check mode) and its result: ``commands``, ``before``, ``after``, ``diff``."""

    def __init__(self, family, client, params, reads, check_mode=False, diff_mode=False, retries=0):
        self.family = family
        self.client = client
        self.params = params
        self.reads = reads  # SetReads, to read back after a failure
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.retries = retries

    def apply(self, actions, in_play, monitors):
        family = self.family
        touched = set(action.parent['id'] for action in actions)
        parents = [parent for parent in in_play if parent['id'] in touched]
        before = current_shapes(family, parents, monitors)
        after = dict((parent['id'], current_of(family, parent, monitors)) for parent in parents)
        for action in actions:  # what the writes will make of each monitor: the same prediction in check mode
            body = family.unwrap(action.command['body'])
            if action.kind == 'create':
                after[action.parent['id']] = _plan.predicted(family, body)
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
        result['after'] = shapes(family, after)
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
            parents = dict((parent['id'], parent) for parent in self.reads.list_parents())
            in_question = [parents[action.parent['id']] for action in unfinished if action.parent['id'] in parents]
            held = self.reads.read_monitors(in_question)
        except ApiError:
            unknown = [action for action in unfinished if getattr(action.error, 'applied_unknown', False)]
            for action in unfinished:
                after[action.parent['id']] = None if action in unknown else action.current
            return unknown
        for action in unfinished:
            parent = parents.get(action.parent['id'])
            after[action.parent['id']] = current_of(self.family, parent, held) if parent else None
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

    def write_all(self, actions):
        """Writes grouped by balancer: serial within one, balancers in parallel; one wait per balancer."""
        groups = {}
        for action in actions:
            groups.setdefault(self.family.parent.loadbalancer_id(action.parent), []).append(action)
        workers = max(1, min(self.params.get('max_parallel') or DEFAULT_MAX_PARALLEL, len(groups)))
        if workers == 1:
            outcomes = [self.write_balancer(ident, group) for ident, group in groups.items()]
        else:
            self.client.widen_connection_pool(workers)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                outcomes = list(pool.map(lambda entry: self.write_balancer(*entry), groups.items()))
        written, failures = {}, []
        for group_written, failure in outcomes:
            written.update(group_written)
            if failure is not None:
                failures.append(failure)
        return written, failures

    def write_balancer(self, balancer_id, actions):
        """One balancer's writes in order, then one wait for it; returns ``(parent id -> monitor, failure)``.

        The first failure stops this balancer's writes (the next would meet the same trouble); the others go on."""
        family = self.family
        writes = BalancerWrites(family, self.client, wait=self.params.get('wait', True),
                                wait_timeout=self.params.get('wait_timeout') or 0, own_write_retries=AFTER_OWN_WRITE)
        monitors = MonitorWrites(family, self.client, writes, retries=self.retries)
        written = {}
        action = None
        try:
            for action in actions:
                if action.kind == 'create':
                    parent, monitor, found = monitors.create(action.parent, action.desired)
                    changes = _plan.changes(family, action.desired, monitor) if found else None
                    written[action.parent['id']] = monitors.update(parent, monitor, changes) if changes else monitor
                elif action.kind == 'update':
                    changes = family.unwrap(action.command['body'])
                    written[action.parent['id']] = monitors.update(action.parent, action.current, changes)
                else:
                    monitors.delete(action.parent, action.current)
                    written[action.parent['id']] = None
                action.done = True
            writes.wait_active(actions[-1].parent, {})
        except FailedAfterWrite as err:
            return written, InputError('load balancer %s: %s' % (balancer_id, err))
        except (ApiError, InputError) as err:
            if action is not None and not action.done:
                action.error = err
            if not written:
                return written, err
            return written, InputError('load balancer %s: %s' % (balancer_id, err))
        return written, None
