# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pool-monitor families (v3 dedicated, v2 shared) as their integration tests see them.

test_pool_monitors.py runs the behaviour both families share over this table; test_healthmonitor_v3.py and
test_healthmonitor_v2.py keep only what one family alone does, and take their tasks and helpers from here.
"""

from __future__ import annotations

import dataclasses

from .conftest import PROJECT_ID


@dataclasses.dataclass(frozen=True)
class MonitorFamily:
    """One family's module, seeded pools, valid tasks and particulars."""

    name: str  # the family argument of the fixture's Emulator.pool()
    module: str
    api: str  # the prefix of every path the module calls
    pools: dict  # 'http', 'tcp', 'udp' -> the name of the seeded pool of that protocol
    http: dict  # a valid task creating an HTTP monitor on the HTTP pool
    tcp: dict  # a valid task creating a TCP monitor on the TCP pool
    same_http: dict  # changes to `http` the family takes as the very same monitor
    update: dict  # changes to the monitor `http` created, admin_state_up=False among them
    updated: dict  # the fields of the monitor after `update`, as the service returns them
    http_types: str  # the types url_path is for, as the messages name them

    @property
    def monitors(self):
        return self.api + 'healthmonitors'

    def task(self, kind, **changes):
        """The family's valid task of that kind ('http', 'tcp') with changes; pool='udp' names its UDP pool."""
        if changes.get('pool') in self.pools:
            changes['pool'] = self.pools[changes['pool']]
        return dict(getattr(self, kind), **changes)

    def monitor_of(self, elb, pool_name):
        """The monitor of a seeded pool as the emulator holds it, or None."""
        pool = elb.pool(pool_name, family=self.name)
        if not pool.get('healthmonitor_id'):
            return None
        return elb.api('GET', '%s/%s' % (self.monitors, pool['healthmonitor_id']))['healthmonitor']

    def assert_own_paths_only(self, elb):
        calls = elb.calls()
        assert calls and all(path.startswith(self.api) for _method, path, _status in calls), calls

    def assert_no_op(self, elb):
        """No write and at most two GETs: the pool, then its monitor."""
        assert elb.writes() == []
        gets = elb.calls(['GET'])
        assert len(gets) <= 2 and gets[0][1].startswith(self.api + 'pools'), gets


V3 = MonitorFamily(
    name='v3', module='healthmonitor_v3', api='/v3/%s/elb/' % PROJECT_ID,
    pools={'http': 'demo-http-pool', 'tcp': 'demo-tcp-pool', 'udp': 'demo-udp-pool'},
    http=dict(pool='demo-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=2,
              url_path='/healthz', expected_codes='200,202', name='web-check'),
    tcp=dict(pool='demo-tcp-pool', type='TCP', delay=10, timeout=5, max_retries=2),
    same_http=dict(type='http', expected_codes='202, 200'),
    update=dict(admin_state_up=False, http_method='head', expected_codes='200-204'),
    updated=dict(admin_state_up=False, http_method='HEAD', expected_codes='200-204'),
    http_types='HTTP or HTTPS')

# The module calls the /v2.0/lbaas paths; Emulator.pool(name, family='v2') reads through the /v2/{project_id}/elb
# alias, which shares the emulator's state. expected_codes and http_method are reserved in v2 (see its own tests).
V2 = MonitorFamily(
    name='v2', module='healthmonitor_v2', api='/v2.0/lbaas/',
    pools={'http': 'shared-http-pool', 'tcp': 'shared-tcp-pool', 'udp': 'shared-udp-pool'},
    http=dict(pool='shared-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=2,
              url_path='/healthz', domain_name='www.test.com', name='web-check'),
    tcp=dict(pool='shared-tcp-pool', type='TCP', delay=10, timeout=5, max_retries=2),
    same_http=dict(type='http'),
    update=dict(admin_state_up=False, domain_name='api.test.com', max_retries_down=5),
    updated=dict(admin_state_up=False, domain_name='api.test.com', max_retries_down=5),
    http_types='HTTP')

FAMILIES = (V3, V2)
