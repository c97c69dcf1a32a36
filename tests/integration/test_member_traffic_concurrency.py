# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 26 (in-process, a few runs through ansible-playbook: conftest.run_task): member_traffic's failures after a write, its 409 handling, percentages,
ambiguous pool names, unmonitored members, the keys of weights, and what a failed wait returns."""

from __future__ import annotations

import pytest

from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import

from .test_member_health import V3, manual, pool_member, pool_monitor, probe
from .test_member_traffic import SCALE, member_weight

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process


@pytest.fixture(name='two_pools')
def two_pools_fixture(elb, backends):
    """One healthy loopback backend, a member of demo-http-pool (weight 20) and of demo-tcp-pool (weight 5)."""
    manual(elb, scale=SCALE)
    backend = backends.http(200)
    pools = dict((name, elb.pool(name)) for name in ('demo-http-pool', 'demo-tcp-pool'))
    members = {}
    for name, weight in (('demo-http-pool', 20), ('demo-tcp-pool', 5)):
        members[name] = pool_member(elb, V3, pools[name]['id'], backend.port, weight=weight)
    return dict(backend=backend, pools=pools, members=members)


def held(elb, two_pools):
    return dict((name, member_weight(elb, V3, two_pools['pools'][name]['id'], member['id']))
                for name, member in two_pools['members'].items())


def test_a_failure_after_a_partial_write_says_changed_and_the_weights_before_and_after(elb, run_task, two_pools):
    """Item 2: the second PUT answers 500; the first pool's 20 is reported, in the result and the message."""
    tcp = two_pools['members']['demo-tcp-pool']
    elb.admin('POST', 'faults', {'rules': [{'method': 'PUT', 'path': '/members/%s$' % tcp['id'], 'status': 500}]})
    failed = run_task('member_traffic', dict(loadbalancer='demo-lb', address='127.0.0.1', state='drained',
                                             drain_timeout=0), expect_failure=True)
    assert held(elb, two_pools) == {'demo-http-pool': 0, 'demo-tcp-pool': 5}
    assert failed['changed'] is True
    shown = dict((m['pool_name'], (m['weight_before'], m['weight'])) for m in failed['members'])
    assert shown == {'demo-http-pool': (20, 0), 'demo-tcp-pool': (5, 5)}
    port = two_pools['backend'].port
    assert 'in pool demo-http-pool: 20 -> 0' in failed['msg'] and 'in pool demo-tcp-pool: 5 -> 5' in failed['msg']
    assert '127.0.0.1:%d' % port in failed['msg'] and 'HTTP 500' in failed['msg']


def test_a_lost_answer_is_read_back_and_reported_as_written(elb, run_task, two_pools):
    """Item 3's second case: the PUT is applied but every answer is lost; the task reads the weights back."""
    http = two_pools['members']['demo-http-pool']
    elb.admin('POST', 'faults', {'rules': [{'method': 'PUT', 'path': '/members/%s$' % http['id'], 'drop': True,
                                            'after_apply': True}]})
    failed = run_task('member_traffic', dict(pool='demo-http-pool', address='127.0.0.1', state='drained',
                                             drain_timeout=0, api_retries=1), expect_failure=True)
    assert held(elb, two_pools)['demo-http-pool'] == 0
    assert failed['changed'] is True and [(m['weight_before'], m['weight']) for m in failed['members']] == [(20, 0)]


def test_a_busy_balancer_behind_a_rate_limit_is_waited_for_not_taken_for_a_conflict(elb, run_task, two_pools):
    """Item 3: PENDING 1 s after each write and 2 calls/s: the status read after a 409 is throttled, and by the
    time it answers the balancer is ACTIVE. The 409 said PENDING: the write is tried again until wait_timeout."""
    elb.admin('POST', 'config', {'pending_seconds': 1, 'rate_limit_per_s': 2})
    result = run_task('member_traffic', dict(loadbalancer='demo-lb', address='127.0.0.1', state='drained',
                                             drain_timeout=0, wait_timeout=60))
    elb.admin('POST', 'config', {'pending_seconds': 0, 'rate_limit_per_s': 0})
    assert result['changed'] and held(elb, two_pools) == {'demo-http-pool': 0, 'demo-tcp-pool': 0}
    assert any(status in (409, 429) for _method, _path, status in elb.calls())  # the service pushed back


def test_a_409_whose_status_read_is_throttled_is_retried_not_taken_for_a_conflict(elb, run_task, two_pools):
    """Item 3, made certain with faults: the second PUT gets a 409, the status read after it a 429 (api_retries 0:
    no client retry). Today's code took that for a conflict and failed with changed false."""
    tcp = two_pools['members']['demo-tcp-pool']
    elb.admin('POST', 'faults', {'rules': [
        {'method': 'PUT', 'path': '/members/%s$' % tcp['id'], 'status': 409, 'times': 1},
        {'method': 'GET', 'path': '/loadbalancers/[^/]+$', 'status': 429, 'times': 1}]})
    elb.reset_stats()
    result = run_task('member_traffic', dict(loadbalancer='demo-lb', address='127.0.0.1', state='drained',
                                             drain_timeout=0, api_retries=0, wait_timeout=30))
    assert result['changed'] and held(elb, two_pools) == {'demo-http-pool': 0, 'demo-tcp-pool': 0}
    statuses = [status for method, path, status in elb.calls() if method == 'PUT' or '/loadbalancers/' in path]
    assert statuses[:4] == [200, 409, 429, 200], statuses


@pytest.mark.parametrize('min_healthy', ['100%', '50%', '1%', '1'])
def test_a_percentage_protects_the_last_member(elb, run_task, backends, min_healthy):
    """Item 5: a one-member pool is never drained, whatever the percentage."""
    manual(elb, scale=SCALE)
    pool = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, pool['id'])
    only = pool_member(elb, V3, pool['id'], backends.http(200).port, weight=4)
    probe(elb)
    elb.reset_stats()
    refused = run_task('member_traffic', dict(pool='demo-http-pool', member=only['id'], state='drained',
                                              min_healthy=min_healthy), expect_failure=True)
    assert 'pool demo-http-pool has 1 member(s)' in refused['msg'] and '1 needed' in refused['msg'], refused['msg']
    assert elb.writes() == [] and member_weight(elb, V3, pool['id'], only['id']) == 4
    assert refused['changed'] is False and refused['summary']['total'] == 1


def test_a_pool_name_two_balancers_share_is_refused_before_any_write(elb, run_task, backends):
    """Item 6: as healthmonitor_v3 does, the name is refused and the ids are listed."""
    other = elb.api('POST', V3 + '/loadbalancers', {'loadbalancer': {'name': 'other-lb'}})['loadbalancer']
    twin = elb.api('POST', V3 + '/pools', {'pool': {'name': 'demo-http-pool', 'protocol': 'HTTP',
                                                    'lb_algorithm': 'ROUND_ROBIN',
                                                    'loadbalancer_id': other['id']}})['pool']
    port = backends.http(200).port
    pool_member(elb, V3, twin['id'], port, weight=3)
    mine = pool_member(elb, V3, elb.api('GET', V3 + '/pools?name=demo-http-pool&loadbalancer_id=' + elb.api(
        'GET', V3 + '/loadbalancers?name=demo-lb')['loadbalancers'][0]['id'])['pools'][0]['id'], port, weight=3)
    elb.reset_stats()
    refused = run_task('member_traffic', dict(pool='demo-http-pool', address='127.0.0.1', state='drained'),
                       expect_failure=True)
    assert "pool is 'demo-http-pool'; 2 pools have that name" in refused['msg'] and 'give the id instead' in refused[
        'msg'] and twin['id'] in refused['msg']
    assert elb.writes() == []
    drained = run_task('member_traffic', dict(loadbalancer='demo-lb', pool='demo-http-pool', address='127.0.0.1',
                                              state='drained', drain_timeout=0))
    assert [m['id'] for m in drained['members']] == [mine['id']]


def test_unmonitored_members_serve_at_once_and_count_for_min_healthy(elb, run_task, backends):
    """Item 7: a pool without a monitor: the restore's wait ends at once, member_health_info's wait too, and
    min_healthy counts the other unmonitored member."""
    manual(elb, scale=SCALE)
    pool = elb.pool('demo-http-pool')
    first = pool_member(elb, V3, pool['id'], backends.http(200).port, weight=6)
    pool_member(elb, V3, pool['id'], backends.http(200).port, weight=6)
    probe(elb)
    run_task('member_traffic', dict(pool='demo-http-pool', member=first['id'], state='drained', min_healthy='1',
                                    drain_timeout=0))
    restored = run_task('member_traffic', dict(pool='demo-http-pool', member=first['id'], state='serving', weight=6,
                                               wait_timeout=20))
    assert restored['members'][0]['health'] == 'unmonitored' and restored['summary']['unmonitored'] == 1
    waited = run_task('member_health_info', dict(pool='demo-http-pool', wait_for='healthy', wait_timeout=20))
    assert waited['summary']['unmonitored'] == 2


def test_weights_keys_must_name_the_selection_and_strings_are_numbers(elb, run_task, two_pools):
    """Item 8: a mistyped key is refused naming it and what exists; "10" is taken as weight takes it."""
    task = dict(loadbalancer='demo-lb', address='127.0.0.1', state='drained', drain_timeout=0)
    run_task('member_traffic', task)
    elb.reset_stats()
    typo = run_task('member_traffic', dict(task, state='serving', weights={'demo-htp-pool': 10}, drain_timeout=None),
                    expect_failure=True)
    assert "'demo-htp-pool'" in typo['msg'] and 'in pool demo-http-pool' in typo['msg'] and elb.writes() == []
    restored = run_task('member_traffic', dict(task, state='serving', drain_timeout=None,
                                               weights={'demo-http-pool': '10', 'demo-tcp-pool': 0}, wait_timeout=20))
    assert restored['changed'] and held(elb, two_pools) == {'demo-http-pool': 10, 'demo-tcp-pool': 0}


def test_a_failed_wait_returns_members_and_summary(elb, run_task, backends):
    """Item 9 (first half): member_health_info and member_traffic say what they saw when a wait fails."""
    manual(elb, scale=SCALE)
    pool = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, pool['id'])
    broken = pool_member(elb, V3, pool['id'], backends.http(500).port, weight=2)
    probe(elb, rounds=2)
    info = run_task('member_health_info', dict(pool='demo-http-pool', wait_for='healthy', wait_timeout=0),
                    expect_failure=True)
    assert [m['id'] for m in info['members']] == [broken['id']] and info['summary']['unhealthy'] == 1
    traffic = run_task('member_traffic', dict(pool='demo-http-pool', member=broken['id'], state='serving',
                                              wait_timeout=0), expect_failure=True)
    assert traffic['changed'] is False and traffic['members'][0]['health'] == 'unhealthy'
    assert traffic['summary']['unhealthy'] == 1
