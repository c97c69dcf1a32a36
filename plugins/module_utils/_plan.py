# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a task means for one monitor, shared by the single modules (``_engine.Reconciler``) and the set run
(``_set_plan.py``): the fields a create still needs, the rules that refuse or warn, the fields to send, and what a
create would hold. Nothing here makes a call: the parent's balancer is read only if a rule asks (``ParentView``).
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._family import CheckContext


def monitor_type(family, desired, current):
    """The type the monitor will have: the task's, else the one it holds."""
    return desired.get(family.type_field) or (current or {}).get(family.type_field)


def missing_for_create(family, desired, left_out=()):
    """The fields a create needs that ``desired`` does not give (``left_out``: said wrong already)."""
    return [name for name in family.create_required if desired.get(name) is None and name not in left_out]


def no_monitor_yet(family, parent, desired):
    """Why a parent without a monitor cannot get one from ``desired``, or None when it can."""
    missing = missing_for_create(family, desired)
    if not missing:
        return None
    return '%s %s has no health check yet; creating one needs %s (missing: %s).' % (
        family.parent.kind, parent.get('id'), ', '.join(family.create_required), ', '.join(missing))


def problems(family, desired, kind, parent, current):
    """``(errors, warnings)`` of the values ``desired`` gives (a None value: a field the write clears), for a
    monitor of type ``kind`` under ``parent`` (a ``ParentView``): each field's rule, then the family's checks."""
    given = dict((name, value) for name, value in desired.items() if value is not None)
    errors, warnings = family.validate(given, kind, current), []
    context = CheckContext(family, desired, kind, parent, current)
    for check in family.checks:
        for level, message in check(context):
            (errors if level == 'error' else warnings).append(message)
    return errors, warnings


def changes(family, desired, current):
    """The fields of ``desired`` the monitor does not hold already (compared the family's way: sets, case)."""
    kind = monitor_type(family, desired, current)
    return dict((name, wanted) for name, wanted in desired.items()
                if not family.by_name[name].equal(wanted, current.get(name), kind))


def predicted(family, body):
    """What a create would hold, in the shape the service answers: what is sent, the service's defaults for the
    rest, and the keys it adds (``id`` and the like, None until it exists)."""
    kind = body.get(family.type_field)
    parent_id = body[family.parent.body_field]
    monitor = dict((name, value) for name, value in body.items() if name != family.parent.body_field)
    monitor.update(family.record(parent_id))
    for field in family.fields:
        if field.name not in monitor:
            monitor[field.name] = field.server_default(kind)
    return monitor
