# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection, rate limiting, pending balancers and request statistics."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from ..seed import seed_id

from .conftest import P1

MONITORS = "/v3/%s/elb/healthmonitors" % P1
LB_ID = seed_id(P1, "v3", "loadbalancer", "demo-lb")


def add(api, *rules):
    resp = api.admin("POST", "faults", {"rules": list(rules)})
    assert resp.status_code == 200, resp.text
    return resp.json()["rules"]


def new_monitor(api, pool="demo-http-pool"):
    body = {"healthmonitor": {"pool_id": seed_id(P1, "v3", "pool", pool), "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}
    return api.signed("POST", MONITORS, body=body)


def test_status_fault_with_times_and_retry_after(api):
    add(api, {"method": "GET", "path": "/healthmonitors$", "status": 503, "times": 2, "retry_after": 3})
    for _round in range(2):
        resp = api.signed("GET", MONITORS)
        assert resp.status_code == 503 and resp.headers["Retry-After"] == "3"
        assert resp.json()["error_code"].startswith("APIGW.") and resp.json()["request_id"]
    assert api.signed("GET", MONITORS).status_code == 200
    assert api.admin("GET", "faults").json()["rules"] == []


def test_429_and_500_bodies_and_overrides(api):
    add(api, {"path": "healthmonitors", "status": 429, "times": 1},
        {"path": "healthmonitors", "status": 500, "times": 1},
        {"path": "healthmonitors", "status": 409, "times": 1, "error_code": "ELB.8905", "error_msg": "Quota exceeded."})
    resp = api.signed("GET", MONITORS)
    assert resp.status_code == 429 and resp.json()["error_code"] == "APIGW.0308"
    assert resp.json()["error_msg"].startswith("The throttling threshold has been reached: ")
    resp = api.signed("GET", MONITORS)
    assert resp.status_code == 500 and resp.json()["error_code"] == "ELB.8906"
    resp = api.signed("GET", MONITORS)
    assert resp.status_code == 409 and resp.json() == {"error_msg": "Quota exceeded.", "error_code": "ELB.8905",
                                                       "request_id": resp.headers["X-Request-Id"]}


def test_fault_bodies_follow_the_family(api):
    add(api, {"path": "^/v2.0/", "status": 404, "times": 1}, {"path": "^/v1.0/", "status": 400, "times": 1})
    resp = api.signed("GET", "/v2.0/lbaas/pools")
    assert resp.status_code == 404 and resp.json()["NeutronError"]["type"] == "HTTPNotFound"
    resp = api.signed("GET", "/v1.0/%s/elbaas/listeners" % P1)
    assert resp.status_code == 400 and set(resp.json()["error"]) == {"message", "code"}


def test_rules_are_checked_in_order_and_method_filters(api):
    rules = add(api, {"method": "POST", "path": "healthmonitors", "status": 500},
                {"path": "healthmonitors", "status": 502, "times": 1})
    assert [r["status"] for r in rules] == [500, 502] and rules[0]["times"] is None
    assert api.signed("GET", MONITORS).status_code == 502
    assert api.signed("GET", MONITORS).status_code == 200
    assert new_monitor(api).status_code == 500
    assert new_monitor(api).status_code == 500
    assert api.admin("DELETE", "faults").status_code == 200
    assert new_monitor(api).status_code == 201


def test_delay(api):
    add(api, {"path": "healthmonitors", "delay_s": 0.4, "times": 1})
    start = time.monotonic()
    assert api.signed("GET", MONITORS).status_code == 200
    assert time.monotonic() - start >= 0.4
    start = time.monotonic()
    assert api.signed("GET", MONITORS).status_code == 200
    assert time.monotonic() - start < 0.4


def test_delay_then_status(api):
    add(api, {"path": "healthmonitors", "delay_s": 0.2, "status": 504, "times": 1})
    start = time.monotonic()
    assert api.signed("GET", MONITORS).status_code == 504
    assert time.monotonic() - start >= 0.2


def test_drop_closes_without_answer(api):
    add(api, {"path": "healthmonitors", "drop": True, "times": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        api.signed("GET", MONITORS)
    assert api.signed("GET", MONITORS).status_code == 200
    stats = api.admin("GET", "stats").json()
    assert [r["status"] for r in stats["requests"]] == [0, 200]


def test_after_apply_drop_does_the_work(api):
    add(api, {"method": "POST", "path": "healthmonitors$", "drop": True, "after_apply": True, "times": 1})
    with pytest.raises(requests.exceptions.ConnectionError):
        new_monitor(api)
    pool = api.signed("GET", "/v3/%s/elb/pools/%s" % (P1, seed_id(P1, "v3", "pool", "demo-http-pool"))).json()["pool"]
    assert pool["healthmonitor_id"]
    # A retried POST now conflicts, as on the real service.
    assert new_monitor(api).status_code == 409


def test_after_apply_with_status(api):
    add(api, {"method": "POST", "path": "healthmonitors$", "status": 500, "after_apply": True, "times": 1})
    resp = new_monitor(api)
    assert resp.status_code == 500
    assert len(api.signed("GET", MONITORS).json()["healthmonitors"]) == 1


def test_bad_rules(api):
    for rule in ({"path": "("}, {"status": 42}, {"times": -1}, {"delay_s": "x"}, {"bogus": 1}):
        assert api.admin("POST", "faults", {"rules": [rule]}).status_code == 400
    assert api.admin("GET", "faults").json()["rules"] == []


def test_rate_limit(api):
    assert api.admin("POST", "config", {"rate_limit_per_s": 3}).json()["rate_limit_per_s"] == 3
    codes = [api.signed("GET", MONITORS).status_code for _round in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    resp = api.signed("GET", MONITORS)
    assert resp.json()["error_code"] == "APIGW.0308"
    time.sleep(1.05)
    assert api.signed("GET", MONITORS).status_code == 200
    api.admin("POST", "config", {"rate_limit_per_s": 0})
    assert all(api.signed("GET", MONITORS).status_code == 200 for _round in range(6))


def test_pending_seconds(api):
    api.admin("POST", "config", {"pending_seconds": 0.6})
    mon = new_monitor(api).json()["healthmonitor"]
    lb = api.signed("GET", "/v3/%s/elb/loadbalancers/%s" % (P1, LB_ID)).json()["loadbalancer"]
    assert lb["provisioning_status"] == "PENDING_UPDATE"
    resp = api.signed("PUT", MONITORS + "/" + mon["id"], body={"healthmonitor": {"delay": 9}})
    assert resp.status_code == 409 and resp.json()["error_code"] == "ELB.8907"
    assert api.signed("DELETE", MONITORS + "/" + mon["id"]).status_code == 409
    assert new_monitor(api, "demo-tcp-pool").status_code == 409
    listed = api.signed("GET", "/v3/%s/elb/loadbalancers" % P1, query={"provisioning_status": "PENDING_UPDATE"}).json()
    assert [x["id"] for x in listed["loadbalancers"]] == [LB_ID]
    time.sleep(0.65)
    assert api.signed("GET", "/v3/%s/elb/loadbalancers/%s" % (P1, LB_ID)).json()["loadbalancer"]["provisioning_status"] == "ACTIVE"
    assert api.signed("PUT", MONITORS + "/" + mon["id"], body={"healthmonitor": {"delay": 9}}).status_code == 200
    api.admin("POST", "config", {"pending_seconds": None})
    assert api.signed("DELETE", MONITORS + "/" + mon["id"]).status_code == 204


def test_pending_applies_to_v2_and_v1(api):
    api.admin("POST", "config", {"pending_seconds": 5})
    v2_pool = seed_id(P1, "v2", "pool", "shared-tcp-pool")
    body = {"healthmonitor": {"pool_id": v2_pool, "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}
    assert api.signed("POST", "/v2.0/lbaas/healthmonitors", body=body).status_code == 201
    lb = api.signed("GET", "/v2.0/lbaas/loadbalancers/" + seed_id(P1, "v2", "loadbalancer", "shared-lb")).json()["loadbalancer"]
    assert lb["provisioning_status"] == "PENDING_UPDATE"
    body["healthmonitor"]["pool_id"] = seed_id(P1, "v2", "pool", "shared-http-pool")
    resp = api.signed("POST", "/v2.0/lbaas/healthmonitors", body=body)
    assert resp.status_code == 409 and resp.json()["NeutronError"]["type"] == "HTTPConflict"
    listener = seed_id(P1, "v1", "listener", "classic-tcp-listener")
    assert api.signed("POST", "/v1.0/%s/elbaas/healthcheck" % P1, body={"listener_id": listener}).status_code == 200
    resp = api.signed("POST", "/v1.0/%s/elbaas/healthcheck" % P1, body={"listener_id": seed_id(P1, "v1", "listener", "classic-http-listener")})
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "ELB.8907"
    lb = api.signed("GET", "/v1.0/%s/elbaas/loadbalancers/%s" % (P1, seed_id(P1, "v1", "loadbalancer", "classic-lb"))).json()
    assert lb["status"] == "PENDING_UPDATE"


def test_stats(api):
    api.admin("POST", "stats/reset")
    api.signed("GET", MONITORS, query={"limit": 1})
    api.signed("GET", "/v3/%s/elb/healthmonitors/nope" % P1)
    new_monitor(api)
    api.token()
    api.session.get(api.url(MONITORS))  # unauthenticated
    api.admin("GET", "faults")  # admin calls are not counted
    stats = api.admin("GET", "stats").json()
    assert stats["total"] == 5
    assert stats["by_method"] == {"GET": 3, "POST": 2}
    assert stats["requests"] == [
        {"method": "GET", "path": MONITORS, "status": 200},
        {"method": "GET", "path": MONITORS + "/nope", "status": 404},
        {"method": "POST", "path": MONITORS, "status": 201},
        {"method": "POST", "path": "/v3/auth/tokens", "status": 201},
        {"method": "GET", "path": MONITORS, "status": 401},
    ]
    api.admin("POST", "stats/reset")
    assert api.admin("GET", "stats").json() == {"total": 0, "by_method": {}, "requests": [], "probes": {"total": 0, "by_member": {}}}


def test_faulted_requests_are_counted(api):
    api.admin("POST", "stats/reset")
    add(api, {"path": "auth/tokens", "status": 503, "times": 1})
    assert api.session.post(api.url("/v3/auth/tokens"), json={}).status_code == 503
    assert api.admin("GET", "stats").json()["requests"] == [{"method": "POST", "path": "/v3/auth/tokens", "status": 503}]


def test_stats_count_requests_on_arrival(api):
    api.admin("POST", "stats/reset")
    add(api, {"path": "healthmonitors", "delay_s": 0.5, "times": 1})
    result = {}
    worker = threading.Thread(target=lambda: result.update(resp=api.signed("GET", MONITORS)))
    worker.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and api.admin("GET", "stats").json()["total"] == 0:
        time.sleep(0.02)
    assert api.admin("GET", "stats").json()["requests"] == [{"method": "GET", "path": MONITORS, "status": None}]
    worker.join()
    assert result["resp"].status_code == 200
    assert api.admin("GET", "stats").json()["requests"] == [{"method": "GET", "path": MONITORS, "status": 200}]


def test_probability_hits_a_seeded_share_of_requests_and_the_same_seed_repeats_it(api):
    def statuses(seed):
        api.admin("DELETE", "faults")
        assert api.admin("POST", "config", {"seed": seed}).status_code == 200
        add(api, {"method": "GET", "path": "/healthmonitors$", "status": 503, "probability": 0.3})
        return [api.signed("GET", MONITORS).status_code for _round in range(60)]

    first = statuses(7)
    assert set(first) == {200, 503} and 8 <= first.count(503) <= 30
    assert statuses(7) == first
    assert api.admin("GET", "faults").json()["rules"][0]["probability"] == 0.3
    for bad in (1.5, -0.1, True, "half"):
        assert api.admin("POST", "faults", {"path": "x", "status": 503, "probability": bad}).status_code == 400
    assert api.admin("POST", "config", {"seed": "x"}).status_code == 400
    api.admin("DELETE", "faults")
