# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source hwcloud.elb.member_health: its main() called with an asyncio.Queue (pytest-asyncio), against
the emulator with real loopback backends.

Health is made deterministic with ``probe_background: false`` and explicit probe rounds, while the source polls
every 0.1 s (``min_interval`` lowered, as the documentation allows for a test endpoint). Every wait has a deadline
and every source task is cancelled on every exit path (the ``sources`` fixture).
"""

from __future__ import annotations

import asyncio
import os
import re

import pytest
import yaml

from ansible_collections.hwcloud.elb.extensions.eda.plugins.event_source import member_health

from integration.conftest import AK, PROJECT_ID, ROOT, SK, connection_env, run_playbook
from integration.test_member_health import V1, V2, V3, pool_member, pool_monitor
ELSEWHERE = '10.0.1.%d'  # never probed (not loopback): the service reports UNKNOWN
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'backend_unhealthy.yml')
FAST = dict(interval=0.1, min_interval=0.1, api_retries=1)
DEADLINE = 30  # seconds any single wait may take before the test fails


def connection(elb):
    return dict(elb_endpoint=elb.url, auth_url=elb.url + '/v3', access_key=AK, secret_key=SK, project_id=PROJECT_ID)


async def admin(elb, method, path, body=None):
    """The emulator's admin API, off the event loop (the source's thread keeps polling meanwhile)."""
    return await asyncio.to_thread(elb.admin, method, path, body)


def member_list_gets(elb):
    return [c for c in elb.calls(['GET']) if re.search(r'/members$|/statuses$', c[1])]


async def wait_for_polls(elb, count):
    """Until the source has read the members ``count`` times since the last stats reset."""
    for _tick in range(DEADLINE * 20):
        if len(await asyncio.to_thread(member_list_gets, elb)) >= count:
            return
        await asyncio.sleep(0.05)
    pytest.fail('the source did not poll %d times' % count)


async def next_event(queue):
    return await asyncio.wait_for(queue.get(), timeout=DEADLINE)


@pytest.fixture(name='sources')
def sources_fixture():
    """Start main() as a task: ``sources.start(args)`` -> (task, queue); every task is cancelled at the end."""
    tasks = []

    class Sources:
        @staticmethod
        def start(args):
            queue = asyncio.Queue()
            task = asyncio.ensure_future(member_health.main(queue, args))
            tasks.append(task)
            return task, queue

    yield Sources
    for task in tasks:
        task.cancel()


def http_pool(elb, base=V3, name='demo-http-pool', family='v3'):
    """The pool with a fast HTTP monitor (one probe decides), probed only when the test says so."""
    elb.admin('POST', 'config', {'probe_background': False, 'probe_time_scale': 0.2})
    pool = elb.pool(name, family)
    pool_monitor(elb, base, pool['id'], **({'expected_codes': '200-204'} if family == 'v3' else {}))
    return pool


def add_member(elb, pool, port, address='127.0.0.1', base=V3):
    return pool_member(elb, base, pool['id'], port, address=address)


async def probe(elb):
    await admin(elb, 'POST', 'probe', {'rounds': 1})


@pytest.mark.asyncio
async def test_a_backend_failing_and_recovering_gives_one_event_each(elb, backends, sources):
    pool = http_pool(elb)
    web, other = backends.http(200), backends.http(200)
    member = add_member(elb, pool, web.port)
    add_member(elb, pool, other.port)
    await probe(elb)
    elb.reset_stats()
    task, queue = sources.start(dict(connection(elb), loadbalancer='demo-lb', **FAST))
    await wait_for_polls(elb, 2)
    assert queue.empty()  # emit: changes - no snapshot of the first poll

    web.status = 500
    await probe(elb)
    event = await next_event(queue)
    change = event['hwcloud_elb']
    assert (change['previous'], change['health']) == ('healthy', 'unhealthy')
    assert change['reason'] == {'code': 'RESPONSE_MISMATCH', 'expected': '200-204', 'received': '500'}
    assert change['member']['id'] == member['id'] and change['member']['protocol_port'] == web.port
    assert change['member']['status'] == 'OFFLINE' and change['member']['api_version'] == 'v3'
    assert (change['pool'], change['loadbalancer']) == ('demo-http-pool', pool['loadbalancers'][0]['id'])
    assert change['message'] == '127.0.0.1:%d in pool demo-http-pool: RESPONSE_MISMATCH, expected 200-204, got 500' % (
        web.port)
    assert event['meta'] == {'hosts': '127.0.0.1'}

    web.status = 200
    await probe(elb)
    event = await next_event(queue)
    assert (event['hwcloud_elb']['previous'], event['hwcloud_elb']['health']) == ('unhealthy', 'healthy')
    assert event['hwcloud_elb']['reason'] is None and event['hwcloud_elb']['member']['id'] == member['id']

    # Nothing more while nothing changes, however many polls.
    polls = len(member_list_gets(elb))
    await wait_for_polls(elb, polls + 3)
    assert queue.empty() and not task.done()
    assert elb.writes() == []


@pytest.mark.asyncio
async def test_fifty_members_cost_one_list_call_per_poll(elb, sources, monkeypatch):
    """Connection from the HW_* variables (the modules' fallbacks), emit: all gives the first poll's snapshot."""
    pool = http_pool(elb)
    for index in range(50):
        add_member(elb, pool, 80, address=ELSEWHERE % index)
    for name, value in connection_env(elb).items():
        monkeypatch.setenv(name, value)
    elb.reset_stats()
    task, queue = sources.start(dict(pool='demo-http-pool', emit='all', **FAST))
    snapshot = [await next_event(queue) for _member in range(50)]
    assert sorted(event['meta']['hosts'] for event in snapshot) == sorted(ELSEWHERE % i for i in range(50))
    assert {(e['hwcloud_elb']['previous'], e['hwcloud_elb']['health']) for e in snapshot} == {(None, 'unknown')}
    await wait_for_polls(elb, 5)
    assert queue.empty() and not task.done()

    gets = [path for _method, path, _status in elb.calls(['GET'])]
    polls = [path for path in gets if path.endswith('/elb/members')]
    assert len(polls) >= 5
    assert not [path for path in gets if re.search(r'/members/[^/]+$', path)]  # never one call per member
    # Besides the polls: the pool and its monitor, read once when the source starts.
    assert len(gets) - len(polls) <= 2, gets


@pytest.mark.asyncio
async def test_a_503_storm_costs_no_event_and_no_crash(elb, backends, sources):
    pool = http_pool(elb)
    web = backends.http(200)
    add_member(elb, pool, web.port)
    await probe(elb)
    elb.reset_stats()
    task, queue = sources.start(dict(connection(elb), loadbalancer='demo-lb', **FAST))
    await wait_for_polls(elb, 1)
    await admin(elb, 'POST', 'faults', {'rules': [{'method': 'GET', 'path': r'/elb/members$', 'status': 503,
                                                   'times': 8}]})
    for _tick in range(DEADLINE * 20):
        if not (await admin(elb, 'GET', 'faults'))['rules']:
            break  # all 8 answered 503: four polls failed (api_retries 1: two tries each)
        await asyncio.sleep(0.05)
    else:
        pytest.fail('the source stopped polling during the storm')
    assert queue.empty() and not task.done()
    assert [status for _m, _p, status in member_list_gets(elb)].count(503) == 8

    # The storm is over: the source reads again and reports the next change.
    web.status = 500
    await probe(elb)
    event = await next_event(queue)
    assert (event['hwcloud_elb']['previous'], event['hwcloud_elb']['health']) == ('healthy', 'unhealthy')


@pytest.mark.asyncio
async def test_a_wrong_secret_ends_the_source_with_an_error_naming_no_secret(elb):
    secret = 'WRONG-secret-0123456789abcdef'
    elb.reset_stats()
    with pytest.raises(member_health.SourceError) as failure:
        await asyncio.wait_for(member_health.main(asyncio.Queue(), dict(connection(elb), secret_key=secret, **FAST)),
                               timeout=DEADLINE)
    message = str(failure.value)
    assert 'HTTP 401' in message and 'credentials' in message and 'twice in a row' in message
    assert secret not in message and secret[:8] not in message
    assert len(elb.calls(['GET'])) == 2  # refused, then refused again with a fresh session: no more


@pytest.mark.asyncio
async def test_one_refusal_is_not_the_end(elb, backends, sources):
    """A 401 that passes (an expired token, a gateway hiccup) costs a fresh login, not the source."""
    pool = http_pool(elb)
    web = backends.http(200)
    add_member(elb, pool, web.port)
    await probe(elb)
    elb.reset_stats()
    task, queue = sources.start(dict(connection(elb), **FAST))
    await wait_for_polls(elb, 1)
    await admin(elb, 'POST', 'faults', {'rules': [{'method': 'GET', 'path': r'/elb/members$', 'status': 401,
                                                   'times': 1}]})
    web.status = 500
    await probe(elb)
    event = await next_event(queue)
    assert event['hwcloud_elb']['health'] == 'unhealthy' and not task.done()
    assert [status for _m, _p, status in member_list_gets(elb)].count(401) == 1


@pytest.mark.asyncio
async def test_cancelled_in_a_retry_pause_it_stops_at_once(elb, sources):
    """Cancellation wakes the worker thread from the client's backoff: no request follows it."""
    http_pool(elb)
    await admin(elb, 'POST', 'faults', {'rules': [{'method': 'GET', 'path': r'/elb/members$', 'status': 503}]})
    elb.reset_stats()
    task, _queue = sources.start(dict(connection(elb), interval=0.1, min_interval=0.1, api_retries=20))
    await wait_for_polls(elb, 2)  # in the client's retry loop, pausing between tries
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.1)  # a request already on the wire may still arrive
    seen = len(elb.calls())
    await asyncio.sleep(1.5)  # longer than the next retry pause (0.5 s base, doubling)
    assert len(elb.calls()) == seen


@pytest.mark.asyncio
async def test_v2_reads_each_balancers_status_tree_once_per_poll(elb, backends, sources):
    pool = http_pool(elb, base=V2, name='shared-http-pool', family='v2')
    web = backends.http(200)
    add_member(elb, pool, web.port, base=V2)
    await probe(elb)
    elb.reset_stats()
    task, queue = sources.start(dict(connection(elb), api_version='v2', loadbalancer='shared-lb', **FAST))
    await wait_for_polls(elb, 2)
    web.status = 500
    await probe(elb)
    event = await next_event(queue)
    assert (event['hwcloud_elb']['previous'], event['hwcloud_elb']['health']) == ('healthy', 'unhealthy')
    assert event['hwcloud_elb']['reason'] is None and event['hwcloud_elb']['pool'] == 'shared-http-pool'
    assert not task.done()
    assert not [c for c in elb.calls(['GET']) if re.search(r'/members/[^/]+$', c[1])]


@pytest.mark.asyncio
async def test_v1_reads_each_listeners_members_once_per_poll(elb, backends, sources):
    web = backends.http(200)
    elb.admin('POST', 'config', {'probe_background': False, 'probe_time_scale': 0.2})
    listener = elb.api('GET', V1 + '/listeners?name=classic-http-listener')[0]
    elb.api('POST', V1 + '/healthcheck', {'listener_id': listener['id'], 'healthcheck_protocol': 'HTTP',
                                          'healthcheck_connect_port': web.port, 'healthcheck_interval': 1,
                                          'healthcheck_timeout': 1, 'healthy_threshold': 1, 'unhealthy_threshold': 1})
    elb.api('POST', '%s/listeners/%s/members' % (V1, listener['id']), [{'server_id': 'srv-1', 'address': '127.0.0.1'}])
    await probe(elb)
    elb.reset_stats()
    task, queue = sources.start(dict(connection(elb), api_version='v1', listener='classic-http-listener', **FAST))
    await wait_for_polls(elb, 2)
    web.status = 500
    await probe(elb)
    event = await next_event(queue)
    change = event['hwcloud_elb']
    assert (change['previous'], change['health'], change['member']['status']) == ('healthy', 'unhealthy', 'ABNORMAL')
    assert (change['listener'], change['pool'], change['member']['instance_id']) == ('classic-http-listener', None,
                                                                                     'srv-1')
    assert event['meta'] == {'hosts': '127.0.0.1'} and not task.done()

    # The example rulebook's playbook on this event (as run_playbook passes it): the classic path, by listener.
    run = await asyncio.to_thread(run_playbook, PLAYBOOK, env=connection_env(elb), extra_vars={'ansible_eda': {
        'event': event}}, inventory='127.0.0.1 ansible_connection=local\n')
    assert run.returncode == 0, run.output
    assert '127.0.0.1:8080 in classic-http-listener is unhealthy (ABNORMAL)' in run.output, run.output


@pytest.mark.parametrize('args, expected', [
    (dict(interval=1), 'interval is 1.0; it must be a number of seconds from min_interval (5.0)'),
    (dict(min_interval=0), 'min_interval is 0.0; it must be a number of seconds more than 0'),
    (dict(interval=True), "interval"),
    (dict(emit='some'), 'emit must be one of: changes, all, got: some'),
    (dict(api_version='v4'), 'api_version must be one of: v1, v2, v3, got: v4'),
    (dict(pool='p', listener='l'), 'pool and listener are mutually exclusive'),
    (dict(api_version='v2', instance_id=['i-1']), 'instance_id cannot select v2 members'),
    (dict(delay=5), 'does not take delay'),
    (dict(elb_endpoint='ftp://elb.example'), 'elb_endpoint (HW_ELB_ENDPOINT)'),
    (dict(password=['hunter2-secret']), 'password'),
])
def test_bad_arguments_fail_before_any_call_naming_the_option(elb, args, expected):
    elb.reset_stats()
    given = dict(connection(elb), **args)
    with pytest.raises(member_health.SourceError) as failure:
        asyncio.run(member_health.main(asyncio.Queue(), given))
    assert expected in str(failure.value)
    assert 'hunter2-secret' not in str(failure.value)
    assert elb.stats()['total'] == 0


def test_rulebook_arguments_are_not_options():
    """ansible-rulebook adds eda_feedback_queue when feedback is on: it is not refused as an unknown option."""
    params = member_health.parse_arguments(dict(elb_endpoint='https://elb.example', access_key='a', secret_key='s',
                                                eda_feedback_queue=object()))
    assert params['emit'] == 'changes' and params['min_interval'] == 5 and params['interval'] is None


def test_documentation_matches_the_argument_spec():
    """Every option documented with the spec's type, default, choices and aliases, and nothing else."""
    options = yaml.safe_load(member_health.DOCUMENTATION)['options']
    assert sorted(options) == sorted(member_health.ARGUMENT_SPEC)
    for name, spec in member_health.ARGUMENT_SPEC.items():
        doc = options[name]
        assert doc['type'] == spec.get('type', 'str'), name
        assert doc.get('default') == spec.get('default'), name
        assert doc.get('choices') == spec.get('choices'), name
        assert doc.get('aliases') == spec.get('aliases'), name
        assert doc.get('elements') == spec.get('elements'), name


def offline_source(**args):
    """A source whose client is never used (nothing here calls the service)."""
    return member_health.MemberHealthSource(member_health.parse_arguments(dict(
        elb_endpoint='https://elb.example', access_key='a', secret_key='s', **args)))


def record(ident, health, pool='p1'):
    return dict(id=ident, address='127.0.0.%d' % ident, protocol_port=80, pool_id=pool, pool_name=pool,
                health=health, status=None, reason=None)


def test_changes_appearing_and_disappearing_members():
    source = offline_source()
    assert source._changes([record(1, 'healthy'), record(1, 'healthy', pool='p2')]) == []  # pylint: disable=protected-access
    # The same backend in two pools is two members; a new one is announced with previous null; a gone one is not.
    events = source._changes([record(1, 'unhealthy'), record(2, 'checking')])  # pylint: disable=protected-access
    assert [(e['meta']['hosts'], e['hwcloud_elb']['pool'], e['hwcloud_elb']['previous'], e['hwcloud_elb']['health'])
            for e in events] == [('127.0.0.1', 'p1', 'healthy', 'unhealthy'), ('127.0.0.2', 'p1', None, 'checking')]
    assert source._changes([record(1, 'unhealthy'), record(2, 'checking')]) == []  # pylint: disable=protected-access


def test_the_pause_grows_from_the_interval_after_failed_polls_and_is_capped():
    source = offline_source(interval=10)
    assert source.pause() == 10
    source.failed_polls = 4  # the step is 10 * 2**3: half of it fixed, half jitter
    assert 40 <= source.pause() <= 80
    source.failed_polls = 10 ** 6
    assert 150 <= source.pause() <= member_health.FAILED_POLL_CAP
    source.failed_polls = 0
    assert source.pause() == 10
