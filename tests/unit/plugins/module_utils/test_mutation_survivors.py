# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests added for mutants that survived the unit tests in ``make mutation`` (tests/mutation/mutations.py).

Each docstring names the mutation id it kills; docs/testing.md lists the ones that still survive, and why.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
import requests

from ansible_collections.hwcloud.elb.plugins.module_utils import _client, _members, _signer
from ansible_collections.hwcloud.elb.plugins.module_utils._auth import AkSkAuth
from ansible_collections.hwcloud.elb.plugins.module_utils._backoff import Backoff
from ansible_collections.hwcloud.elb.plugins.module_utils._client import ElbClient
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import FailedAfterWrite, InputError, Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import FAMILY

from .fake_elb import FakeV3
from .test_client import PROJECT, answer, make_client
from .test_members import wait

F = FAMILY.by_name
BASE = dict(state='present', wait=True, wait_timeout=30)
TCP = dict(pool='db', type='TCP', delay=5, timeout=3, max_retries=3)


class Clock:
    """A fake monotonic clock that the engine's sleeps move forward; records each pause."""

    def __init__(self):
        self.now = 0.0
        self.pauses = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.pauses.append(seconds)
        self.now += seconds


def run(api, params, clock=None, diff_mode=False, warnings=None):
    clock = clock or Clock()
    # The engine's pauses come from the client's backoff (client.backoff): give it this clock, no randomness.
    api.backoff = lambda **kwargs: Backoff(sleep=clock.sleep, clock=clock, rand=lambda: 1.0, **kwargs)
    return Reconciler(FAMILY, api, dict(BASE, **params), diff_mode=diff_mode,
                      warn=(warnings if warnings is not None else []).append).run()


# -- _fields -----------------------------------------------------------------------------------------------

def test_codes_the_service_holds_malformed_are_a_change():
    """Kills fields-equal-codes-invalid: a malformed held value must not compare equal to a valid wanted one."""
    assert not F['expected_codes'].equal('200', '200;202', 'HTTP')
    assert not F['expected_codes'].equal('200', 'abc', 'HTTP')


def test_numbers_the_service_answers_as_strings_compare_as_numbers():
    """Kills fields-canonical-int: "5" held by the service is the wanted 5, not a change."""
    assert F['delay'].equal(5, '5', 'TCP') and not F['delay'].equal(5, '6', 'TCP')
    assert F['delay'].canonical('7') == 7


def test_control_characters_are_refused_by_the_field_rules_too():
    """Kills fields-control-problem and fields-control-c1: the roles' filter validates through ``Field.problem``
    without the module's type checks, so the field rule itself refuses C0, DEL and C1 controls, naming the option."""
    for bad in ('/a\nb', '/a\x00', '/a\x7f', '/a\x85', '/a\x9f'):
        problem = F['url_path'].problem(bad, 'HTTP')
        assert problem and problem.startswith('url_path is ') and 'control character' in problem, bad


def test_enums_are_valid_in_any_case():
    """Kills fields-enum-case: the documented "(any case)" holds for validation, not only comparison."""
    assert F['type'].problem('http', 'HTTP') is None and F['http_method'].problem('head', 'HTTP') is None


# -- _engine -----------------------------------------------------------------------------------------------

def test_a_pool_id_nobody_has_is_a_clear_input_error():
    """Kills engine-lookup-404: a 404 on the pool id is "no pool has that id or name", not an API failure."""
    ident = str(uuid.uuid4())
    with pytest.raises(InputError, match="pool is '%s'; no pool has that id or name" % ident):
        run(FakeV3(), dict(TCP, pool=ident))


def test_a_list_that_ignores_the_name_filter_still_finds_the_one_named():
    """Kills engine-find-by-name-filter: the pool list is narrowed by name here too, whatever the server did."""
    class Unfiltered(FakeV3):
        def request(self, method, path, query=None, body=None):
            if method == 'GET' and path.endswith('/pools') and query:
                self.calls.append((method, path))
                return {'pools': list(self.pools.values())}
            return super().request(method, path, query=query, body=body)

    api = Unfiltered()
    result = run(api, TCP)
    assert result['healthmonitor']['pool_id'] == next(p['id'] for p in api.pools.values() if p['name'] == 'db')


def test_a_parent_pointing_at_a_deleted_monitor_gets_a_new_one():
    """Kills engine-read-monitor-404: a dangling healthmonitor_id (the monitor answers 404) means none."""
    api = FakeV3()
    pool = next(p for p in api.pools.values() if p['name'] == 'db')
    pool['healthmonitor_id'] = str(uuid.uuid4())
    result = run(api, TCP)
    assert result['changed'] and [c[0] for c in api.writes()] == ['POST']


def test_an_update_waits_for_the_balancer():
    """Kills engine-update-wait: after a PUT the balancer is read until ACTIVE."""
    api = FakeV3()
    run(api, TCP)
    api.calls.clear()
    api.lb_status = ['PENDING_UPDATE', 'PENDING_UPDATE', 'ACTIVE']
    run(api, dict(TCP, delay=9))
    assert sum(1 for c in api.calls if 'loadbalancers' in c[1]) == 3


def test_a_400_while_pending_is_not_retried():
    """Kills engine-write-409-only: only a 409 means "busy"; any other refusal ends the task at once."""
    class Refusing(FakeV3):
        def request(self, method, path, query=None, body=None):
            if method == 'POST':
                self.calls.append((method, path))
                raise ApiError('Invalid input', status=400, error_code='ELB.8902')
            return super().request(method, path, query=query, body=body)

    api = Refusing()
    api.lb_status = ['PENDING_UPDATE']
    with pytest.raises(ApiError):
        run(api, TCP)
    assert len(api.writes()) == 1


def test_a_balancer_busy_for_ever_ends_the_task_at_wait_timeout():
    """Kills engine-write-deadline: 409s while PENDING are retried until wait_timeout, then raised."""
    api = FakeV3()
    api.pending_writes = 10 ** 6
    api.lb_status = ['PENDING_UPDATE']
    clock = Clock()
    with pytest.raises(ApiError) as caught:
        run(api, dict(TCP, wait_timeout=20), clock=clock)
    assert caught.value.status == 409 and clock.now <= 20
    # rand() is 1.0: each pause is the whole step, base 2 s doubling up to the 10 s cap, the last cut at the deadline
    assert clock.pauses == [2.0, 4.0, 8.0, 6.0]  # kills engine-poll-backoff as well


def test_a_balancer_in_error_fails_at_once():
    """Kills engine-wait-error: ERROR is final; no waiting until the timeout. And engine-failed-after-write-changed:
    the failure after the write still reports changed (the monitor was created)."""
    api = FakeV3()
    api.lb_status = ['ERROR']
    clock = Clock()
    with pytest.raises(FailedAfterWrite, match=r'The health check was written, but load balancer \S+ is ERROR\.$') as caught:
        run(api, TCP, clock=clock)
    assert clock.pauses == []
    assert caught.value.result['changed'] is True and caught.value.result['healthmonitor']['id'] in api.monitors


def test_a_lower_case_status_counts():
    """Kills engine-status-upper: the status is compared without regard to case."""
    api = FakeV3()
    api.lb_status = ['active']
    clock = Clock()
    assert run(api, TCP, clock=clock)['changed'] and clock.pauses == []


def test_a_balancer_pending_past_wait_timeout_fails_the_task_at_wait_timeout():
    """Kills engine-wait-timeout-ok (a wait that timed out counted as success) and engine-wait-deadline (the wait
    outlasting wait_timeout): the create is reported (changed) and the failure comes at 20 s, not later."""
    api = FakeV3()
    api.lb_status = ['PENDING_UPDATE']
    clock = Clock()
    with pytest.raises(FailedAfterWrite, match=r'did not become ACTIVE within wait_timeout \(20 s') as caught:
        run(api, dict(TCP, wait_timeout=20), clock=clock)
    assert clock.now == pytest.approx(20) and caught.value.result['changed'] is True and len(api.monitors) == 1


def test_a_read_failing_during_the_wait_still_reports_the_write():
    """Kills engine-failed-after-write-api: an API error while waiting for ACTIVE comes after the POST, so the
    task says changed and what was created (FailedAfterWrite), not a plain API failure."""
    class BalancerUnreadable(FakeV3):
        def request(self, method, path, query=None, body=None):
            if 'loadbalancers' in path:
                self.calls.append((method, path))
                raise ApiError('internal error', status=500)
            return super().request(method, path, query=query, body=body)

    api = BalancerUnreadable()
    with pytest.raises(FailedAfterWrite, match='The health check was written, but reading load balancer') as caught:
        run(api, TCP)
    assert caught.value.result['changed'] is True and caught.value.result['healthmonitor']['id'] in api.monitors


def test_a_check_sees_the_values_the_monitor_keeps():
    """Kills family-effective-current: a task giving only timeout is checked against the monitor's delay."""
    api = FakeV3()
    run(api, dict(TCP, delay=5, timeout=3))
    warnings = []
    assert run(api, dict(pool='db', timeout=5), warnings=warnings)['changed']
    assert warnings == ['timeout (5) is not less than delay (5); the service advises a timeout below the delay.']


def test_no_diff_without_diff_mode():
    """Kills engine-diff-mode: the result carries a diff only when asked (--diff)."""
    api = FakeV3()
    assert 'diff' not in run(api, TCP)
    assert 'diff' in run(api, dict(TCP, delay=8), diff_mode=True)


# -- _checks -----------------------------------------------------------------------------------------------

def test_a_timeout_equal_to_the_delay_warns():
    """Kills checks-timeout-delay: "not less than" includes equal."""
    warnings = []
    run(FakeV3(), dict(TCP, delay=5, timeout=5), warnings=warnings)
    assert warnings == ['timeout (5) is not less than delay (5); the service advises a timeout below the delay.']


def test_an_any_port_pool_needs_a_monitor_port():
    """Kills checks-any-port: a pool with any_port_enable refuses a monitor without monitor_port."""
    api = FakeV3()
    next(p for p in api.pools.values() if p['name'] == 'db')['any_port_enable'] = True
    with pytest.raises(InputError, match='monitor_port is not set, but pool .* accepts traffic on any port'):
        run(api, TCP)
    assert api.writes() == []
    assert run(api, dict(TCP, monitor_port=8080))['changed']


# -- _client -----------------------------------------------------------------------------------------------

class RecordingSession(requests.Session):
    """A real session (so auth hooks and headers apply) whose transport records the prepared requests."""

    def __init__(self, answers):
        super().__init__()
        self.answers = list(answers)
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append((request, kwargs))
        return self.answers.pop(0)


def client_with(answers, **options):
    params = dict(access_key='AK', secret_key='SK', project_id=PROJECT, elb_endpoint='https://elb.example.com',
                  api_retries=0, api_timeout=5)
    params.update(options)
    client = ElbClient(ConnectionSettings(params, environ={}), sleep=lambda s: None)
    session = RecordingSession(answers)
    session.headers.update(client.session.headers)
    session.auth = client.session.auth
    client.session = session
    return client


def test_each_call_names_the_project_and_verifies_tls():
    """Kills client-project-header and client-verify: X-Project-Id on every ELB call, certificates checked."""
    client = client_with([answer(200, {})])
    client.get('/v3/{project_id}/elb/pools')
    request, kwargs = client.session.sent[0]
    assert request.headers['X-Project-Id'] == PROJECT
    assert kwargs['verify'] not in (False, None)  # True, or the CA bundle requests found in the environment
    assert 'x-project-id' in request.headers['Authorization']  # and it is signed


def test_a_token_goes_in_the_auth_header():
    """Kills client-token-header."""
    client = ElbClient(ConnectionSettings(dict(auth_token='tok-1', project_id=PROJECT, elb_endpoint='https://e'),
                                          environ={}))
    assert client.session.headers['X-Auth-Token'] == 'tok-1'


def test_the_query_is_sorted_and_encoded_on_the_wire():
    """Kills client-query-encoded: the wire query is the canonical one the signature covers (api-notes §6.4)."""
    client, _sleeps = make_client([answer(200, {})])
    client.get('/x', {'name': 'my hm', 'id': ['b', 'a'], 'admin_state_up': True})
    assert client.session.calls[0][1].endswith('/x?admin_state_up=true&id=a&id=b&name=my%20hm')


def test_an_answer_that_is_not_json_is_an_api_error():
    """Kills client-not-json: no ValueError traceback for an HTML error page."""
    response = answer(200)
    response._content = b'<html>gateway</html>'
    client, _sleeps = make_client([response])
    with pytest.raises(ApiError, match='the answer is not JSON'):
        client.get('/x')


def test_a_retry_after_in_the_past_is_no_wait():
    """Kills client-retry-after-floor: a negative delta or a date already past is 0 s, never a negative minimum."""
    assert _client.retry_after_seconds('-5') == 0.0
    assert _client.retry_after_seconds('Wed, 21 Oct 2015 07:28:00 GMT') == 0.0


def test_the_project_of_the_region_is_the_one_named_so():
    """Kills client-project-by-region: IAM may list other projects; only the region's own counts."""
    client, _sleeps = make_client([answer(200, {'projects': [{'name': 'cn-south-1', 'id': 'p-south'},
                                                             {'name': 'cn-north-4', 'id': 'p-north'}]})],
                                  project_id=None, region='cn-north-4', auth_url='https://iam.example.com/v3')
    assert client.project_id == 'p-north'


# -- _connection ---------------------------------------------------------------------------------------------

def problems(**options):
    params = dict(access_key='AK', secret_key='SK', project_id=PROJECT, elb_endpoint='https://elb.example.com')
    params.update(options)
    return ConnectionSettings(params, environ={}).problems()


def test_an_endpoint_speaks_http_or_https():
    """Kills connection-endpoint-scheme: an ftp:// endpoint (a host, no query) is refused for its scheme."""
    assert problems() == []
    assert problems(elb_endpoint='http://127.0.0.1:8080/elb') == []
    found = problems(elb_endpoint='ftp://elb.example.com')
    assert len(found) == 1 and 'elb_endpoint (HW_ELB_ENDPOINT)' in found[0] and 'http:// or https://' in found[0]


def test_an_endpoint_on_port_0_or_with_credentials_is_refused():
    """Kills connection-port-zero and connection-userinfo (whose message must not repeat the password)."""
    assert problems(elb_endpoint='https://elb.example.com:0') == [
        "elb_endpoint (HW_ELB_ENDPOINT) is 'https://elb.example.com:0'; port 0 cannot be connected to"]
    found = problems(auth_url='https://user:s3cret@iam.example.com/v3')
    assert len(found) == 1 and 'auth_url (HW_AUTH_URL) holds a user name or password' in found[0]
    assert 's3cret' not in found[0]


def test_retries_and_timeout_have_bounds_on_both_sides():
    """Kills connection-retries-bound (no upper bound) and connection-timeout-zero (0 s taken)."""
    assert problems(api_retries=20, api_timeout=600) == []
    assert problems(api_retries=0, api_timeout=0.5) == []
    assert len(problems(api_retries=21)) == 1 and 'api_retries' in problems(api_retries=21)[0]
    assert len(problems(api_timeout=0)) == 1 and 'api_timeout' in problems(api_timeout=0)[0]


def test_a_project_id_is_checked_whole():
    """Kills connection-project-id-fullmatch: it becomes part of every URL path, so a valid prefix is not enough."""
    assert problems(project_id='0123abcd_-') == []
    for bad in ('abc/../x', 'abc def', 'x' * 65):
        assert len(problems(project_id=bad)) == 1 and 'project_id' in problems(project_id=bad)[0]


# -- _signer and _auth ---------------------------------------------------------------------------------

HEADERS = {'Content-Type': 'application/json', 'Host': 'elb.example.com', 'X-Sdk-Date': '20240101T000000Z'}


def test_slashes_in_query_values_are_encoded():
    """Kills signer-encode-safe: only A-Za-z0-9-_.~ stay as they are (api-notes §6.3)."""
    assert _signer.canonical_query({'url_path': '/a/b'}) == 'url_path=%2Fa%2Fb'


def test_header_values_are_trimmed_and_the_method_upper_cased():
    """Kills signer-header-strip and signer-method-upper."""
    padded = dict(HEADERS, Host='  elb.example.com  ')
    assert _signer.sign('AK', 'SK', 'get', '/x', '', padded, b'') == _signer.sign('AK', 'SK', 'GET', '/x', '', HEADERS, b'')


def test_an_unsigned_payload_is_not_hashed():
    """Kills signer-unsigned-payload: with X-Sdk-Content-Sha256 UNSIGNED-PAYLOAD the body is not covered."""
    headers = dict(HEADERS, **{'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD'})
    assert _signer.sign('AK', 'SK', 'PUT', '/x', '', headers, b'one') == _signer.sign('AK', 'SK', 'PUT', '/x', '', headers, b'two')
    assert _signer.sign('AK', 'SK', 'PUT', '/x', '', HEADERS, b'one') != _signer.sign('AK', 'SK', 'PUT', '/x', '', HEADERS, b'two')


def test_the_hook_signs_the_query_and_dates_in_utc():
    """Kills auth-query (the query left out of the signature) and auth-date-utc (a local-time X-Sdk-Date)."""
    prepared = requests.Request('GET', 'https://elb.example.com/v3/p/elb/healthmonitors?id=a&name=x',
                                headers={'Content-Type': 'application/json'}).prepare()
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    AkSkAuth('AK', 'SK')(prepared)
    stamped = datetime.datetime.strptime(prepared.headers['X-Sdk-Date'], _signer.DATE_FORMAT)
    assert abs((stamped - before).total_seconds()) < 60
    signed = dict((k, v) for k, v in prepared.headers.items() if k.lower() in ('content-type', 'host', 'x-sdk-date'))
    assert prepared.headers['Authorization'] == _signer.sign('AK', 'SK', 'GET', '/v3/p/elb/healthmonitors',
                                                             'id=a&name=x', signed, None)


# -- _members ------------------------------------------------------------------------------------------------

def test_pool_member_states_map_to_health():
    """Kills members-initial-healthy: a member not checked yet (INITIAL) is checking, not healthy."""
    def health(status):
        return _members.PoolMembers.record({}, {'id': 'p'}, 'lb', status, None)['health']
    assert [health(s) for s in ('ONLINE', 'OFFLINE', 'INITIAL', 'NO_MONITOR', 'DISABLED', 'UNKNOWN', 'odd')] == [
        'healthy', 'unhealthy', 'checking', 'unmonitored', 'unmonitored', 'unknown', 'unknown']


def test_classic_member_states_map_to_health():
    """Kills members-classic-unavailable: UNAVAILABLE is unknown under a checked listener, unmonitored without one."""
    class Client:
        @staticmethod
        def get(path, query=None):
            return [dict(id=status, address='10.0.0.1', health_status=status)
                    for status in ('NORMAL', 'ABNORMAL', 'UNAVAILABLE')]

    family = FAMILIES['v1']
    scope = _members.Scope(family.members, family, {})
    scope.parents = {'l1': dict(id='l1', name='checked', healthcheck_id='h1', backend_port=80),
                     'l2': dict(id='l2', name='unchecked', healthcheck_id=None, backend_port=80)}
    found = dict(((m['listener_id'], m['status']), m['health']) for m in family.members.read(Client(), scope))
    assert found == {('l1', 'NORMAL'): 'healthy', ('l1', 'ABNORMAL'): 'unhealthy', ('l1', 'UNAVAILABLE'): 'unknown',
                     ('l2', 'NORMAL'): 'healthy', ('l2', 'ABNORMAL'): 'unhealthy', ('l2', 'UNAVAILABLE'): 'unmonitored'}


def test_the_worst_listener_view_of_a_member_counts():
    """Kills members-worst-listener: a member failing behind one of its listeners is failing, with that reason."""
    raw = dict(operating_status='ONLINE', status=[
        dict(listener_id='a', operating_status='ONLINE'),
        dict(listener_id='b', operating_status='OFFLINE', reason=dict(reason_code='CONNECT_FAILED')),
        dict(listener_id='c', operating_status='INITIAL')])
    assert _members.ProjectMembers._health(raw) == ('OFFLINE', dict(code='CONNECT_FAILED', expected=None, received=None))


def test_fail_fast_waits_while_the_others_can_still_make_min_healthy():
    """Kills members-fail-fast-early: one member stuck unhealthy ends the wait only when the rest cannot reach
    min_healthy; here the third one becomes healthy at 10 s and makes two of three."""
    def script(now):
        return [('a', 'healthy'), ('b', 'unhealthy'), ('c', 'checking' if now < 10 else 'healthy')]
    (members, summary), client, _reader = wait(script, min_healthy='2', wait_timeout=60)
    assert summary['healthy'] == 2 and summary['unhealthy'] == 1 and client.now >= 10
