# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.member_check (in-process, a few runs through ansible-playbook: conftest.run_task), on real loopback backends checked by the emulator's member
check job (issue 30): a blocked member, a wrong monitor port, a 404 on the monitor's path, a healthy member;
check mode; the calls; bad input and the v2/v1 refusal."""

from __future__ import annotations

import pytest

from emulator.tests.backends import backends_fixture, closed_port  # noqa: F401  pylint: disable=unused-import

from .conftest import PROJECT_ID
from .test_member_health import V3, manual, pool_member, pool_monitor, probe

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process

SOURCE = '100.125.0.0/16'


def http_listener(elb, pool, port=80):
    """An HTTP listener of demo-lb whose default pool is ``pool`` (the check job looks through a listener)."""
    body = dict(loadbalancer_id=pool['loadbalancers'][0]['id'], protocol='HTTP', protocol_port=port,
                default_pool_id=pool['id'], name='web-%d' % port)
    return elb.api('POST', V3 + '/listeners', {'listener': body})['listener']


@pytest.fixture(name='web')
def web_fixture(elb):
    """demo-http-pool behind an HTTP listener, probed only by explicit rounds."""
    manual(elb)
    pool = elb.pool('demo-http-pool')
    return dict(pool=pool, listener=http_listener(elb, pool))


def member_at(elb, web, port, **monitor):
    pool_monitor(elb, V3, web['pool']['id'], **monitor)
    return pool_member(elb, V3, web['pool']['id'], port)


def test_a_healthy_member_passes_every_check(elb, run_task, backends, web):
    backend = backends.http(200)
    member = member_at(elb, web, backend.port, url_path='/healthz')
    elb.reset_stats()
    result = run_task('member_check', dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port),
                      end_to_end=True)
    assert result['passed'] is True and result['summary'] == [] and not result['changed']
    [check] = result['checks']
    assert (check['id'], check['listener_id'], check['status'], check['passed']) == (
        member['id'], web['listener']['id'], 'processed', True)
    assert sorted(check['results']) == ['acl', 'config', 'security_group']
    assert all(group['check_result'] for group in check['results'].values())
    assert ('GET', '/healthz') in [request[:2] for request in backend.requests]
    # One member list, one POST for the job, then GETs of the job until it is done.
    base = V3.format(project_id=PROJECT_ID)
    assert elb.writes() == [('POST', '%s/members/%s/health-check' % (base, member['id']), 201)]
    others = [path for method, path, _status in elb.calls(['GET']) if '/check/jobs/' not in path]
    assert others == ['%s/pools' % base, '%s/members' % base]  # the pool by name, the member list


def test_a_blocked_member_names_the_security_group_and_the_fix(elb, run_task, backends, web):
    backend = backends.http(200)
    member_at(elb, web, backend.port)
    elb.admin('POST', 'config', {'blocked_health_checks': [{'address': '127.0.0.1', 'port': backend.port}]})
    probe(elb, 2)
    health = run_task('member_health_info', dict(pool='demo-http-pool'))
    assert health['members'][0]['reason']['code'] == 'CONNECT_TIMEOUT'
    result = run_task('member_check', dict(pool='demo-http-pool', address='127.0.0.1'))
    assert result['passed'] is False
    assert result['summary'] == [
        '127.0.0.1:%d (security group): The security group of backend 127.0.0.1 does not allow TCP %d from %s. '
        'Fix: add an inbound rule allowing TCP %d from %s to the security group of 127.0.0.1.' % (
            backend.port, backend.port, SOURCE, backend.port, SOURCE)]
    groups = result['checks'][0]['results']
    assert groups['config']['check_result'] is True and groups['security_group']['check_result'] is False


def test_a_wrong_monitor_port_is_a_config_cause(elb, run_task, backends, web):
    backend = backends.http(200)
    wrong = closed_port()
    member_at(elb, web, backend.port, monitor_port=wrong)
    result = run_task('member_check', dict(pool='demo-http-pool', address='127.0.0.1', subject='config'))
    assert result['passed'] is False
    [line] = result['summary']
    assert line.startswith('127.0.0.1:%d (configuration): The health check probes port %d' % (backend.port, wrong))
    assert line.endswith("Fix: set the monitor's monitor_port to %d, or leave it unset so the member's port is "
                         "probed." % backend.port)
    assert result['checks'][0]['results']['security_group'] is None  # not asked for


def test_a_404_on_the_monitor_path_names_the_path_and_the_code(elb, run_task, backends, web):
    backend = backends.http(404)
    member = member_at(elb, web, backend.port, url_path='/healthz', expected_codes='200-204')
    result = run_task('member_check', dict(member=member['id']))
    [line] = result['summary']
    assert line == ('127.0.0.1:%d (configuration): GET /healthz on 127.0.0.1:%d answered 404, expected 200-204: the '
                    'backend does not serve that path. Fix: set the monitor\'s url_path to a path the backend answers '
                    'with 200-204, or serve /healthz on the backend.' % (backend.port, backend.port))
    # Fixed on the backend: the same task passes.
    backend.status = 200
    assert run_task('member_check', dict(member=member['id']))['passed'] is True


def test_check_mode_runs_the_read_only_diagnosis(elb, run_task, web):
    port = closed_port()
    member_at(elb, web, port)
    result = run_task('member_check', dict(pool='demo-http-pool', address='127.0.0.1'), check=True, end_to_end=True)
    assert not result['changed'] and result['passed'] is False
    assert 'Nothing accepts connections on 127.0.0.1:%d' % port in result['summary'][0]
    # The job changed nothing: the member and the monitor are as they were.
    assert [m['protocol_port'] for m in elb.api('GET', V3 + '/members')['members']] == [port]


def test_refusals_and_bad_input_before_any_call(elb, refusal, web):
    elb.reset_stats()
    for version in ('v2', 'v1'):
        refused = refusal('member_check', dict(api_version=version, pool='shared-http-pool', address='127.0.0.1'),
                          end_to_end=version == 'v2')  # the others in-process
        assert 'api_version %s: only dedicated (v3) load balancers have the member check job' % version in refused['msg']
    nothing = refusal('member_check', dict(pool='demo-http-pool'))
    assert 'Name the member' in nothing['msg']
    loose = refusal('member_check', dict(address='127.0.0.1'))
    assert 'address needs pool or loadbalancer' in loose['msg']
    bad = refusal('member_check', dict(member='x', subject='everything'))
    assert 'subject' in bad['msg']
    assert elb.calls() == []
    missing = refusal('member_check', dict(pool='demo-http-pool', address='127.0.0.9'))
    assert 'No member matches' in missing['msg'] and elb.writes() == []


def test_a_pool_behind_no_listener_and_too_many_members(elb, run_task):
    manual(elb)
    pool = elb.pool('demo-tcp-pool')
    member = pool_member(elb, V3, pool['id'], 8080)
    elb.reset_stats()
    result = run_task('member_check', dict(member=member['id']), expect_failure=True)
    assert 'its pool demo-tcp-pool is behind no listener, and the check job needs one; give listener' in result['msg']
    assert elb.writes() == []
    for port in range(8081, 8087):
        pool_member(elb, V3, pool['id'], port)
    many = run_task('member_check', dict(pool='demo-tcp-pool', address='127.0.0.1'), expect_failure=True)
    assert '7 members match' in many['msg'] and 'at most 5' in many['msg']
