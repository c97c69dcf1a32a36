# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.member_traffic on real loopback backends probed by the emulator: drain and restore by weight,
idempotence, check and diff mode, refusing to drain the last healthy member, v1 refusal."""

from __future__ import annotations

import time

import pytest

from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import

from .test_member_health import V2, V3, gets, manual, pool_member, pool_monitor, probe

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process


# Probes every 0.2 s with a 0.2 s timeout, and two failures to go down: fast, yet not flapping on a busy machine.
SCALE = 0.2


def member_weight(elb, base, pool_id, member_id):
    return elb.api('GET', '%s/pools/%s/members/%s' % (base, pool_id, member_id))['member']['weight']


def wait_offline(elb, pool_id, member_id):
    """Until the emulator's probes took the member OFFLINE: a run in-process starts at once, with no
    ansible-playbook start-up to give the probes that time."""
    path = '%s/pools/%s/members/%s' % (V3, pool_id, member_id)
    deadline = time.monotonic() + 30
    while elb.api('GET', path)['member']['operating_status'] != 'OFFLINE':
        assert time.monotonic() < deadline, elb.api('GET', path)['member']
        time.sleep(0.05)


@pytest.fixture(name='web')
def web_fixture(elb, backends):
    """demo-http-pool with an HTTP monitor and two healthy loopback members (weights 7 and 3)."""
    manual(elb, scale=SCALE)
    pool = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, pool['id'], max_retries_down=2)
    one, two = backends.http(200), backends.http(200)
    first = pool_member(elb, V3, pool['id'], one.port, weight=7)
    second = pool_member(elb, V3, pool['id'], two.port, weight=3)
    probe(elb)
    return dict(pool=pool, one=one, two=two, first=first, second=second)


def test_drain_is_idempotent_and_restores_the_weight_it_had(elb, run_task, web):
    pool, first = web['pool'], web['first']
    task = dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=web['one'].port, state='drained',
                drain_timeout=0)
    elb.reset_stats()
    drained = run_task('member_traffic', task, end_to_end=True)
    assert drained['changed']
    assert [(m['id'], m['weight'], m['weight_before']) for m in drained['members']] == [(first['id'], 0, 7)]
    assert member_weight(elb, V3, pool['id'], first['id']) == 0
    assert member_weight(elb, V3, pool['id'], web['second']['id']) == 3
    assert [call[0] for call in elb.writes()] == ['PUT']
    assert len(gets(elb, '/elb/members')) == 1  # found by one list call, not per member

    elb.reset_stats()
    again = run_task('member_traffic', task)
    assert not again['changed'] and elb.writes() == []
    assert again['members'][0]['weight_before'] == 0

    restored = run_task('member_traffic', dict(pool='demo-http-pool', address='127.0.0.1',
                                               protocol_port=web['one'].port, state='serving',
                                               weights={first['id']: 7}, wait_timeout=30))
    assert restored['changed'] and restored['members'][0]['weight'] == 7
    assert restored['members'][0]['health'] == 'healthy'
    assert member_weight(elb, V3, pool['id'], first['id']) == 7
    elb.reset_stats()
    assert not run_task('member_traffic', dict(pool='demo-http-pool', member=first['id'], state='serving'))['changed']
    assert elb.writes() == []


def test_check_and_diff_show_weights_and_write_nothing(elb, run_task, web):
    elb.reset_stats()
    result = run_task('member_traffic', dict(loadbalancer='demo-lb', address='127.0.0.1', state='drained'),
                      check=True, diff=True, end_to_end=True)
    assert result['changed'] and elb.writes() == []
    before = sorted(m['weight'] for m in result['diff']['before']['members'])
    after = sorted(m['weight'] for m in result['diff']['after']['members'])
    assert (before, after) == ([3, 7], [0, 0])
    assert member_weight(elb, V3, web['pool']['id'], web['first']['id']) == 7


def test_refuses_to_drain_the_last_healthy_member(elb, run_task, web):
    run_task('member_traffic', dict(pool='demo-http-pool', member=web['second']['id'], state='drained',
                                    min_healthy='1', drain_timeout=0))
    elb.reset_stats()
    refused = run_task('member_traffic', dict(pool='demo-http-pool', member=web['first']['id'], state='drained',
                                              min_healthy='1'), expect_failure=True)
    assert 'Refusing to drain 127.0.0.1:%d' % web['one'].port in refused['msg']
    assert ('pool demo-http-pool has 2 member(s); draining 1 of them (127.0.0.1:%d) leaves 0 serving and healthy, '
            '1 needed (min_healthy 1)' % web['one'].port) in refused['msg']
    assert not refused['changed'] and [m['weight'] for m in refused['members']] == [7]
    assert elb.writes() == []
    assert member_weight(elb, V3, web['pool']['id'], web['first']['id']) == 7


def drain_a_failing_member(elb, run_task, web):
    """The first member drained, then its backend answering 500 until the service has it OFFLINE."""
    run_task('member_traffic', dict(pool='demo-http-pool', member=web['first']['id'], state='drained',
                                    drain_timeout=0))
    web['one'].status = 500
    elb.admin('POST', 'config', {'probe_background': True, 'probe_time_scale': SCALE})
    wait_offline(elb, web['pool']['id'], web['first']['id'])


def test_restore_fails_naming_the_member_and_reason_after_writing(elb, run_task, web):
    drain_a_failing_member(elb, run_task, web)
    failed = run_task('member_traffic', dict(pool='demo-http-pool', member=web['first']['id'], state='serving',
                                             weight=7, wait_timeout=60), expect_failure=True)
    assert failed['changed'] and failed['members'][0]['weight'] == 7
    assert 'The member weight was written, but the wait failed: ' in failed['msg'] and ', but Gave' not in failed['msg']
    assert '127.0.0.1:%d in pool demo-http-pool: RESPONSE_MISMATCH' % web['one'].port in failed['msg']


def test_v2_drain_and_restore(elb, run_task, backends):
    manual(elb, scale=SCALE)
    pool = elb.pool('shared-http-pool', 'v2')
    pool_monitor(elb, V2, pool['id'])
    backend = backends.http(200)
    member = pool_member(elb, V2, pool['id'], backend.port, weight=5)
    probe(elb)
    task = dict(api_version='v2', loadbalancer='shared-lb', address='127.0.0.1', state='drained')
    assert run_task('member_traffic', task)['members'][0]['weight_before'] == 5
    assert member_weight(elb, V2, pool['id'], member['id']) == 0
    elb.admin('POST', 'config', {'probe_background': True})
    restored = run_task('member_traffic', dict(task, state='serving', weight=5, wait_timeout=30))
    assert restored['changed'] and member_weight(elb, V2, pool['id'], member['id']) == 5


def test_v1_and_bad_combinations_fail_before_any_call(elb, refusal):
    elb.reset_stats()
    classic = refusal('member_traffic', dict(api_version='v1', loadbalancer='classic-lb', address='127.0.0.1',
                                             state='drained'), end_to_end=True)  # the others in-process
    assert 'classic load balancers cannot drain a backend' in classic['msg']
    mixed = refusal('member_traffic', dict(pool='demo-http-pool', address='127.0.0.1', state='drained', weight=3))
    assert 'weight applies only with state: serving' in mixed['msg']
    nowhere = refusal('member_traffic', dict(address='127.0.0.1', state='serving'))
    assert 'Give pool or loadbalancer' in nowhere['msg']
    assert elb.calls() == []
    missing = refusal('member_traffic', dict(pool='demo-http-pool', address='127.0.0.9', state='drained'))
    assert 'No member matches' in missing['msg'] and elb.writes() == []


def calls_of(elb):
    return [(method, path.split('?')[0].replace(elb.url, '')) for method, path, *_rest in elb.calls()]


def test_calls_per_task_do_not_grow_with_the_other_members(elb, run_task, web):
    """docs/performance.md: a drain and a restore cost a fixed number of calls, none per other member."""
    counts = []
    for extra in (0, 6):
        for index in range(extra):
            pool_member(elb, V3, web['pool']['id'], 80 + index, address='10.0.0.%d' % (index + 10))
        elb.reset_stats()
        run_task('member_traffic', dict(loadbalancer='demo-lb', address='127.0.0.1', protocol_port=web['one'].port,
                                        state='drained', min_healthy='1', drain_timeout=0))
        drain = calls_of(elb)
        elb.reset_stats()
        run_task('member_traffic', dict(loadbalancer='demo-lb', address='127.0.0.1', protocol_port=web['one'].port,
                                        state='serving', weight=7, wait_timeout=30))
        restore = calls_of(elb)
        counts.append((len(drain), len(restore)))
        assert [m for m, _p in drain].count('PUT') == 1 and [m for m, _p in restore].count('PUT') == 1
        assert not any('/members/' in path for method, path in drain + restore if method == 'GET')
    assert counts[0] == counts[1], counts
    # Issue 26: one read of balancer, pools and members (the pool's others with them); PUT; balancer ACTIVE; the
    # members again (min_healthy after the write). The restore: the same reads, PUT, ACTIVE, one health poll.
    assert counts[0][0] == 6, drain
    assert counts[0][1] == 6, restore


def test_settle_writes_the_weight_only_once_the_member_stayed_healthy(elb, run_task, web):
    """settle: the monitor's up threshold (delay 1 x max_retries 1) of healthy polls before the PUT, then no wait
    after it; without settle the PUT follows the first member list at once."""
    restore = dict(pool='demo-http-pool', member=web['first']['id'], state='serving', weight=7, wait_timeout=30)
    elb.admin('POST', 'config', {'probe_background': True, 'probe_time_scale': SCALE})
    for settle, lists_before, lists_after in ((False, 1, 1), (True, 2, 0)):
        run_task('member_traffic', dict(restore, state='drained', weight=None, drain_timeout=0))
        elb.reset_stats()
        restored = run_task('member_traffic', dict(restore, settle=settle))
        assert restored['changed'] and restored['members'][0]['health'] == 'healthy'
        assert member_weight(elb, V3, web['pool']['id'], web['first']['id']) == 7
        calls = calls_of(elb)
        put = [method for method, _path in calls].index('PUT')
        member_lists = [index for index, (_method, path) in enumerate(calls) if path.endswith('/elb/members')]
        monitor_lists = [index for index, (_method, path) in enumerate(calls) if path.endswith('/elb/healthmonitors')]
        assert len([index for index in member_lists if index < put]) >= lists_before, (settle, calls)
        assert len([index for index in member_lists if index > put]) == lists_after, (settle, calls)
        assert len(monitor_lists) == (1 if settle else 0) and all(index < put for index in monitor_lists), calls


def test_settle_that_never_sees_the_member_healthy_writes_nothing(elb, run_task, web):
    drain_a_failing_member(elb, run_task, web)
    elb.reset_stats()
    failed = run_task('member_traffic', dict(pool='demo-http-pool', member=web['first']['id'], state='serving',
                                             weight=7, wait_timeout=60, settle=True), expect_failure=True)
    assert not failed['changed'] and failed['members'][0]['weight'] == 0 and elb.writes() == []
    assert member_weight(elb, V3, web['pool']['id'], web['first']['id']) == 0
    assert failed['msg'].startswith('Did not give traffic back to 127.0.0.1:%d (settle), nothing was written: '
                                    % web['one'].port)
    assert 'RESPONSE_MISMATCH' in failed['msg'] and failed['members'][0]['health'] == 'unhealthy'
