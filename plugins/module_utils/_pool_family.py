# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the two pool families (v3 and v2) declare alike, said once: monitors belong to pools, every path
hangs off one API root, and the roles' vocabulary maps onto the same options."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._family import UUID, Family, Role, pool_loadbalancer_id
from ansible_collections.hwcloud.elb.plugins.module_utils._lookup import LoadBalancer, Parent

POOL_IDENTITY = dict(pool=dict(type='str', required=True, aliases=['pool_id']))
POOL_ROLE_OPTIONS = dict(type='type', interval='delay', timeout='timeout', healthy_threshold='max_retries',
                         unhealthy_threshold='max_retries_down', port='monitor_port', path='url_path',
                         domain='domain_name', expected_codes='expected_codes', method='http_method')


def pool_parent(path):
    return Parent(kind='pool', option='pool', path=path, wrapper='pool', list_key='pools',
                  link_field='healthmonitor_id', body_field='pool_id', id_pattern=UUID,
                  loadbalancer_id=pool_loadbalancer_id)


def pool_family(name, api, label, member_reader, members_path, member_api, one_value_filters=False,
                defaults_not_sent=(), **declared):
    """A family of pool monitors under the API root ``api`` (``/v3/{project_id}/elb``): its paths derive from
    the root, its member reader (a ``_members`` class) gets the same ones; ``member_api``: a ``MemberApi``.
    ``declared``: what the family says for itself (module, fields, record, query_filters, checks)."""
    monitors, pools, loadbalancers = api + '/healthmonitors', api + '/pools', api + '/loadbalancers'
    return Family(
        name=name,
        identity_spec=POOL_IDENTITY,
        result_key='healthmonitor',
        path=monitors,
        wrapper='healthmonitor',
        list_key='healthmonitors',
        type_field='type',
        create_required=('type', 'delay', 'timeout', 'max_retries'),
        parent=pool_parent(pools),
        loadbalancer=LoadBalancer(loadbalancers, 'loadbalancer'),
        role=Role(label, POOL_ROLE_OPTIONS, defaults_not_sent=defaults_not_sent),
        one_value_filters=one_value_filters,
        members=member_reader(api + members_path, loadbalancers=loadbalancers, pools=pools, monitors=monitors,
                              monitors_key='healthmonitors', one_value_filters=one_value_filters),
        member_path=pools + '/{pool_id}/members',
        member_api=member_api,
        clearable=('monitor_port', 'domain_name'),  # an update that sends null clears them
        **declared)
