# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What hwcloud.elb.healthmonitor_v3 alone does, (in-process, a few runs through ansible-playbook: conftest.run_task) against the emulator.

What it shares with healthmonitor_v2 is tested for both in test_pool_monitors.py.
"""

from __future__ import annotations

import pytest

from .monitor_families import V3

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process

HTTP, TCP = V3.http, V3.tcp


REFUSALS = [
    (dict(HTTP, type='PING'), "type is 'PING'; it must be one of TCP, UDP_CONNECT, HTTP, HTTPS, GRPC, TLS (any case)."),
    (dict(HTTP, http_method='PUT'), "http_method is 'PUT'; it must be one of GET, HEAD, POST (any case)."),
    (dict(TCP, expected_codes='200'), 'expected_codes is only used by monitors of type HTTP or HTTPS or GRPC, not TCP'),
    (dict(TCP, pool='demo-ip-any-port-pool'), 'monitor_port is not set, but pool'),
]


@pytest.mark.parametrize('args, message', REFUSALS)
def test_each_validation_failure_names_the_option_and_writes_nothing(elb, refusal, args, message):
    result = refusal('healthmonitor_v3', args, end_to_end=args == REFUSALS[0][0])
    assert message in result['msg']
    assert elb.writes() == []


def test_an_any_port_pool_takes_a_monitor_with_its_port(elb, run_task):
    args = dict(TCP, pool='demo-ip-any-port-pool', monitor_port=8080)
    result = run_task('healthmonitor_v3', args, end_to_end=True)
    assert result['changed'] and V3.monitor_of(elb, 'demo-ip-any-port-pool')['monitor_port'] == 8080
    elb.reset_stats()
    assert not run_task('healthmonitor_v3', args)['changed']
    V3.assert_no_op(elb)


def test_grpc_codes_run_from_0_to_99_with_0_the_default(elb, run_task):
    grpc = dict(pool='demo-http-pool', type='GRPC', delay=5, timeout=3, max_retries=3)
    result = run_task('healthmonitor_v3', grpc)
    assert result['changed'] and V3.monitor_of(elb, 'demo-http-pool')['expected_codes'] == '0'
    elb.reset_stats()
    assert not run_task('healthmonitor_v3', dict(grpc, expected_codes='0'))['changed']
    V3.assert_no_op(elb)
    assert run_task('healthmonitor_v3', dict(grpc, expected_codes='0-12'))['changed']
    assert V3.monitor_of(elb, 'demo-http-pool')['expected_codes'] == '0-12'
    elb.reset_stats()
    refused = run_task('healthmonitor_v3', dict(grpc, expected_codes='200'), expect_failure=True)
    assert "expected_codes is '200'; it must be codes from 0 to 99" in refused['msg']
    assert elb.writes() == []
