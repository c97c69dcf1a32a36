# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The v3 stand-in of ``fake_elb`` reshaped as the shared ELB v2.0 API, for unit tests of the v2 declaration.

What v2 does differently: ``/v2.0/lbaas/...`` paths, a pool without a monitor has ``healthmonitor_id`` null,
``expected_codes`` is reserved (always "200"), and a type change follows the ELB.9899 rule.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError

from .fake_elb import FakeV3

BASE = '/v2.0/lbaas/'
V3_BASE = '/v3/{project_id}/elb/'
HTTP_DEFAULTS = {'url_path': '/', 'http_method': 'GET'}


class FakeV2(FakeV3):
    """Pools and monitors of one shared balancer; ``calls`` records the v2.0 paths asked for."""

    def __init__(self, pools=None):
        super().__init__(pools or {'web': 'HTTP', 'app': 'TCP', 'dns': 'UDP'})
        for pool in self.pools.values():
            pool['healthmonitor_id'] = None

    def request(self, method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
        assert path.startswith(BASE), path
        body = self._as_the_service_keeps_it(method, path, body)
        count = len(self.calls)
        try:
            return super().request(method, V3_BASE + path[len(BASE):], query=query, body=body)
        finally:
            self.calls[count:] = [(method, path)]

    def _as_the_service_keeps_it(self, method, path, body):
        if not body:
            return body
        monitor = dict(body['healthmonitor'])
        if 'expected_codes' in monitor or method == 'POST':
            monitor['expected_codes'] = '200'
        if method == 'POST':
            for name, value in HTTP_DEFAULTS.items():
                monitor.setdefault(name, value)
        if method == 'PUT' and 'type' in monitor:
            current = self.monitors.get(path.rsplit('/', 1)[-1]) or {}
            protocol = self.pools.get(current.get('pool_id'), {}).get('protocol')
            if current.get('type') != monitor['type'] and not (
                    {current.get('type'), monitor['type'], protocol} <= {'TCP', 'HTTP'}):
                self.calls.append((method, path))
                raise ApiError('Can only update type of the healthmonitor with TCP or HTTP which binds to TCP or HTTP '
                               'pool', status=400, error_code='ELB.9899')
        return {'healthmonitor': monitor}
