# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of healthmonitor_info and healthmonitor_facts: their options (``api_version`` and every filter any
family takes), the checks of the filters against the chosen family, and the run. The listing itself is
``_query.py``'s."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _query
from ansible_collections.hwcloud.elb.plugins.module_utils._families import DEFAULT, FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._module import ElbModule

PARENT_OPTIONS = ('pool', 'listener', 'loadbalancer')  # name a parent: one value, any family that has them
SCALAR_FILTERS = ('timeout', 'admin_state_up')  # one value, of the field's own type, in every family
ENUM_FILTERS = ('type', 'http_method')  # matched in any case, as the modules' options are
QUERY_BOUNDS = {}  # no option of a fixed range: each filter value is checked by its family's own field


def _filter_spec(name):
    if name in PARENT_OPTIONS:
        return dict(type='str')
    if name in SCALAR_FILTERS:
        kind = next(family.by_name[name].kind for family in FAMILIES.values() if name in family.by_name)
        return dict(type=kind)
    return dict(type='list', elements='str')


def query_argument_spec():
    """The options of healthmonitor_info and _facts: ``api_version`` and every filter any family takes."""
    spec = dict(api_version=dict(type='str', choices=sorted(FAMILIES), default=DEFAULT))
    for name in sorted(set().union(*(family.query_filters for family in FAMILIES.values()))):
        spec[name] = _filter_spec(name)
    return spec


def given_filters(params):
    """The filters the task gives (parents included), enum values upper-cased; None and [] are no filter."""
    options = query_argument_spec()
    given = dict((name, value) for name, value in params.items()
                 if name != 'api_version' and name in options and value not in (None, []))
    for name in ENUM_FILTERS:
        if name in given:
            given[name] = [value.upper() for value in given[name]]
    return given


def _value_problems(family, given):
    """Filter values the family's own field rules refuse (a delay of 0, a type of PING, a YAML yes for a number)."""
    problems = []
    for name, values in given.items():
        field = family.by_name.get(name)
        for value in (values if isinstance(values, list) else [values]):
            if field is not None and field.kind == 'int' and isinstance(value, str):
                if not value.strip().isdigit():
                    problems.append('%s is %r; each value must be a whole number.' % (name, value))
                    break
                value = int(value)
            problem = field.problem(value) if field is not None else None
            if problem:
                problems.append(problem)
                break
    if not family.listed:  # ids of a family without a list call become part of the URL path
        bad = [ident for ident in given.get('id') or [] if not family.parent.id_pattern.fullmatch(ident)]
        if bad:
            problems.append('id is %r; it is not a %s health check id.' % (bad[0], family.name))
    return problems


def check_filters(params):
    """``(family, the filters its list call sends)``; InputError naming the filters the chosen API version does
    not take or values it cannot match."""
    version = params['api_version']
    family = FAMILIES[version]
    given = given_filters(params)
    wrong = sorted(set(given) - family.query_filters)
    if wrong:
        raise InputError('%s cannot filter %s health checks; with api_version %s use %s.' % (
            ', '.join(wrong), version, version, ', '.join(sorted(family.query_filters))))
    if family.one_value_filters:
        several = sorted(name for name, value in given.items() if isinstance(value, list) and len(value) > 1)
        if several:
            raise InputError('%s: the %s API filters on one value at a time; give a single value or query several '
                             'times.' % (', '.join('%s is %s' % (name, params[name]) for name in several), version))
    problems = _value_problems(family, given)
    if problems:
        raise InputError(' '.join(problems))
    return family, dict((name, value) for name, value in given.items() if name not in PARENT_OPTIONS)


def run_monitor_query_module(as_facts, **module_kwargs):
    """The whole main() of healthmonitor_info (as_facts False) and healthmonitor_facts (True)."""
    module = ElbModule(query_argument_spec(), bounds=QUERY_BOUNDS, **module_kwargs)

    def work(module):
        family, filters = check_filters(module.params)
        monitors = _query.query(module.client, family, module.params, filters)
        if as_facts:
            return {'changed': False, 'ansible_facts': {'hwcloud_elb_healthmonitors': monitors}}
        return {'changed': False, 'healthmonitors': monitors}

    module.run(work)
