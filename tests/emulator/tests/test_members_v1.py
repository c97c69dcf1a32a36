# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classic ELB v1.0 listener members: add and remove through jobs, health_status from real probes."""

from __future__ import annotations

from ..seed import seed_id
from .backends import backends_fixture, closed_port  # noqa: F401  pylint: disable=unused-import
from .conftest import P1

BASE = "/v1.0/%s/elbaas" % P1
LB_ID = seed_id(P1, "v1", "loadbalancer", "classic-lb")


def listener_for(api, backend_port, protocol="HTTP"):
    resp = api.signed("POST", BASE + "/listeners", body={"loadbalancer_id": LB_ID, "name": "members", "protocol": protocol,
                                                         "port": 8000, "backend_protocol": protocol, "backend_port": backend_port})
    assert resp.status_code == 200, resp.text
    return resp.json()["id"]


def members_of(api, listener_id, **query):
    resp = api.signed("GET", BASE + "/listeners/%s/members" % listener_id, query=query)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_classic_members_normal_abnormal(api, backends):
    api.admin("POST", "config", {"probe_background": False, "probe_time_scale": 0.5})
    backend = backends.http(200)
    listener_id = listener_for(api, backend.port)
    url = BASE + "/listeners/%s/members" % listener_id
    resp = api.signed("POST", url, body=[{"server_id": "ecs-1", "address": "127.0.0.1"},
                                         {"server_id": "ecs-2", "address": "127.0.0.2"}])
    assert resp.status_code == 200, resp.text
    job = api.signed("GET", resp.json()["uri"]).json()
    assert job["status"] == "SUCCESS" and job["job_type"] == "addMember"
    assert [m["address"] for m in job["entities"]["members"]] == ["127.0.0.1", "127.0.0.2"]
    listed = members_of(api, listener_id)
    assert [(m["server_id"], m["address"], m["status"], m["health_status"], m["listeners"]) for m in listed] == [
        ("ecs-1", "127.0.0.1", "ACTIVE", "UNAVAILABLE", [{"id": listener_id}]),
        ("ecs-2", "127.0.0.2", "ACTIVE", "UNAVAILABLE", [{"id": listener_id}])]
    assert api.signed("GET", BASE + "/listeners/" + listener_id).json()["member_number"] == 2

    # The backend listens on 127.0.0.1 only, so 127.0.0.2 is refused.
    check = {"listener_id": listener_id, "healthcheck_interval": 1, "healthcheck_timeout": 1, "healthy_threshold": 2, "unhealthy_threshold": 2}
    resp = api.signed("POST", BASE + "/healthcheck", body=check)
    assert resp.status_code == 200, resp.text
    api.admin("POST", "probe")
    assert [m["health_status"] for m in members_of(api, listener_id)] == ["UNAVAILABLE", "UNAVAILABLE"]
    api.admin("POST", "probe")
    assert [m["health_status"] for m in members_of(api, listener_id)] == ["NORMAL", "ABNORMAL"]
    assert [m["server_id"] for m in members_of(api, listener_id, health_status="NORMAL")] == ["ecs-1"]
    backend.status = 500
    api.admin("POST", "probe", {"rounds": 2})
    assert [m["health_status"] for m in members_of(api, listener_id)] == ["ABNORMAL", "ABNORMAL"]
    assert backend.requests[-1] == ("GET", "/", "203.0.113.10")  # Host: the classic balancer's VIP

    # Validation, conflicts, removal.
    resp = api.signed("POST", url, body=[{"server_id": "ecs-3", "address": "127.0.0.1"}])
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "ELB.8907"
    for bad in ([], {"server_id": "x"}, [{"server_id": "x", "address": "nope"}], [{"address": "127.0.0.9"}]):
        resp = api.signed("POST", url, body=bad)
        assert resp.status_code == 400 and "error" in resp.json(), resp.text
    resp = api.signed("POST", url + "/action", body={"removeMember": [{"id": "missing"}]})
    assert resp.status_code == 404
    first = members_of(api, listener_id)[0]["id"]
    resp = api.signed("POST", url + "/action", body={"removeMember": [{"id": first}]})
    assert resp.status_code == 200 and api.signed("GET", resp.json()["uri"]).json()["job_type"] == "removeMember"
    assert [m["server_id"] for m in members_of(api, listener_id)] == ["ecs-2"]
    assert api.signed("GET", BASE + "/listeners/nope/members").status_code == 404

    # Writes wait for an ACTIVE balancer.
    api.admin("POST", "config", {"pending_seconds": 30})
    api.signed("PUT", BASE + "/listeners/" + listener_id, body={"name": "renamed"})
    resp = api.signed("POST", url, body=[{"server_id": "ecs-4", "address": "127.0.0.4"}])
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "ELB.8907"


def test_classic_tcp_member_and_no_check(api, backends):
    api.admin("POST", "config", {"probe_background": False, "probe_time_scale": 0.5})
    listening = backends.tcp()
    listener_id = listener_for(api, listening.port, "TCP")
    url = BASE + "/listeners/%s/members" % listener_id
    api.signed("POST", url, body=[{"server_id": "ecs-1", "address": "127.0.0.1"}, {"server_id": "far", "address": "10.0.0.5"}])
    api.admin("POST", "probe")
    assert [m["health_status"] for m in members_of(api, listener_id)] == ["UNAVAILABLE", "UNAVAILABLE"]  # no health check
    api.signed("POST", BASE + "/healthcheck", body={"listener_id": listener_id, "healthy_threshold": 1, "healthcheck_timeout": 1})
    api.admin("POST", "probe")
    assert [m["health_status"] for m in members_of(api, listener_id)] == ["NORMAL", "UNAVAILABLE"]
    assert api.admin("GET", "stats").json()["probes"]["total"] == 1
    other = listener_for(api, closed_port(), "TCP")
    api.signed("POST", BASE + "/listeners/%s/members" % other, body=[{"server_id": "ecs-1", "address": "127.0.0.1"}])
    api.signed("POST", BASE + "/healthcheck", body={"listener_id": other, "unhealthy_threshold": 1, "healthcheck_timeout": 1})
    api.admin("POST", "probe")
    assert [m["health_status"] for m in members_of(api, other)] == ["ABNORMAL"]
