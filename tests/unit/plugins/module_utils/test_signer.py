# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AK/SK signing against the test vectors of api-notes.md §6 (checked there against the official SDK)."""

from __future__ import annotations

import datetime

import requests

from ansible_collections.hwcloud.elb.plugins.module_utils import _signer
from ansible_collections.hwcloud.elb.plugins.module_utils._auth import AkSkAuth

AK = 'AKEXAMPLE0000000000'
SK = 'SKEXAMPLE1111111111111111111111111111111'
PROJECT = '0123456789abcdef0123456789abcdef'
PATH = '/v3/%s/elb/healthmonitors' % PROJECT
HEADERS = {'Content-Type': 'application/json', 'Host': 'elb.cn-north-4.myhuaweicloud.com',
           'X-Project-Id': PROJECT, 'X-Sdk-Date': '20240101T000000Z'}
GET_SIGNATURE = '4e293c9281155a5c8b0869fbfb35629b3ac7088cd222d3cc13cbca006f03546d'
POST_BODY = b'{"healthmonitor": {"pool_id": "p1", "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}'
POST_SIGNATURE = '5b019f20143b5ac07b35b64c7d28d63d8360baccce1668a5a048d5e929ebab37'
SIGNED = 'content-type;host;x-project-id;x-sdk-date'


def expected(signature):
    return 'SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s' % (AK, SIGNED, signature)


def test_get_vector_query_and_signature():
    query = _signer.canonical_query([('limit', 10), ('name', 'my hm'), ('id', ['b', 'a']), ('admin_state_up', True)])
    assert query == 'admin_state_up=true&id=a&id=b&limit=10&name=my%20hm'
    assert _signer.sign(AK, SK, 'GET', PATH, query, HEADERS, b'') == expected(GET_SIGNATURE)


def test_post_vector_signature():
    assert _signer.sign(AK, SK, 'POST', PATH, '', HEADERS, POST_BODY) == expected(POST_SIGNATURE)


def test_a_changed_body_changes_the_signature():
    assert _signer.sign(AK, SK, 'POST', PATH, '', HEADERS, POST_BODY + b' ') != expected(POST_SIGNATURE)


def test_canonical_uri_adds_the_trailing_slash_and_encodes_segments():
    assert _signer.canonical_uri('/v3/p/elb/pools') == '/v3/p/elb/pools/'
    assert _signer.canonical_uri('/a%20b/c') == '/a%20b/c/'
    assert _signer.canonical_uri('/x/') == '/x/'


def test_canonical_query_leaves_out_none_and_sorts_repeated_keys_by_value():
    assert _signer.canonical_query({'b': None, 'a': ['2', '1'], 'flag': False}) == 'a=1&a=2&flag=false'


def test_headers_with_underscores_are_not_signed():
    assert _signer.signed_header_names({'X_Custom': '1', 'Host': 'h'}) == ['host']


def clock():
    return datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def test_auth_hook_signs_a_prepared_request_like_the_vector():
    """The requests hook adds X-Sdk-Date and Host itself and must produce the vector's signature."""
    request = requests.Request('POST', 'https://elb.cn-north-4.myhuaweicloud.com' + PATH, data=POST_BODY,
                               headers={'Content-Type': 'application/json', 'X-Project-Id': PROJECT,
                                        'User-Agent': 'not signed'})
    prepared = AkSkAuth(AK, SK, clock=clock)(request.prepare())
    assert prepared.headers['Authorization'] == expected(POST_SIGNATURE)
    assert prepared.headers['Host'] == 'elb.cn-north-4.myhuaweicloud.com'


def test_auth_hook_sends_and_signs_the_security_token():
    request = requests.Request('GET', 'https://elb.example.com/v3/x', headers={'Content-Type': 'application/json'})
    prepared = AkSkAuth(AK, SK, security_token='temporary', clock=clock)(request.prepare())
    assert prepared.headers['X-Security-Token'] == 'temporary'
    assert 'x-security-token' in prepared.headers['Authorization']


# -- found by make mutation (tests/mutation/mutations.py): each docstring names the mutants it kills ----------

SHORT_HEADERS = {'Content-Type': 'application/json', 'Host': 'elb.example.com', 'X-Sdk-Date': '20240101T000000Z'}


def test_slashes_in_query_values_are_encoded():
    """Kills signer-encode-safe: only A-Za-z0-9-_.~ stay as they are (api-notes §6.3)."""
    assert _signer.canonical_query({'url_path': '/a/b'}) == 'url_path=%2Fa%2Fb'


def test_header_values_are_trimmed_and_the_method_upper_cased():
    """Kills signer-header-strip and signer-method-upper."""
    padded = dict(SHORT_HEADERS, Host='  elb.example.com  ')
    assert _signer.sign('AK', 'SK', 'get', '/x', '', padded, b'') == _signer.sign('AK', 'SK', 'GET', '/x', '', SHORT_HEADERS, b'')


def test_an_unsigned_payload_is_not_hashed():
    """Kills signer-unsigned-payload: with X-Sdk-Content-Sha256 UNSIGNED-PAYLOAD the body is not covered."""
    headers = dict(SHORT_HEADERS, **{'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD'})
    assert _signer.sign('AK', 'SK', 'PUT', '/x', '', headers, b'one') == _signer.sign('AK', 'SK', 'PUT', '/x', '', headers, b'two')
    assert _signer.sign('AK', 'SK', 'PUT', '/x', '', SHORT_HEADERS, b'one') != _signer.sign('AK', 'SK', 'PUT', '/x', '', SHORT_HEADERS, b'two')
