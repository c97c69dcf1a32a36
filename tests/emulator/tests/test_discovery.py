# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 16 item 5: IAM and discovery, what OpenStack-style clients need with only an auth URL (raw requests)."""

from __future__ import annotations

import pytest

from .conftest import P1, P2


def _catalog(token_body):
    return {entry["type"]: entry["endpoints"] for entry in token_body["token"]["catalog"]}


def test_token_carries_a_catalog_of_iam_and_every_elb_family_in_the_region(api):
    resp = api.session.post(api.url("/v3/auth/tokens"), json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "demo", "password": "demo-password", "domain": {"name": "demo"}}}}, "scope": {"project": {"name": "cn-north-4"}}}})
    assert resp.status_code == 201
    catalog = _catalog(resp.json())
    assert {kind: [e["url"] for e in endpoints] for kind, endpoints in catalog.items()} == {
        "identity": [api.base + "/v3"],
        "network": [api.base],
        "elbv3": [api.base + "/v3/" + P1],
        "elbv2": [api.base + "/v2/" + P1],
        "elbv1": [api.base + "/v1.0/" + P1],
    }
    for endpoints in catalog.values():
        assert [(e["interface"], e["region"], e["region_id"]) for e in endpoints] == [("public", "cn-north-4", "cn-north-4")]


def test_the_other_users_catalog_is_in_its_own_region(api):
    resp = api.session.post(api.url("/v3/auth/tokens"), json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "other", "password": "other-password", "domain": {"name": "other"}}}}, "scope": {"project": {"id": P2}}}})
    assert _catalog(resp.json())["elbv3"][0]["url"].endswith("/v3/" + P2)
    assert _catalog(resp.json())["elbv3"][0]["region"] == "cn-south-1"


def test_an_unscoped_token_has_no_catalog(api):
    resp = api.session.post(api.url("/v3/auth/tokens"), json={"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": "demo", "password": "demo-password", "domain": {"name": "demo"}}}}}})
    assert resp.status_code == 201 and resp.json()["token"]["catalog"] == []


def test_version_documents(api):
    root = api.session.get(api.url("/"))
    assert root.status_code == 200
    versions = {v["id"]: v for v in root.json()["versions"]}
    assert versions["v2.0"]["links"] == [{"rel": "self", "href": api.base + "/v2.0/"}]
    assert versions["v3.0"]["links"] == [{"rel": "self", "href": api.base + "/v3/"}]
    identity = api.session.get(api.url("/v3"))
    assert identity.status_code == 200 and identity.json()["version"]["id"] == "v3.0"
    assert identity.json()["version"]["media-types"][0]["type"] == "application/vnd.openstack.identity-v3+json"
    network = api.session.get(api.url("/v2.0/"))
    assert network.status_code == 200 and network.json()["version"]["id"] == "v2.0"
    assert "healthmonitors" in [r["collection"] for r in network.json()["resources"]]
    # No credentials needed, and nothing else answers on those paths.
    assert api.session.post(api.url("/v3")).status_code == 404


def test_token_method_exchanges_a_token_for_a_token(api):
    token = api.token()
    resp = api.session.post(api.url("/v3/auth/tokens"), json={"auth": {"identity": {"methods": ["token"], "token": {"id": token}}}})
    assert resp.status_code == 201, resp.text
    new = resp.headers["X-Subject-Token"]
    assert new != token
    body = resp.json()["token"]
    assert body["methods"] == ["token"] and body["project"]["id"] == P1 and body["user"]["name"] == "demo"
    assert api.with_token("GET", "/v3/%s/elb/healthmonitors" % P1, new).status_code == 200
    # Re-scoped by name, as keystoneauth does; a project the user may not use is refused with IAM's body.
    by_token = {"methods": ["token"], "token": {"id": token}}
    scoped = api.session.post(api.url("/v3/auth/tokens"), json={"auth": {"identity": by_token, "scope": {"project": {"name": "cn-north-4"}}}})
    assert scoped.status_code == 201 and scoped.json()["token"]["project"]["id"] == P1
    foreign = api.session.post(api.url("/v3/auth/tokens"), json={"auth": {"identity": by_token, "scope": {"project": {"id": P2}}}})
    assert foreign.status_code == 401 and set(foreign.json()["error"]) == {"code", "message", "title"}


@pytest.mark.parametrize("token", ["EMUnot-a-token", ""])
def test_token_method_with_a_bad_token_answers_iam_errors(api, token):
    resp = api.session.post(api.url("/v3/auth/tokens"), json={"auth": {"identity": {"methods": ["token"], "token": {"id": token}}}})
    assert resp.status_code == (401 if token else 400)
    assert resp.json()["error"]["code"] == resp.status_code


@pytest.mark.parametrize("path", ["/v3/users", "/v3/auth/catalog", "/v3/regions/cn-north-4", "/v3.0/OS-CREDENTIAL/credentials", "/v3-ext/x"])
def test_iam_paths_answer_with_the_iam_error_body(api, path):
    resp = api.with_token("GET", path, api.token())
    assert resp.status_code == 404
    assert resp.json() == {"error": {"code": 404, "message": "Could not find the requested resource.", "title": "Not Found"}}


def test_elb_paths_under_v3_keep_the_gateway_body(api):
    resp = api.signed("GET", "/v3/%s/elb/nothing" % P1)
    assert resp.status_code == 404 and resp.json()["error_code"] == "APIGW.0101"
