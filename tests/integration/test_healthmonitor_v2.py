# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What hwcloud.elb.healthmonitor_v2 alone does, (in-process, a few runs through ansible-playbook: conftest.run_task) against the emulator, with request counts.

What it shares with healthmonitor_v3 is tested for both in test_pool_monitors.py. The module calls the
``/v2.0/lbaas`` paths; the fixture's ``pool(name, family='v2')`` reads through the ``/v2/{project_id}/elb`` alias,
which shares the emulator's state.
"""

from __future__ import annotations

import pytest

from .conftest import run_in_process
from .monitor_families import V2

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process

MONITORS = V2.monitors
HTTP, TCP = V2.http, V2.tcp
UDP = dict(pool='shared-udp-pool', type='UDP_CONNECT', delay=10, timeout=5, max_retries=2, monitor_port=53)


def reserved_warnings(result):
    return [w for w in result.get('warnings', []) if 'as reserved' in w]


def test_tcp_to_http_is_an_update_in_place(elb, run_task):
    monitor_id = run_task('healthmonitor_v2', TCP)['healthmonitor']['id']
    elb.reset_stats()
    result = run_task('healthmonitor_v2', dict(pool='shared-tcp-pool', type='HTTP', url_path='/status',
                                               admin_state_up=False))
    assert result['changed']
    V2.assert_own_paths_only(elb)
    assert elb.writes() == [('PUT', '%s/%s' % (MONITORS, monitor_id), 200)]
    monitor = V2.monitor_of(elb, 'shared-tcp-pool')
    assert (monitor['id'], monitor['type'], monitor['url_path'], monitor['admin_state_up']) == (
        monitor_id, 'HTTP', '/status', False)
    assert monitor['delay'] == 10  # untouched: not given
    elb.reset_stats()
    assert not run_task('healthmonitor_v2', dict(pool='shared-tcp-pool', type='HTTP', url_path='/status'))['changed']
    V2.assert_no_op(elb)
    assert run_task('healthmonitor_v2', dict(pool='shared-tcp-pool', type='TCP'))['changed']
    assert V2.monitor_of(elb, 'shared-tcp-pool')['type'] == 'TCP'


def test_udp_connect_on_a_udp_pool(elb, run_task):
    result = run_task('healthmonitor_v2', UDP)
    assert result['changed'] and result['healthmonitor']['type'] == 'UDP_CONNECT'
    assert V2.monitor_of(elb, 'shared-udp-pool')['monitor_port'] == 53
    elb.reset_stats()
    assert not run_task('healthmonitor_v2', dict(UDP, type='udp_connect'))['changed']
    V2.assert_no_op(elb)


LONG_CODES = ','.join(str(code) for code in range(200, 234, 2))  # 67 characters


REFUSALS = [
    (dict(HTTP, type='HTTPS'), "type is 'HTTPS'; it must be one of TCP, UDP_CONNECT, HTTP (any case)."),
    (dict(HTTP, http_method='FETCH'), "http_method is 'FETCH'; it must be one of GET, HEAD, POST, PUT, DELETE, TRACE, "
                                      "OPTIONS, CONNECT, PATCH (any case)."),
    (dict(HTTP, name='n' * 256), 'it must be at most 255 characters (it has 256).'),
    (dict(HTTP, domain_name='d' * 101), 'it must be at most 100 characters (it has 101).'),
    (dict(HTTP, url_path='/' + 'u' * 80), 'it must be at most 80 characters (it has 81).'),
    (dict(HTTP, expected_codes=LONG_CODES), 'expected_codes is %r; it must be at most 64 characters (it has 67).'
     % LONG_CODES),
    (dict(TCP, http_method='GET'), 'http_method is only used by monitors of type HTTP, not TCP'),
    (dict(UDP, pool='shared-tcp-pool'),
     "type is 'UDP_CONNECT', which a pool of protocol TCP cannot use; it must be TCP or HTTP."),
]


@pytest.mark.parametrize('args, message', REFUSALS)
def test_each_validation_failure_names_the_option_and_writes_nothing(elb, refusal, args, message):
    result = refusal('healthmonitor_v2', args, end_to_end=args == REFUSALS[0][0])
    assert message in result['msg']
    assert elb.writes() == []


def test_a_type_change_the_service_refuses_fails_before_any_write(elb, run_task):
    run_task('healthmonitor_v2', UDP)
    elb.reset_stats()
    result = run_task('healthmonitor_v2', dict(pool='shared-udp-pool', type='TCP'), expect_failure=True)
    assert result['msg'].startswith('type cannot change from UDP_CONNECT to TCP: the shared ELB service changes the '
                                    'type of a health check only between TCP and HTTP, on a pool of protocol TCP or '
                                    'HTTP (it refuses anything else with ELB.9899)')
    assert result['msg'].endswith('A UDP pool takes only UDP_CONNECT health checks: keep type UDP_CONNECT, or put the '
                                  'TCP health check on a pool of protocol HTTP or TCP.')
    assert elb.writes() == []
    assert V2.monitor_of(elb, 'shared-udp-pool')['type'] == 'UDP_CONNECT'


def test_reserved_fields_do_not_flap_and_warn_once_per_run(elb, run_task):
    wanted = dict(HTTP, expected_codes='200-204', http_method='head')
    created = run_task('healthmonitor_v2', wanted, end_to_end=True)  # the warning as ansible-playbook shows it
    assert created['changed']
    assert len(reserved_warnings(created)) == 1
    assert "expected_codes is '200-204' but the service keeps '200'" in reserved_warnings(created)[0]
    monitor = V2.monitor_of(elb, 'shared-http-pool')
    assert (monitor['expected_codes'], monitor['http_method']) == ('200', 'HEAD')  # the one kept, the other not

    for _run in range(2):
        elb.reset_stats()
        again = run_task('healthmonitor_v2', wanted, diff=True)
        assert not again['changed']
        V2.assert_no_op(elb)
        assert again['diff']['before']['expected_codes'] == again['diff']['after']['expected_codes'] == '200'
        assert len(reserved_warnings(again)) == 1

    elb.reset_stats()
    other_method = run_task('healthmonitor_v2', dict(HTTP, http_method='GET'))
    assert not other_method['changed']
    V2.assert_no_op(elb)
    assert len(reserved_warnings(other_method)) == 1
    assert "http_method is 'GET' but the service keeps 'HEAD'" in reserved_warnings(other_method)[0]
    assert V2.monitor_of(elb, 'shared-http-pool')['http_method'] == 'HEAD'

    quiet = run_task('healthmonitor_v2', dict(HTTP, expected_codes='200', http_method='HEAD'))
    assert not quiet['changed'] and reserved_warnings(quiet) == []


# -- holes a mutation probe found (issue 22): in-process runs, fast enough for make mutation to run for every mutant

def test_v2_setting_fields_the_service_holds_as_null_writes_them(elb):
    """Kills the same ``wanted == current`` inversion in ``Field.equal``, on the shared (v2.0) family."""
    unset = dict(pool='shared-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3)  # no port, no domain
    assert run_in_process(elb, 'healthmonitor_v2', unset)['changed']
    monitor = V2.monitor_of(elb, 'shared-http-pool')
    assert monitor['monitor_port'] is None and not monitor['domain_name'], monitor
    elb.reset_stats()
    result = run_in_process(elb, 'healthmonitor_v2', pool='shared-http-pool', monitor_port=8081, domain_name='www.example.org')
    assert result['changed'], result
    assert [c[0] for c in elb.writes()] == ['PUT']
    monitor = V2.monitor_of(elb, 'shared-http-pool')
    assert (monitor['monitor_port'], monitor['domain_name']) == (8081, 'www.example.org')
