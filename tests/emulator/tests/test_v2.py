# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared ELB v2: SDK conformance (/v2/{project_id}/elb) and the /v2.0/lbaas form."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v2 import ElbClient
from huaweicloudsdkelb.v2 import model as m2

from ..seed import seed_id

from .conftest import DEMO, P1

SDK_BASE = "/v2/%s/elb" % P1
NEUTRON = "/v2.0/lbaas"
LB_ID = seed_id(P1, "v2", "loadbalancer", "shared-lb")


def pool_id(name):
    """Id of a seeded v2 pool of the demo project."""
    return seed_id(P1, "v2", "pool", name)


@pytest.fixture(name="sdk")
def sdk_client(emu):
    """An official-SDK v2 client bound to the emulator."""
    cred = BasicCredentials(DEMO["ak"], DEMO["sk"], P1)
    return ElbClient.new_builder().with_credentials(cred).with_endpoint(emu.base_url).build()


def create(api, pool, base=NEUTRON, **fields):
    """Create a monitor on a seeded v2 pool."""
    body = {"pool_id": pool_id(pool), "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3}
    body.update(fields)
    return api.signed("POST", base + "/healthmonitors", body={"healthmonitor": body})


def neutron_err(resp, status, kind):
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"NeutronError"} and body["NeutronError"]["type"] == kind
    assert set(body["NeutronError"]) == {"type", "message", "detail"}
    return body["NeutronError"]


def elb_err(resp, status, code):
    assert resp.status_code == status, resp.text
    assert resp.json()["error_code"] == code
    assert resp.json()["request_id"] == resp.headers["X-Request-Id"]
    return resp.json()


def test_sdk_lifecycle(sdk):
    lb = sdk.create_loadbalancer(m2.CreateLoadbalancerRequest(m2.CreateLoadbalancerRequestBody(
        loadbalancer=m2.CreateLoadbalancerReq(vip_subnet_id="subnet-1", name="sdk-shared", tenant_id=P1, admin_state_up=True)))).loadbalancer
    assert lb.provisioning_status == "ACTIVE" and lb.vip_subnet_id == "subnet-1" and lb.tenant_id == P1
    assert sdk.show_loadbalancer(m2.ShowLoadbalancerRequest(loadbalancer_id=lb.id)).loadbalancer.name == "sdk-shared"
    listener = sdk.create_listener(m2.CreateListenerRequest(m2.CreateListenerRequestBody(listener=m2.CreateListenerReq(
        loadbalancer_id=lb.id, protocol="TCP", protocol_port=3306)))).listener
    pool = sdk.create_pool(m2.CreatePoolRequest(m2.CreatePoolRequestBody(pool=m2.CreatePoolReq(
        protocol="TCP", lb_algorithm="ROUND_ROBIN", listener_id=listener.id, name="sdk-pool",
        session_persistence=m2.SessionPersistence(type="SOURCE_IP"))))).pool
    assert pool.healthmonitor_id is None and pool.loadbalancers[0].id == lb.id
    assert [p.name for p in sdk.list_pools(m2.ListPoolsRequest(loadbalancer_id=lb.id)).pools] == ["sdk-pool"]
    mon = sdk.create_healthmonitor(m2.CreateHealthmonitorRequest(m2.CreateHealthmonitorRequestBody(
        healthmonitor=m2.CreateHealthmonitorReq(pool_id=pool.id, type="TCP", delay=5, timeout=3, max_retries=3, monitor_port=112)))).healthmonitor
    assert (mon.expected_codes, mon.url_path, mon.http_method, mon.tenant_id, mon.project_id) == ("200", "/", "GET", P1, P1)
    assert mon.pools[0].id == pool.id and mon.monitor_port == 112
    assert sdk.show_pool(m2.ShowPoolRequest(pool_id=pool.id)).pool.healthmonitor_id == mon.id
    mon = sdk.update_healthmonitor(m2.UpdateHealthmonitorRequest(mon.id, m2.UpdateHealthmonitorRequestBody(
        healthmonitor=m2.UpdateHealthmonitorReq(type="HTTP", url_path="/check", delay=8)))).healthmonitor
    assert (mon.type, mon.url_path, mon.delay) == ("HTTP", "/check", 8)
    listed = sdk.list_healthmonitors(m2.ListHealthmonitorsRequest(type="HTTP", delay=8))
    assert [x.id for x in listed.healthmonitors] == [mon.id]
    assert sdk.show_healthmonitors(m2.ShowHealthmonitorsRequest(healthmonitor_id=mon.id)).healthmonitor.delay == 8
    with pytest.raises(exceptions.ClientRequestException) as info:
        sdk.delete_pool(m2.DeletePoolRequest(pool_id=pool.id))
    assert info.value.status_code == 409 and info.value.error_code == "ELB.8907"
    sdk.delete_healthmonitor(m2.DeleteHealthmonitorRequest(healthmonitor_id=mon.id))
    assert sdk.show_pool(m2.ShowPoolRequest(pool_id=pool.id)).pool.healthmonitor_id is None
    sdk.delete_pool(m2.DeletePoolRequest(pool_id=pool.id))
    sdk.delete_listener(m2.DeleteListenerRequest(listener_id=listener.id))
    sdk.delete_loadbalancer(m2.DeleteLoadbalancerRequest(loadbalancer_id=lb.id))
    with pytest.raises(exceptions.ClientRequestException) as info:
        sdk.show_loadbalancer(m2.ShowLoadbalancerRequest(loadbalancer_id=lb.id))
    assert info.value.status_code == 404


def test_seed_example_body_and_defaults(api):
    # The body of the API page's example.
    body = {"healthmonitor": {"admin_state_up": True, "pool_id": pool_id("shared-http-pool"), "domain_name": "www.test.com",
                              "delay": 10, "max_retries": 10, "max_retries_down": 5, "timeout": 10, "type": "HTTP"}}
    resp = api.signed("POST", NEUTRON + "/healthmonitors", body=body)
    assert resp.status_code == 201, resp.text
    mon = resp.json()["healthmonitor"]
    assert set(mon) == {"id", "project_id", "tenant_id", "name", "admin_state_up", "monitor_port", "timeout", "type",
                        "expected_codes", "domain_name", "url_path", "http_method", "delay", "max_retries", "pools", "max_retries_down"}
    assert (mon["name"], mon["expected_codes"], mon["http_method"], mon["url_path"], mon["monitor_port"], mon["max_retries_down"]) == (
        "", "200", "GET", "/", None, 5)
    # expected_codes is reserved: the server always answers "200".
    mon2 = create(api, "shared-tcp-pool", type="TCP", expected_codes="202").json()["healthmonitor"]
    assert mon2["expected_codes"] == "200" and mon2["max_retries_down"] == 3


def test_both_forms_share_state(api):
    mon = create(api, "shared-tcp-pool", type="TCP").json()["healthmonitor"]
    got = api.signed("GET", SDK_BASE + "/healthmonitors/" + mon["id"])
    assert got.status_code == 200 and got.json()["healthmonitor"] == mon
    assert api.signed("GET", NEUTRON + "/pools/" + pool_id("shared-tcp-pool")).json()["pool"]["healthmonitor_id"] == mon["id"]
    assert api.signed("DELETE", SDK_BASE + "/healthmonitors/" + mon["id"]).status_code == 204
    neutron_err(api.signed("GET", NEUTRON + "/healthmonitors/" + mon["id"]), 404, "HTTPNotFound")


@pytest.mark.parametrize("fields", [
    {"delay": 0}, {"timeout": 51}, {"max_retries": 11}, {"max_retries_down": 0}, {"type": "HTTPS"}, {"type": "GRPC"},
    {"monitor_port": 0}, {"url_path": "x"}, {"url_path": "/" + "a" * 80}, {"domain_name": "a" * 101},
    {"domain_name": ".bad"}, {"http_method": "FETCH"}, {"expected_codes": "2000000"}, {"name": "n" * 256},
    {"tenant_id": "someone-else"},
])
def test_validation_both_forms(api, fields):
    neutron_err(create(api, "shared-http-pool", **fields), 400, "HTTPBadRequest")
    elb_err(create(api, "shared-http-pool", base=SDK_BASE, **fields), 400, "ELB.8902")


def test_v2_accepts_all_http_methods(api):
    assert create(api, "shared-http-pool", http_method="PATCH").json()["healthmonitor"]["http_method"] == "PATCH"


def test_compatibility_and_conflict(api):
    neutron_err(create(api, "shared-udp-pool", type="TCP"), 400, "HTTPBadRequest")
    neutron_err(create(api, "shared-tcp-pool", type="UDP_CONNECT"), 400, "HTTPBadRequest")
    assert create(api, "shared-udp-pool", type="UDP_CONNECT").status_code == 201
    neutron_err(create(api, "shared-udp-pool", type="UDP_CONNECT"), 409, "HTTPConflict")
    elb_err(create(api, "shared-udp-pool", base=SDK_BASE, type="UDP_CONNECT"), 409, "ELB.8907")


def test_type_change_rule(api):
    udp = create(api, "shared-udp-pool", type="UDP_CONNECT").json()["healthmonitor"]
    resp = api.signed("PUT", SDK_BASE + "/healthmonitors/" + udp["id"], body={"healthmonitor": {"type": "TCP"}})
    body = elb_err(resp, 400, "ELB.9899")
    assert body["error_msg"] == "Can only update type of the healthmonitor with TCP or HTTP which binds to TCP or HTTP pool"
    neutron_err(api.signed("PUT", NEUTRON + "/healthmonitors/" + udp["id"], body={"healthmonitor": {"type": "HTTP"}}), 400, "HTTPBadRequest")
    # Same type: not a change.
    assert api.signed("PUT", NEUTRON + "/healthmonitors/" + udp["id"], body={"healthmonitor": {"type": "UDP_CONNECT", "delay": 7}}).status_code == 200
    tcp = create(api, "shared-tcp-pool", type="TCP").json()["healthmonitor"]
    resp = api.signed("PUT", NEUTRON + "/healthmonitors/" + tcp["id"], body={"healthmonitor": {"type": "HTTP"}})
    assert resp.status_code == 200 and resp.json()["healthmonitor"]["type"] == "HTTP"
    elb_err(api.signed("PUT", SDK_BASE + "/healthmonitors/" + tcp["id"], body={"healthmonitor": {"type": "UDP_CONNECT"}}), 400, "ELB.9899")


def test_pool_needs_a_parent(api):
    neutron_err(api.signed("POST", NEUTRON + "/pools", body={"pool": {"protocol": "TCP", "lb_algorithm": "ROUND_ROBIN"}}), 400, "HTTPBadRequest")
    resp = api.signed("POST", NEUTRON + "/pools", body={"pool": {"protocol": "HTTP", "lb_algorithm": "ROUND_ROBIN", "loadbalancer_id": LB_ID}})
    assert resp.status_code == 201 and resp.json()["pool"]["healthmonitor_id"] is None


def test_neutron_links(api):
    api.admin("POST", "bulk", {"family": "v2", "count": 5, "protocol": "TCP", "monitor": {"type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}})
    everything = [x["id"] for x in api.signed("GET", NEUTRON + "/healthmonitors").json()["healthmonitors"]]
    assert len(everything) == 5
    resp = api.signed("GET", NEUTRON + "/healthmonitors").json()
    assert "healthmonitors_links" not in resp

    def page(query):
        resp = api.signed("GET", NEUTRON + "/healthmonitors", query=query)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        links = {link["rel"]: parse_qs(urlsplit(link["href"]).query) for link in body["healthmonitors_links"]}
        return [x["id"] for x in body["healthmonitors"]], links, body["healthmonitors_links"]

    def page2(query):
        return page(query)[:2]

    ids, links, raw = page({"limit": 2, "type": "TCP"})
    assert ids == everything[:2] and set(links) == {"next"}
    assert links["next"]["marker"] == [everything[1]] and links["next"]["type"] == ["TCP"]
    assert raw[0]["href"].startswith(api.base + NEUTRON + "/healthmonitors?")
    ids, links = page2({"limit": 2, "marker": everything[1]})
    assert ids == everything[2:4] and set(links) == {"next", "previous"}
    assert links["previous"]["page_reverse"] == ["True"] and links["previous"]["marker"] == [everything[2]]
    ids, links = page2({"limit": 2, "marker": everything[3]})
    assert ids == everything[4:] and set(links) == {"previous"}
    ids, links = page2({"limit": 2, "marker": everything[2], "page_reverse": "True"})
    assert ids == everything[0:2] and set(links) == {"next"}
    # The SDK form has no links; an unknown marker is a 400.
    assert "healthmonitors_links" not in api.signed("GET", SDK_BASE + "/healthmonitors", query={"limit": 2}).json()
    neutron_err(api.signed("GET", NEUTRON + "/healthmonitors", query={"limit": 2, "marker": "nope"}), 400, "HTTPBadRequest")


def test_v2_list_filters(api):
    create(api, "shared-http-pool", name="web", delay=7)
    create(api, "shared-tcp-pool", type="TCP", name="db")

    def names(query):
        return [x["name"] for x in api.signed("GET", NEUTRON + "/healthmonitors", query=query).json()["healthmonitors"]]

    assert names({"name": "web"}) == ["web"]
    assert names({"type": "TCP"}) == ["db"]
    assert names({"delay": 7}) == ["web"]
    assert names({"admin_state_up": "true"}) == ["web", "db"]
    assert names({"expected_codes": "200", "timeout": 3}) == ["web", "db"]
    pools = api.signed("GET", NEUTRON + "/pools", query={"name": "shared-udp-pool"}).json()["pools"]
    assert [p["id"] for p in pools] == [pool_id("shared-udp-pool")]
