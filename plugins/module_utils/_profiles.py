# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monitor profiles of the roles ``http_monitor`` and ``tcp_monitor``, and how their one vocabulary
maps to each API family's module options. Data only: the filter ``hwcloud.elb.monitor_targets`` applies it,
``docs/profiles.md`` describes it (keep the two in step).
"""

from __future__ import annotations

# interval and timeout in seconds; thresholds are consecutive probes.
PROFILES = {
    'standard': dict(interval=5, timeout=3, healthy_threshold=3, unhealthy_threshold=3),
    'fast_failover': dict(interval=2, timeout=1, healthy_threshold=2, unhealthy_threshold=2),
    'tolerant': dict(interval=10, timeout=5, healthy_threshold=2, unhealthy_threshold=5),
}

# What every HTTP profile adds.
HTTP_DEFAULTS = dict(path='/', method='GET', expected_codes='200')

# The one vocabulary of a target's overrides, per role kind, and the monitor type each kind creates.
INT_KEYS = ('interval', 'timeout', 'healthy_threshold', 'unhealthy_threshold', 'port')
KIND_KEYS = {
    'http': INT_KEYS + ('path', 'domain', 'expected_codes', 'method'),
    'tcp': INT_KEYS,
}
MONITOR_TYPE = {'http': 'HTTP', 'tcp': 'TCP'}

_POOL_OPTIONS = dict(type='type', interval='delay', timeout='timeout', healthy_threshold='max_retries',
                     unhealthy_threshold='max_retries_down', port='monitor_port', path='url_path',
                     domain='domain_name', expected_codes='expected_codes', method='http_method')

# Per family: the module, the key naming the target (and keys that only narrow it), the module option of
# each vocabulary key, the keys the family cannot take at all, and the keys whose profile defaults are
# not sent (reserved by the service: given explicitly, they are passed on and the module warns).
FAMILIES = {
    'v3': dict(label='dedicated (v3)', module='hwcloud.elb.healthmonitor_v3', identity='pool', narrowing=(),
               options=_POOL_OPTIONS, lacks=(), defaults_not_sent=()),
    'v2': dict(label='shared (v2)', module='hwcloud.elb.healthmonitor_v2', identity='pool', narrowing=(),
               options=_POOL_OPTIONS, lacks=(), defaults_not_sent=('expected_codes', 'method')),
    'v1': dict(label='classic (v1)', module='hwcloud.elb.healthcheck_v1', identity='listener',
               narrowing=('loadbalancer',),
               options=dict(type='healthcheck_protocol', interval='healthcheck_interval',
                            timeout='healthcheck_timeout', healthy_threshold='healthy_threshold',
                            unhealthy_threshold='unhealthy_threshold', port='healthcheck_connect_port',
                            path='healthcheck_uri'),
               lacks=('domain', 'expected_codes', 'method'), defaults_not_sent=()),
}

IDENTITY_KEYS = ('pool', 'listener', 'loadbalancer')
STATES = ('present', 'absent')
