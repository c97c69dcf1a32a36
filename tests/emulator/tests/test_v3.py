# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dedicated ELB v3: SDK conformance and raw behaviour (defaults, validation, conflicts, lists)."""

from __future__ import annotations

import re

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v3 import ElbClient
from huaweicloudsdkelb.v3 import model as m3

from ..seed import seed_id

from .conftest import DEMO, P1

BASE = "/v3/%s/elb" % P1
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")


def pool_id(name):
    """Id of a seeded v3 pool of the demo project."""
    return seed_id(P1, "v3", "pool", name)


LB_ID = seed_id(P1, "v3", "loadbalancer", "demo-lb")


@pytest.fixture(name="sdk")
def sdk_client(emu):
    """An official-SDK v3 client bound to the emulator."""
    cred = BasicCredentials(DEMO["ak"], DEMO["sk"], P1)
    return ElbClient.new_builder().with_credentials(cred).with_endpoints([emu.base_url]).build()


def create(api, pool, **fields):
    """Create a monitor on a seeded pool; returns the response."""
    body = {"pool_id": pool_id(pool), "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3}
    body.update(fields)
    return api.signed("POST", BASE + "/healthmonitors", body={"healthmonitor": body})


def err(resp, status, code):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error_code"] == code, body
    assert body["request_id"] == resp.headers["X-Request-Id"]
    return body


# --- SDK -----------------------------------------------------------------------------

def test_sdk_loadbalancer_pool_monitor_lifecycle(sdk):
    lb = sdk.create_load_balancer(m3.CreateLoadBalancerRequest(m3.CreateLoadBalancerRequestBody(
        loadbalancer=m3.CreateLoadBalancerOption(name="sdk-lb", vpc_id="vpc-1", availability_zone_list=["cn-north-4a"],
                                                 vip_subnet_cidr_id="subnet-1", l4_flavor_id="flavor-1",
                                                 tags=[m3.Tag(key="env", value="test")])))).loadbalancer
    assert lb.name == "sdk-lb" and lb.provisioning_status == "ACTIVE"
    assert sdk.show_load_balancer(m3.ShowLoadBalancerRequest(loadbalancer_id=lb.id)).loadbalancer.availability_zone_list == ["cn-north-4a"]
    names = [x.name for x in sdk.list_load_balancers(m3.ListLoadBalancersRequest(name=["sdk-lb", "demo-lb"])).loadbalancers]
    assert names == ["demo-lb", "sdk-lb"]
    lb = sdk.update_load_balancer(m3.UpdateLoadBalancerRequest(lb.id, m3.UpdateLoadBalancerRequestBody(
        loadbalancer=m3.UpdateLoadBalancerOption(description="changed")))).loadbalancer
    assert lb.description == "changed"

    listener = sdk.create_listener(m3.CreateListenerRequest(m3.CreateListenerRequestBody(listener=m3.CreateListenerOption(
        loadbalancer_id=lb.id, protocol="HTTP", protocol_port=80, name="sdk-listener")))).listener
    pool = sdk.create_pool(m3.CreatePoolRequest(m3.CreatePoolRequestBody(pool=m3.CreatePoolOption(
        lb_algorithm="ROUND_ROBIN", protocol="HTTP", listener_id=listener.id, name="sdk-pool",
        slow_start=m3.CreatePoolSlowStartOption(enable=False, duration=30))))).pool
    assert pool.healthmonitor_id == "" and pool.loadbalancers[0].id == lb.id and pool.listeners[0].id == listener.id
    assert sdk.show_listener(m3.ShowListenerRequest(listener_id=listener.id)).listener.default_pool_id == pool.id
    pool = sdk.update_pool(m3.UpdatePoolRequest(pool.id, m3.UpdatePoolRequestBody(pool=m3.UpdatePoolOption(name="sdk-pool-2")))).pool
    assert pool.name == "sdk-pool-2"

    mon = sdk.create_health_monitor(m3.CreateHealthMonitorRequest(m3.CreateHealthMonitorRequestBody(
        healthmonitor=m3.CreateHealthMonitorOption(pool_id=pool.id, type="HTTP", delay=5, timeout=3, max_retries=3,
                                                   url_path="/health", domain_name="www.example.com")))).healthmonitor
    assert UUID.match(mon.id) and mon.pools[0].id == pool.id and ISO.match(mon.created_at)
    assert (mon.expected_codes, mon.http_method, mon.max_retries_down, mon.monitor_port) == ("200", "GET", 3, None)
    assert sdk.show_pool(m3.ShowPoolRequest(pool_id=pool.id)).pool.healthmonitor_id == mon.id
    got = sdk.show_health_monitor(m3.ShowHealthMonitorRequest(healthmonitor_id=mon.id)).healthmonitor
    assert got.url_path == "/health" and got.domain_name == "www.example.com"
    upd = sdk.update_health_monitor(m3.UpdateHealthMonitorRequest(mon.id, m3.UpdateHealthMonitorRequestBody(
        healthmonitor=m3.UpdateHealthMonitorOption(delay=10, expected_codes="200-204", http_method="HEAD")))).healthmonitor
    assert (upd.delay, upd.expected_codes, upd.http_method) == (10, "200-204", "HEAD")
    listed = sdk.list_health_monitors(m3.ListHealthMonitorsRequest(delay=[10, 20], type=["HTTP"], limit=10))
    assert [x.id for x in listed.healthmonitors] == [mon.id] and listed.page_info.current_count == 1

    with pytest.raises(exceptions.ClientRequestException) as info:
        sdk.delete_pool(m3.DeletePoolRequest(pool_id=pool.id))
    assert info.value.status_code == 409
    sdk.delete_health_monitor(m3.DeleteHealthMonitorRequest(healthmonitor_id=mon.id))
    assert sdk.show_pool(m3.ShowPoolRequest(pool_id=pool.id)).pool.healthmonitor_id == ""
    with pytest.raises(exceptions.ClientRequestException) as info:
        sdk.show_health_monitor(m3.ShowHealthMonitorRequest(healthmonitor_id=mon.id))
    assert (info.value.status_code, info.value.error_code) == (404, "ELB.8904")
    with pytest.raises(exceptions.ClientRequestException) as info:
        sdk.delete_load_balancer(m3.DeleteLoadBalancerRequest(loadbalancer_id=lb.id))
    assert info.value.status_code == 409
    sdk.delete_pool(m3.DeletePoolRequest(pool_id=pool.id))
    sdk.delete_listener(m3.DeleteListenerRequest(listener_id=listener.id))
    sdk.delete_load_balancer(m3.DeleteLoadBalancerRequest(loadbalancer_id=lb.id))
    with pytest.raises(exceptions.ClientRequestException):
        sdk.show_load_balancer(m3.ShowLoadBalancerRequest(loadbalancer_id=lb.id))


# --- raw: shapes and defaults ------------------------------------------------------------

def test_create_defaults_and_shape(api):
    resp = create(api, "demo-http-pool")
    assert resp.status_code == 201
    body = resp.json()
    assert body["request_id"] == resp.headers["X-Request-Id"]
    mon = body["healthmonitor"]
    assert set(mon) == {"monitor_port", "id", "project_id", "domain_name", "name", "delay", "max_retries", "pools",
                        "admin_state_up", "timeout", "type", "expected_codes", "url_path", "http_method",
                        "max_retries_down", "created_at", "updated_at"}
    assert mon["pools"] == [{"id": pool_id("demo-http-pool")}] and mon["project_id"] == P1
    assert (mon["max_retries_down"], mon["admin_state_up"], mon["monitor_port"], mon["name"], mon["domain_name"],
            mon["url_path"], mon["http_method"], mon["expected_codes"]) == (3, True, None, "", None, "/", "GET", "200")
    pool = api.signed("GET", BASE + "/pools/" + pool_id("demo-http-pool")).json()["pool"]
    assert pool["healthmonitor_id"] == mon["id"]


@pytest.mark.parametrize("pool,mtype,codes,method", [
    ("demo-tcp-pool", "TCP", None, None),
    ("demo-udp-pool", "UDP_CONNECT", None, None),
    ("demo-https-pool", "GRPC", "0", None),
    ("demo-https-pool", "TLS", None, None),
    ("demo-https-pool", "HTTPS", "200", "GET"),
])
def test_non_http_types_show_null_codes(api, pool, mtype, codes, method):
    resp = create(api, pool, type=mtype)
    assert resp.status_code == 201, resp.text
    mon = resp.json()["healthmonitor"]
    assert (mon["expected_codes"], mon["http_method"]) == (codes, method)


def test_update_type_switches_codes_display(api):
    mon = create(api, "demo-tcp-pool", type="TCP", expected_codes="200-202").json()["healthmonitor"]
    assert mon["expected_codes"] is None
    resp = api.signed("PUT", BASE + "/healthmonitors/" + mon["id"], body={"healthmonitor": {"type": "HTTP"}})
    assert resp.status_code == 200
    assert (resp.json()["healthmonitor"]["expected_codes"], resp.json()["healthmonitor"]["http_method"]) == ("200-202", "GET")


def test_update_null_resets_and_keeps_other_fields(api):
    mon = create(api, "demo-http-pool", name="n", monitor_port=8080, domain_name="a.example.com", url_path="/x").json()["healthmonitor"]
    resp = api.signed("PUT", BASE + "/healthmonitors/" + mon["id"],
                      body={"healthmonitor": {"monitor_port": None, "domain_name": None, "admin_state_up": False}})
    got = resp.json()["healthmonitor"]
    assert (got["monitor_port"], got["domain_name"], got["admin_state_up"], got["name"], got["url_path"]) == (None, None, False, "n", "/x")
    assert got["created_at"] == mon["created_at"]


# --- raw: validation --------------------------------------------------------------------

@pytest.mark.parametrize("fields", [
    {"delay": 0}, {"delay": 51}, {"timeout": 0}, {"timeout": 51}, {"max_retries": 0}, {"max_retries": 11},
    {"max_retries_down": 11}, {"monitor_port": 0}, {"monitor_port": 65536}, {"type": "PING"}, {"type": "http"},
    {"http_method": "PUT"}, {"url_path": "health"}, {"url_path": "/a b"}, {"url_path": "/" + "a" * 80},
    {"domain_name": "-bad.example.com"}, {"domain_name": "bad_domain"}, {"domain_name": ""},
    {"domain_name": "a" * 101}, {"expected_codes": "abc"}, {"expected_codes": "204-200"}, {"expected_codes": "700"},
    {"delay": "5"}, {"admin_state_up": "yes"}, {"delay": True},
])
def test_create_validation(api, fields):
    err(create(api, "demo-http-pool", **fields), 400, "ELB.8902")


@pytest.mark.parametrize("missing", ["pool_id", "type", "delay", "timeout", "max_retries"])
def test_required_fields(api, missing):
    body = {"pool_id": pool_id("demo-http-pool"), "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3}
    del body[missing]
    err(api.signed("POST", BASE + "/healthmonitors", body={"healthmonitor": body}), 400, "ELB.8902")


def test_body_problems(api):
    err(api.signed("POST", BASE + "/healthmonitors", raw_body=b""), 400, "ELB.0002")
    err(api.signed("POST", BASE + "/healthmonitors", raw_body=b"{not json"), 400, "ELB.8902")
    err(api.signed("POST", BASE + "/healthmonitors", body={"monitor": {}}), 400, "ELB.8902")


def test_valid_patterns_are_accepted(api):
    resp = create(api, "demo-http-pool", url_path="/a-b/c.d%20?x#f&g_h;~!()*[]@$^:',+", domain_name="1a.b-c.example",
                  expected_codes="200,202,300-399", http_method="POST", max_retries_down=10, monitor_port=65535, name="x" * 255)
    assert resp.status_code == 201, resp.text


@pytest.mark.parametrize("pool,mtype", [
    ("demo-udp-pool", "TCP"), ("demo-udp-pool", "HTTP"), ("demo-tcp-pool", "UDP_CONNECT"),
    ("demo-tcp-pool", "GRPC"), ("demo-tcp-pool", "TLS"), ("demo-http-pool", "UDP_CONNECT"),
])
def test_protocol_compatibility(api, pool, mtype):
    err(create(api, pool, type=mtype), 400, "ELB.8902")


def test_any_port_pool_needs_monitor_port(api):
    err(create(api, "demo-ip-any-port-pool", type="TCP"), 400, "ELB.8902")
    mon = create(api, "demo-ip-any-port-pool", type="TCP", monitor_port=80).json()["healthmonitor"]
    err(api.signed("PUT", BASE + "/healthmonitors/" + mon["id"], body={"healthmonitor": {"monitor_port": None}}), 400, "ELB.8902")


def test_unknown_pool_and_monitor(api):
    body = {"pool_id": "00000000-0000-4000-8000-000000000000", "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}
    err(api.signed("POST", BASE + "/healthmonitors", body={"healthmonitor": body}), 404, "ELB.8904")
    err(api.signed("GET", BASE + "/healthmonitors/nope"), 404, "ELB.8904")
    err(api.signed("PUT", BASE + "/healthmonitors/nope", body={"healthmonitor": {}}), 404, "ELB.8904")
    err(api.signed("DELETE", BASE + "/healthmonitors/nope"), 404, "ELB.8904")


def test_one_monitor_per_pool(api):
    assert create(api, "demo-http-pool").status_code == 201
    err(create(api, "demo-http-pool"), 409, "ELB.8907")


def test_update_rules(api):
    mon = create(api, "demo-http-pool").json()["healthmonitor"]
    url = BASE + "/healthmonitors/" + mon["id"]
    err(api.signed("PUT", url, body={"healthmonitor": {"pool_id": pool_id("demo-https-pool")}}), 400, "ELB.8902")
    err(api.signed("PUT", url, body={"healthmonitor": {"delay": None}}), 400, "ELB.8902")
    err(api.signed("PUT", url, body={"healthmonitor": {"type": "UDP_CONNECT"}}), 400, "ELB.8902")
    err(api.signed("PUT", url, body={"healthmonitor": {"timeout": 99}}), 400, "ELB.8902")
    resp = api.signed("PUT", url, body={"healthmonitor": {"type": "TCP", "pool_id": pool_id("demo-http-pool")}})
    assert resp.status_code == 200 and resp.json()["healthmonitor"]["expected_codes"] is None


def test_delete_pool_with_monitor_conflicts(api):
    mon = create(api, "demo-tcp-pool", type="TCP").json()["healthmonitor"]
    err(api.signed("DELETE", BASE + "/pools/" + pool_id("demo-tcp-pool")), 409, "ELB.8907")
    assert api.signed("DELETE", BASE + "/healthmonitors/" + mon["id"]).status_code == 204
    assert api.signed("GET", BASE + "/pools/" + pool_id("demo-tcp-pool")).json()["pool"]["healthmonitor_id"] == ""
    assert api.signed("DELETE", BASE + "/pools/" + pool_id("demo-tcp-pool")).status_code == 204
    pools = api.signed("GET", BASE + "/loadbalancers/" + LB_ID).json()["loadbalancer"]["pools"]
    assert {"id": pool_id("demo-tcp-pool")} not in pools


def test_pool_create_accepts_real_bodies_and_validates_protocol(api):
    body = {"pool": {"lb_algorithm": "LEAST_CONNECTIONS", "protocol": "TCP", "loadbalancer_id": LB_ID, "name": "p",
                     "session_persistence": {"type": "SOURCE_IP", "persistence_timeout": 30},
                     "slow_start": {"enable": True, "duration": 50}, "member_deletion_protection_enable": True,
                     "connection_drain": {"enable": False, "timeout": 10}, "az_affinity": {"enable": False}}}
    resp = api.signed("POST", BASE + "/pools", body=body)
    assert resp.status_code == 201, resp.text
    pool = resp.json()["pool"]
    assert pool["connection_drain"] == {"enable": False, "timeout": 10} and pool["healthmonitor_id"] == ""
    err(api.signed("POST", BASE + "/pools", body={"pool": {"protocol": "SCTP", "lb_algorithm": "ROUND_ROBIN", "loadbalancer_id": LB_ID}}), 400, "ELB.8902")
    err(api.signed("POST", BASE + "/pools", body={"pool": {"protocol": "TCP", "loadbalancer_id": "nope"}}), 404, "ELB.8904")


# --- raw: lists --------------------------------------------------------------------------

def test_list_filters_multi_value(api):
    a = create(api, "demo-http-pool", name="a", delay=5).json()["healthmonitor"]
    b = create(api, "demo-tcp-pool", type="TCP", name="b", delay=10, monitor_port=81).json()["healthmonitor"]
    c = create(api, "demo-udp-pool", type="UDP_CONNECT", name="c", delay=20, admin_state_up=False).json()["healthmonitor"]

    def ids(query):
        resp = api.signed("GET", BASE + "/healthmonitors", query=query)
        assert resp.status_code == 200, resp.text
        return [x["id"] for x in resp.json()["healthmonitors"]]

    assert ids([]) == [a["id"], b["id"], c["id"]]
    assert ids([("id", a["id"]), ("id", c["id"])]) == [a["id"], c["id"]]
    assert ids([("name", "b"), ("name", "c")]) == [b["id"], c["id"]]
    assert ids([("delay", 10), ("delay", 20)]) == [b["id"], c["id"]]
    assert ids([("type", "TCP"), ("type", "HTTP")]) == [a["id"], b["id"]]
    assert ids([("monitor_port", 81)]) == [b["id"]]
    assert ids([("admin_state_up", "false")]) == [c["id"]]
    assert ids([("timeout", 3), ("max_retries", 3), ("max_retries_down", 3)]) == [a["id"], b["id"], c["id"]]
    assert ids([("expected_codes", "200")]) == [a["id"]]
    assert ids([("http_method", "GET")]) == [a["id"]]
    assert ids([("url_path", "/")]) == [a["id"], b["id"], c["id"]]
    assert ids([("domain_name", "x.example.com")]) == []
    assert ids([("enterprise_project_id", "0")]) == [a["id"], b["id"], c["id"]]
    err(api.signed("GET", BASE + "/healthmonitors", query={"delay": "x"}), 400, "ELB.8902")


def test_pool_and_loadbalancer_filters(api):
    def names(path, query):
        resp = api.signed("GET", BASE + path, query=query)
        assert resp.status_code == 200, resp.text
        key = path.strip("/")
        return [x["name"] for x in resp.json()[key]]

    assert names("/pools", [("protocol", "UDP"), ("protocol", "IP")]) == ["demo-udp-pool", "demo-ip-any-port-pool"]
    assert names("/pools", [("name", "demo-http-pool")]) == ["demo-http-pool"]
    assert len(names("/pools", [("loadbalancer_id", LB_ID)])) == 5
    assert names("/pools", [("id", pool_id("demo-tcp-pool"))]) == ["demo-tcp-pool"]
    assert names("/loadbalancers", [("name", "demo-lb")]) == ["demo-lb"]
    assert names("/loadbalancers", [("id", LB_ID)]) == ["demo-lb"]


def test_pagination_page_info(api):
    assert api.admin("POST", "bulk", {"family": "v3", "count": 7, "monitor": {"type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}).status_code == 200
    everything = [x["id"] for x in api.signed("GET", BASE + "/healthmonitors").json()["healthmonitors"]]
    assert len(everything) == 7

    def page(query):
        resp = api.signed("GET", BASE + "/healthmonitors", query=query)
        assert resp.status_code == 200, resp.text
        return [x["id"] for x in resp.json()["healthmonitors"]], resp.json()["page_info"]

    ids, info = page({"limit": 3})
    assert ids == everything[:3]
    assert info == {"previous_marker": everything[0], "next_marker": everything[2], "current_count": 3}
    ids, info = page({"limit": 3, "marker": info["next_marker"]})
    assert ids == everything[3:6] and info["next_marker"] == everything[5]
    # The last page still names its last record (seed list example): it is known by being short.
    ids, info = page({"limit": 3, "marker": info["next_marker"]})
    assert ids == everything[6:] and info == {"previous_marker": everything[6], "next_marker": everything[6], "current_count": 1}
    ids, info = page({"limit": 3, "marker": info["next_marker"]})
    assert ids == [] and info == {"current_count": 0}
    # Backwards from the last page: previous_marker is the first record, also at the start.
    ids, info = page({"limit": 3, "marker": everything[6], "page_reverse": "true"})
    assert ids == everything[3:6] and info["previous_marker"] == everything[3] and info["next_marker"] == everything[5]
    ids, info = page({"limit": 3, "marker": info["previous_marker"], "page_reverse": "true"})
    assert ids == everything[0:3] and info == {"previous_marker": everything[0], "next_marker": everything[2], "current_count": 3}
    ids, info = page({"limit": 0})
    assert ids == [] and info == {"current_count": 0}


@pytest.mark.parametrize("query", [{"limit": -1}, {"limit": 2001}, {"limit": "ten"},
                                   {"limit": 2, "marker": "00000000-0000-4000-8000-000000000000"},
                                   {"limit": 2, "marker": ""}, {"limit": 2, "page_reverse": "maybe"}])
def test_pagination_errors(api, query):
    err(api.signed("GET", BASE + "/healthmonitors", query=query), 400, "ELB.8902")


def test_pool_list_has_page_info(api):
    body = api.signed("GET", BASE + "/pools", query={"limit": 2}).json()
    assert body["page_info"]["current_count"] == 2 and "next_marker" in body["page_info"]
