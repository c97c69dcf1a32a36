# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 16: where the emulator follows the seeds rather than the collection's reading of them (items 1-6)."""

from __future__ import annotations

import re

import pytest

from ..seed import seed_id

from .conftest import P1

V3 = "/v3/%s/elb" % P1
V2P = "/v2/%s/elb" % P1
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
V3_LB = seed_id(P1, "v3", "loadbalancer", "demo-lb")
V2_LB = seed_id(P1, "v2", "loadbalancer", "shared-lb")


def v3_monitor(api, pool="demo-http-pool", **fields):
    body = {"pool_id": seed_id(P1, "v3", "pool", pool), "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3, **fields}
    return api.signed("POST", V3 + "/healthmonitors", body={"healthmonitor": body})


def v2_monitor(api, pool="shared-http-pool", prefix=V2P, **fields):
    body = {"pool_id": seed_id(P1, "v2", "pool", pool), "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3, **fields}
    return api.signed("POST", prefix + "/healthmonitors", body={"healthmonitor": body})


def refused(resp, field, rule):
    assert resp.status_code == 400, resp.text
    body = resp.json()
    message = body["error_msg"] if "error_msg" in body else body["NeutronError"]["message"]
    assert "field/attribute %s." % field in message and rule in message, message
    return message


# --- 1. url_path: per-family rules, whole-string patterns ---------------------------------------

@pytest.mark.parametrize("path", ["/health?check=1", "/a b", "/{x}|<y>", "/" + "u" * 79])
def test_v2_url_path_needs_only_a_leading_slash_and_80_characters(api, path):
    """seed v2.0-shared-create-healthmonitor.txt table 2: starts with '/', at most 80 characters; nothing else."""
    for prefix in (V2P, "/v2.0/lbaas"):
        api.admin("POST", "reset")
        resp = v2_monitor(api, prefix=prefix, url_path=path)
        assert resp.status_code == 201, resp.text
        assert resp.json()["healthmonitor"]["url_path"] == path


@pytest.mark.parametrize("path,rule", [
    ("health", "must start with '/'"),
    ("/" + "u" * 80, "at most 80 characters"),
    ("", "at least 1 characters"),
])
def test_v2_url_path_refusals_name_the_rule_broken(api, path, rule):
    refused(v2_monitor(api, url_path=path), "url_path", rule)


@pytest.mark.parametrize("path,rule", [
    ("health", "must start with '/'"),
    ("/health check", 'The character " " is not allowed'),
    ("/health\n", 'The character "\\n" is not allowed'),  # "$" would have let the trailing newline through
    ("/" + "u" * 80, "at most 80 characters"),
])
def test_v3_url_path_refusals_name_the_rule_broken(api, path, rule):
    refused(v3_monitor(api, url_path=path), "url_path", rule)


def test_v3_url_path_accepts_its_whole_character_set(api):
    path = "/a-Z/0.9%?#&_;~!()*[]@$^:',+"
    assert v3_monitor(api, url_path=path).json()["healthmonitor"]["url_path"] == path


@pytest.mark.parametrize("field,value", [("domain_name", "www.example.com\n"), ("expected_codes", "200\n")])
def test_other_patterns_match_the_whole_value(api, field, value):
    refused(v3_monitor(api, **{field: value}), field, "")


def test_classic_uri_refusals_name_the_rule_broken(api):
    base = "/v1.0/%s/elbaas/healthcheck" % P1
    listener = seed_id(P1, "v1", "listener", "classic-http-listener").replace("-", "")
    for uri, rule in (("ping", "must start with '/'"), ("/ping\n", 'The character "\\n"'), ("/a;b", 'The character ";"')):
        resp = api.signed("POST", base, body={"listener_id": listener, "healthcheck_protocol": "HTTP", "healthcheck_uri": uri})
        assert resp.status_code == 400 and rule in resp.json()["error"]["message"], (uri, resp.text)


# --- 2. v3 page_info as in the seed's example -----------------------------------------------------

def _page(api, query):
    resp = api.signed("GET", V3 + "/pools", query=query)
    assert resp.status_code == 200, resp.text
    return [p["id"] for p in resp.json()["pools"]], resp.json()["page_info"]


def test_v3_page_info_names_both_markers_on_every_page(api):
    """seed v3-dedicated-list-healthmonitors.txt example: everything listed, and still next_marker = the last id."""
    everything, info = _page(api, [])
    assert len(everything) == 5
    assert info == {"previous_marker": everything[0], "next_marker": everything[-1], "current_count": 5}
    ids, info = _page(api, [("limit", 3), ("marker", everything[1])])
    assert ids == everything[2:] and info["next_marker"] == everything[-1]  # last page, short: 2 < 3
    ids, info = _page(api, [("limit", 2), ("marker", everything[2]), ("page_reverse", "true")])
    assert ids == everything[:2] and info["previous_marker"] == everything[0]  # the start, still named


def test_v3_marker_and_page_reverse_need_limit(api):
    """seed v3-dedicated-list-healthmonitors.txt: marker and page_reverse take effect only together with limit."""
    everything, _info = _page(api, [])
    assert _page(api, [("marker", everything[2])])[0] == everything
    assert _page(api, [("marker", everything[2]), ("page_reverse", "true")])[0] == everything
    # Ignored altogether: even a marker that is no id is not looked at without a limit...
    assert _page(api, [("marker", "not-an-id")])[0] == everything
    # ...while with a limit it is a 400.
    assert api.signed("GET", V3 + "/pools", query=[("limit", 2), ("marker", "not-an-id")]).status_code == 400


# --- 3. a type change to GRPC keeps the create rule ----------------------------------------------

def test_type_change_to_grpc_with_http_codes_is_refused_like_a_create(api):
    """README ★: the codes a monitor keeps must suit its new type, as on create (GRPC: 0-99)."""
    refused(v3_monitor(api, type="GRPC", expected_codes="200-204"), "expected_codes", "between 0 and 99")
    monitor = v3_monitor(api, expected_codes="200-204").json()["healthmonitor"]
    url = V3 + "/healthmonitors/" + monitor["id"]
    message = refused(api.signed("PUT", url, body={"healthmonitor": {"type": "GRPC"}}), "expected_codes", "GRPC health check takes codes 0-99")
    assert '"200-204"' in message
    shown = api.signed("GET", url).json()["healthmonitor"]
    assert (shown["type"], shown["expected_codes"]) == ("HTTP", "200-204")  # unchanged
    # Sent together with codes that suit GRPC, the change is accepted.
    resp = api.signed("PUT", url, body={"healthmonitor": {"type": "GRPC", "expected_codes": "0-5"}})
    assert resp.status_code == 200 and (resp.json()["healthmonitor"]["type"], resp.json()["healthmonitor"]["expected_codes"]) == ("GRPC", "0-5")
    # And back: GRPC codes do not suit HTTP either.
    refused(api.signed("PUT", url, body={"healthmonitor": {"type": "HTTP"}}), "expected_codes", "HTTP health check takes codes 200-599")


def test_type_change_to_grpc_without_codes_shows_the_grpc_default(api):
    monitor = v3_monitor(api).json()["healthmonitor"]
    resp = api.signed("PUT", V3 + "/healthmonitors/" + monitor["id"], body={"healthmonitor": {"type": "GRPC"}})
    assert resp.status_code == 200 and resp.json()["healthmonitor"]["expected_codes"] == "0"


# --- 4. request_id as in the v3 seed examples ------------------------------------------------------

def test_request_id_is_a_hyphenated_uuid(api):
    """seed v3 examples: "request_id": "814bc40e-8b0a-4ced-b8e5-f136c3e1df6a"; the same in X-Request-Id."""
    for resp in (api.signed("GET", V3 + "/healthmonitors"), v3_monitor(api, pool="nope")):
        assert UUID.fullmatch(resp.json()["request_id"]), resp.text
        assert resp.headers["X-Request-Id"] == resp.json()["request_id"]


# --- 6. creates while the balancer is PENDING_UPDATE (★, configurable) -------------------------------

def test_create_while_pending_is_refused_unless_configured(api):
    api.admin("POST", "config", {"pending_seconds": 30})
    api.signed("PUT", V3 + "/pools/" + seed_id(P1, "v3", "pool", "demo-tcp-pool"), body={"pool": {"name": "renamed"}})
    assert api.signed("GET", V3 + "/loadbalancers/" + V3_LB).json()["loadbalancer"]["provisioning_status"] == "PENDING_UPDATE"
    resp = v3_monitor(api)
    assert resp.status_code == 409 and resp.json()["error_code"] == "ELB.8907"
    assert api.admin("POST", "config", {"pending_blocks_create": False}).json()["pending_blocks_create"] is False
    monitor = v3_monitor(api)
    assert monitor.status_code == 201, monitor.text
    # Updates and deletes still need ACTIVE (the seeds' rule), whatever the key says.
    url = V3 + "/healthmonitors/" + monitor.json()["healthmonitor"]["id"]
    assert api.signed("PUT", url, body={"healthmonitor": {"delay": 6}}).status_code == 409
    assert api.signed("DELETE", url).status_code == 409
    # The key takes only booleans, and a reset puts it back to true.
    assert api.admin("POST", "config", {"pending_blocks_create": 0}).status_code == 400
    api.admin("POST", "reset")
    assert api.admin("GET", "config").json()["pending_blocks_create"] is True


def test_v2_creates_follow_the_same_key(api):
    api.admin("POST", "config", {"pending_seconds": 30, "pending_blocks_create": False})
    api.signed("PUT", V2P + "/pools/" + seed_id(P1, "v2", "pool", "shared-tcp-pool"), body={"pool": {"name": "renamed"}})
    assert v2_monitor(api).status_code == 201
    api.admin("POST", "config", {"pending_blocks_create": True})
    assert v2_monitor(api, pool="shared-tcp-pool", type="TCP").status_code == 409
