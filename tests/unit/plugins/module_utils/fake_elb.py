# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small in-memory stand-in for the v3 API, for engine unit tests (the emulator covers the wire)."""

from __future__ import annotations

import copy
import uuid

from ansible_collections.hwcloud.elb.plugins.module_utils._backoff import Backoff
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError

LB = '11111111-1111-4111-8111-111111111111'


class FakeV3:
    """Pools and monitors of one balancer; records every call as (method, path)."""

    def __init__(self, pools=None):
        self.calls = []
        self.pools = {}
        self.monitors = {}
        self.lb_status = ['ACTIVE']  # consumed one per balancer read; the last one sticks
        self.lose_next_post = False
        self.pending_writes = 0       # how many writes answer 409 first
        self.conflicts = 0            # how many writes answer 409 although the balancer is ACTIVE
        self.failing_posts = 0        # how many creates answer 503 without acting
        self.sleeps = []
        for name, protocol in (pools or {'web': 'HTTP', 'db': 'TCP', 'dns': 'UDP'}).items():
            pool_id = str(uuid.uuid4())
            self.pools[pool_id] = {'id': pool_id, 'name': name, 'protocol': protocol, 'healthmonitor_id': '',
                                   'loadbalancers': [{'id': LB}]}

    def writes(self):
        return [call for call in self.calls if call[0] != 'GET']

    def backoff(self, **kwargs):
        """The client's backoff policy, sleeping into ``self.sleeps`` instead of the clock."""
        return Backoff(sleep=self.sleeps.append, clock=lambda: sum(self.sleeps), **kwargs)

    def get(self, path, query=None):
        return self.request('GET', path, query=query)

    def request(self, method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
        self.calls.append((method, path))
        parts = path.split('/')[4:]  # after /v3/{project_id}/elb
        kind, ident = parts[0], (parts[1] if len(parts) > 1 else None)
        if kind == 'loadbalancers':
            status = self.lb_status.pop(0) if len(self.lb_status) > 1 else self.lb_status[0]
            return {'loadbalancer': {'id': LB, 'provisioning_status': status}}
        if method != 'GET' and self.pending_writes:
            self.pending_writes -= 1
            raise ApiError('busy', status=409, error_code='ELB.8907')
        if method != 'GET' and self.conflicts:
            self.conflicts -= 1
            raise ApiError('quota exceeded', status=409, error_code='ELB.1071')
        if method == 'POST' and self.failing_posts:
            self.failing_posts -= 1
            raise ApiError('service unavailable', status=503, applied_unknown=True)
        if kind == 'pools':
            if ident:
                if ident not in self.pools:
                    raise ApiError('pool could not be found', status=404)
                return {'pool': copy.deepcopy(self.pools[ident])}
            return {'pools': [copy.deepcopy(p) for p in self.pools.values() if p['name'] == query.get('name')]}
        if method == 'POST':
            monitor = dict(body['healthmonitor'], id=str(uuid.uuid4()))
            monitor.setdefault('max_retries_down', 3)
            monitor.setdefault('admin_state_up', True)
            monitor.setdefault('name', '')
            self.monitors[monitor['id']] = monitor
            self.pools[monitor['pool_id']]['healthmonitor_id'] = monitor['id']
            if self.lose_next_post:
                self.lose_next_post = False
                raise ApiError('no answer', applied_unknown=True)
            return {'healthmonitor': copy.deepcopy(monitor)}
        if ident not in self.monitors:
            raise ApiError('healthmonitor could not be found', status=404)
        if method == 'PUT':
            self.monitors[ident].update(body['healthmonitor'])
            return {'healthmonitor': copy.deepcopy(self.monitors[ident])}
        if method == 'DELETE':
            monitor = self.monitors.pop(ident)
            self.pools[monitor['pool_id']]['healthmonitor_id'] = ''
            return None
        return {'healthmonitor': copy.deepcopy(self.monitors[ident])}
