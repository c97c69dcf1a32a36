# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monitor profiles of the roles ``http_monitor`` and ``tcp_monitor`` and their one vocabulary; each
family maps that vocabulary onto its module's options (``Family.role``). Data only: the filter
``hwcloud.elb.monitor_targets`` applies it, ``docs/profiles.md`` describes it (keep the two in step).
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

IDENTITY_KEYS = ('pool', 'listener', 'loadbalancer')
STATES = ('present', 'absent')
