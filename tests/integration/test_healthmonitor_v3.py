# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.healthmonitor_v3 through ansible-playbook against the emulator, with request counts."""

from __future__ import annotations

import json

import pytest

from .conftest import connection_env, run_playbook, task_play

HTTP = dict(pool='demo-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=2,
            url_path='/healthz', expected_codes='200,202', name='web-check')
TCP = dict(pool='demo-tcp-pool', type='TCP', delay=10, timeout=5, max_retries=2)


def test_create_by_name_then_rerun_is_a_no_op(elb, run_task):
    result = run_task('healthmonitor_v3', HTTP)
    assert result['changed']
    monitor = elb.v3_monitor_of('demo-http-pool')
    assert monitor == result['healthmonitor']
    assert (monitor['url_path'], monitor['expected_codes'], monitor['max_retries_down']) == ('/healthz', '200,202', 2)
    assert [c[0] for c in elb.writes()] == ['POST']

    elb.reset_stats()
    again = run_task('healthmonitor_v3', dict(HTTP, type='http', expected_codes='202, 200'))
    assert not again['changed']
    assert elb.writes() == []
    assert len(elb.calls(['GET'])) <= 2


def test_create_by_pool_id_and_pool_id_alias(elb, run_task):
    pool = elb.pool('demo-tcp-pool')
    result = run_task('healthmonitor_v3', dict(TCP, pool=pool['id']))
    assert result['changed'] and result['healthmonitor']['pools'] == [{'id': pool['id']}]
    args = dict(TCP, pool_id=pool['id'])
    del args['pool']
    elb.reset_stats()
    assert not run_task('healthmonitor_v3', args)['changed']
    assert elb.writes() == [] and len(elb.calls(['GET'])) <= 2


def test_check_mode_reports_and_writes_nothing(elb, run_task):
    result = run_task('healthmonitor_v3', HTTP, check=True)
    assert result['changed'] and elb.writes() == []
    assert elb.v3_monitor_of('demo-http-pool') is None
    run_task('healthmonitor_v3', HTTP)
    elb.reset_stats()
    result = run_task('healthmonitor_v3', dict(HTTP, delay=7), check=True)
    assert result['changed'] and result['healthmonitor']['delay'] == 7
    assert elb.writes() == [] and elb.v3_monitor_of('demo-http-pool')['delay'] == 5


def test_diff_shows_before_and_after_of_the_fields_involved(elb, run_task):
    created = run_task('healthmonitor_v3', HTTP, diff=True)
    assert created['diff']['before'] == {} and created['diff']['after']['url_path'] == '/healthz'
    result = run_task('healthmonitor_v3', dict(pool='demo-http-pool', url_path='/ready', delay=5), diff=True)
    assert result['diff'] == {'before': {'url_path': '/healthz', 'delay': 5}, 'after': {'url_path': '/ready', 'delay': 5}}
    assert 'url_path' in result['_output']  # the diff callback printed it


def test_update_in_place_including_false(elb, run_task):
    run_task('healthmonitor_v3', HTTP)
    monitor_id = elb.v3_monitor_of('demo-http-pool')['id']
    elb.reset_stats()
    result = run_task('healthmonitor_v3', dict(pool='demo-http-pool', admin_state_up=False, http_method='head',
                                               expected_codes='200-204'))
    assert result['changed']
    assert [c[0] for c in elb.writes()] == ['PUT']
    monitor = elb.v3_monitor_of('demo-http-pool')
    assert monitor['id'] == monitor_id
    assert (monitor['admin_state_up'], monitor['http_method'], monitor['expected_codes']) == (False, 'HEAD', '200-204')
    assert monitor['url_path'] == '/healthz'  # untouched: not given
    elb.reset_stats()
    assert not run_task('healthmonitor_v3', dict(pool='demo-http-pool', admin_state_up=False))['changed']
    assert elb.writes() == []


def test_server_defaults_are_not_a_change(elb, run_task):
    run_task('healthmonitor_v3', TCP)
    elb.reset_stats()
    result = run_task('healthmonitor_v3', dict(TCP, max_retries_down=3, admin_state_up=True, name=''))
    assert not result['changed'] and elb.writes() == []


@pytest.mark.parametrize('args, message', [
    (dict(HTTP, delay=0), 'delay is 0; it must be a whole number from 1 to 50.'),
    (dict(HTTP, timeout=51), 'timeout is 51; it must be a whole number from 1 to 50.'),
    (dict(HTTP, max_retries=11), 'max_retries is 11; it must be a whole number from 1 to 10.'),
    (dict(HTTP, max_retries_down=0), 'max_retries_down is 0; it must be a whole number from 1 to 10.'),
    (dict(HTTP, monitor_port=65536), 'monitor_port is 65536; it must be a whole number from 1 to 65535.'),
    (dict(HTTP, type='PING'), "type is 'PING'; it must be one of TCP, UDP_CONNECT, HTTP, HTTPS, GRPC, TLS (any case)."),
    (dict(HTTP, http_method='PUT'), "http_method is 'PUT'; it must be one of GET, HEAD, POST (any case)."),
    (dict(HTTP, url_path='healthz'), "url_path is 'healthz'; it must be a path starting with '/'"),
    (dict(HTTP, domain_name='_bad'), "domain_name is '_bad'; it must be letters, digits, hyphens and periods"),
    (dict(HTTP, expected_codes='2OO'), "expected_codes is '2OO'; it must be a code (200), a list (200,202)"),
    (dict(HTTP, expected_codes='150'), "expected_codes is '150'; it must be codes from 200 to 599"),
    (dict(TCP, url_path='/x'), 'url_path is only used by monitors of type HTTP or HTTPS, not TCP'),
    (dict(TCP, expected_codes='200'), 'expected_codes is only used by monitors of type HTTP or HTTPS or GRPC, not TCP'),
    (dict(TCP, pool='demo-udp-pool'), "type is 'TCP', which a pool of protocol UDP cannot use; it must be UDP_CONNECT."),
    (dict(TCP, pool='demo-ip-any-port-pool'), 'monitor_port is not set, but pool'),
    (dict(pool='demo-tcp-pool', type='TCP', delay=5), 'creating one needs type, delay, timeout, max_retries'),
    (dict(TCP, pool='no-such-pool'), "pool is 'no-such-pool'; no pool has that id or name."),
])
def test_each_validation_failure_names_the_option_and_writes_nothing(elb, run_task, args, message):
    result = run_task('healthmonitor_v3', args, expect_failure=True)
    assert message in result['msg']
    assert elb.writes() == []


def test_timeout_not_below_delay_warns(elb, run_task):
    result = run_task('healthmonitor_v3', dict(TCP, delay=3, timeout=3))
    assert result['changed']
    assert any('timeout (3) is not less than delay (3)' in w for w in result.get('warnings', []))


def test_waits_through_a_pending_balancer(elb, run_task):
    run_task('healthmonitor_v3', TCP)
    # A window longer than an ansible-playbook start-up on a busy machine, so the next task meets it.
    elb.admin('POST', 'config', {'pending_seconds': 6})
    run_task('healthmonitor_v3', dict(TCP, delay=11, wait=False))  # returns at once, balancer PENDING_UPDATE for 6 s
    elb.reset_stats()
    result = run_task('healthmonitor_v3', dict(TCP, delay=12))  # refused with 409 at first, then succeeds
    assert result['changed']
    statuses = [c[2] for c in elb.writes()]
    assert statuses[0] == 409 and statuses[-1] == 200
    assert elb.v3_monitor_of('demo-tcp-pool')['delay'] == 12
    # ...and it waited for the balancer to be ACTIVE again after its own write
    balancer = elb.api('GET', '/v3/{project_id}/elb/loadbalancers/' + elb.pool('demo-tcp-pool')['loadbalancers'][0]['id'])
    assert balancer['loadbalancer']['provisioning_status'] == 'ACTIVE'


def test_delete_by_name_then_by_id_then_again(elb, run_task):
    run_task('healthmonitor_v3', HTTP)
    result = run_task('healthmonitor_v3', dict(pool='demo-http-pool', state='absent'), diff=True)
    assert result['changed'] and result['healthmonitor'] is None
    assert result['diff']['before']['url_path'] == '/healthz' and result['diff']['after'] == {}
    assert elb.v3_monitor_of('demo-http-pool') is None
    elb.reset_stats()
    assert not run_task('healthmonitor_v3', dict(pool='demo-http-pool', state='absent'))['changed']
    assert elb.writes() == []
    pool = elb.pool('demo-tcp-pool')
    run_task('healthmonitor_v3', TCP)
    assert run_task('healthmonitor_v3', dict(pool=pool['id'], state='absent'))['changed']
    assert elb.v3_monitor_of('demo-tcp-pool') is None


def test_delete_in_check_mode_writes_nothing(elb, run_task):
    run_task('healthmonitor_v3', TCP)
    elb.reset_stats()
    assert run_task('healthmonitor_v3', dict(pool='demo-tcp-pool', state='absent'), check=True)['changed']
    assert elb.writes() == [] and elb.v3_monitor_of('demo-tcp-pool') is not None


@pytest.mark.parametrize('auth', ['aksk', 'password', 'token'])
def test_each_authentication_method(elb, run_task, auth):
    result = run_task('healthmonitor_v3', TCP, auth=auth)
    assert result['changed'] and elb.v3_monitor_of('demo-tcp-pool')['delay'] == 10


def test_module_defaults_group_sets_the_connection(elb):
    env = connection_env(elb, 'aksk')
    play = task_play('hwcloud.elb.healthmonitor_v3', TCP)
    play[0]['module_defaults'] = {'group/hwcloud.elb.all': {
        'elb_endpoint': env['HW_ELB_ENDPOINT'], 'access_key': env['HW_ACCESS_KEY'], 'secret_key': env['HW_SECRET_KEY'],
        'project_id': env['HW_PROJECT_ID']}}
    outcome = run_playbook(play, env={}, expect_rc=0)
    assert outcome.result()['changed']


def test_secrets_never_appear_in_verbose_output(elb):
    env = connection_env(elb, 'aksk')
    env['ANSIBLE_INJECT_INVOCATION'] = '1'  # ansible-core 2.21 echoes the arguments only when asked
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_v3', dict(TCP, secret_key=env.pop('HW_SECRET_KEY'))),
                           env=env, verbosity=4, expect_rc=0)
    assert '<localhost> EXEC' in outcome.output and '"module_args"' in outcome.output  # really verbose, args echoed
    assert 'SKEXAMPLE1111111111111111111111111111111' not in outcome.output
    assert 'SKEXAMPLE1111111111111111111111111111111' not in json.dumps(outcome.records)
