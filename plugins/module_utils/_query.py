# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read side: list the health checks of one API family, filters sent to the server where the API
takes them. healthmonitor_info and healthmonitor_facts drive it (``_monitor_query_module.py``)."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._client import PAGE_SIZE
from ansible_collections.hwcloud.elb.plugins.module_utils._family import UUID, pool_loadbalancer_id
from ansible_collections.hwcloud.elb.plugins.module_utils._lookup import Lookup


def query(client, family, params, filters):
    """Every health check of the family that matches the task, in a stable order (by id). ``params``: the task's
    options (the parents it names); ``filters``: what the list call sends (``check_filters`` made them)."""
    found = _query_listed(client, family, params, filters) if family.listed else family.query(client, family, params)
    return [dict(item, api_version=family.name) for item in sorted(found, key=lambda item: item.get('id') or '')]


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


def _query_listed(client, family, params, filters):
    """One list call per page, the filters in its query; a pool or balancer filter becomes an id filter."""
    filters = dict(filters)
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
