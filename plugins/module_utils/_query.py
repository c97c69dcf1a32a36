# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read side: list the health checks of one API family, filters sent to the server where the API
takes them. Shared by healthmonitor_info and healthmonitor_facts."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._client import PAGE_SIZE
from ansible_collections.hwcloud.elb.plugins.module_utils._families import DEFAULT, FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import UUID, InputError, pool_loadbalancer_id
from ansible_collections.hwcloud.elb.plugins.module_utils._lookup import Lookup
from ansible_collections.hwcloud.elb.plugins.module_utils._module import ElbModule

PARENT_OPTIONS = ('pool', 'listener', 'loadbalancer')  # name a parent: one value, any family that has them
SCALAR_FILTERS = ('timeout', 'admin_state_up')  # one value, of the field's own type, in every family
ENUM_FILTERS = ('type', 'http_method')  # matched in any case, as the modules' options are


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


def _given(params):
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
    """Fail, naming them, on filters the chosen API version does not take or values it cannot match."""
    version = params['api_version']
    family = FAMILIES[version]
    given = _given(params)
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


def query(client, params):
    """Every health check of the family that matches the filters, in a stable order (by id)."""
    check_filters(params)
    version = params['api_version']
    family = FAMILIES[version]
    found = _query_listed(client, params, family) if family.listed else family.query(client, family, params)
    return [dict(item, api_version=version) for item in sorted(found, key=lambda item: item.get('id') or '')]


def _pools_of_balancers(client, family, value):
    """The pools of the load balancers with the id ``value``, else that name (several balancers may share it):
    one listing of the balancers' pools (v2 filters on one balancer at a time: one listing each)."""
    lookup = Lookup(kind='load balancer', option='loadbalancer', path=family.loadbalancer.path,
                    wrapper=family.loadbalancer.wrapper, list_key='loadbalancers', id_pattern=UUID)
    balancers = sorted(balancer['id'] for balancer in lookup.matching(client, value))
    queries = [{'loadbalancer_id': [ident]} for ident in balancers] if family.one_value_filters else (
        [{'loadbalancer_id': balancers}] if balancers else [])
    pools = []
    for query in queries:
        pools.extend(client.paginate(family.parent.path, family.parent.list_key, query=query, limit=PAGE_SIZE))
    return [pool for pool in pools if pool_loadbalancer_id(pool) in balancers]


def _query_listed(client, params, family):
    """One list call per page, the filters in its query; a pool or balancer filter becomes an id filter."""
    filters = dict((name, value) for name, value in _given(params).items() if name not in PARENT_OPTIONS)
    pools = None
    if params.get('pool') is not None:
        # A name shared by several pools selects all of them; an unknown pool selects nothing.
        pools = family.parent.matching(client, params['pool'])
    if params.get('loadbalancer') is not None and (pools is None or pools):
        # The same for balancers: the monitors of their pools (of the named pool in them, with pool).
        of_balancers = _pools_of_balancers(client, family, params['loadbalancer'])
        named = None if pools is None else set(pool['id'] for pool in pools)
        pools = [pool for pool in of_balancers if named is None or pool['id'] in named]
    if pools is not None:
        ids = [family.parent.monitor_id(pool) for pool in pools]
        ids = [ident for ident in ids if ident and (not filters.get('id') or ident in filters['id'])]
        if not ids:
            return []
        filters['id'] = sorted(set(ids))
    if family.one_value_filters and len(filters.get('id') or []) > 1:
        # One value at a time: one query per monitor of the named pools.
        return [item for ident in filters['id'] for item in _list(client, family, dict(filters, id=[ident]))]
    return _list(client, family, filters)


def _list(client, family, filters):
    return list(client.paginate(family.path, family.list_key, query=filters, limit=PAGE_SIZE))


def run_query_module(as_facts, **module_kwargs):
    """The whole main() of healthmonitor_info (as_facts False) and healthmonitor_facts (True)."""
    module = ElbModule(query_argument_spec(), **module_kwargs)

    def work(module):
        monitors = query(module.client, module.params)
        if as_facts:
            return {'changed': False, 'ansible_facts': {'hwcloud_elb_healthmonitors': monitors}}
        return {'changed': False, 'healthmonitors': monitors}

    module.run(work)
