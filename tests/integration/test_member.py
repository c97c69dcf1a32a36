# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.member (in-process, a few runs through ansible-playbook: conftest.run_task) on real loopback backends probed by the emulator: register (wait
healthy), deregister (drain, then delete), disable and enable, on v3 and v2; check and diff mode, idempotence,
min_healthy refusals, bad input with zero calls, a lost create answer, 409 while PENDING, the batch endpoints."""

from __future__ import annotations

import pytest

from emulator.seed import seed_subnet
from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import

from .conftest import PROJECT_ID
from .test_member_health import V1, V2, V3, manual, pool_member, pool_monitor, probe

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process

SCALE = 0.2  # probes every 0.2 s (a monitor delay of 1 s)


def pool_members(elb, base, pool_id):
    return dict((m['protocol_port'], m) for m in elb.api('GET', '%s/pools/%s/members' % (base, pool_id))['members'])


def writes(elb):
    return [(method, path.split('?')[0].replace(elb.url, '').split('/elb/')[-1].split('/lbaas/')[-1])
            for method, path, *_rest in elb.writes()]


@pytest.fixture(name='pool')
def pool_fixture(elb):
    """demo-http-pool with an HTTP monitor; probes in the background, fast."""
    manual(elb, scale=SCALE)
    pool = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, pool['id'], max_retries_down=2)
    elb.admin('POST', 'config', {'probe_background': True, 'probe_time_scale': SCALE})
    return pool


def test_v3_register_waits_healthy_and_is_idempotent(elb, run_task, backends, pool):
    backend = backends.http(200)
    task = dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port, name='green-1', weight=5,
                wait_timeout=60)
    elb.reset_stats()
    checked = run_task('member', task, check=True, diff=True, end_to_end=True)
    assert checked['changed'] and elb.writes() == []
    assert checked['diff']['before']['members'] == [{}]
    assert checked['diff']['after']['members'][0]['weight'] == 5
    made = run_task('member', task, end_to_end=True)
    assert made['changed'] and writes(elb) == [('POST', 'pools/%s/members' % pool['id'])]
    (member,) = made['members']
    assert member['id'] and member['weight'] == 5 and member['weight_before'] is None and member['present']
    assert member['health'] == 'healthy' and made['summary']['healthy'] == 1
    held = pool_members(elb, V3, pool['id'])[backend.port]
    assert (held['id'], held['name'], held['weight']) == (member['id'], 'green-1', 5)

    elb.reset_stats()
    again = run_task('member', task)
    assert not again['changed'] and elb.writes() == [] and again['members'][0]['id'] == member['id']

    seen = run_task('member_health_info', dict(pool='demo-http-pool', address=['127.0.0.1']))
    assert [(m['id'], m['health']) for m in seen['members']] == [(member['id'], 'healthy')]  # no extra setting

    updated = run_task('member', dict(task, weight=8), diff=True)
    assert updated['changed'] and updated['diff']['before']['members'][0]['weight'] == 5
    assert pool_members(elb, V3, pool['id'])[backend.port]['weight'] == 8


def test_v3_deregister_drains_then_deletes_and_says_the_weight(elb, run_task, backends, pool):
    old, other = backends.http(200), backends.http(200)
    first = pool_member(elb, V3, pool['id'], old.port, weight=7)
    pool_member(elb, V3, pool['id'], other.port, weight=3)
    task = dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=old.port, state='absent', drain_timeout=1)
    elb.reset_stats()
    checked = run_task('member', task, check=True, diff=True)
    assert checked['changed'] and elb.writes() == [] and checked['diff']['after']['members'] == [{}]
    gone = run_task('member', task)
    assert gone['changed'] and gone['members'][0]['weight_before'] == 7 and not gone['members'][0]['present']
    assert writes(elb) == [('PUT', 'pools/%s/members/%s' % (pool['id'], first['id'])),
                           ('DELETE', 'pools/%s/members/%s' % (pool['id'], first['id']))]
    assert old.port not in pool_members(elb, V3, pool['id'])
    elb.reset_stats()
    again = run_task('member', task)
    assert not again['changed'] and elb.writes() == []
    assert again['members'][0]['weight_before'] is None


def test_deregister_refuses_below_min_healthy_before_any_write(elb, run_task, backends, pool):
    one, two = backends.http(200), backends.http(200)
    pool_member(elb, V3, pool['id'], one.port, weight=4)
    pool_member(elb, V3, pool['id'], two.port, weight=0)
    probe(elb, rounds=2)
    elb.reset_stats()
    refused = run_task('member', dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=one.port,
                                      state='absent', min_healthy='1'), expect_failure=True)
    assert 'Refusing to deregister 127.0.0.1:%d' % one.port in refused['msg'] and 'Nothing was written' in refused['msg']
    assert not refused['changed'] and refused['members'][0]['weight'] == 4 and refused['members'][0]['present']
    assert elb.writes() == [] and one.port in pool_members(elb, V3, pool['id'])
    disable = run_task('member', dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=one.port,
                                      state='disabled', min_healthy='1'), expect_failure=True)
    assert 'Refusing to disable' in disable['msg'] and elb.writes() == []


def test_disable_and_enable(elb, run_task, backends, pool):
    backend = backends.http(200)
    member = pool_member(elb, V3, pool['id'], backend.port, weight=2)
    task = dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port)
    off = run_task('member', dict(task, state='disabled', drain_timeout=0))
    assert off['changed'] and off['members'][0]['admin_state_up'] is False
    assert pool_members(elb, V3, pool['id'])[backend.port]['admin_state_up'] is False
    elb.reset_stats()
    assert not run_task('member', dict(task, state='disabled'))['changed'] and elb.writes() == []
    on = run_task('member', dict(task, state='enabled', wait_timeout=60))
    assert on['changed'] and on['members'][0]['health'] == 'healthy'
    assert pool_members(elb, V3, pool['id'])[backend.port]['admin_state_up'] is True
    assert pool_members(elb, V3, pool['id'])[backend.port]['id'] == member['id']
    missing = run_task('member', dict(task, protocol_port=9, state='enabled'), expect_failure=True)
    assert 'state enabled changes an existing member only' in missing['msg']


def test_register_fails_fast_naming_the_reason_after_writing(elb, run_task, backends, pool):
    bad = backends.http(500)
    failed = run_task('member', dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=bad.port,
                                     wait_timeout=60), expect_failure=True)
    assert failed['changed'] and failed['members'][0]['id']
    assert 'The member was written, but' in failed['msg']
    assert '127.0.0.1:%d in pool demo-http-pool: RESPONSE_MISMATCH' % bad.port in failed['msg']


def test_a_lost_create_answer_is_read_back_not_created_twice(elb, run_task, backends, pool):
    backend = backends.http(200)
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': r'/pools/[^/]+/members$', 'status': 502,
                                            'times': 1, 'after_apply': True}]})
    elb.reset_stats()
    made = run_task('member', dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port,
                                   wait_timeout=60))
    elb.admin('DELETE', 'faults')
    assert made['changed'] and made['members'][0]['health'] == 'healthy'
    assert list(pool_members(elb, V3, pool['id'])) == [backend.port]
    assert [m for m, _p in writes(elb)].count('POST') == 1, elb.calls()


def test_a_failure_after_a_write_says_changed_and_what_the_service_holds(elb, run_task, backends, pool):
    backend = backends.http(200)
    member = pool_member(elb, V3, pool['id'], backend.port, weight=6)
    elb.admin('POST', 'faults', {'rules': [{'method': 'DELETE', 'path': r'/members/', 'status': 500, 'times': 5}]})
    failed = run_task('member', dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port,
                                     state='absent', drain_timeout=0), expect_failure=True)
    elb.admin('DELETE', 'faults')
    assert failed['changed'] and 'The member was written, but then' in failed['msg']
    assert 'the service holds now: 127.0.0.1:%d weight 0, admin_state_up True' % backend.port in failed['msg']
    (entry,) = failed['members']
    assert (entry['id'], entry['weight'], entry['weight_before'], entry['present']) == (member['id'], 0, 6, True)


def test_409_while_pending_is_retried(elb, run_task, backends, pool):
    """Two creates answered 409 "PENDING_UPDATE" (a fault rule: a real PENDING window would race ansible's start)."""
    backend = backends.http(200)
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': r'/pools/[^/]+/members$', 'status': 409, 'times': 2,
                                            'error_code': 'ELB.8907', 'error_msg': 'Load balancer lb is in '
                                            'PENDING_UPDATE status; try again later.'}]})
    elb.reset_stats()
    made = run_task('member', dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port,
                                   wait_timeout=60))
    elb.admin('DELETE', 'faults')
    statuses = [status for method, _path, status in elb.calls() if method == 'POST']
    assert made['changed'] and statuses == [409, 409, 201]
    assert list(pool_members(elb, V3, pool['id'])) == [backend.port]


def test_members_list_uses_the_v3_batch_endpoints(elb, run_task, backends, pool):
    new = [backends.http(200) for _index in range(3)]
    items = [dict(address='127.0.0.1', protocol_port=b.port) for b in new]
    elb.reset_stats()
    made = run_task('member', dict(pool='demo-http-pool', members=items, weight=4, wait_timeout=60))
    assert made['changed'] and writes(elb) == [('POST', 'pools/%s/members/batch-add' % pool['id'])]
    assert [m['health'] for m in made['members']] == ['healthy'] * 3
    assert sorted(pool_members(elb, V3, pool['id'])) == sorted(b.port for b in new)
    elb.reset_stats()
    assert not run_task('member', dict(pool='demo-http-pool', members=items, weight=4))['changed']
    assert elb.writes() == []
    changed = run_task('member', dict(pool='demo-http-pool', members=items, weight=6))
    assert changed['changed'] and writes(elb) == [('POST', 'pools/%s/members/batch-update' % pool['id'])]
    elb.reset_stats()
    gone = run_task('member', dict(pool='demo-http-pool', members=items, state='absent', drain_timeout=0))
    assert [m['weight_before'] for m in gone['members']] == [6, 6, 6]
    assert writes(elb) == [('POST', 'pools/%s/members/batch-update' % pool['id']),
                           ('POST', 'pools/%s/members/batch-delete' % pool['id'])]
    assert pool_members(elb, V3, pool['id']) == {}


def test_lost_batch_update_and_delete_answers_are_sent_again(elb, run_task, backends, pool):
    """A batch-update or batch-delete whose answer is lost (a 503 before applying, a 502 after) is sent again: both
    do the same twice (the second batch-delete finds the members "not found"), so the deregistration ends with the
    members gone, not with a failure."""
    new = [backends.http(200) for _index in range(2)]
    items = [dict(address='127.0.0.1', protocol_port=b.port) for b in new]
    run_task('member', dict(pool='demo-http-pool', members=items, weight=4, wait=False))
    elb.admin('POST', 'faults', {'rules': [
        {'method': 'POST', 'path': r'/members/batch-update$', 'status': 502, 'times': 1, 'after_apply': True},
        {'method': 'POST', 'path': r'/members/batch-delete$', 'status': 503, 'times': 1},
        {'method': 'POST', 'path': r'/members/batch-delete$', 'status': 502, 'times': 1, 'after_apply': True}]})
    elb.reset_stats()
    gone = run_task('member', dict(pool='demo-http-pool', members=items, state='absent', drain_timeout=0,
                                   wait_timeout=60))
    elb.admin('DELETE', 'faults')
    assert gone['changed'] and not any(m['present'] for m in gone['members'])
    assert pool_members(elb, V3, pool['id']) == {}
    sent = [(path.rsplit('/', 1)[-1], status) for method, path, status in elb.calls() if method == 'POST']
    assert sent == [('batch-update', 502), ('batch-update', 200),
                    ('batch-delete', 503), ('batch-delete', 502), ('batch-delete', 200)], sent


def test_v2_register_disable_enable_deregister(elb, run_task, backends):
    manual(elb, scale=SCALE)
    pool = elb.pool('shared-http-pool', 'v2')
    pool_monitor(elb, V2, pool['id'])
    elb.admin('POST', 'config', {'probe_background': True, 'probe_time_scale': SCALE})
    backend = backends.http(200)
    task = dict(api_version='v2', pool='shared-http-pool', address='127.0.0.1', protocol_port=backend.port)
    elb.reset_stats()
    no_subnet = run_task('member', task, expect_failure=True)
    assert 'needs subnet' in no_subnet['msg'] and elb.writes() == []
    made = run_task('member', dict(task, subnet='web-subnet', weight=5, wait_timeout=60))  # a name (issue 29)
    assert made['changed'] and made['members'][0]['health'] == 'healthy'
    assert pool_members(elb, V2, pool['id'])[backend.port]['subnet_id'] == seed_subnet(PROJECT_ID, 'web-subnet')
    elb.reset_stats()
    assert not run_task('member', dict(task, weight=5))['changed'] and elb.writes() == []
    assert run_task('member', dict(task, state='disabled', drain_timeout=0))['changed']
    assert pool_members(elb, V2, pool['id'])[backend.port]['admin_state_up'] is False
    assert run_task('member', dict(task, state='enabled', wait_timeout=60))['changed']
    gone = run_task('member', dict(task, state='absent', drain_timeout=0))
    assert gone['changed'] and gone['members'][0]['weight_before'] == 5
    assert pool_members(elb, V2, pool['id']) == {}


def test_v2_members_list_writes_one_call_per_member(elb, run_task, backends):
    pool = elb.pool('shared-http-pool', 'v2')
    items = [dict(address='127.0.0.1', protocol_port=backends.http(200).port) for _index in range(2)]
    elb.reset_stats()
    made = run_task('member', dict(api_version='v2', pool='shared-http-pool', members=items, subnet='web-subnet'))
    assert made['changed'] and [m for m, _p in writes(elb)] == ['POST', 'POST']
    assert len(pool_members(elb, V2, pool['id'])) == 2


BAD_INPUT = [
    (dict(api_version='v1', pool='p', address='127.0.0.1', protocol_port=80), 'pool, protocol_port cannot be used'),
    (dict(api_version='v1', listener='classic-http-listener', address='127.0.0.1'), 'server_id is required'),
    (dict(api_version='v1', listener='classic-http-listener', address='127.0.0.1', state='disabled'),
     'classic (v1) backends have no admin state'),
    (dict(pool='demo-http-pool', address='127.0.0.1'), 'Name the member: address and protocol_port'),
    (dict(address='127.0.0.1', protocol_port=80), 'pool is required'),
    (dict(pool='demo-http-pool', address='web-1', protocol_port=80), "address is 'web-1'"),
    (dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=80, weight=101), 'weight is 101'),
    (dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=80, state='absent', weight=3),
     'weight applies only with state: present'),
    (dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=80, min_healthy='1'),
     'min_healthy applies only with state: absent or disabled'),
    (dict(pool='demo-http-pool', members=[dict(address='127.0.0.1', protocol_port=80)] * 2),
     'name a member given before'),
    (dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=80,
          members=[dict(address='127.0.0.1', protocol_port=81)]), 'and members are mutually exclusive'),
]


@pytest.mark.parametrize('args, expected', BAD_INPUT)
def test_bad_input_fails_before_any_call(elb, refusal, args, expected):
    """In-process but for the first case (issue 28); refusal() checks for a traceback."""
    elb.reset_stats()
    failed = refusal('member', args, end_to_end=args == BAD_INPUT[0][0])
    assert expected in failed['msg'] and elb.calls() == []
    assert 'Traceback' not in failed.get('_output', '')


def test_absent_from_an_unknown_pool_is_nothing_to_do(elb, run_task):
    elb.reset_stats()
    result = run_task('member', dict(pool='no-such-pool', address='127.0.0.1', protocol_port=80, state='absent'))
    assert not result['changed'] and elb.writes() == []


def calls_of(elb):
    return [(method, path.split('?')[0].replace(elb.url, '')) for method, path, *_rest in elb.calls()]


def count(calls):
    return dict(writes=sum(1 for m, _p in calls if m != 'GET'), gets=sum(1 for m, _p in calls if m == 'GET'))


def test_calls_for_one_and_for_100_members(elb, run_task):
    """docs/performance.md: registering or deregistering 100 members (v3, batch endpoints) costs the calls of one
    member plus nothing per member. demo-tcp-pool has no monitor: its members are unmonitored, served at once."""
    figures = {}
    for size in (1, 100):
        items = [dict(address='10.1.%d.%d' % (i // 250, i % 250 + 1), protocol_port=80) for i in range(size)]
        task = dict(pool='demo-tcp-pool', members=items) if size > 1 else dict(pool='demo-tcp-pool', **items[0])
        elb.reset_stats()
        made = run_task('member', task)
        register = calls_of(elb)
        elb.reset_stats()
        assert not run_task('member', task)['changed']
        again = calls_of(elb)
        elb.reset_stats()
        run_task('member', dict(task, state='absent', drain_timeout=0))
        deregister = calls_of(elb)
        assert made['changed'] and made['summary']['unmonitored'] == size
        figures[size] = (count(register), count(again), count(deregister))
    # One member: GET pools, members; POST; GET balancer (ACTIVE); one health poll. 100: the same with batch-add.
    assert figures[1] == figures[100], figures
    assert figures[1] == (dict(writes=1, gets=4), dict(writes=0, gets=3), dict(writes=2, gets=4)), figures


# -- classic (v1): a listener's backend ECSs, added and removed through jobs ----------------------------------


def classic_listener(elb, name='classic-http-listener'):
    return elb.api('GET', V1 + '/listeners?name=' + name)[0]


def classic_members(elb, listener_id):
    return dict((m['address'], m) for m in elb.api('GET', '%s/listeners/%s/members' % (V1, listener_id)))


def classic_writes(elb, listener_id):
    return [(method, path.split('?')[0].split('/listeners/%s' % listener_id)[-1]) for method, path, *_r in elb.writes()]


def test_v1_add_waits_for_its_job_and_health_and_is_idempotent(elb, run_task, backends):
    manual(elb, scale=SCALE)
    backend = backends.http(200)
    listener = classic_listener(elb)
    elb.api('POST', V1 + '/healthcheck', {'listener_id': listener['id'], 'healthcheck_protocol': 'HTTP',
                                          'healthcheck_connect_port': backend.port, 'healthcheck_interval': 1,
                                          'healthcheck_timeout': 1, 'healthy_threshold': 1, 'unhealthy_threshold': 2})
    elb.admin('POST', 'config', {'probe_background': True, 'probe_time_scale': SCALE})
    task = dict(api_version='v1', listener='classic-http-listener', address='127.0.0.1', server_id='ecs-green-1',
                wait_timeout=60)
    elb.reset_stats()
    checked = run_task('member', task, check=True, diff=True, end_to_end=True)
    assert checked['changed'] and elb.writes() == []
    assert checked['diff']['before']['members'] == [{}]
    assert checked['diff']['after']['members'][0]['server_id'] == 'ecs-green-1'
    made = run_task('member', task, end_to_end=True)
    assert made['changed'] and classic_writes(elb, listener['id']) == [('POST', '/members')]
    assert [c for c in elb.calls(['GET']) if '/jobs/' in c[1]], elb.calls()  # the add's job was waited for
    (member,) = made['members']
    held = classic_members(elb, listener['id'])['127.0.0.1']
    assert (member['id'], member['server_id'], member['protocol_port']) == (held['id'], 'ecs-green-1', 8080)
    assert member['present'] and member['health'] == 'healthy' and made['summary']['healthy'] == 1

    elb.reset_stats()
    again = run_task('member', task)
    assert not again['changed'] and elb.writes() == [] and again['members'][0]['id'] == member['id']
    seen = run_task('member_health_info', dict(api_version='v1', listener='classic-http-listener'))
    assert [(m['id'], m['health']) for m in seen['members']] == [(member['id'], 'healthy')]  # no extra setting

    other = run_task('member', dict(task, server_id='ecs-other'), expect_failure=True)
    assert 'for server ecs-green-1, not ecs-other' in other['msg'] and elb.writes() == []


def test_v1_absent_refuses_below_min_healthy_then_removes_at_once(elb, run_task):
    listener = classic_listener(elb)
    elb.api('POST', '%s/listeners/%s/members' % (V1, listener['id']),
            [{'server_id': 'ecs-old', 'address': '127.0.0.1'}, {'server_id': 'ecs-keep', 'address': '127.0.0.2'}])
    old = classic_members(elb, listener['id'])['127.0.0.1']
    task = dict(api_version='v1', listener='classic-http-listener', address='127.0.0.1', state='absent')
    elb.reset_stats()
    refused = run_task('member', dict(task, min_healthy='2'), expect_failure=True)
    assert 'Refusing to remove 127.0.0.1' in refused['msg'] and 'Nothing was written' in refused['msg']
    assert elb.writes() == [] and refused['members'][0]['present']
    checked = run_task('member', dict(task, min_healthy='1'), check=True, diff=True)
    assert checked['changed'] and elb.writes() == [] and checked['diff']['after']['members'] == [{}]
    gone = run_task('member', dict(task, min_healthy='1'))
    assert gone['changed'] and not gone['members'][0]['present'] and gone['members'][0]['id'] == old['id']
    assert classic_writes(elb, listener['id']) == [('POST', '/members/action')]
    assert list(classic_members(elb, listener['id'])) == ['127.0.0.2']
    elb.reset_stats()
    again = run_task('member', task)
    assert not again['changed'] and elb.writes() == []


def test_v1_a_lost_add_answer_is_read_back_not_added_twice(elb, run_task):
    listener = classic_listener(elb)
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': r'/listeners/[^/]+/members$', 'status': 502,
                                            'times': 1, 'after_apply': True}]})
    elb.reset_stats()
    made = run_task('member', dict(api_version='v1', listener=listener['id'], address='127.0.0.3',
                                   server_id='ecs-3', wait_timeout=60))
    elb.admin('DELETE', 'faults')
    assert made['changed'] and made['members'][0]['id'] == classic_members(elb, listener['id'])['127.0.0.3']['id']
    assert [m for m, _p in classic_writes(elb, listener['id'])] == ['POST'], elb.calls()


def test_v1_a_lost_remove_answer_is_sent_again_and_finds_the_backend_gone(elb, run_task):
    listener = classic_listener(elb)
    elb.api('POST', '%s/listeners/%s/members' % (V1, listener['id']), [{'server_id': 'ecs-5', 'address': '127.0.0.5'}])
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': r'/members/action$', 'status': 502,
                                            'times': 1, 'after_apply': True}]})
    elb.reset_stats()
    gone = run_task('member', dict(api_version='v1', listener=listener['id'], address='127.0.0.5', state='absent'))
    elb.admin('DELETE', 'faults')
    assert gone['changed'] and not gone['members'][0]['present']
    assert '127.0.0.5' not in classic_members(elb, listener['id'])
    assert [status for method, _path, status in elb.calls() if method == 'POST'] == [502, 404], elb.calls()


def test_v1_without_wait_no_job_is_polled_and_an_unknown_listener_is_nothing_to_remove(elb, run_task):
    listener = classic_listener(elb)
    elb.reset_stats()
    made = run_task('member', dict(api_version='v1', listener='classic-http-listener', address='127.0.0.4',
                                   server_id='ecs-4', wait=False))
    assert made['changed'] and '127.0.0.4' in classic_members(elb, listener['id'])
    assert not [c for c in elb.calls(['GET']) if '/jobs/' in c[1]], elb.calls()
    elb.reset_stats()
    nothing = run_task('member', dict(api_version='v1', listener='no-such-listener', address='127.0.0.4',
                                      state='absent'))
    assert not nothing['changed'] and nothing['members'] == [] and elb.writes() == []
