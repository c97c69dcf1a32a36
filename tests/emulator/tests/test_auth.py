# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication: the signer vectors, IAM tokens and projects, AK/SK failures, project access."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
from email.message import Message

import pytest

from .. import auth
from ..common import Request

from .conftest import DEMO, OTHER, P1, P2
from .signer import canonical_query, signature

VECTOR_HEADERS = {
    "Content-Type": "application/json",
    "Host": "elb.cn-north-4.myhuaweicloud.com",
    "X-Project-Id": P1,
    "X-Sdk-Date": "20240101T000000Z",
}
VECTOR_PATH = "/v3/%s/elb/healthmonitors" % P1
VECTOR_QUERY = [("limit", 10), ("name", "my hm"), ("id", "b"), ("id", "a"), ("admin_state_up", True)]
VECTOR_BODY = b'{"healthmonitor": {"pool_id": "p1", "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}'
GET_SIG = "4e293c9281155a5c8b0869fbfb35629b3ac7088cd222d3cc13cbca006f03546d"
POST_SIG = "5b019f20143b5ac07b35b64c7d28d63d8360baccce1668a5a048d5e929ebab37"


def test_test_signer_matches_vectors():
    assert canonical_query(VECTOR_QUERY) == "admin_state_up=true&id=a&id=b&limit=10&name=my%20hm"
    sig, names = signature("GET", VECTOR_PATH, VECTOR_QUERY, VECTOR_HEADERS, b"", DEMO["sk"])
    assert names == ["content-type", "host", "x-project-id", "x-sdk-date"]
    assert sig == GET_SIG
    sig = signature("POST", VECTOR_PATH, [], VECTOR_HEADERS, VECTOR_BODY, DEMO["sk"])[0]
    assert sig == POST_SIG


def _vector_request(method, target, body, sig):
    headers = Message()
    for key, value in VECTOR_HEADERS.items():
        headers[key] = value
    headers["Authorization"] = "SDK-HMAC-SHA256 Access=%s, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=%s" % (DEMO["ak"], sig)
    return Request(method, target, headers, body, "https", "r" * 32)


@pytest.mark.parametrize("method,target,body,sig", [
    ("GET", VECTOR_PATH + "?admin_state_up=true&id=a&id=b&limit=10&name=my%20hm", b"", GET_SIG),
    ("POST", VECTOR_PATH, VECTOR_BODY, POST_SIG),
])
def test_emulator_verifier_accepts_vectors(monkeypatch, method, target, body, sig):
    signed_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
    monkeypatch.setattr(auth, "now", lambda: signed_at + 60)
    principal = auth.verify_aksk(_vector_request(method, target, body, sig), auth.Identity.default())
    assert principal.user["name"] == "demo" and principal.allowed == {P1}


def test_emulator_verifier_rejects_tampered_vector_body(monkeypatch):
    signed_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
    monkeypatch.setattr(auth, "now", lambda: signed_at)
    tampered = VECTOR_BODY.replace(b'"delay": 5', b'"delay": 6')
    with pytest.raises(auth.ApiError) as info:
        auth.verify_aksk(_vector_request("POST", VECTOR_PATH, tampered, POST_SIG), auth.Identity.default())
    assert info.value.status == 401 and info.value.code == "APIGW.0301"


def test_verifier_accepts_plus_encoded_spaces_and_another_wire_order(monkeypatch):
    signed_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
    monkeypatch.setattr(auth, "now", lambda: signed_at)
    # Same canonical query, sent as name=my+hm and in another order: the server sorts what it receives.
    req = _vector_request("GET", VECTOR_PATH + "?name=my+hm&limit=10&id=b&id=a&admin_state_up=true", b"", GET_SIG)
    assert auth.verify_aksk(req, auth.Identity.default()).user["name"] == "demo"


def test_verifier_is_strict_about_the_sorted_canonical_query(api):
    """Issue 22.5: only the query sorted as api-notes section 6 says verifies; kills "the signer stops sorting"."""
    path = "/v3/%s/elb/healthmonitors" % P1
    unsorted = [("name", "b"), ("limit", 10), ("id", "x"), ("id", "a")]
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers = {"Content-Type": "application/json", "Host": api.host, "X-Project-Id": P1, "X-Sdk-Date": date}
    wire = "&".join("%s=%s" % (k, v) for k, v in unsorted)

    def sent(canonical):
        names = sorted(k.lower() for k in headers)
        lines = "".join("%s:%s\n" % (n, {k.lower(): v for k, v in headers.items()}[n]) for n in names)
        request = "\n".join(["GET", path + "/", canonical, lines, ";".join(names), hashlib.sha256(b"").hexdigest()])
        to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (date, hashlib.sha256(request.encode()).hexdigest())
        sig = hmac.new(DEMO["sk"].encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        auth_header = "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (DEMO["ak"], ";".join(names), sig)
        return api.session.get(api.url(path) + "?" + wire, headers={**headers, "Authorization": auth_header})

    assert sent("id=a&id=x&limit=10&name=b").status_code == 200
    for canonical in (wire, "limit=10&name=b&id=a&id=x", "id=x&id=a&limit=10&name=b"):
        resp = sent(canonical)
        assert resp.status_code == 401 and resp.json()["error_code"] == "APIGW.0301", (canonical, resp.text)
    # Repeated integers sort as text: delay=10 before delay=5.
    assert auth.canonical_query("delay=5&delay=10") == "delay=10&delay=5"


# --- IAM --------------------------------------------------------------------------

def test_token_by_project_name_and_id(api):
    for scope in ({"name": "cn-north-4"}, {"id": P1}):
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "demo", "password": "demo-password", "domain": {"name": "demo"}}}}, "scope": {"project": scope}}}
        resp = api.session.post(api.url("/v3/auth/tokens"), json=body)
        assert resp.status_code == 201
        assert resp.headers["X-Subject-Token"]
        token = resp.json()["token"]
        assert token["project"]["id"] == P1 and token["project"]["name"] == "cn-north-4"
        assert token["project"]["domain"]["name"] == "demo"
        assert token["methods"] == ["password"] and {entry["type"] for entry in token["catalog"]} == {
            "identity", "network", "elbv3", "elbv2", "elbv1"}
        assert token["user"]["name"] == "demo"
        issued = datetime.datetime.strptime(token["issued_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
        expires = datetime.datetime.strptime(token["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert abs((expires - issued).total_seconds() - 86400) < 2


def test_bad_password(api):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "password": "wrong", "domain": {"name": "demo"}}}}, "scope": {"project": {"id": P1}}}}
    resp = api.session.post(api.url("/v3/auth/tokens"), json=body)
    assert resp.status_code == 401
    assert resp.json() == {"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}


def test_token_for_a_foreign_project_is_refused(api):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "password": "demo-password", "domain": {"name": "demo"}}}}, "scope": {"project": {"id": P2}}}}
    assert api.session.post(api.url("/v3/auth/tokens"), json=body).status_code == 401


def test_projects_with_token_and_aksk(api):
    token = api.token()
    resp = api.with_token("GET", "/v3/projects", token, query={"name": "cn-north-4"})
    assert resp.status_code == 200
    projects = resp.json()["projects"]
    assert [(p["id"], p["name"], p["enabled"]) for p in projects] == [(P1, "cn-north-4", True)]
    assert projects[0]["domain_id"]
    # AK/SK without X-Project-Id, as the SDK does when it resolves the project.
    resp = api.signed("GET", "/v3/projects", query={"name": "cn-north-4"}, project_id=None)
    assert resp.status_code == 200 and [p["id"] for p in resp.json()["projects"]] == [P1]
    # Only the projects the caller may use.
    resp = api.signed("GET", "/v3/projects", query={"name": "cn-north-4"}, user=OTHER, project_id=None)
    assert resp.json()["projects"] == []
    resp = api.signed("GET", "/v3/projects", user=OTHER, project_id=None)
    assert [p["name"] for p in resp.json()["projects"]] == ["cn-south-1"]
    # Unauthenticated.
    resp = api.session.get(api.url("/v3/projects"))
    assert resp.status_code == 401 and resp.json()["error"]["code"] == 401


# --- ELB authentication failures ---------------------------------------------------------

MONITORS = "/v3/%s/elb/healthmonitors" % P1


def _gateway(resp, status, code):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error_code"] == code
    assert set(body) == {"error_msg", "error_code", "request_id"}
    assert resp.headers["X-Request-Id"] == body["request_id"]


def test_valid_signature_and_token(api):
    assert api.signed("GET", MONITORS, query={"limit": 5}).status_code == 200
    assert api.with_token("GET", MONITORS, api.token()).status_code == 200


def test_bad_signature(api):
    def corrupt(headers, body):
        headers["Authorization"] = headers["Authorization"][:-4] + "0000"
        return body
    _gateway(api.signed("GET", MONITORS, tamper=corrupt), 401, "APIGW.0301")


def test_wrong_secret_and_unknown_access_key(api):
    _gateway(api.signed("GET", MONITORS, user=dict(DEMO, sk="S" * 40)), 401, "APIGW.0301")
    _gateway(api.signed("GET", MONITORS, user=dict(DEMO, ak="AKUNKNOWN")), 401, "APIGW.0301")


def test_tampered_body_is_rejected(api):
    pool = api.signed("GET", "/v3/%s/elb/pools" % P1, query={"name": "demo-tcp-pool"}).json()["pools"][0]
    body = {"healthmonitor": {"pool_id": pool["id"], "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}

    def tamper(_headers, data):
        return data.replace(b'"delay": 5', b'"delay": 9')
    _gateway(api.signed("POST", MONITORS, body=body, tamper=tamper), 401, "APIGW.0301")
    assert api.signed("POST", MONITORS, body=body).status_code == 201


def test_tampered_query_is_rejected(api):
    resp = api.signed("GET", MONITORS, query={"limit": 5})
    assert resp.status_code == 200
    hdrs = dict(resp.request.headers)
    resp = api.session.get(api.url(MONITORS + "?limit=6"), headers=hdrs)
    _gateway(resp, 401, "APIGW.0301")


def test_clock_skew(api):
    old = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)).strftime("%Y%m%dT%H%M%SZ")
    _gateway(api.signed("GET", MONITORS, date=old), 401, "APIGW.0301")
    recent = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)).strftime("%Y%m%dT%H%M%SZ")
    assert api.signed("GET", MONITORS, date=recent).status_code == 200


def test_only_signed_headers_are_checked_and_security_token_accepted(api):
    # Like the Go SDK: Host and X-Project-Id sent but not signed.
    resp = api.signed("GET", MONITORS, signed=["content-type", "x-sdk-date"])
    assert resp.status_code == 200
    resp = api.signed("GET", MONITORS, headers={"X-Security-Token": "temporary-token-value"})
    assert resp.status_code == 200
    assert "x-security-token" in resp.request.headers["Authorization"]


def test_missing_credentials(api):
    _gateway(api.session.get(api.url(MONITORS)), 401, "APIGW.0301")


def test_unknown_token(api):
    _gateway(api.with_token("GET", MONITORS, "EMUgarbage.abc"), 401, "APIGW.0301")
    _gateway(api.with_token("GET", MONITORS, "MIIEXAMPLE"), 401, "APIGW.0301")


def test_expired_token(api):
    assert api.admin("POST", "config", {"token_ttl_s": 1}).status_code == 200
    token = api.token()
    assert api.with_token("GET", MONITORS, token).status_code == 200
    time.sleep(1.2)
    _gateway(api.with_token("GET", MONITORS, token), 401, "APIGW.0307")
    # Tokens issued after the TTL is cleared live 24 h again.
    api.admin("POST", "config", {"token_ttl_s": None})
    assert api.with_token("GET", MONITORS, api.token()).status_code == 200


def test_other_tenants_project_is_forbidden(api):
    resp = api.signed("GET", "/v3/%s/elb/healthmonitors" % P2)
    assert resp.status_code == 403
    assert resp.json()["error_code"] == "ELB.1102"
    resp = api.with_token("GET", "/v3/%s/elb/pools" % P2, api.token())
    assert resp.status_code == 403
    resp = api.signed("GET", "/v1.0/%s/elbaas/listeners" % P2)
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "ELB.1102"
    # /v2.0/lbaas takes the project from X-Project-Id with AK/SK.
    resp = api.signed("GET", "/v2.0/lbaas/healthmonitors", project_id=P2)
    assert resp.status_code == 403 and "NeutronError" in resp.json()
    resp = api.signed("GET", "/v2.0/lbaas/healthmonitors", project_id=None)
    assert resp.status_code == 403
    # X-Project-Id must agree with the path.
    resp = api.signed("GET", MONITORS, project_id=P2)
    assert resp.status_code == 403
    # The other user sees only their project.
    assert api.signed("GET", "/v3/%s/elb/pools" % P2, user=OTHER).status_code == 200


def test_v20_form_uses_the_token_project(api):
    token = api.token(user=OTHER)
    resp = api.with_token("GET", "/v2.0/lbaas/pools", token)
    assert resp.status_code == 200
    assert {p["project_id"] for p in resp.json()["pools"]} == {P2}


def test_unknown_route_is_gateway_404(api):
    resp = api.signed("GET", "/v3/%s/elb/nothing-here" % P1)
    assert resp.status_code == 404 and resp.json()["error_code"] == "APIGW.0101"


def test_payload_hash_is_of_the_received_body(api):
    pool = api.signed("GET", "/v3/%s/elb/pools" % P1, query={"name": "demo-http-pool"}).json()["pools"][0]
    body = json.dumps({"healthmonitor": {"pool_id": pool["id"], "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3}}).encode()
    assert hashlib.sha256(body).hexdigest()
    # Extra whitespace changes the bytes: signed over one form, sent as another.
    resp = api.signed("POST", MONITORS, raw_body=body, tamper=lambda h, b: b + b" ")
    assert resp.status_code == 401
