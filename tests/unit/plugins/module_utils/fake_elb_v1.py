# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small in-memory stand-in for the classic (v1.0) API, for unit tests of the v1 family.

Flat bodies, 32-hex ids, a bare array from the listener list; the emulator covers the wire.
"""

from __future__ import annotations

import copy
import uuid

from ansible_collections.hwcloud.elb.plugins.module_utils._backoff import Backoff
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError


def hex_id():
    return uuid.uuid4().hex


class FakeV1:
    """Classic balancers with their listeners and checks; records every call as (method, path, query)."""

    def __init__(self):
        self.calls = []
        self.balancers = {}
        self.listeners = {}
        self.checks = {}
        self.lb_status = ['ACTIVE']  # consumed one per balancer read; the last one sticks
        self.pending_writes = 0       # how many writes answer 409 first
        public = self.add_balancer('web-lb', 'External')
        private = self.add_balancer('private-lb', 'Internal')
        self.add_listener('http', public, 'HTTP')
        self.add_listener('dns', public, 'UDP')
        self.add_listener('dns', private, 'UDP')   # the same name under another balancer
        self.add_listener('db', private, 'TCP')

    def add_balancer(self, name, lb_type):
        ident = hex_id()
        self.balancers[ident] = {'id': ident, 'name': name, 'type': lb_type, 'status': 'ACTIVE'}
        return ident

    def add_listener(self, name, balancer, protocol):
        ident = hex_id()
        self.listeners[ident] = {'id': ident, 'name': name, 'loadbalancer_id': balancer, 'protocol': protocol,
                                 'backend_protocol': protocol, 'backend_port': 80, 'healthcheck_id': None}
        return ident

    def listener(self, name, balancer_name):
        balancer = next(b for b in self.balancers.values() if b['name'] == balancer_name)
        return next(l for l in self.listeners.values() if l['name'] == name and l['loadbalancer_id'] == balancer['id'])

    def writes(self):
        return [call for call in self.calls if call[0] != 'GET']

    def reads(self, kind):
        return [call for call in self.calls if call[0] == 'GET' and '/elbaas/%s' % kind in call[1]]

    @staticmethod
    def backoff(**kwargs):
        return Backoff(sleep=lambda seconds: None, **kwargs)

    def get(self, path, query=None):
        return self.request('GET', path, query=query)

    def request(self, method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
        self.calls.append((method, path, dict(query or {})))
        parts = path.split('/')[4:]  # after /v1.0/{project_id}/elbaas
        kind, ident = parts[0], (parts[1] if len(parts) > 1 else None)
        if kind == 'loadbalancers':
            if ident is None:
                return {'loadbalancers': [copy.deepcopy(b) for b in self.balancers.values()
                                          if all(b.get(k) == v for k, v in query.items())]}
            if ident not in self.balancers:
                raise ApiError('Loadbalancer could not be found', status=404, error_code='ELB.1002')
            status = self.lb_status.pop(0) if len(self.lb_status) > 1 else self.lb_status[0]
            return dict(copy.deepcopy(self.balancers[ident]), status=status)
        if kind == 'listeners':
            if ident is None:
                return [copy.deepcopy(l) for l in self.listeners.values()
                        if all(l.get(k) == v for k, v in query.items())]
            if ident not in self.listeners:
                raise ApiError('Listener could not be found', status=404, error_code='ELB.7010')
            return copy.deepcopy(self.listeners[ident])
        if method != 'GET' and self.pending_writes:
            self.pending_writes -= 1
            raise ApiError('busy', status=409, error_code='ELB.8907')
        if method == 'POST':
            check = {'healthcheck_interval': 5, 'healthcheck_timeout': 10, 'healthy_threshold': 3,
                     'unhealthy_threshold': 3, 'healthcheck_connect_port': 80, 'healthcheck_uri': ''}
            check.update(body, id=hex_id())
            if check['healthcheck_protocol'] == 'HTTP' and not check['healthcheck_uri']:
                check['healthcheck_uri'] = '/'
            self.checks[check['id']] = check
            self.listeners[check['listener_id']]['healthcheck_id'] = check['id']
            return copy.deepcopy(check)
        if ident not in self.checks:
            raise ApiError('Healthcheck could not be found', status=404, error_code='ELB.7020')
        if method == 'PUT':
            self.checks[ident].update(body)
            return copy.deepcopy(self.checks[ident])
        if method == 'DELETE':
            check = self.checks.pop(ident)
            self.listeners[check['listener_id']]['healthcheck_id'] = None
            return None
        return copy.deepcopy(self.checks[ident])
