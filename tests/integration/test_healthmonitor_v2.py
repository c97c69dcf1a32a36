# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.healthmonitor_v2 through ansible-playbook against the emulator, with request counts.

The module calls the ``/v2.0/lbaas`` paths; the fixture's ``pool(name, family='v2')`` reads through the
``/v2/{project_id}/elb`` alias, which shares the emulator's state.
"""

from __future__ import annotations

import pytest

from .conftest import connection_env, run_playbook, task_play

MONITORS = '/v2.0/lbaas/healthmonitors'
HTTP = dict(pool='shared-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=2,
            url_path='/healthz', domain_name='www.test.com', name='web-check')
TCP = dict(pool='shared-tcp-pool', type='TCP', delay=10, timeout=5, max_retries=2)
UDP = dict(pool='shared-udp-pool', type='UDP_CONNECT', delay=10, timeout=5, max_retries=2, monitor_port=53)


def monitor_of(elb, pool_name):
    """The monitor of a shared pool as the emulator holds it, or None."""
    pool = elb.pool(pool_name, family='v2')
    if not pool.get('healthmonitor_id'):
        return None
    return elb.api('GET', '%s/%s' % (MONITORS, pool['healthmonitor_id']))['healthmonitor']


def reserved_warnings(result):
    return [w for w in result.get('warnings', []) if 'as reserved' in w]


def assert_v2_0_paths_only(elb):
    calls = elb.calls()
    assert calls and all(path.startswith('/v2.0/lbaas/') for _method, path, _status in calls), calls


def assert_no_op(elb):
    """No write and at most two GETs: the pool, then its monitor."""
    assert elb.writes() == []
    gets = elb.calls(['GET'])
    assert len(gets) <= 2 and gets[0][1].startswith('/v2.0/lbaas/pools'), gets


def test_create_by_name_then_rerun_is_a_no_op(elb, run_task):
    result = run_task('healthmonitor_v2', HTTP)
    assert result['changed'] and reserved_warnings(result) == []
    assert_v2_0_paths_only(elb)
    assert [c[:2] for c in elb.writes()] == [('POST', MONITORS)]
    monitor = monitor_of(elb, 'shared-http-pool')
    assert monitor == result['healthmonitor']
    assert (monitor['url_path'], monitor['domain_name'], monitor['max_retries_down'], monitor['name']) == (
        '/healthz', 'www.test.com', 2, 'web-check')

    elb.reset_stats()
    again = run_task('healthmonitor_v2', dict(HTTP, type='http'))
    assert not again['changed'] and again['healthmonitor'] == monitor
    assert_no_op(elb)
    assert elb.calls(['GET'])[1][1] == '%s/%s' % (MONITORS, monitor['id'])


def test_create_by_pool_id_and_pool_id_alias(elb, run_task):
    pool = elb.pool('shared-tcp-pool', family='v2')
    result = run_task('healthmonitor_v2', dict(TCP, pool=pool['id']))
    assert result['changed'] and result['healthmonitor']['pools'] == [{'id': pool['id']}]
    args = dict(TCP, pool_id=pool['id'])
    del args['pool']
    elb.reset_stats()
    assert not run_task('healthmonitor_v2', args)['changed']
    assert_no_op(elb)
    assert elb.calls(['GET'])[0][1] == '/v2.0/lbaas/pools/' + pool['id']


def test_server_defaults_are_not_a_change(elb, run_task):
    run_task('healthmonitor_v2', TCP)
    elb.reset_stats()
    result = run_task('healthmonitor_v2', dict(TCP, max_retries_down=3, admin_state_up=True, name=''))
    assert not result['changed']
    assert_no_op(elb)


def test_check_mode_reports_and_writes_nothing(elb, run_task):
    result = run_task('healthmonitor_v2', HTTP, check=True)
    assert result['changed'] and elb.writes() == []
    assert monitor_of(elb, 'shared-http-pool') is None
    run_task('healthmonitor_v2', HTTP)
    elb.reset_stats()
    result = run_task('healthmonitor_v2', dict(HTTP, delay=7), check=True)
    assert result['changed'] and result['healthmonitor']['delay'] == 7
    assert elb.writes() == [] and monitor_of(elb, 'shared-http-pool')['delay'] == 5


def test_diff_shows_before_and_after_of_the_fields_involved(elb, run_task):
    created = run_task('healthmonitor_v2', HTTP, diff=True)
    assert created['diff']['before'] == {} and created['diff']['after']['url_path'] == '/healthz'
    result = run_task('healthmonitor_v2', dict(pool='shared-http-pool', url_path='/ready', delay=5), diff=True)
    assert result['diff'] == {'before': {'url_path': '/healthz', 'delay': 5}, 'after': {'url_path': '/ready', 'delay': 5}}


def test_tcp_to_http_is_an_update_in_place(elb, run_task):
    monitor_id = run_task('healthmonitor_v2', TCP)['healthmonitor']['id']
    elb.reset_stats()
    result = run_task('healthmonitor_v2', dict(pool='shared-tcp-pool', type='HTTP', url_path='/status',
                                               admin_state_up=False))
    assert result['changed']
    assert_v2_0_paths_only(elb)
    assert elb.writes() == [('PUT', '%s/%s' % (MONITORS, monitor_id), 200)]
    monitor = monitor_of(elb, 'shared-tcp-pool')
    assert (monitor['id'], monitor['type'], monitor['url_path'], monitor['admin_state_up']) == (
        monitor_id, 'HTTP', '/status', False)
    assert monitor['delay'] == 10  # untouched: not given
    elb.reset_stats()
    assert not run_task('healthmonitor_v2', dict(pool='shared-tcp-pool', type='HTTP', url_path='/status'))['changed']
    assert_no_op(elb)
    assert run_task('healthmonitor_v2', dict(pool='shared-tcp-pool', type='TCP'))['changed']
    assert monitor_of(elb, 'shared-tcp-pool')['type'] == 'TCP'


def test_udp_connect_on_a_udp_pool(elb, run_task):
    result = run_task('healthmonitor_v2', UDP)
    assert result['changed'] and result['healthmonitor']['type'] == 'UDP_CONNECT'
    assert monitor_of(elb, 'shared-udp-pool')['monitor_port'] == 53
    elb.reset_stats()
    assert not run_task('healthmonitor_v2', dict(UDP, type='udp_connect'))['changed']
    assert_no_op(elb)


LONG_CODES = ','.join(str(code) for code in range(200, 234, 2))  # 67 characters


@pytest.mark.parametrize('args, message', [
    (dict(HTTP, delay=0), 'delay is 0; it must be a whole number from 1 to 50.'),
    (dict(HTTP, timeout=51), 'timeout is 51; it must be a whole number from 1 to 50.'),
    (dict(HTTP, max_retries=11), 'max_retries is 11; it must be a whole number from 1 to 10.'),
    (dict(HTTP, max_retries_down=0), 'max_retries_down is 0; it must be a whole number from 1 to 10.'),
    (dict(HTTP, monitor_port=65536), 'monitor_port is 65536; it must be a whole number from 1 to 65535.'),
    (dict(HTTP, type='HTTPS'), "type is 'HTTPS'; it must be one of TCP, UDP_CONNECT, HTTP (any case)."),
    (dict(HTTP, http_method='FETCH'), "http_method is 'FETCH'; it must be one of GET, HEAD, POST, PUT, DELETE, TRACE, "
                                      "OPTIONS, CONNECT, PATCH (any case)."),
    (dict(HTTP, name='n' * 256), 'it must be at most 255 characters (it has 256).'),
    (dict(HTTP, domain_name='d' * 101), 'it must be at most 100 characters (it has 101).'),
    (dict(HTTP, url_path='/' + 'u' * 80), 'it must be at most 80 characters (it has 81).'),
    (dict(HTTP, expected_codes=LONG_CODES), 'expected_codes is %r; it must be at most 64 characters (it has 67).'
     % LONG_CODES),
    (dict(HTTP, url_path='healthz'), "url_path is 'healthz'; it must be a path starting with '/'"),
    (dict(HTTP, domain_name='_bad'), "domain_name is '_bad'; it must be letters, digits, hyphens and periods"),
    (dict(HTTP, expected_codes='2OO'), "expected_codes is '2OO'; it must be a code (200), a list (200,202)"),
    (dict(HTTP, expected_codes='150'), "expected_codes is '150'; it must be codes from 200 to 599"),
    (dict(TCP, url_path='/x'), 'url_path is only used by monitors of type HTTP, not TCP'),
    (dict(TCP, http_method='GET'), 'http_method is only used by monitors of type HTTP, not TCP'),
    (dict(TCP, pool='shared-udp-pool'), "type is 'TCP', which a pool of protocol UDP cannot use; it must be UDP_CONNECT."),
    (dict(UDP, pool='shared-tcp-pool'),
     "type is 'UDP_CONNECT', which a pool of protocol TCP cannot use; it must be TCP or HTTP."),
    (dict(pool='shared-tcp-pool', type='TCP', delay=5), 'creating one needs type, delay, timeout, max_retries'),
    (dict(TCP, pool='no-such-pool'), "pool is 'no-such-pool'; no pool has that id or name."),
])
def test_each_validation_failure_names_the_option_and_writes_nothing(elb, run_task, args, message):
    result = run_task('healthmonitor_v2', args, expect_failure=True)
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
    assert monitor_of(elb, 'shared-udp-pool')['type'] == 'UDP_CONNECT'


def test_reserved_fields_do_not_flap_and_warn_once_per_run(elb, run_task):
    wanted = dict(HTTP, expected_codes='200-204', http_method='head')
    created = run_task('healthmonitor_v2', wanted)
    assert created['changed']
    assert len(reserved_warnings(created)) == 1
    assert "expected_codes is '200-204' but the service keeps '200'" in reserved_warnings(created)[0]
    monitor = monitor_of(elb, 'shared-http-pool')
    assert (monitor['expected_codes'], monitor['http_method']) == ('200', 'HEAD')  # the one kept, the other not

    for _run in range(2):
        elb.reset_stats()
        again = run_task('healthmonitor_v2', wanted, diff=True)
        assert not again['changed']
        assert_no_op(elb)
        assert again['diff']['before']['expected_codes'] == again['diff']['after']['expected_codes'] == '200'
        assert len(reserved_warnings(again)) == 1

    elb.reset_stats()
    other_method = run_task('healthmonitor_v2', dict(HTTP, http_method='GET'))
    assert not other_method['changed']
    assert_no_op(elb)
    assert len(reserved_warnings(other_method)) == 1
    assert "http_method is 'GET' but the service keeps 'HEAD'" in reserved_warnings(other_method)[0]
    assert monitor_of(elb, 'shared-http-pool')['http_method'] == 'HEAD'

    quiet = run_task('healthmonitor_v2', dict(HTTP, expected_codes='200', http_method='HEAD'))
    assert not quiet['changed'] and reserved_warnings(quiet) == []


def test_timeout_not_below_delay_warns(elb, run_task):
    result = run_task('healthmonitor_v2', dict(TCP, delay=3, timeout=3))
    assert result['changed']
    assert any('timeout (3) is not less than delay (3)' in w for w in result.get('warnings', []))


def test_waits_through_a_pending_balancer(elb, run_task):
    monitor_id = run_task('healthmonitor_v2', TCP)['healthmonitor']['id']
    elb.admin('POST', 'config', {'pending_seconds': 8})
    # A write of someone else's leaves the balancer PENDING_UPDATE for 8 s (more than an ansible-playbook start).
    elb.api('PUT', '%s/%s' % (MONITORS, monitor_id), {'healthmonitor': {'delay': 11}})
    elb.reset_stats()
    result = run_task('healthmonitor_v2', dict(TCP, delay=12))  # refused with 409 at first, then succeeds
    assert result['changed']
    assert_v2_0_paths_only(elb)
    statuses = [c[2] for c in elb.writes()]
    assert statuses[-1] == 200 and 409 in statuses
    assert monitor_of(elb, 'shared-tcp-pool')['delay'] == 12


def test_delete_by_pool_name_then_by_id_then_again(elb, run_task):
    monitor_id = run_task('healthmonitor_v2', HTTP)['healthmonitor']['id']
    elb.reset_stats()
    result = run_task('healthmonitor_v2', dict(pool='shared-http-pool', state='absent'), diff=True)
    assert result['changed'] and result['healthmonitor'] is None
    assert result['diff']['before']['url_path'] == '/healthz' and result['diff']['after'] == {}
    assert_v2_0_paths_only(elb)
    assert elb.writes() == [('DELETE', '%s/%s' % (MONITORS, monitor_id), 204)]
    assert monitor_of(elb, 'shared-http-pool') is None

    elb.reset_stats()
    assert not run_task('healthmonitor_v2', dict(pool='shared-http-pool', state='absent'))['changed']
    assert elb.writes() == [] and len(elb.calls(['GET'])) == 1

    pool = elb.pool('shared-tcp-pool', family='v2')
    run_task('healthmonitor_v2', TCP)
    elb.reset_stats()
    assert run_task('healthmonitor_v2', dict(pool=pool['id'], state='absent'))['changed']
    assert [c[0] for c in elb.writes()] == ['DELETE']
    assert monitor_of(elb, 'shared-tcp-pool') is None
    elb.reset_stats()
    assert not run_task('healthmonitor_v2', dict(pool=pool['id'], state='absent'))['changed']
    assert elb.writes() == []


def test_delete_in_check_mode_writes_nothing(elb, run_task):
    run_task('healthmonitor_v2', TCP)
    elb.reset_stats()
    assert run_task('healthmonitor_v2', dict(pool='shared-tcp-pool', state='absent'), check=True)['changed']
    assert elb.writes() == [] and monitor_of(elb, 'shared-tcp-pool') is not None


@pytest.mark.parametrize('auth', ['aksk', 'password', 'token'])
def test_each_authentication_method(elb, run_task, auth):
    result = run_task('healthmonitor_v2', TCP, auth=auth)
    assert result['changed'] and monitor_of(elb, 'shared-tcp-pool')['delay'] == 10


def test_module_defaults_group_sets_the_connection(elb):
    env = connection_env(elb, 'aksk')
    play = task_play('hwcloud.elb.healthmonitor_v2', TCP)
    play[0]['module_defaults'] = {'group/hwcloud.elb.all': {
        'elb_endpoint': env['HW_ELB_ENDPOINT'], 'access_key': env['HW_ACCESS_KEY'], 'secret_key': env['HW_SECRET_KEY'],
        'project_id': env['HW_PROJECT_ID']}}
    outcome = run_playbook(play, env={}, expect_rc=0)
    assert outcome.result()['changed']
