# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a hwcloud.elb.healthmonitors task would write, from what was read: one ``Action`` per monitor to create,
update or delete, and the monitors shown as config items (``before``, ``after``, ``gathered``). Each item is
planned by the same rules as a single module's task (``_plan.py``)."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _plan
from ansible_collections.hwcloud.elb.plugins.module_utils._family import ParentView
from ansible_collections.hwcloud.elb.plugins.module_utils._set_reads import current_of


def label(family, index, item):
    """How messages name config item ``index`` (0-based): its number, and its parent as given."""
    value = item.get(family.parent.option) if isinstance(item, dict) else None
    return 'config item %d%s' % (index + 1, ' (%s %r)' % (family.parent.option, value) if value else '')


def shape(family, parent_id, monitor):
    """A monitor as a config item: the parent's id and every field the monitor's type uses that is set."""
    monitor_type = monitor.get(family.type_field)
    item = {family.parent.option: parent_id}
    for field in family.fields:
        value = monitor.get(field.name)
        if value is None or (field.types and monitor_type not in field.types):
            continue
        item[field.name] = field.canonical(value)
    return item


def shapes(family, monitors_by_parent):
    """Parent id -> monitor (or None), as config items ordered by parent id."""
    return [shape(family, ident, monitor) for ident, monitor in sorted(monitors_by_parent.items())
            if monitor is not None]


def current_shapes(family, parents, monitors):
    return shapes(family, dict((parent['id'], current_of(family, parent, monitors)) for parent in parents))


def complete(family, given, current):
    """What ``replaced`` makes of an existing monitor: the item, and for every field it does not give that the
    type uses, the service's default (``Field.default``), or nothing where the family clears it."""
    monitor_type = _plan.monitor_type(family, given, current)
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


class SetPlan:
    """The actions of one task: ``state`` and its ``items`` (checked), over what ``reads`` (``SetReads``) read."""

    def __init__(self, family, client, state, items, reads):
        self.family = family
        self.client = client
        self.state = state
        self.items = items
        self.reads = reads

    def plan(self, resolved, in_play, monitors, problems):
        """``(actions, warnings)``; what refuses an item joins ``problems`` (labelled) and plans nothing for it.
        ``resolved``: ``(index, item, parent)`` of the items; ``in_play``: the parents the task may write."""
        family = self.family
        actions, warnings = [], []
        if self.state == 'deleted':
            targets = [parent for _i, _item, parent in resolved] if self.items else in_play
            for parent in targets:
                current = current_of(family, parent, monitors)
                if current is not None:
                    actions.append(self.delete_action(parent, current))
            return actions, warnings
        for index, item, parent in resolved:
            name = label(family, index, item)
            current = current_of(family, parent, monitors)
            given = family.desired(item)
            if current is None:
                refusal = _plan.no_monitor_yet(family, parent, given)
                if refusal:
                    problems.append('%s: %s' % (name, refusal))
                    continue
            desired = complete(family, given, current) if current is not None and self.state != 'merged' else given
            view = ParentView(parent, lambda parent=parent: self.reads.read_balancer(parent))
            errors, found = _plan.problems(family, desired, _plan.monitor_type(family, given, current), view, current)
            warnings.extend('%s: %s' % (name, message) for message in found)
            if errors:
                problems.extend('%s: %s' % (name, error) for error in errors)
                continue
            if current is None:
                body = dict(desired, **{family.parent.body_field: parent['id']})
                actions.append(Action('create', parent, None, desired,
                                      self.command('POST', family.path, family.wrap(body), parent['id'])))
                continue
            changes = _plan.changes(family, desired, current)
            if changes:
                path = '%s/%s' % (family.path, current['id'])
                actions.append(Action('update', parent, current, desired,
                                      self.command('PUT', path, family.wrap(changes), parent['id'])))
        if self.state == 'overridden':
            kept = set(parent['id'] for _i, _item, parent in resolved)
            for parent in in_play:
                current = current_of(family, parent, monitors)
                if parent['id'] not in kept and current is not None:
                    actions.append(self.delete_action(parent, current))
        return actions, warnings

    def delete_action(self, parent, current):
        path = '%s/%s' % (self.family.path, current['id'])
        return Action('delete', parent, current, None, self.command('DELETE', path, None, parent['id']))

    def command(self, method, path, body, parent_id):
        path = path.format(project_id=self.client.project_id) if self.client is not None else path
        return {'method': method, 'path': path, 'body': body, self.family.parent.option: parent_id}

    def rendered(self):
        """The create bodies of the items, with no call (``rendered``)."""
        family = self.family
        bodies = []
        for item in self.items:
            body = dict(family.desired(item), **{family.parent.body_field: item[family.parent.option]})
            bodies.append(family.wrap(body))
        return {'changed': False, 'rendered': bodies}
