# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What hwcloud.elb.healthmonitor_v3 alone does, (in-process, a few runs through ansible-playbook: conftest.run_task) against the emulator.

What it shares with healthmonitor_v2 is tested for both in test_pool_monitors.py.
"""

from __future__ import annotations

import pytest

from .conftest import run_in_process
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


# -- holes a mutation probe found (issue 22): in-process runs, fast enough for make mutation to run for every mutant

IN_PROCESS_HTTP = dict(pool='demo-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3)


def monitors_of(elb, pool_name):
    pool_id = elb.pool(pool_name)['id']
    return [m for m in elb.api('GET', '/v3/{project_id}/elb/healthmonitors')['healthmonitors'] if m['pools'] == [{'id': pool_id}]]


def test_v3_setting_fields_the_service_holds_as_null_writes_them(elb):
    """Kills: ``_fields.Field.equal`` returning ``wanted != current`` when one side is None (an unset
    monitor_port or domain_name would then compare as equal, report ok and never be written)."""
    assert run_in_process(elb, 'healthmonitor_v3', IN_PROCESS_HTTP)['changed']
    monitor = elb.v3_monitor_of('demo-http-pool')
    assert monitor['monitor_port'] is None and not monitor['domain_name'], monitor  # the service holds them unset
    elb.reset_stats()
    result = run_in_process(elb, 'healthmonitor_v3', pool='demo-http-pool', monitor_port=8080, domain_name='www.example.com')
    assert result['changed'], result
    assert [c[0] for c in elb.writes()] == ['PUT']
    monitor = elb.v3_monitor_of('demo-http-pool')
    assert (monitor['monitor_port'], monitor['domain_name']) == (8080, 'www.example.com')
    elb.reset_stats()
    assert not run_in_process(elb, 'healthmonitor_v3', pool='demo-http-pool', monitor_port=8080)['changed']
    assert elb.writes() == []


def test_v3_expected_codes_are_sent_normalised_on_create_and_update(elb):
    """Kills: skipping the normalisation before sending (``Family.desired`` not calling ``Field.canonical``,
    or ``Field.canonical`` returning a codes string as given). The emulator accepts spaces, so what it
    stores is checked: the sorted, folded form, not the task's spelling."""
    result = run_in_process(elb, 'healthmonitor_v3', dict(IN_PROCESS_HTTP, expected_codes='204, 200-202,203', http_method='head'))
    assert result['changed'], result
    monitor = elb.v3_monitor_of('demo-http-pool')
    assert (monitor['expected_codes'], monitor['http_method']) == ('200-204', 'HEAD')
    elb.reset_stats()
    assert run_in_process(elb, 'healthmonitor_v3', pool='demo-http-pool', expected_codes=' 202 , 200')['changed']
    assert [c[0] for c in elb.writes()] == ['PUT']
    assert elb.v3_monitor_of('demo-http-pool')['expected_codes'] == '200,202'


def test_a_409_while_the_balancer_is_active_fails_at_once(elb):
    """Kills: ``Reconciler.write`` treating every 409 as "balancer busy, retry" (the PENDING test dropped or
    inverted). One refused create while the balancer is ACTIVE (a quota error, say) must end the task with the
    service's message after exactly one POST, not turn into a retry loop that here would even succeed."""
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': '/elb/healthmonitors$', 'status': 409,
                                            'error_code': 'ELB.8905', 'error_msg': 'quota exceeded', 'times': 1}]})
    result = run_in_process(elb, 'healthmonitor_v3', IN_PROCESS_HTTP, wait_timeout=20)
    assert result.get('failed') and '409' in result['msg'] and 'quota exceeded' in result['msg'], result
    assert [c[2] for c in elb.writes()] == [409]
    assert monitors_of(elb, 'demo-http-pool') == []


def test_a_409_on_an_update_while_active_fails_at_once(elb):
    """Kills the same mutation on the update path: a PUT refused with 409 by an ACTIVE balancer is not retried."""
    run_in_process(elb, 'healthmonitor_v3', IN_PROCESS_HTTP)
    elb.reset_stats()
    elb.admin('POST', 'faults', {'rules': [{'method': 'PUT', 'path': '/elb/healthmonitors/', 'status': 409,
                                            'times': 1}]})
    result = run_in_process(elb, 'healthmonitor_v3', dict(IN_PROCESS_HTTP, delay=9), wait_timeout=20)
    assert result.get('failed') and '409' in result['msg'], result
    assert [c[2] for c in elb.writes()] == [409]
    assert elb.v3_monitor_of('demo-http-pool')['delay'] == 5


def test_a_409_because_another_writer_created_the_monitor_converges_on_it(elb):
    """Kills: ``Reconciler.create`` raising on every 409 instead of looking first (the documented convergence
    when someone else created the pool's monitor in the meantime), and the retry-every-409 mutation (which
    would repeat the POST against a pool that has a monitor until wait_timeout)."""
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': '/elb/healthmonitors$', 'status': 409,
                                            'after_apply': True, 'times': 1}]})
    result = run_in_process(elb, 'healthmonitor_v3', dict(IN_PROCESS_HTTP, delay=7), wait_timeout=5)
    assert result['changed'] and not result.get('failed'), result
    assert [c[0] for c in elb.writes()] == ['POST']
    assert [m['delay'] for m in monitors_of(elb, 'demo-http-pool')] == [7]


def test_a_409_while_pending_is_retried_until_the_balancer_is_active(elb):
    """Kills: ``Reconciler.write`` never retrying a 409 (or retrying on ACTIVE instead of PENDING_*)."""
    run_in_process(elb, 'healthmonitor_v3', IN_PROCESS_HTTP)
    elb.admin('POST', 'config', {'pending_seconds': 1.5})
    run_in_process(elb, 'healthmonitor_v3', dict(IN_PROCESS_HTTP, delay=6), wait=False)  # leaves the balancer PENDING_UPDATE
    elb.reset_stats()
    result = run_in_process(elb, 'healthmonitor_v3', dict(IN_PROCESS_HTTP, delay=8), wait_timeout=20)
    assert result['changed'] and not result.get('failed'), result
    statuses = [c[2] for c in elb.writes()]
    assert statuses[0] == 409 and statuses[-1] == 200, statuses
    assert elb.v3_monitor_of('demo-http-pool')['delay'] == 8
