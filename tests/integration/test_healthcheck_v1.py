# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.healthcheck_v1 (in-process, a few runs through ansible-playbook: conftest.run_task) against the emulator, with request counts.

Seeded: classic-lb (External) with classic-http-listener (HTTP:80 -> 8080), classic-tcp-listener (TCP:3306)
and classic-udp-listener (UDP:53); classic-internal-lb (Internal) with classic-internal-udp-listener (UDP).
"""

from __future__ import annotations

import functools

import pytest

from .conftest import PROJECT_ID, busy_then_write, connection_env, run_in_process, run_playbook, task_play

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process

BASE = '/v1.0/{project_id}/elbaas'
HTTP = dict(listener='classic-http-listener', healthcheck_protocol='HTTP', healthcheck_uri='/healthz',
            healthcheck_connect_port=8080, healthcheck_interval=5, healthcheck_timeout=3, healthy_threshold=2,
            unhealthy_threshold=4)
TCP = dict(listener='classic-tcp-listener', healthcheck_protocol='TCP', healthcheck_interval=10, healthcheck_timeout=5)


def balancer(elb, name):
    found = [b for b in elb.api('GET', BASE + '/loadbalancers')['loadbalancers'] if b['name'] == name]
    assert len(found) == 1, found
    return found[0]


def listener(elb, name):
    found = [item for item in elb.api('GET', BASE + '/listeners') if item['name'] == name]
    assert len(found) == 1, found
    return found[0]


def check_of(elb, listener_name):
    ident = listener(elb, listener_name)['healthcheck_id']
    return elb.api('GET', BASE + '/healthcheck/' + ident) if ident else None


def gets(elb, kind):
    return [c for c in elb.calls(['GET']) if '/elbaas/%s' % kind in c[1]]


def test_create_by_name_then_rerun_is_a_no_op(elb, run_task):
    result = run_task('healthcheck_v1', HTTP, end_to_end=True)
    assert result['changed']
    check = check_of(elb, 'classic-http-listener')
    assert check == result['healthcheck']
    assert (check['healthcheck_uri'], check['healthcheck_connect_port'], check['healthy_threshold'],
            check['unhealthy_threshold']) == ('/healthz', 8080, 2, 4)
    assert elb.writes() == [('POST', '/v1.0/%s/elbaas/healthcheck' % PROJECT_ID, 200)]  # classic create: 200

    elb.reset_stats()
    again = run_task('healthcheck_v1', dict(HTTP, healthcheck_protocol='http'))
    assert not again['changed'] and again['healthcheck'] == check
    assert elb.writes() == []
    assert len(elb.calls(['GET'])) <= 2


def test_create_by_listener_id_with_the_short_names(elb, run_task):
    ident = listener(elb, 'classic-tcp-listener')['id']
    elb.reset_stats()
    args = dict(listener_id=ident, protocol='tcp', connect_port=3306, interval=10, timeout=5)
    result = run_task('healthcheck_v1', args)
    assert result['changed'] and result['healthcheck']['listener_id'] == ident
    assert not [c for c in elb.calls(['GET']) if c[1].endswith('/listeners')]  # an id needs no list call
    check = check_of(elb, 'classic-tcp-listener')
    assert (check['healthcheck_protocol'], check['healthcheck_connect_port'], check['healthcheck_interval'],
            check['healthcheck_timeout'], check['healthcheck_uri']) == ('TCP', 3306, 10, 5, '')
    elb.reset_stats()
    assert not run_task('healthcheck_v1', dict(TCP, listener=ident))['changed']
    assert elb.writes() == [] and len(elb.calls(['GET'])) <= 2


def test_a_balancer_narrows_a_listener_name(elb, run_task):
    lb = balancer(elb, 'classic-lb')
    args = dict(listener='classic-udp-listener', loadbalancer='classic-lb', healthcheck_protocol='UDP',
                healthcheck_connect_port=53)
    result = run_task('healthcheck_v1', args)
    assert result['changed'] and result['healthcheck']['listener_id'] == listener(elb, 'classic-udp-listener')['id']
    elb.reset_stats()
    assert not run_task('healthcheck_v1', args)['changed']
    assert elb.writes() == [] and len(elb.calls(['GET'])) <= 3  # a balancer name costs one GET
    elb.reset_stats()
    assert not run_task('healthcheck_v1', dict(args, loadbalancer=lb['id']))['changed']
    assert elb.writes() == [] and len(elb.calls(['GET'])) <= 2  # a balancer id costs none


def test_check_mode_reports_and_writes_nothing(elb, run_task):
    result = run_task('healthcheck_v1', HTTP, check=True, end_to_end=True)
    assert result['changed'] and result['healthcheck']['healthcheck_uri'] == '/healthz'
    assert elb.writes() == [] and check_of(elb, 'classic-http-listener') is None
    run_task('healthcheck_v1', HTTP)
    elb.reset_stats()
    result = run_task('healthcheck_v1', dict(HTTP, healthcheck_interval=7), check=True)
    assert result['changed'] and result['healthcheck']['healthcheck_interval'] == 7
    assert elb.writes() == [] and check_of(elb, 'classic-http-listener')['healthcheck_interval'] == 5


def test_diff_shows_before_and_after_of_the_fields_involved(elb, run_task):
    created = run_task('healthcheck_v1', HTTP, diff=True, end_to_end=True)
    assert created['diff']['before'] == {} and created['diff']['after']['healthcheck_uri'] == '/healthz'
    result = run_task('healthcheck_v1', dict(listener='classic-http-listener', uri='/ready', interval=5), diff=True,
                      end_to_end=True)
    assert result['diff'] == {'before': {'healthcheck_uri': '/healthz', 'healthcheck_interval': 5},
                              'after': {'healthcheck_uri': '/ready', 'healthcheck_interval': 5}}
    assert 'healthcheck_uri' in result['_output']  # the diff callback printed it


def test_update_in_place(elb, run_task):
    run_task('healthcheck_v1', HTTP)
    ident = check_of(elb, 'classic-http-listener')['id']
    elb.reset_stats()
    result = run_task('healthcheck_v1', dict(listener='classic-http-listener', healthy_threshold=5, healthcheck_timeout=9))
    assert result['changed']
    assert [c[0] for c in elb.writes()] == ['PUT']
    check = check_of(elb, 'classic-http-listener')
    assert check['id'] == ident and (check['healthy_threshold'], check['healthcheck_timeout']) == (5, 9)
    assert check['healthcheck_uri'] == '/healthz' and check['unhealthy_threshold'] == 4  # untouched: not given
    elb.reset_stats()
    assert not run_task('healthcheck_v1', dict(listener='classic-http-listener', healthy_threshold=5))['changed']
    assert elb.writes() == []


def test_switch_protocol_from_tcp_to_http(elb, run_task):
    run_task('healthcheck_v1', TCP)
    elb.reset_stats()
    result = run_task('healthcheck_v1', dict(TCP, healthcheck_protocol='HTTP', healthcheck_uri='/status'))
    assert result['changed'] and [c[0] for c in elb.writes()] == ['PUT']
    assert len(gets(elb, 'loadbalancers/')) == 1  # the wait after the write; HTTP needs no type read
    check = check_of(elb, 'classic-tcp-listener')
    assert (check['healthcheck_protocol'], check['healthcheck_uri']) == ('HTTP', '/status')


def test_udp_check_reads_the_balancer_type_only_when_created(elb, run_task):
    args = dict(listener='classic-udp-listener', healthcheck_protocol='UDP')
    run_task('healthcheck_v1', args)
    assert len(gets(elb, 'loadbalancers/')) == 2  # its type before the write, its status after
    elb.reset_stats()
    assert run_task('healthcheck_v1', dict(args, healthcheck_interval=20))['changed']
    assert len(gets(elb, 'loadbalancers/')) == 1  # only the wait: the check already is UDP


REFUSALS = [
    (dict(HTTP, healthcheck_protocol='ICMP'), "healthcheck_protocol is 'ICMP'; it must be one of HTTP, TCP, UDP (any case)."),
    (dict(HTTP, healthcheck_uri='healthz'), "healthcheck_uri is 'healthz'; it must be a path starting with '/'"),
    (dict(HTTP, healthcheck_uri='/health check'), "healthcheck_uri is '/health check'; it must be a path starting with '/'"),
    (dict(HTTP, healthcheck_uri='/' + 'a' * 80), 'it must be at most 80 characters (it has 81)'),
    (dict(HTTP, healthcheck_connect_port=65536), 'healthcheck_connect_port is 65536; it must be a whole number from 1 to 65535.'),
    (dict(HTTP, healthy_threshold=0), 'healthy_threshold is 0; it must be a whole number from 1 to 10.'),
    (dict(HTTP, unhealthy_threshold=11), 'unhealthy_threshold is 11; it must be a whole number from 1 to 10.'),
    (dict(HTTP, healthcheck_timeout=51), 'healthcheck_timeout is 51; it must be a whole number from 1 to 50.'),
    (dict(HTTP, healthcheck_interval=0), 'healthcheck_interval is 0; it must be a whole number from 1 to 50.'),
    (dict(TCP, healthcheck_uri='/x'), 'healthcheck_uri is only used by monitors of type HTTP, not TCP'),
    (dict(TCP, healthcheck_protocol='UDP'),
     "healthcheck_protocol is 'UDP', which a listener of protocol TCP cannot use; it must be TCP or HTTP."),
    (dict(listener='classic-udp-listener', healthcheck_protocol='TCP'),
     "healthcheck_protocol is 'TCP', which a listener of protocol UDP cannot use; it must be UDP."),
    (dict(listener='classic-internal-udp-listener', healthcheck_protocol='UDP'),
     "healthcheck_protocol is 'UDP', but listener"),
    (dict(listener='classic-tcp-listener', healthcheck_interval=5),
     'has no health check yet; creating one needs healthcheck_protocol (missing: healthcheck_protocol).'),
    (dict(TCP, listener='no-such-listener'), "listener is 'no-such-listener'; no listener has that id or name."),
    (dict(TCP, loadbalancer='no-such-lb'), "loadbalancer is 'no-such-lb'; no load balancer has that id or name."),
    (dict(TCP, loadbalancer='classic-internal-lb'),
     "listener is 'classic-tcp-listener'; no listener has that id or name in load balancer classic-internal-lb"),
]


@pytest.mark.parametrize('args, message', REFUSALS)
def test_each_validation_failure_names_the_option_and_writes_nothing(elb, refusal, args, message):
    result = refusal('healthcheck_v1', args, end_to_end=args == REFUSALS[0][0])
    assert message in result['msg']
    assert elb.writes() == []


def test_udp_under_an_internal_balancer_is_refused_before_the_service_would(elb, run_task):
    lb = balancer(elb, 'classic-internal-lb')
    ident = listener(elb, 'classic-internal-udp-listener')['id']
    result = run_task('healthcheck_v1', dict(listener=ident, protocol='udp'), expect_failure=True)
    assert result['msg'] == (
        "healthcheck_protocol is 'UDP', but listener %s belongs to load balancer %s, which is Internal (private "
        "network): the service allows no UDP health check there, and a UDP listener takes no other." % (ident, lb['id']))
    assert elb.writes() == []


def test_a_listener_id_under_another_balancer_fails(elb, run_task):
    ident = listener(elb, 'classic-tcp-listener')['id']
    lb = balancer(elb, 'classic-lb')
    result = run_task('healthcheck_v1', dict(TCP, listener=ident, loadbalancer='classic-internal-lb'), expect_failure=True)
    assert "listener is '%s', which is not in load balancer classic-internal-lb" % ident in result['msg']
    assert 'but in load balancer %s.' % lb['id'] in result['msg']
    assert elb.writes() == []


def test_waits_through_a_pending_balancer(elb, run_task):
    run_task('healthcheck_v1', TCP)
    # The write without wait leaves the balancer PENDING_UPDATE, the next run meets it (a 409).
    busy = functools.partial(run_in_process, elb, 'healthcheck_v1', dict(TCP, healthcheck_interval=11, wait=False))
    result = busy_then_write(elb, busy, 'healthcheck_v1', dict(TCP, healthcheck_interval=12))
    assert result['changed']
    statuses = [c[2] for c in elb.writes()]
    assert statuses[:2] == [200, 409] and statuses[-1] == 200, statuses
    assert check_of(elb, 'classic-tcp-listener')['healthcheck_interval'] == 12
    # ...and it waited for the classic balancer's status to be ACTIVE again after its own write
    assert balancer(elb, 'classic-lb')['status'] == 'ACTIVE'


def test_a_lost_create_answer_does_not_create_twice(elb, run_task):
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': '/elbaas/healthcheck$', 'status': 502,
                                            'after_apply': True, 'times': 1}]})
    result = run_task('healthcheck_v1', TCP)
    assert result['changed']
    assert [c[0] for c in elb.writes()] == ['POST']
    assert check_of(elb, 'classic-tcp-listener')['healthcheck_interval'] == 10


def test_delete_by_name_then_again_then_by_id(elb, run_task):
    run_task('healthcheck_v1', HTTP)
    result = run_task('healthcheck_v1', dict(listener='classic-http-listener', state='absent'), diff=True, end_to_end=True)
    assert result['changed'] and result['healthcheck'] is None
    assert result['diff']['before']['healthcheck_uri'] == '/healthz' and result['diff']['after'] == {}
    assert [(c[0], c[2]) for c in elb.writes()] == [('POST', 200), ('DELETE', 204)]
    assert check_of(elb, 'classic-http-listener') is None
    elb.reset_stats()
    assert not run_task('healthcheck_v1', dict(listener='classic-http-listener', state='absent'))['changed']
    assert elb.writes() == [] and len(elb.calls(['GET'])) == 1
    ident = listener(elb, 'classic-tcp-listener')['id']
    run_task('healthcheck_v1', TCP)
    assert run_task('healthcheck_v1', dict(listener=ident, state='absent'))['changed']
    assert check_of(elb, 'classic-tcp-listener') is None


def test_delete_in_check_mode_writes_nothing(elb, run_task):
    run_task('healthcheck_v1', TCP)
    elb.reset_stats()
    assert run_task('healthcheck_v1', dict(listener='classic-tcp-listener', state='absent'), check=True)['changed']
    assert elb.writes() == [] and check_of(elb, 'classic-tcp-listener') is not None


def test_delete_on_an_unknown_listener_only_warns(elb, run_task):
    result = run_task('healthcheck_v1', dict(listener='no-such-listener', state='absent'))
    assert not result['changed'] and elb.writes() == []
    assert any('Nothing to delete' in w for w in result.get('warnings', []))


def test_a_throttled_call_is_retried(elb, run_task):
    elb.admin('POST', 'faults', {'rules': [{'method': 'GET', 'path': '/elbaas/listeners', 'status': 429, 'times': 2}]})
    result = run_task('healthcheck_v1', TCP)
    assert result['changed'] and check_of(elb, 'classic-tcp-listener') is not None
    listener_reads = [c[2] for c in elb.calls(['GET']) if c[1].endswith('/elbaas/listeners')]
    assert listener_reads[:3] == [429, 429, 200]


def test_module_defaults_group_sets_the_connection(elb):
    env = connection_env(elb, 'token')
    play = task_play('hwcloud.elb.healthcheck_v1', TCP)
    play[0]['module_defaults'] = {'group/hwcloud.elb.all': {
        'elb_endpoint': env['HW_ELB_ENDPOINT'], 'auth_token': env['HW_AUTH_TOKEN'], 'project_id': env['HW_PROJECT_ID']}}
    outcome = run_playbook(play, env={}, expect_rc=0)
    assert outcome.result()['changed'] and check_of(elb, 'classic-tcp-listener')['healthcheck_interval'] == 10
