# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dedicated ELB (v3): health monitors of pools, ``/v3/{project_id}/elb/healthmonitors``."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _checks, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._family import MemberApi
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import Field
from ansible_collections.hwcloud.elb.plugins.module_utils._pool_family import pool_family

TYPES = ('TCP', 'UDP_CONNECT', 'HTTP', 'HTTPS', 'GRPC', 'TLS')
HTTP_TYPES = ('HTTP', 'HTTPS')
CODE_TYPES = ('HTTP', 'HTTPS', 'GRPC')

# Which monitor types a pool of each protocol accepts.
COMPATIBLE = {
    'UDP': ('UDP_CONNECT',), 'QUIC': ('UDP_CONNECT',),
    'TCP': ('TCP', 'HTTP', 'HTTPS'), 'IP': ('TCP', 'HTTP', 'HTTPS'),
    'HTTP': ('TCP', 'HTTP', 'HTTPS', 'GRPC', 'TLS'), 'HTTPS': ('TCP', 'HTTP', 'HTTPS', 'GRPC', 'TLS'),
    'GRPC': ('TCP', 'HTTP', 'HTTPS', 'GRPC', 'TLS'), 'TLS': ('TCP', 'HTTP', 'HTTPS', 'GRPC', 'TLS'),
}

URL_PATH = r"^/[A-Za-z0-9\-/.%?#&_;~!()*\[\]@$^:',+]*$"
URL_PATH_HINT = ("a path starting with '/' made of letters, digits and -/.%?#&_;~!()*[]@$^:',+ "
                 "(at most 80 characters)")
DOMAIN_NAME = r'^[A-Za-z0-9][A-Za-z0-9.\-]*$'
DOMAIN_NAME_HINT = 'letters, digits, hyphens and periods, starting with a letter or digit (at most 100 characters)'

FIELDS = [
    Field('type', 'enum', choices=TYPES),
    Field('delay', 'int', minimum=1, maximum=50),
    Field('timeout', 'int', minimum=1, maximum=50),
    Field('max_retries', 'int', minimum=1, maximum=10),
    Field('max_retries_down', 'int', minimum=1, maximum=10, default=3),
    Field('admin_state_up', 'bool', default=True),
    Field('monitor_port', 'int', minimum=1, maximum=65535),
    Field('name', 'str', max_length=255, default=''),
    Field('domain_name', 'str', max_length=100, pattern=DOMAIN_NAME, pattern_hint=DOMAIN_NAME_HINT, types=HTTP_TYPES),
    Field('url_path', 'str', max_length=80, pattern=URL_PATH, pattern_hint=URL_PATH_HINT, types=HTTP_TYPES,
          default=lambda monitor_type: '/' if monitor_type in HTTP_TYPES else None),
    Field('http_method', 'enum', choices=('GET', 'HEAD', 'POST'), types=HTTP_TYPES,
          default=lambda monitor_type: 'GET' if monitor_type in HTTP_TYPES else None),
    Field('expected_codes', 'codes', types=CODE_TYPES,
          default=lambda monitor_type: {'GRPC': '0'}.get(monitor_type, '200' if monitor_type in CODE_TYPES else None),
          code_range=lambda monitor_type: (0, 99) if monitor_type == 'GRPC' else (200, 599)),
]

# What the list call filters on (api-notes section 4): several values of each, except timeout and admin_state_up.
QUERY_FILTERS = ('id', 'name', 'type', 'delay', 'timeout', 'max_retries', 'max_retries_down', 'monitor_port',
                 'domain_name', 'url_path', 'http_method', 'expected_codes', 'admin_state_up',
                 'enterprise_project_id', 'pool', 'loadbalancer')


FAMILY = pool_family(
    name='v3',
    module='hwcloud.elb.healthmonitor_v3',
    api='/v3/{project_id}/elb',
    label='dedicated (v3)',
    member_reader=_members.ProjectMembers,
    members_path='/members',
    member_api=MemberApi(subnet_field='subnet_cidr_id', subnet_required=False, batches=True, instance_ids=True,
                         check=True, settle=True),
    fields=FIELDS,
    record=lambda pool_id: dict(id=None, project_id=None, pools=[{'id': pool_id}], created_at=None, updated_at=None),
    query_filters=QUERY_FILTERS,
    checks=(_checks.type_fits_protocol('type', COMPATIBLE),
            _checks.port_required_for_any_port('monitor_port'),
            _checks.timeout_below_delay('timeout', 'delay')),
)
