# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""v3 and v2 side by side: the differences their declarations in elb_v3.py / elb_v2.py encode.

The handlers are shared (elb_family.py); these tests pin what each family declares for
its parent resources (load balancers, listeners, pools) and monitors.
"""

from __future__ import annotations

import pytest

from ..seed import seed_id

from .conftest import P1

BASES = {"v3": "/v3/%s/elb" % P1, "v2": "/v2/%s/elb" % P1}
LBS = {"v3": seed_id(P1, "v3", "loadbalancer", "demo-lb"), "v2": seed_id(P1, "v2", "loadbalancer", "shared-lb")}
TCP_POOLS = {"v3": seed_id(P1, "v3", "pool", "demo-tcp-pool"), "v2": seed_id(P1, "v2", "pool", "shared-tcp-pool")}


def call(api, family, method, path, body=None):
    """A signed call on the family's /{v3,v2}/{project_id}/elb path."""
    return api.signed(method, BASES[family] + path, body=body)


def error_code(resp, status):
    assert resp.status_code == status, resp.text
    return resp.json()["error_code"]


@pytest.mark.parametrize("family", ["v3", "v2"])
def test_request_id_only_in_v3_answers(api, family):
    listener = {"loadbalancer_id": LBS[family], "protocol": "TCP", "protocol_port": 8080}
    answers = [
        call(api, family, "POST", "/loadbalancers", {"loadbalancer": {"name": "x"}}),
        call(api, family, "POST", "/listeners", {"listener": listener}),
        call(api, family, "GET", "/pools/" + TCP_POOLS[family]),
        call(api, family, "GET", "/pools"),
        call(api, family, "PUT", "/loadbalancers/" + LBS[family], {"loadbalancer": {"name": "renamed"}}),
    ]
    for resp in answers:
        assert resp.status_code in (200, 201), resp.text
        assert ("request_id" in resp.json()) == (family == "v3")
        if family == "v3":
            assert list(resp.json())[0] == "request_id" and resp.json()["request_id"] == resp.headers["X-Request-Id"]
    created = answers[0].json()
    assert created["loadbalancer_id"] == created["loadbalancer"]["id"]
    assert ("page_info" in answers[3].json()) == (family == "v3")


def test_listener_port_rules(api):
    # v3: protocol_port optional, 0 allowed; v2: required, 1-65535.
    for port in (0, None):
        body = {"loadbalancer_id": LBS["v3"], "protocol": "UDP"}
        if port is not None:
            body["protocol_port"] = port
        assert call(api, "v3", "POST", "/listeners", {"listener": body}).status_code == 201
        body["loadbalancer_id"] = LBS["v2"]
        assert error_code(call(api, "v2", "POST", "/listeners", {"listener": body}), 400) == "ELB.8902"
    resp = call(api, "v3", "POST", "/listeners", {"listener": {"loadbalancer_id": LBS["v3"], "protocol": "TERMINATED_HTTPS"}})
    assert error_code(resp, 400) == "ELB.8902"
    resp = call(api, "v2", "POST", "/listeners", {"listener": {"loadbalancer_id": LBS["v2"], "protocol": "TERMINATED_HTTPS", "protocol_port": 443}})
    assert resp.status_code == 201


def test_pool_parents(api):
    # v3: a pool may have no parent, but given ids must be strings; v2: a parent is required.
    resp = call(api, "v3", "POST", "/pools", {"pool": {"protocol": "TCP"}})
    assert resp.status_code == 201 and resp.json()["pool"]["loadbalancers"] == []
    assert error_code(call(api, "v3", "POST", "/pools", {"pool": {"protocol": "TCP", "loadbalancer_id": 5}}), 400) == "ELB.8902"
    assert error_code(call(api, "v2", "POST", "/pools", {"pool": {"protocol": "TCP"}}), 400) == "ELB.8902"
    assert error_code(call(api, "v2", "POST", "/pools", {"pool": {"protocol": "TCP", "loadbalancer_id": 5}}), 404) == "ELB.8904"


def test_update_immutable_and_ignored_fields(api):
    # v2: vip_subnet_id may be repeated but not changed; v3: the same for a pool's any_port_enable.
    lb = call(api, "v2", "POST", "/loadbalancers", {"loadbalancer": {"vip_subnet_id": "subnet-1"}}).json()["loadbalancer"]
    same = call(api, "v2", "PUT", "/loadbalancers/" + lb["id"], {"loadbalancer": {"vip_subnet_id": "subnet-1", "name": "n"}})
    assert same.status_code == 200 and same.json()["loadbalancer"]["name"] == "n"
    assert error_code(call(api, "v2", "PUT", "/loadbalancers/" + lb["id"], {"loadbalancer": {"vip_subnet_id": "subnet-2"}}), 400) == "ELB.8902"
    pool = "/pools/" + seed_id(P1, "v3", "pool", "demo-ip-any-port-pool")
    assert call(api, "v3", "PUT", pool, {"pool": {"any_port_enable": True}}).status_code == 200
    assert error_code(call(api, "v3", "PUT", pool, {"pool": {"any_port_enable": False}}), 400) == "ELB.8902"
    # Read-only keys are ignored: tenant_id on v2, request_id on v3.
    resp = call(api, "v2", "PUT", "/loadbalancers/" + lb["id"], {"loadbalancer": {"tenant_id": "other", "id": "other"}})
    assert (resp.json()["loadbalancer"]["tenant_id"], resp.json()["loadbalancer"]["id"]) == (P1, lb["id"])
    resp = call(api, "v3", "PUT", "/loadbalancers/" + LBS["v3"], {"loadbalancer": {"request_id": "mine"}})
    assert resp.status_code == 200 and "request_id" not in resp.json()["loadbalancer"]


def test_pool_timestamps_and_empty_monitor_id(api):
    # v3 pools carry timestamps and show "" without a monitor; v2 pools have no timestamps and show null.
    for family, empty in (("v3", ""), ("v2", None)):
        path = "/pools/" + TCP_POOLS[family]
        monitor = {"pool_id": TCP_POOLS[family], "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}
        mon = call(api, family, "POST", "/healthmonitors", {"healthmonitor": monitor}).json()["healthmonitor"]
        assert ("updated_at" in mon) == (family == "v3")
        assert call(api, family, "PUT", path, {"pool": {"name": "renamed"}}).status_code == 200
        assert call(api, family, "DELETE", "/healthmonitors/" + mon["id"]).status_code == 204
        pool = call(api, family, "GET", path).json()["pool"]
        assert pool["healthmonitor_id"] == empty and pool["name"] == "renamed"
        stamps = {"created_at", "updated_at"}
        assert stamps & set(pool) == (stamps if family == "v3" else set())


def test_body_project_keys(api):
    # v3 checks project_id; v2 checks tenant_id and project_id.
    other = "fedcba9876543210fedcba9876543210"
    assert error_code(call(api, "v3", "POST", "/loadbalancers", {"loadbalancer": {"project_id": other}}), 400) == "ELB.8902"
    assert call(api, "v3", "POST", "/loadbalancers", {"loadbalancer": {"tenant_id": other}}).status_code == 201
    for key in ("tenant_id", "project_id"):
        resp = call(api, "v2", "POST", "/loadbalancers", {"loadbalancer": {key: other}})
        assert error_code(resp, 400) == "ELB.8902" and "project of the token" in resp.json()["error_msg"]


def test_monitor_update_null_http_method(api):
    # v2 shows http_method for every type and null puts back GET; v3 shows it for HTTP/HTTPS only.
    for family, shown in (("v3", None), ("v2", "GET")):
        monitor = {"pool_id": TCP_POOLS[family], "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3, "http_method": "HEAD"}
        mon = call(api, family, "POST", "/healthmonitors", {"healthmonitor": monitor}).json()["healthmonitor"]
        resp = call(api, family, "PUT", "/healthmonitors/" + mon["id"], {"healthmonitor": {"http_method": None}})
        assert resp.status_code == 200 and resp.json()["healthmonitor"]["http_method"] == shown
        resp = call(api, family, "PUT", "/healthmonitors/" + mon["id"], {"healthmonitor": {"type": "HTTP"}})
        assert resp.status_code == 200 and resp.json()["healthmonitor"]["http_method"] == "GET"
