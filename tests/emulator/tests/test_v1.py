# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classic ELB v1.0: load balancers, listeners and health checks (raw signed and token requests)."""

from __future__ import annotations

import re

import pytest

from ..seed import seed_id

from .conftest import P1

BASE = "/v1.0/%s/elbaas" % P1
HEX32 = re.compile(r"^[0-9a-f]{32}$")
CLASSIC_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
LB = seed_id(P1, "v1", "loadbalancer", "classic-lb")
INTERNAL_LB = seed_id(P1, "v1", "loadbalancer", "classic-internal-lb")


def listener(name):
    """Id of a seeded classic listener."""
    return seed_id(P1, "v1", "listener", name)


def classic_err(resp, status, code):
    assert resp.status_code == status, resp.text
    assert set(resp.json()) == {"error"} and resp.json()["error"]["code"] == code
    assert resp.json()["error"]["message"]


def test_seed_topology(api):
    lbs = api.signed("GET", BASE + "/loadbalancers").json()
    assert [(x["name"], x["type"]) for x in lbs["loadbalancers"]] == [("classic-lb", "External"), ("classic-internal-lb", "Internal")]
    assert lbs["instance_num"] == "2"
    items = api.signed("GET", BASE + "/listeners", query={"loadbalancer_id": LB}).json()
    assert isinstance(items, list)
    assert [(x["name"], x["protocol"], x["port"], x["backend_protocol"], x["backend_port"]) for x in items] == [
        ("classic-http-listener", "HTTP", 80, "HTTP", 8080), ("classic-tcp-listener", "TCP", 3306, "TCP", 3306),
        ("classic-udp-listener", "UDP", 53, "UDP", 53)]
    assert all(x["healthcheck_id"] is None and HEX32.match(x["id"]) for x in items)
    internal = api.signed("GET", BASE + "/listeners", query={"loadbalancer_id": INTERNAL_LB}).json()
    assert [x["name"] for x in internal] == ["classic-internal-udp-listener"]


def test_seed_example_request_and_response_shape(api):
    body = {"healthcheck_connect_port": 80, "healthcheck_interval": 5, "healthcheck_protocol": "HTTP", "healthcheck_timeout": 10,
            "healthcheck_uri": "/", "healthy_threshold": 3, "listener_id": listener("classic-http-listener"), "unhealthy_threshold": 3}
    resp = api.signed("POST", BASE + "/healthcheck", body=body)
    assert resp.status_code == 200, resp.text
    check = resp.json()
    assert set(check) == {"healthcheck_interval", "listener_id", "id", "healthcheck_protocol", "unhealthy_threshold", "update_time",
                          "create_time", "healthcheck_connect_port", "healthcheck_timeout", "healthcheck_uri", "healthy_threshold"}
    assert HEX32.match(check["id"]) and CLASSIC_TIME.match(check["create_time"]) and CLASSIC_TIME.match(check["update_time"])
    got = api.signed("GET", BASE + "/listeners/" + listener("classic-http-listener")).json()
    assert got["healthcheck_id"] == check["id"]
    assert api.signed("GET", BASE + "/healthcheck/" + check["id"]).json() == check


def test_tcp_example_with_empty_uri_and_defaults(api):
    body = {"healthcheck_connect_port": 80, "healthcheck_interval": 5, "healthcheck_protocol": "TCP", "healthcheck_timeout": 10,
            "healthcheck_uri": "", "healthy_threshold": 3, "listener_id": listener("classic-tcp-listener"), "unhealthy_threshold": 3}
    assert api.signed("POST", BASE + "/healthcheck", body=body).json()["healthcheck_uri"] == ""
    check = api.signed("POST", BASE + "/healthcheck", body={"listener_id": listener("classic-http-listener")}).json()
    assert (check["healthcheck_protocol"], check["healthcheck_uri"], check["healthcheck_connect_port"], check["healthcheck_interval"],
            check["healthcheck_timeout"], check["healthy_threshold"], check["unhealthy_threshold"]) == ("HTTP", "/", 8080, 5, 10, 3, 3)


def test_udp_rules(api):
    resp = api.signed("POST", BASE + "/healthcheck", body={"listener_id": listener("classic-udp-listener"), "healthcheck_protocol": "UDP"})
    assert resp.status_code == 200 and resp.json()["healthcheck_protocol"] == "UDP"
    # Not on a private-network (Internal) balancer.
    body = {"listener_id": listener("classic-internal-udp-listener"), "healthcheck_protocol": "UDP"}
    classic_err(api.signed("POST", BASE + "/healthcheck", body=body), 400, "ELB.8902")
    classic_err(api.signed("POST", BASE + "/healthcheck", body={"listener_id": listener("classic-internal-udp-listener")}), 400, "ELB.8902")
    # Not on a TCP listener.
    body = {"listener_id": listener("classic-tcp-listener"), "healthcheck_protocol": "UDP"}
    classic_err(api.signed("POST", BASE + "/healthcheck", body=body), 400, "ELB.8902")


@pytest.mark.parametrize("fields", [
    {"healthcheck_protocol": "HTTPS"}, {"healthcheck_uri": "no-slash"}, {"healthcheck_uri": "/" + "a" * 80},
    {"healthcheck_uri": "/a b"}, {"healthcheck_connect_port": 0}, {"healthcheck_connect_port": 65536},
    {"healthy_threshold": 0}, {"healthy_threshold": 11}, {"unhealthy_threshold": 11}, {"healthcheck_timeout": 51},
    {"healthcheck_interval": 0}, {"healthcheck_interval": "5"},
])
def test_validation(api, fields):
    body = {"listener_id": listener("classic-http-listener"), "healthcheck_protocol": "HTTP"}
    body.update(fields)
    classic_err(api.signed("POST", BASE + "/healthcheck", body=body), 400, "ELB.8902")


def test_listener_errors_and_conflict(api):
    classic_err(api.signed("POST", BASE + "/healthcheck", body={"healthcheck_protocol": "TCP"}), 400, "ELB.7000")
    classic_err(api.signed("POST", BASE + "/healthcheck", body={"listener_id": "f" * 32}), 404, "ELB.7010")
    classic_err(api.signed("GET", BASE + "/healthcheck/" + "0" * 32), 404, "ELB.7020")
    classic_err(api.signed("DELETE", BASE + "/healthcheck/" + "0" * 32), 404, "ELB.7020")
    body = {"listener_id": listener("classic-tcp-listener"), "healthcheck_protocol": "TCP"}
    assert api.signed("POST", BASE + "/healthcheck", body=body).status_code == 200
    classic_err(api.signed("POST", BASE + "/healthcheck", body=body), 409, "ELB.8907")


def test_update_and_delete(api):
    check = api.signed("POST", BASE + "/healthcheck", body={"listener_id": listener("classic-tcp-listener")}).json()
    url = BASE + "/healthcheck/" + check["id"]
    resp = api.signed("PUT", url, body={"healthcheck_protocol": "HTTP", "healthcheck_interval": 9, "healthcheck_uri": "/ping"})
    assert resp.status_code == 200, resp.text
    assert (resp.json()["healthcheck_protocol"], resp.json()["healthcheck_interval"], resp.json()["healthcheck_uri"]) == ("HTTP", 9, "/ping")
    classic_err(api.signed("PUT", url, body={"healthy_threshold": 20}), 400, "ELB.8902")
    classic_err(api.signed("PUT", url, body={"listener_id": listener("classic-http-listener")}), 400, "ELB.8902")
    assert api.signed("DELETE", url).status_code == 204
    assert api.signed("GET", BASE + "/listeners/" + listener("classic-tcp-listener")).json()["healthcheck_id"] is None
    classic_err(api.signed("GET", url), 404, "ELB.7020")


def test_token_auth_and_parent_crud(api):
    token = api.token()
    resp = api.with_token("POST", BASE + "/loadbalancers", token, body={
        "name": "elb-new", "description": "x", "vpc_id": "vpc-1", "bandwidth": 10, "type": "External", "admin_state_up": 1,
        "vip_subnet_id": "subnet-1", "az": "cn-north-4a", "chargemode": "traffic", "eip_type": "5_bgp", "tenantid": P1})
    assert resp.status_code == 200, resp.text
    lb = resp.json()
    assert HEX32.match(lb["id"]) and lb["job_id"] and lb["status"] == "ACTIVE"
    job = api.with_token("GET", "/v1.0/%s/jobs/%s" % (P1, lb["job_id"]), token).json()
    assert job["status"] == "SUCCESS" and job["entities"]["elb"]["id"] == lb["id"]
    resp = api.with_token("POST", BASE + "/listeners", token, body={
        "name": "l1", "loadbalancer_id": lb["id"], "protocol": "TCP", "port": 8080, "backend_protocol": "TCP", "backend_port": 80,
        "lb_algorithm": "roundrobin", "tcp_timeout": 10, "tcp_draining": True, "tcp_draining_timeout": 60})
    assert resp.status_code == 200, resp.text
    lis = resp.json()
    assert lis["healthcheck_id"] is None and lis["tcp_draining_timeout"] == 60
    resp = api.with_token("PUT", BASE + "/listeners/" + lis["id"], token, body={"name": "l2", "backend_port": 81})
    assert resp.json()["name"] == "l2" and resp.json()["backend_port"] == 81
    assert api.with_token("POST", BASE + "/healthcheck", token, body={"listener_id": lis["id"]}).status_code == 200
    classic_err(api.with_token("DELETE", BASE + "/loadbalancers/" + lb["id"], token), 409, "ELB.8907")
    assert api.with_token("DELETE", BASE + "/listeners/" + lis["id"], token).status_code == 204
    assert api.with_token("DELETE", BASE + "/loadbalancers/" + lb["id"], token).status_code == 200
    classic_err(api.with_token("GET", BASE + "/loadbalancers/" + lb["id"], token), 404, "ELB.1002")
    classic_err(api.with_token("POST", BASE + "/listeners", token, body={
        "loadbalancer_id": LB, "protocol": "UDP", "port": 1, "backend_protocol": "TCP", "backend_port": 1}), 400, "ELB.8902")
    classic_err(api.with_token("POST", BASE + "/loadbalancers", token, body={"name": "x", "type": "Public"}), 400, "ELB.8902")
