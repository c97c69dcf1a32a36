# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.member_health_info and member_health_facts on real loopback backends probed by the emulator.

Health is made deterministic with ``probe_background: false`` and explicit probe rounds; the waits that must
see a backend fixed mid-wait keep background probing on with a small time scale.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from emulator.tests.backends import backends_fixture, closed_port  # noqa: F401  pylint: disable=unused-import

from .conftest import connection_env, run_playbook

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process

V3 = '/v3/{project_id}/elb'
V2 = '/v2.0/lbaas'
V1 = '/v1.0/{project_id}/elbaas'
ELSEWHERE = '10.0.0.5'  # never probed (not loopback): the service reports UNKNOWN


def manual(elb, scale=0.5):
    """Only explicit probe rounds probe (a timeout of 1 s lasts scale seconds)."""
    elb.admin('POST', 'config', {'probe_background': False, 'probe_time_scale': scale})


def probe(elb, rounds=1):
    elb.admin('POST', 'probe', {'rounds': rounds})


def pool_monitor(elb, base, pool_id, **fields):
    body = dict(pool_id=pool_id, type='HTTP', delay=1, timeout=1, max_retries=1, max_retries_down=1, url_path='/')
    body.update(fields)
    return elb.api('POST', base + '/healthmonitors', {'healthmonitor': body})['healthmonitor']


def pool_member(elb, base, pool_id, port, address='127.0.0.1', **extra):
    body = dict(address=address, protocol_port=port, **extra)
    if base != V3:
        body.setdefault('subnet_id', 'subnet-1')  # a v2 member needs its subnet (CreateMemberReq requires it)
    return elb.api('POST', '%s/pools/%s/members' % (base, pool_id), {'member': body})['member']


def by_address(members):
    return dict(('%s:%s' % (m['address'], m['protocol_port']), m) for m in members)


def gets(elb, suffix):
    return [call for call in elb.calls(['GET']) if call[1].split('?')[0].endswith(suffix)]


@pytest.fixture(name='v3_states')
def v3_states_fixture(elb, backends):
    """demo-http-pool: healthy, 500, closed port, slow, not loopback, new; demo-tcp-pool (no monitor): one member."""
    manual(elb)
    http = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, http['id'], expected_codes='200-204')
    ok, bad, slow = backends.http(200), backends.http(500), backends.http(200, delay=3)
    refused = closed_port()
    for port in (ok.port, bad.port, slow.port, refused):
        pool_member(elb, V3, http['id'], port, name='web-%d' % port)
    pool_member(elb, V3, http['id'], 80, address=ELSEWHERE)
    probe(elb)
    pool_member(elb, V3, http['id'], ok.port, address='127.0.0.2')  # after the round: not checked yet
    pool_member(elb, V3, elb.pool('demo-tcp-pool')['id'], ok.port)
    return dict(ok=ok.port, bad=bad.port, slow=slow.port, refused=refused)


def test_v3_every_state_and_reason_in_one_list_call(elb, run_task, v3_states):
    elb.reset_stats()
    result = run_task('member_health_info', {'loadbalancer': 'demo-lb'}, end_to_end=True)
    members = by_address(m for m in result['members'] if m['pool_name'] == 'demo-http-pool')
    ports = v3_states
    assert len(result['members']) == 7
    assert members['127.0.0.1:%d' % ports['ok']]['health'] == 'healthy'
    assert members['127.0.0.1:%d' % ports['ok']]['reason'] is None
    mismatch = members['127.0.0.1:%d' % ports['bad']]
    assert (mismatch['health'], mismatch['status']) == ('unhealthy', 'OFFLINE')
    assert mismatch['reason'] == {'code': 'RESPONSE_MISMATCH', 'expected': '200-204', 'received': '500'}
    assert mismatch['pool_name'] == 'demo-http-pool' and mismatch['name'] == 'web-%d' % ports['bad']
    assert mismatch['api_version'] == 'v3' and mismatch['weight'] == 1
    assert members['127.0.0.1:%d' % ports['refused']]['reason']['code'] == 'CONNECT_REFUSED'
    assert members['127.0.0.1:%d' % ports['slow']]['reason']['code'] == 'RECV_RESPONSE_TIMEOUT'
    assert (members['%s:80' % ELSEWHERE]['health'], members['%s:80' % ELSEWHERE]['status']) == ('unknown', 'UNKNOWN')
    assert (members['127.0.0.2:%d' % ports['ok']]['health'], members['127.0.0.2:%d' % ports['ok']]['status']) == (
        'checking', 'INITIAL')
    unmonitored = [m for m in result['members'] if m['pool_name'] == 'demo-tcp-pool']
    assert [(m['health'], m['status']) for m in unmonitored] == [('unmonitored', 'NO_MONITOR')]
    assert result['summary'] == {'healthy': 1, 'unhealthy': 3, 'checking': 1, 'unmonitored': 1, 'unknown': 1,
                                 'total': 7}
    assert not result['changed']
    assert len(gets(elb, '/elb/members')) == 1
    assert elb.writes() == []


def test_v3_filters_go_to_the_service(elb, run_task, v3_states):
    elb.reset_stats()
    result = run_task('member_health_info', {'pool': 'demo-http-pool', 'address': ['127.0.0.2', ELSEWHERE]})
    assert sorted(m['address'] for m in result['members']) == sorted(['127.0.0.2', ELSEWHERE])
    assert len(gets(elb, '/elb/members')) == 1
    one = run_task('member_health_info', {'member': 'web-%d' % v3_states['bad'], 'api_version': 'v3'})
    assert [m['protocol_port'] for m in one['members']] == [v3_states['bad']]


def test_v2_every_state(elb, run_task, backends):
    manual(elb)
    http = elb.pool('shared-http-pool', 'v2')
    pool_monitor(elb, V2, http['id'])
    ok, bad = backends.http(200), backends.http(500)
    for port in (ok.port, bad.port):
        pool_member(elb, V2, http['id'], port, name='shared-%d' % port, weight=5)
    pool_member(elb, V2, http['id'], 80, address=ELSEWHERE)
    probe(elb)
    pool_member(elb, V2, http['id'], ok.port, address='127.0.0.2')
    pool_member(elb, V2, elb.pool('shared-tcp-pool', 'v2')['id'], ok.port)
    result = run_task('member_health_info', {'api_version': 'v2', 'loadbalancer': 'shared-lb'})
    members = by_address(m for m in result['members'] if m['pool_name'] == 'shared-http-pool')
    assert members['127.0.0.1:%d' % ok.port]['health'] == 'healthy'
    assert members['127.0.0.1:%d' % ok.port]['name'] == 'shared-%d' % ok.port
    assert members['127.0.0.1:%d' % ok.port]['weight'] == 5
    assert (members['127.0.0.1:%d' % bad.port]['health'], members['127.0.0.1:%d' % bad.port]['status']) == (
        'unhealthy', 'OFFLINE')
    assert members['127.0.0.1:%d' % bad.port]['reason'] is None  # v2 has no reason codes
    assert members['127.0.0.2:%d' % ok.port]['health'] == 'checking'
    assert members['%s:80' % ELSEWHERE]['health'] == 'unknown'
    assert [m['health'] for m in result['members'] if m['pool_name'] == 'shared-tcp-pool'] == ['unmonitored']
    assert result['summary']['total'] == 5
    # Polls read the balancer's status tree: one call each, whatever the number of members.
    elb.reset_stats()
    run_task('member_health_info', {'api_version': 'v2', 'loadbalancer': 'shared-lb', 'pool': 'shared-http-pool',
                                    'wait_for': 'healthy', 'min_healthy': '1'})
    assert len(gets(elb, '/statuses')) == 1


def test_v1_every_state(elb, run_task, backends):
    manual(elb)
    ok = backends.http(200)
    listener = elb.api('GET', V1 + '/listeners?name=classic-http-listener')[0]
    elb.api('POST', V1 + '/healthcheck', {'listener_id': listener['id'], 'healthcheck_protocol': 'HTTP',
                                          'healthcheck_connect_port': ok.port, 'healthcheck_interval': 1,
                                          'healthcheck_timeout': 1, 'healthy_threshold': 1, 'unhealthy_threshold': 1})
    members = [{'server_id': 'srv-ok', 'address': '127.0.0.1'}, {'server_id': 'srv-down', 'address': '127.0.0.2'},
               {'server_id': 'srv-far', 'address': ELSEWHERE}]
    elb.api('POST', '%s/listeners/%s/members' % (V1, listener['id']), members)
    tcp = elb.api('GET', V1 + '/listeners?name=classic-tcp-listener')[0]
    elb.api('POST', '%s/listeners/%s/members' % (V1, tcp['id']), [{'server_id': 'srv-ok', 'address': '127.0.0.1'}])
    probe(elb)
    elb.reset_stats()
    result = run_task('member_health_info', {'api_version': 'v1', 'loadbalancer': 'classic-lb'})
    seen = dict(((m['listener_name'], m['instance_id']), (m['health'], m['status'])) for m in result['members'])
    assert seen == {('classic-http-listener', 'srv-ok'): ('healthy', 'NORMAL'),
                    ('classic-http-listener', 'srv-down'): ('unhealthy', 'ABNORMAL'),
                    ('classic-http-listener', 'srv-far'): ('unknown', 'UNAVAILABLE'),
                    ('classic-tcp-listener', 'srv-ok'): ('unmonitored', 'UNAVAILABLE')}
    assert all(m['protocol_port'] == 8080 for m in result['members'] if m['listener_name'] == 'classic-http-listener')
    # One member list call per listener of the balancer.
    assert len(gets(elb, '/members')) == 3
    narrowed = run_task('member_health_info', {'api_version': 'v1', 'listener': 'classic-http-listener',
                                               'loadbalancer': 'classic-lb', 'instance_id': ['srv-down']})
    assert [(m['address'], m['health']) for m in narrowed['members']] == [('127.0.0.2', 'unhealthy')]


def _fix_after_first_poll(elb, backend):
    """Answer 200 once the wait has read the members at least once (ansible-playbook's start-up varies)."""
    def fix():
        deadline = time.monotonic() + 60
        while not gets(elb, '/elb/members') and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        backend.status = 200
    thread = threading.Thread(target=fix, daemon=True)
    thread.start()
    return thread


def test_wait_for_healthy_once_a_backend_is_fixed_mid_wait(elb, run_task, backends):
    elb.admin('POST', 'config', {'probe_time_scale': 0.05})  # background probing: a probe every 0.25 s
    http = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, http['id'], delay=5, timeout=3, max_retries=1, max_retries_down=3,
                 expected_codes='200-204')
    good, broken = backends.http(200), backends.http(500)
    pool_member(elb, V3, http['id'], good.port)
    pool_member(elb, V3, http['id'], broken.port)
    # Forty more members (not loopback: never probed, unknown), so a call per member would show.
    far = [{'address': '10.0.1.%d' % index, 'protocol_port': 80} for index in range(1, 41)]
    elb.api('POST', '%s/pools/%s/members/batch-add' % (V3, http['id']), {'members': far})
    time.sleep(0.5)
    elb.reset_stats()
    fixer = _fix_after_first_poll(elb, broken)
    started = time.monotonic()
    result = run_task('member_health_info', {'pool': 'demo-http-pool', 'wait_for': 'healthy', 'wait_timeout': 60,
                                             'min_healthy': 2})
    fixer.join()
    assert time.monotonic() - started < 40
    assert result['summary'] == {'healthy': 2, 'unhealthy': 0, 'checking': 0, 'unmonitored': 0, 'unknown': 40,
                                 'total': 42}
    polls = gets(elb, '/elb/members')
    assert len(polls) >= 2, 'the wait should have polled while the backend was broken'
    # Nothing but the pool look-up, the monitor list once and the polls.
    others = [call for call in elb.calls(['GET']) if not call[1].endswith('/elb/members')]
    assert len(others) <= 3, others


def test_wait_fails_fast_naming_the_member_and_its_reason(elb, run_task, backends):
    manual(elb)
    http = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, http['id'], expected_codes='200-204')  # delay 1 x max_retries_down 1: 1 s
    broken = backends.http(500)
    pool_member(elb, V3, http['id'], broken.port)
    probe(elb)
    started = time.monotonic()
    result = run_task('member_health_info', {'pool': 'demo-http-pool', 'wait_for': 'healthy', 'wait_timeout': 300},
                      expect_failure=True, end_to_end=True)
    assert time.monotonic() - started < 60
    assert '127.0.0.1:%d in pool demo-http-pool: RESPONSE_MISMATCH, expected 200-204, got 500' % broken.port \
        in result['msg']
    assert 'Traceback' not in result['_output']


def test_min_healthy_percent_and_timeout_message(elb, run_task, backends):
    manual(elb)
    http = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, http['id'])
    good = backends.http(200)
    refused = closed_port()
    pool_member(elb, V3, http['id'], good.port)
    pool_member(elb, V3, http['id'], refused)
    probe(elb)
    half = run_task('member_health_info', {'pool': 'demo-http-pool', 'wait_for': 'healthy', 'min_healthy': '50%'})
    assert half['summary']['healthy'] == 1 and half['summary']['unhealthy'] == 1
    # All of them, without failing fast: the wait times out and names the member that is not healthy.
    result = run_task('member_health_info', {'pool': 'demo-http-pool', 'wait_for': 'healthy', 'wait_timeout': 2,
                                             'fail_fast': False}, expect_failure=True)
    assert 'Timed out after 2 s' in result['msg'] and '1 of 2' not in result['msg']
    assert '127.0.0.1:%d in pool demo-http-pool: CONNECT_REFUSED' % refused in result['msg']
    unhealthy = run_task('member_health_info', {'pool': 'demo-http-pool', 'address': ['127.0.0.1'],
                                                'instance_id': [], 'wait_for': 'unhealthy', 'wait_timeout': 0},
                         expect_failure=True)
    assert 'all 2 member(s) to be unhealthy' in unhealthy['msg']


UNKNOWN_PARENTS = [
    ({'pool': 'no-such-pool'}, "pool is 'no-such-pool'; no v3 pool has that id or name"),
    ({'api_version': 'v1', 'listener': 'no-such-listener'}, "listener is 'no-such-listener'"),
    ({'loadbalancer': 'no-such-lb'}, "loadbalancer is 'no-such-lb'; no load balancer has that id or name"),
]


@pytest.mark.parametrize('args, message', UNKNOWN_PARENTS)
def test_unknown_parents_fail_before_any_member_is_read(elb, refusal, args, message):
    result = refusal('member_health_info', args, end_to_end=args == UNKNOWN_PARENTS[0][0])
    assert message in result['msg']
    assert not [call for call in elb.calls(['GET']) if '/members' in call[1]]


BAD_INPUT = [
    ({'pool': 'demo-http-pool', 'listener': 'l1'}, 'pool and listener are mutually exclusive'),
    ({'api_version': 'v1', 'pool': 'p'}, 'pool cannot select v1 members'),
    ({'api_version': 'v2', 'instance_id': ['i-1']}, 'instance_id cannot select v2 members'),
    ({'pool': 'demo-http-pool', 'wait_for': 'healthy', 'min_healthy': '150%'},
     "min_healthy is '150%'; a percentage must be from 0% to 100%"),
    ({'pool': 'demo-http-pool', 'wait_for': 'healthy', 'min_healthy': 'most'}, "min_healthy is 'most'"),
    ({'pool': 'demo-http-pool', 'min_healthy': '1'}, 'it applies only with wait_for: healthy'),
    ({'pool': 'demo-http-pool', 'wait_for': 'healthy', 'wait_timeout': -1}, 'wait_timeout is -1'),
]


@pytest.mark.parametrize('args, message', BAD_INPUT)
def test_bad_input_fails_before_any_call(elb, refusal, args, message):
    result = refusal('member_health_info', args, end_to_end=args == BAD_INPUT[0][0])
    assert message in result['msg']
    assert elb.calls() == []


INVENTORY = '''[web]
web1 ansible_host=127.0.0.1
web2 ansible_host=127.0.0.2
web3 ansible_host=127.0.0.3
[web:vars]
ansible_connection=local
'''


def test_facts_per_host_through_hostvars_and_the_jsonfile_cache(elb, backends, tmp_path):
    manual(elb)
    good = backends.http(200)
    for name in ('demo-http-pool', 'demo-tcp-pool'):
        pool = elb.pool(name)
        pool_monitor(elb, V3, pool['id'], type='TCP')
        for address in ('127.0.0.1', '127.0.0.2'):  # 127.0.0.2: nothing listens there, refused
            pool_member(elb, V3, pool['id'], good.port, address=address)
    probe(elb)
    env = connection_env(elb)
    cache = tmp_path / 'facts'
    cache_env = {'ANSIBLE_CACHE_PLUGIN': 'jsonfile', 'ANSIBLE_CACHE_PLUGIN_CONNECTION': str(cache)}
    gather = {'name': 'each host gathers its own health', 'hosts': 'web', 'gather_facts': False, 'tasks': [
        {'name': 'gather', 'hwcloud.elb.member_health_facts': {'loadbalancer': 'demo-lb',
                                                               'address': ['{{ ansible_host }}']},
         'environment': env, 'delegate_to': 'localhost'}]}
    read = [{'name': 'read back', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'collect', 'ansible.builtin.set_fact': {'seen': dict(
            (host, "{{ hostvars['%s'].hwcloud_elb_member_health.members | map(attribute='health') | list }}" % host)
            for host in ('web1', 'web2', 'web3'))}}]}]
    outcome = run_playbook([gather] + read, env=cache_env, inventory=INVENTORY, expect_rc=0)
    seen = outcome.records[-1]['result']['ansible_facts']['seen']
    assert seen == {'web1': ['healthy', 'healthy'], 'web2': ['unhealthy', 'unhealthy'], 'web3': []}
    cache_file, = [path for path in cache.iterdir() if path.name.endswith('web2')]
    cached = json.loads(cache_file.read_text())
    if '__payload__' in cached:
        cached = json.loads(cached['__payload__'])
    assert cached['hwcloud_elb_member_health']['summary']['unhealthy'] == 2
    later = run_playbook(read, env=cache_env, inventory=INVENTORY, expect_rc=0)
    assert later.records[-1]['result']['ansible_facts']['seen'] == seen
