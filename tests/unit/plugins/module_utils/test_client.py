# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The retry policy, error mapping, identity resolution and pagination of the API client, on a fake transport."""

from __future__ import annotations

import json

import pytest
import requests
from urllib3.exceptions import NewConnectionError

from ansible_collections.hwcloud.elb.plugins.module_utils import _client
from ansible_collections.hwcloud.elb.plugins.module_utils._auth import CredentialError
from ansible_collections.hwcloud.elb.plugins.module_utils._client import ElbClient, retry_after_seconds
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError

PROJECT = '0123456789abcdef0123456789abcdef'


def answer(status, body=None, headers=None):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode() if body is not None else b''
    response.headers.update(headers or {})
    response.request = requests.Request('GET', 'https://elb.example.com/').prepare()
    return response


class FakeSession:
    """Plays back scripted answers (a Response or an exception) and records each request."""

    def __init__(self, script):
        self.script = list(script)
        self.calls = []
        self.headers = {}

    def request(self, method, url, data=None, headers=None, timeout=None, verify=True):
        self.calls.append((method, url, data))
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step


def make_client(script, **options):
    params = dict(access_key='AK', secret_key='SK', project_id=PROJECT, elb_endpoint='https://elb.example.com',
                  api_retries=3, api_timeout=5)
    params.update(options)
    sleeps = []
    client = ElbClient(ConnectionSettings(params, environ={}), sleep=sleeps.append)
    client.session = FakeSession(script)
    return client, sleeps


def refused():
    return requests.exceptions.ConnectionError(
        requests.packages.urllib3.exceptions.MaxRetryError(None, '/', NewConnectionError(None, 'refused')))


def dropped():
    return requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected')


def test_get_retries_gateway_errors_then_succeeds():
    client, sleeps = make_client([answer(503), answer(502), answer(504), answer(200, {'ok': True})])
    assert client.get('/v3/{project_id}/elb/pools') == {'ok': True}
    assert len(client.session.calls) == 4 and len(sleeps) == 3
    assert client.session.calls[0][1] == 'https://elb.example.com/v3/%s/elb/pools' % PROJECT


def test_retries_are_bounded_and_the_last_error_is_raised():
    client, sleeps = make_client([answer(503, {'error_msg': 'busy', 'error_code': 'APIGW.0203', 'request_id': 'r'})] * 4)
    with pytest.raises(ApiError) as info:
        client.get('/x')
    assert (info.value.status, info.value.error_code, info.value.request_id) == (503, 'APIGW.0203', 'r')
    assert len(client.session.calls) == 4 and len(sleeps) == 3


def test_zero_retries_means_one_attempt():
    client, sleeps = make_client([answer(503)], api_retries=0)
    with pytest.raises(ApiError):
        client.get('/x')
    assert len(client.session.calls) == 1 and not sleeps


def test_retry_after_is_honoured():
    client, sleeps = make_client([answer(429, headers={'Retry-After': '7'}), answer(200, {})])
    client.get('/x')
    assert len(sleeps) == 1 and 7.25 <= sleeps[0] <= 7.5  # the server's minimum, plus a jittered step


def test_dropped_connections_are_retried_for_safe_methods():
    client, sleeps = make_client([dropped(), dropped(), answer(204)])
    assert client.request('DELETE', '/x') is None
    assert len(sleeps) == 2


def test_post_is_not_repeated_after_it_was_sent():
    """A dropped answer or a gateway error after sending may mean the create happened: raise, flagged."""
    for failure in (dropped(), answer(503), requests.exceptions.ReadTimeout('read timed out')):
        client, sleeps = make_client([failure, answer(201, {})])
        with pytest.raises(ApiError) as info:
            client.request('POST', '/x', body={'a': 1})
        assert info.value.applied_unknown
        assert len(client.session.calls) == 1 and not sleeps


def test_a_repeatable_post_is_retried_like_a_put():
    """A batch-update or batch-delete sent twice does what it did once: a lost answer is sent again."""
    client, sleeps = make_client([answer(503), dropped(), answer(200, {'members': []})])
    assert client.request('POST', '/x/batch-delete', body={'members': []}, repeatable=True) == {'members': []}
    assert len(client.session.calls) == 3 and len(sleeps) == 2


def test_post_is_retried_when_it_certainly_was_not_acted_on():
    client, sleeps = make_client([answer(429), refused(), answer(201, {'id': 1})])
    assert client.request('POST', '/x', body={'a': 1}) == {'id': 1}
    assert len(client.session.calls) == 3 and len(sleeps) == 2


def test_client_errors_are_not_retried_and_carry_the_error_fields():
    client, _sleeps = make_client([answer(400, {'error_msg': 'Invalid input for delay', 'error_code': 'ELB.8902',
                                                'request_id': 'req-1'})])
    with pytest.raises(ApiError) as info:
        client.request('PUT', '/x', body={})
    assert 'HTTP 400 ELB.8902: Invalid input for delay (request id req-1)' in str(info.value)
    assert not info.value.applied_unknown


def test_request_id_falls_back_to_the_header():
    client, _sleeps = make_client([answer(404, {'NeutronError': {'type': 'HTTPNotFound', 'message': 'gone'}},
                                          headers={'X-Request-Id': 'hdr-id'})])
    with pytest.raises(ApiError) as info:
        client.get('/x')
    assert info.value.request_id == 'hdr-id' and info.value.error_code == 'HTTPNotFound'


def test_retry_after_parsing():
    assert retry_after_seconds('3') == 3.0
    assert retry_after_seconds('100000') == _client.RETRY_AFTER_CAP
    assert retry_after_seconds('Wed, 21 Oct 2015 07:28:00 GMT', now=lambda: 1445412480 - 10) == 10
    assert retry_after_seconds('soon') is None and retry_after_seconds(None) is None


def test_v3_and_v2_pagination():
    v3 = make_client([answer(200, {'healthmonitors': [{'id': 1}, {'id': 2}], 'page_info': {'next_marker': '2'}}),
                      answer(200, {'healthmonitors': [{'id': 3}], 'page_info': {'current_count': 1}})])[0]
    assert [m['id'] for m in v3.paginate('/m', 'healthmonitors', limit=2)] == [1, 2, 3]
    assert v3.session.calls[1][1].endswith('/m?limit=2&marker=2')
    v2 = make_client([answer(200, {'pools': [{'id': 'a'}], 'pools_links': [
        {'rel': 'next', 'href': 'https://elb.example.com/v2.0/lbaas/pools?limit=1&marker=a'}]}),
        answer(200, {'pools': [{'id': 'b'}], 'pools_links': [{'rel': 'previous', 'href': 'x?marker=b'}]})])[0]
    assert [p['id'] for p in v2.paginate('/p', 'pools', limit=1)] == ['a', 'b']


def test_v3_pagination_stops_on_a_short_page_that_still_names_a_next_marker():
    """The v3 list seed shows next_marker on the last page too: a page shorter than the limit ends the walk."""
    v3, = make_client([answer(200, {'healthmonitors': [{'id': 1}, {'id': 2}], 'page_info': {'next_marker': '2'}}),
                       answer(200, {'healthmonitors': [{'id': 3}], 'page_info': {'next_marker': '3'}}),
                       answer(200, {'healthmonitors': [{'id': 'again'}], 'page_info': {'next_marker': 'again'}})])[:1]
    assert [m['id'] for m in v3.paginate('/m', 'healthmonitors', limit=2)] == [1, 2, 3]
    assert len(v3.session.calls) == 2
    # Without a limit v3 ignores a marker (seed): following it would fetch the first page forever.
    once, = make_client([answer(200, {'healthmonitors': [{'id': 1}], 'page_info': {'next_marker': '1'}}),
                         answer(200, {'healthmonitors': [{'id': 1}], 'page_info': {'next_marker': '1'}})])[:1]
    assert [m['id'] for m in once.paginate('/m', 'healthmonitors')] == [1] and len(once.session.calls) == 1


def test_password_login_learns_token_and_project_and_reports_the_secret():
    secrets = []
    settings = ConnectionSettings(dict(user='u', password='p', user_domain='d', region='cn-north-4',
                                       elb_endpoint='https://elb.example.com', auth_url='https://iam.example.com/v3'),
                                  environ={})
    client = ElbClient(settings, on_secret=secrets.append, sleep=lambda s: None)
    client.session = FakeSession([answer(201, {'token': {'project': {'id': PROJECT, 'name': 'cn-north-4'}}},
                                         headers={'X-Subject-Token': 'tok-123'}), answer(200, {})])
    client.get('/v3/{project_id}/elb/pools')
    method, url, body = client.session.calls[0]
    assert (method, url) == ('POST', 'https://iam.example.com/v3/auth/tokens')
    assert json.loads(body)['auth']['scope'] == {'project': {'name': 'cn-north-4'}}
    assert secrets == ['tok-123'] and client.session.headers['X-Auth-Token'] == 'tok-123'
    assert client.session.calls[1][1] == 'https://elb.example.com/v3/%s/elb/pools' % PROJECT


def test_project_is_looked_up_by_region():
    client, _sleeps = make_client([answer(200, {'projects': [{'id': 'p-1', 'name': 'cn-north-4'}]}), answer(200, {})],
                                  project_id=None, region='cn-north-4')
    client.get('/v3/{project_id}/elb/pools')
    assert client.session.calls[0][1] == 'https://iam.cn-north-4.myhuaweicloud.com/v3/projects?name=cn-north-4'
    assert client.session.calls[1][1] == 'https://elb.example.com/v3/p-1/elb/pools'


def test_unknown_region_project_is_a_clear_error():
    client, _sleeps = make_client([answer(200, {'projects': []})], project_id=None, region='xx-1')
    with pytest.raises(CredentialError, match="no project named 'xx-1'"):
        client.get('/x')


def test_endpoints_from_region_and_cloud():
    settings = ConnectionSettings(dict(region='ap-southeast-1', cloud='example.org'), environ={})
    assert settings.elb_endpoint == 'https://elb.ap-southeast-1.example.org'
    assert settings.auth_url == 'https://iam.ap-southeast-1.example.org/v3'
    assert settings.validate_certs is True
    assert ConnectionSettings(dict(region='r'), environ={'HW_INSECURE': 'true'}).validate_certs is False
    assert ConnectionSettings(dict(region='r', validate_certs=True), environ={'HW_INSECURE': '1'}).validate_certs


def test_missing_endpoint_is_a_clear_error():
    with pytest.raises(CredentialError, match='set region'):
        ElbClient(ConnectionSettings(dict(access_key='a', secret_key='b'), environ={}))


def test_tls_failures_are_not_retried_and_say_what_to_do():
    client, sleeps = make_client([requests.exceptions.SSLError('certificate verify failed: self-signed certificate')])
    with pytest.raises(ApiError) as info:
        client.get('/x')
    assert 'certificate verify failed' in str(info.value) and 'ca_path (HW_CA_BUNDLE' in str(info.value)
    assert len(client.session.calls) == 1 and not sleeps


@pytest.mark.parametrize('status, body, hint', [
    (401, {'error_msg': 'Incorrect IAM authentication information', 'error_code': 'APIGW.0301'}, 'credentials were refused'),
    (401, {'error_msg': 'The token expires.', 'error_code': 'APIGW.0307'}, 'the token has expired'),
    (403, {'error_msg': 'Forbidden', 'error_code': 'ELB.1102'}, 'may not use this project'),
])
def test_credential_failures_say_which(status, body, hint):
    client, _sleeps = make_client([answer(status, body)])
    with pytest.raises(ApiError) as info:
        client.get('/x')
    assert hint in str(info.value) and '\n' not in str(info.value)


def test_tls_failure_against_a_plain_http_port_says_so():
    client, _sleeps = make_client([requests.exceptions.SSLError('[SSL: WRONG_VERSION_NUMBER] wrong version number')])
    with pytest.raises(ApiError) as info:
        client.get('/x')
    assert 'answers in plain HTTP' in str(info.value) and 'http://' in str(info.value)
    assert 'private CA' not in str(info.value)


def test_ca_path_is_the_trust_store_only_while_verifying(tmp_path):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('-----BEGIN CERTIFICATE-----\n')
    assert make_client([], ca_path=str(bundle))[0].verify == str(bundle)
    assert make_client([], ca_path=str(bundle), validate_certs=False)[0].verify is False
    assert make_client([])[0].verify is True


def test_the_connection_pool_grows_to_the_workers_only_beyond_the_default():
    client, _sleeps = make_client([])
    client.session = requests.Session()
    default = client.session.get_adapter('https://elb.example.com')
    client.widen_connection_pool(_client.POOLED_CONNECTIONS)
    assert client.session.get_adapter('https://elb.example.com') is default
    client.widen_connection_pool(16)
    for url in ('http://elb.example.com', 'https://elb.example.com'):
        assert client.session.get_adapter(url)._pool_maxsize == 16


# -- found by make mutation (tests/mutation/mutations.py): each docstring names the mutants it kills ----------

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
