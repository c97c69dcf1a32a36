# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read side: list the health checks of one API family, filters sent to the server where the API
takes them. Shared by healthmonitor_info and healthmonitor_facts."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _family_v1, _family_v2, _family_v3
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import InputError, ParentNotFound
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._module import ElbModule

PAGE_SIZE = 2000  # the largest page the v3 API serves

# Filters the v3 and v2 list calls take, as options; v3 takes several values of the list-typed ones.
LIST_FILTERS = ('id', 'name', 'type', 'delay', 'max_retries', 'max_retries_down', 'monitor_port', 'domain_name',
                'url_path', 'http_method', 'expected_codes', 'enterprise_project_id')
SCALAR_FILTERS = ('timeout', 'admin_state_up')
V2_FILTERS = ('id', 'name', 'type', 'delay', 'timeout', 'max_retries', 'max_retries_down', 'monitor_port',
              'domain_name', 'url_path', 'http_method', 'expected_codes', 'admin_state_up')
ALLOWED = {
    'v3': set(LIST_FILTERS + SCALAR_FILTERS + ('pool',)),
    'v2': set(V2_FILTERS + ('pool',)),
    'v1': {'listener', 'loadbalancer', 'id'},
}
FAMILIES = {'v1': _family_v1.FAMILY, 'v2': _family_v2.FAMILY, 'v3': _family_v3.FAMILY}

QUERY_ARGUMENT_SPEC = dict(
    api_version=dict(type='str', choices=['v1', 'v2', 'v3'], default='v3'),
    pool=dict(type='str'),
    listener=dict(type='str'),
    loadbalancer=dict(type='str'),
    timeout=dict(type='int'),
    admin_state_up=dict(type='bool'),
    **dict((name, dict(type='list', elements='str')) for name in LIST_FILTERS)
)


ENUM_FILTERS = ('type', 'http_method')  # matched in any case, as the modules' options are


def _given(params):
    given = dict((name, params[name]) for name in QUERY_ARGUMENT_SPEC
                 if name != 'api_version' and params.get(name) not in (None, []))
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
    if family.name == 'v1':  # classic ids become part of the URL path
        bad = [ident for ident in given.get('id') or [] if not family.parent.id_pattern.fullmatch(ident)]
        if bad:
            problems.append('id is %r; a classic health check id is 32 lowercase hexadecimal characters.' % bad[0])
    return problems


def check_filters(params):
    """Fail, naming them, on filters the chosen API version does not take or values it cannot match."""
    version = params['api_version']
    wrong = sorted(set(_given(params)) - ALLOWED[version])
    if wrong:
        raise InputError('%s cannot filter %s health checks; with api_version %s use %s.' % (
            ', '.join(wrong), version, version, ', '.join(sorted(ALLOWED[version]))))
    problems = _value_problems(FAMILIES[version], _given(params))
    if problems:
        raise InputError(' '.join(problems))
    if version == 'v2':
        several = sorted(name for name, value in _given(params).items() if isinstance(value, list) and len(value) > 1)
        if several:
            raise InputError('%s: the v2 API filters on one value at a time; give a single value or query several times.'
                             % ', '.join('%s is %s' % (name, params[name]) for name in several))


def query(client, params):
    """Every health check of the family that matches the filters, in a stable order (by id)."""
    check_filters(params)
    version = params['api_version']
    found = _query_v1(client, params) if version == 'v1' else _query_listed(client, params, FAMILIES[version])
    return [dict(item, api_version=version) for item in sorted(found, key=lambda item: item.get('id') or '')]


def _query_listed(client, params, family):
    """v3 and v2: one list call per page, the filters in its query; a pool filter becomes an id filter."""
    filters = dict((name, value) for name, value in _given(params).items() if name != 'pool')
    if params.get('pool') is not None:
        # A name shared by several pools selects all of them; an unknown pool selects nothing.
        ids = [family.parent.monitor_id(pool) for pool in family.parent.matching(client, params['pool'])]
        ids = [ident for ident in ids if ident and (not filters.get('id') or ident in filters['id'])]
        if not ids:
            return []
        filters['id'] = ids
    if family.name == 'v2' and len(filters.get('id') or []) > 1:
        # v2 filters one value at a time: one query per monitor of the named pools.
        return [item for ident in filters['id'] for item in _list(client, family, dict(filters, id=[ident]))]
    return _list(client, family, filters)


def _list(client, family, filters):
    key = family.wrapper + 's'
    return list(client.paginate(family.path, key, query=filters, limit=PAGE_SIZE))


def _query_v1(client, params):
    """Classic: no list call for health checks; they are found through their listeners' healthcheck_id."""
    family = FAMILIES['v1']
    if params.get('id'):
        ids = params['id']
    else:
        ids = [family.parent.monitor_id(listener) for listener in _listeners(client, family, params)]
    checks = []
    for ident in sorted(set(filter(None, ids))):
        try:
            checks.append(family.unwrap(client.get('%s/%s' % (family.path, ident))))
        except ApiError as err:
            if err.status != 404:
                raise
    return checks


def _listeners(client, family, params):
    parent = family.parent
    query = {}
    if params.get('loadbalancer'):
        balancer = params['loadbalancer']
        if not parent.narrow_by.id_pattern.fullmatch(balancer):  # an id needs no look-up
            try:
                balancer = parent.narrow_by.find(client, balancer)['id']
            except ParentNotFound:
                return []
        query[parent.narrow_field] = balancer
    if params.get('listener'):
        listeners = parent.matching(client, params['listener'], query)
        if query:  # a listener given by id must still belong to the balancer given
            listeners = [item for item in listeners if item.get(parent.narrow_field) == query[parent.narrow_field]]
        return listeners
    data = client.get(parent.path, query) or []
    return data.get(parent.list_key, []) if isinstance(data, dict) else data


def run_query_module(as_facts, **module_kwargs):
    """The whole main() of healthmonitor_info (as_facts False) and healthmonitor_facts (True)."""
    module = ElbModule(QUERY_ARGUMENT_SPEC, **module_kwargs)

    def work(module):
        monitors = query(module.client, module.params)
        if as_facts:
            return {'changed': False, 'ansible_facts': {'hwcloud_elb_healthmonitors': monitors}}
        return {'changed': False, 'healthmonitors': monitors}

    module.run(work)
