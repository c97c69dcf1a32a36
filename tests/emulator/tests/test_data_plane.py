# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data plane with real sockets: listeners on loopback forwarding to real backends (api-notes §10).

Every backend and client is on 127.0.0.1; every loop is bounded in count; durations are scaled down
with ``probe_time_scale`` so the tests stay short.
"""

from __future__ import annotations

import http.client
import socket
import time

import pytest

from ..seed import seed_id
from .backends import backends_fixture, closed_port  # noqa: F401  pylint: disable=unused-import
from .conftest import P1

BASE = "/v3/%s/elb" % P1
V2_BASE = "/v2/%s/elb" % P1
LB_ID = seed_id(P1, "v3", "loadbalancer", "demo-lb")
V2_LB_ID = seed_id(P1, "v2", "loadbalancer", "shared-lb")
SCALE = 0.05  # every monitor, drain, slow-start and member timeout runs 20 times faster


@pytest.fixture(name="plane")
def data_plane_on(api):
    """The shared emulator with the data plane on and background probing off (probe rounds decide health)."""
    resp = api.admin("POST", "config", {"data_plane": True, "probe_background": False, "probe_time_scale": SCALE})
    assert resp.status_code == 200 and resp.json()["data_plane"] is True, resp.text
    yield api
    assert api.admin("POST", "config", {"data_plane": False}).json()["data_plane"] is False


def created(resp, key):
    assert resp.status_code == 201, resp.text
    return resp.json()[key]


def listener_with_pool(api, protocol="HTTP", listener=None, pool=None, base=BASE, lb_id=LB_ID):
    """A listener of ``protocol`` and its default pool: (listener id, pool id)."""
    body = {"loadbalancer_id": lb_id, "protocol": protocol, "protocol_port": 80 if protocol == "HTTP" else 3306}
    body.update(listener or {})
    lid = created(api.signed("POST", base + "/listeners", body={"listener": body}), "listener")["id"]
    pool_body = {"listener_id": lid, "protocol": protocol, "lb_algorithm": "ROUND_ROBIN"}
    pool_body.update(pool or {})
    pid = created(api.signed("POST", base + "/pools", body={"pool": pool_body}), "pool")["id"]
    return lid, pid


def add_member(api, pool_id, port, weight=1, address="127.0.0.1", base=BASE, **extra):
    body = {"address": address, "protocol_port": port, "weight": weight}
    body.update(extra)
    return created(api.signed("POST", "%s/pools/%s/members" % (base, pool_id), body={"member": body}), "member")["id"]


def set_weight(api, pool_id, member_id, weight, base=BASE):
    resp = api.signed("PUT", "%s/pools/%s/members/%s" % (base, pool_id, member_id), body={"member": {"weight": weight}})
    assert resp.status_code == 200, resp.text


def add_monitor(api, pool_id, base=BASE, **fields):
    body = {"pool_id": pool_id, "type": "HTTP", "url_path": "/health", "delay": 1, "timeout": 1, "max_retries": 1,
            "max_retries_down": 1}
    body.update(fields)
    return created(api.signed("POST", base + "/healthmonitors", body={"healthmonitor": body}), "healthmonitor")["id"]


def probe(api, rounds=1):
    resp = api.admin("POST", "probe", {"rounds": rounds})
    assert resp.status_code == 200, resp.text


def address_of(api, listener_id):
    entry = api.admin("GET", "data-plane").json()["listeners"][listener_id]
    return entry["host"], entry["port"]


def stats(api):
    return api.admin("GET", "data-plane/stats").json()


def get(address, path="/", count=1, method="GET", body=None, headers=None):
    """``count`` requests on one keep-alive connection: the list of (status, headers, body)."""
    conn = http.client.HTTPConnection(*address, timeout=10)
    out = []
    try:
        for _ in range(count):
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            out.append((resp.status, dict(resp.getheaders()), resp.read()))
    finally:
        conn.close()
    return out


# --- on, off, and following the listeners ----------------------------------------------------

def test_off_by_default_then_on_follows_listeners_and_off_closes(api):
    lid, _pid = listener_with_pool(api)
    assert api.admin("GET", "config").json()["data_plane"] is False
    assert api.admin("GET", "data-plane").json() == {"enabled": False, "listeners": {}}
    assert api.admin("POST", "config", {"data_plane": "yes"}).status_code == 400
    assert api.admin("POST", "config", {"data_plane": True}).status_code == 200
    try:
        view = api.admin("GET", "data-plane").json()
        assert view["enabled"] is True
        entry = view["listeners"][lid]
        assert entry["host"] == "127.0.0.1" and entry["protocol"] == "HTTP" and entry["family"] == "v3"
        udp = created(api.signed("POST", BASE + "/listeners", body={"listener": {
            "loadbalancer_id": LB_ID, "protocol": "UDP", "protocol_port": 53}}), "listener")["id"]
        tcp, _tcp_pool = listener_with_pool(api, "TCP")
        listed = api.admin("GET", "data-plane").json()["listeners"]
        assert udp not in listed and listed[tcp]["protocol"] == "TCP" and listed[lid]["pool_id"] == _pid
        # A deleted listener loses its socket within a second (here: at once, as GET follows the store).
        bound = [p["id"] for p in api.signed("GET", BASE + "/pools", query={"listener_id": tcp}).json()["pools"]]
        for pool_id in bound:
            assert api.signed("DELETE", BASE + "/pools/" + pool_id).status_code == 204
        assert api.signed("DELETE", BASE + "/listeners/" + tcp).status_code == 204
        deadline = time.monotonic() + 1.0
        while tcp in api.admin("GET", "data-plane").json()["listeners"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert tcp not in api.admin("GET", "data-plane").json()["listeners"]
    finally:
        assert api.admin("POST", "config", {"data_plane": False}).status_code == 200
    with pytest.raises(OSError):
        socket.create_connection((entry["host"], entry["port"]), timeout=2).close()
    assert api.admin("GET", "data-plane").json() == {"enabled": False, "listeners": {}}


def test_start_flag_turns_it_on(start_emulator):
    emu = start_emulator("--data-plane")
    assert emu.api.admin("GET", "config").json()["data_plane"] is True
    assert emu.api.admin("POST", "reset").status_code == 200
    assert emu.api.admin("GET", "data-plane").json()["enabled"] is True  # a reset keeps the start value


# --- HTTP (layer 7) ----------------------------------------------------------------------------

def test_http_forwards_answer_and_keeps_client_connection_alive(plane, backends):
    backend = backends.http(status=201)
    backend.body = b"hello "
    lid, pid = listener_with_pool(plane)
    mid = add_member(plane, pid, backend.port)
    address = address_of(plane, lid)
    conn = http.client.HTTPConnection(*address, timeout=10)
    try:
        conn.request("POST", "/echo?x=1", body=b"world", headers={"Host": "shop.example", "X-Trace": "t1"})
        resp = conn.getresponse()
        first_sock = conn.sock
        assert (resp.status, resp.read()) == (201, b"hello world")
        assert resp.getheader("X-Backend-Port") == str(backend.port)
        assert resp.getheader("Connection") is None  # the member's "close" is hop-by-hop: the client keeps its connection
        for _ in range(2):
            conn.request("GET", "/again")
            again = conn.getresponse()
            assert (again.status, again.read()) == (201, b"hello ")
            assert conn.sock is first_sock
    finally:
        conn.close()
    assert backend.requests[0] == ("POST", "/echo?x=1", "shop.example")
    counts = stats(plane)
    assert counts["listeners"][lid]["connections"] == 1 and counts["listeners"][lid]["requests"] == 3
    assert counts["members"][mid] == {"requests": 3, "connections": 0, "active": 0}


def test_weighted_round_robin_follows_the_weights(plane, backends):
    lid, pid = listener_with_pool(plane)
    started = [backends.http() for _ in range(3)]
    ids = [add_member(plane, pid, b.port, weight=w) for b, w in zip(started, (1, 2, 3))]
    answers = get(address_of(plane, lid), count=600)
    assert {status for status, _h, _b in answers} == {200}
    served = [len(b.requests) for b in started]
    for got, share in zip(served, (100, 200, 300)):
        assert abs(got - share) <= share * 0.1, served
    members = stats(plane)["members"]
    assert [members[m]["requests"] for m in ids] == served


def test_weight_zero_stops_new_requests_only_for_that_member(plane, backends):
    lid, pid = listener_with_pool(plane)
    first, second = backends.http(), backends.http()
    drained, kept = add_member(plane, pid, first.port), add_member(plane, pid, second.port)
    address = address_of(plane, lid)
    get(address, count=10)
    assert stats(plane)["members"][drained]["requests"] == 5
    set_weight(plane, pid, drained, 0)
    assert plane.admin("POST", "data-plane/stats/reset").json() == {"listeners": {}, "members": {}}
    assert {s for s, _h, _b in get(address, count=20)} == {200}
    members = stats(plane)["members"]
    assert drained not in members and members[kept]["requests"] == 20
    set_weight(plane, pid, drained, 1)
    get(address, count=10)
    assert stats(plane)["members"][drained]["requests"] == 5


def test_no_eligible_member_is_503(plane, backends):
    lid, pid = listener_with_pool(plane)
    address = address_of(plane, lid)
    assert [s for s, _h, _b in get(address, count=2)] == [503, 503]  # no member at all; the connection stays open
    member = add_member(plane, pid, backends.http().port, weight=0)
    assert get(address)[0][0] == 503  # every member at weight 0
    set_weight(plane, pid, member, 1)
    assert get(address)[0][0] == 200
    assert stats(plane)["listeners"][lid]["failed"] == {"502": 0, "503": 3, "504": 0, "reset": 0}


def test_offline_member_gets_nothing_and_comes_back_when_online(plane, backends):
    lid, pid = listener_with_pool(plane)
    healthy, flapping = backends.http(), backends.http()
    add_member(plane, pid, healthy.port)
    back = add_member(plane, pid, flapping.port)
    add_monitor(plane, pid)
    address = address_of(plane, lid)
    assert [s for s, _h, _b in get(address)] == [503]  # INITIAL members get no traffic ★
    probe(plane)
    get(address, count=10)
    assert stats(plane)["members"][back]["requests"] == 5
    flapping.health_status = 500
    probe(plane)
    plane.admin("POST", "data-plane/stats/reset")
    assert {s for s, _h, _b in get(address, count=10)} == {200}
    assert back not in stats(plane)["members"]
    flapping.health_status = None
    probe(plane)
    get(address, count=10)
    assert stats(plane)["members"][back]["requests"] == 5


def test_stopped_backend_is_502_until_the_prober_marks_it_offline(plane, backends):
    lid, pid = listener_with_pool(plane)
    alive, doomed = backends.http(), backends.http()
    add_member(plane, pid, alive.port)
    add_member(plane, pid, doomed.port)
    add_monitor(plane, pid, type="TCP")
    probe(plane)
    address = address_of(plane, lid)
    doomed.stop()
    statuses = [s for s, _h, _b in get(address, count=10)]
    assert statuses.count(502) == 5 and statuses.count(200) == 5  # what a client sees before the check notices
    probe(plane)
    assert {s for s, _h, _b in get(address, count=10)} == {200}
    assert stats(plane)["listeners"][lid]["failed"]["502"] == 5


def test_member_slower_than_the_listener_timeout_is_504(plane, backends):
    slow = backends.http(delay=5)
    lid, pid = listener_with_pool(plane, listener={"member_timeout": 4})  # 4 s x 0.05 = 0.2 s
    add_member(plane, pid, slow.port)
    assert get(address_of(plane, lid))[0][0] == 504
    assert stats(plane)["listeners"][lid]["failed"]["504"] == 1


def test_refused_member_is_502(plane):
    lid, pid = listener_with_pool(plane)
    add_member(plane, pid, closed_port())
    assert get(address_of(plane, lid))[0][0] == 502
