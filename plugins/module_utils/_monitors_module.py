# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of hwcloud.elb.healthmonitors: the health checks of many parents in one task.

Its options and their bounds, the checks of every config item, and the run: read by list calls (``_set_reads.py``)
→ preflight every item (statically and against what was read; one bad item fails the task naming every bad one,
before any write) → plan (``_set_plan.py``, the single modules' rules of ``_plan.py``) → write per balancer,
balancers in parallel, one wait for ACTIVE per balancer (``_set_writes.py``, through the engine's
``BalancerWrites``). The fields and rules come from the same ``Family`` declaration as the single modules'.
"""

from __future__ import annotations

import re

from ansible_collections.hwcloud.elb.plugins.module_utils import _plan
from ansible_collections.hwcloud.elb.plugins.module_utils._families import DEFAULT, FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentNotFound
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import control_problem
from ansible_collections.hwcloud.elb.plugins.module_utils._module import WAIT_BOUNDS, ElbModule, check_item
from ansible_collections.hwcloud.elb.plugins.module_utils._set_plan import SetPlan, current_shapes, label
from ansible_collections.hwcloud.elb.plugins.module_utils._set_reads import SetReads
from ansible_collections.hwcloud.elb.plugins.module_utils._set_writes import DEFAULT_MAX_PARALLEL, SetWrites

STATES = ('merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered')
PARENT_KEYS = ('pool', 'listener', 'loadbalancer')
COMPLETE = ('replaced', 'overridden', 'rendered')  # states in which an item describes the whole monitor
ITEM_NUMBER = re.compile(r'config item (\d+)')


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
        # Each item is checked by MonitorsRun.checked_items, so that every message names the item and its parent.
        config=dict(type='list', elements='dict', default=[]),
        scope=dict(type='list', elements='str'),
        max_parallel=dict(type='int', default=DEFAULT_MAX_PARALLEL),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=300),
    )


MONITORS_BOUNDS = dict(WAIT_BOUNDS, max_parallel=(1, 32))  # the whole numbers of argument_spec


def _parent_key(family, item):
    """How an item names its parent, as given: the parent option and the keys that narrow it (v1's balancer)."""
    return tuple(item.get(key) for key in (family.parent.option,) + tuple(family.parent.narrowing))


class MonitorsRun:
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

    # -- static checks --------------------------------------------------------------------------------

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
                problems.extend('%s: %s' % (label(family, index, item or {}), problem) for problem in found)
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
        given = dict((name, value) for name, value in family.desired(item).items() if name not in wrong)
        errors = family.validate(given, given.get(family.type_field))
        problems.extend(errors)
        if self.state in COMPLETE:
            missing = _plan.missing_for_create(family, given, left_out)
            if missing:
                problems.append('state %s describes the whole health check: give %s (missing: %s).' % (
                    self.state, ', '.join(family.create_required), ', '.join(missing)))
        return problems

    def twice(self, first, parent=None):
        """Why an item is refused that names the same parent as item number ``first`` (0-based)."""
        kind = self.family.parent.kind
        return 'the same %s as %s%s: give each %s once (the two would undo each other on every run).' % (
            kind, label(self.family, first, self.items[first]), ' (both are %s %s)' % (kind, parent['id'])
            if parent else '', kind)

    def fail_if(self, problems):
        """One failure naming every problem, in the order of the items (static ones were found first)."""
        if problems:
            ordered = sorted(problems, key=lambda problem: int(ITEM_NUMBER.match(problem).group(1))
                             if ITEM_NUMBER.match(problem) else 0)
            raise InputError('%d problem(s) in config; nothing was written. %s' % (len(problems), ' '.join(ordered)))

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
                problems.extend('%s: %s' % (label(family, index, item), problem) for problem in found)
        reads = SetReads(family, self.client, self.scope)
        planner = SetPlan(family, self.client, self.state, self.items, reads)
        if self.state == 'rendered':
            self.fail_if(problems)
            return planner.rendered()
        if self.state == 'overridden' and not self.scope:
            raise InputError('state overridden needs scope: the load balancers (ids or names) whose health checks '
                             'the task owns; it deletes every other health check there and never touches a '
                             'balancer not named.')
        if self.state == 'deleted' and not self.items and not self.scope:
            raise InputError('state deleted with an empty config needs scope: the load balancers (ids or names) '
                             'whose health checks to delete.')
        reads.resolve_scope()
        parents = reads.list_parents()
        resolved = self.resolve(reads, parents, bad, problems)
        in_play = self.in_play(resolved, parents)
        monitors = reads.read_monitors(in_play)
        if self.state == 'gathered':
            self.fail_if(problems)
            return {'changed': False, 'gathered': current_shapes(family, in_play, monitors)}
        actions, warnings = planner.plan(resolved, in_play, monitors, problems)
        self.fail_if(problems)
        for message in warnings:
            self.warn(message)
        writes = SetWrites(family, self.client, self.params, reads, check_mode=self.check_mode,
                           diff_mode=self.diff_mode, retries=self.retries)
        return writes.apply(actions, in_play, monitors)

    def resolve(self, reads, parents, bad, problems):
        """``(index, item, parent)`` of every good item whose parent is found once; what fails joins ``problems``."""
        family = self.family
        resolved, seen = [], {}
        for index, item in enumerate(self.items):
            if index in bad:  # said already; its parent is not looked for
                continue
            try:
                parent = reads.match(item, parents)
            except InputError as err:
                # Nothing to delete where nothing matches; a name several parents share fails in every state.
                if self.state == 'deleted' and isinstance(err, ParentNotFound):
                    self.warn('%s: %s Nothing to delete.' % (label(family, index, item), err))
                else:
                    problems.append('%s: %s' % (label(family, index, item), err))
                continue
            if parent['id'] in seen:
                problems.append('%s: %s' % (label(family, index, item), self.twice(seen[parent['id']], parent)))
                continue
            seen[parent['id']] = index
            resolved.append((index, item, parent))
        return resolved

    def in_play(self, resolved, parents):
        """The parents whose monitors the task reads, shows and may write: the items' parents, and every listed
        parent (of the scope, else of the project) for overridden, deleted with no items, and gathered with none."""
        if self.state == 'overridden' or (self.state in ('deleted', 'gathered') and not self.items):
            return parents
        return [parent for _index, _item, parent in resolved]


def run_monitors_module(**module_kwargs):
    """The whole main() of hwcloud.elb.healthmonitors."""
    module = ElbModule(argument_spec(), bounds=MONITORS_BOUNDS, **module_kwargs)

    def work(module):
        params = module.params
        client = None if params['state'] == 'rendered' else module.client  # rendered makes no call
        run = MonitorsRun(client, params, check_mode=module.ansible.check_mode, diff_mode=module.ansible._diff,
                          warn=module.ansible.warn, retries=module.settings.api_retries)
        return run.run()

    module.run(work)
