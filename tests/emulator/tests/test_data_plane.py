# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data plane with real sockets: listeners on loopback forwarding to real backends (api-notes §10).

Every backend and client is on 127.0.0.1; every loop is bounded in count; durations are scaled down
with ``probe_time_scale`` so the tests stay short.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v3 import ElbClient
from huaweicloudsdkelb.v3 import model as m3

from .. import dataplane, elb_v3, members
from ..auth import Identity
from ..common import iso_z
from ..seed import seed_id
from ..server import Emulator
from .backends import backends_fixture, closed_port  # noqa: F401  pylint: disable=unused-import
from .conftest import DEMO, P1
from .test_prober import Recorder

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
        for _request in range(count):
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


def test_start_flag_turns_it_on_and_sigterm_closes_every_connection(start_emulator, backends):
    emu = start_emulator("--data-plane")
    assert emu.api.admin("GET", "config").json()["data_plane"] is True
    assert emu.api.admin("POST", "reset").status_code == 200
    assert emu.api.admin("GET", "data-plane").json()["enabled"] is True  # a reset keeps the start value
    lid, pid = listener_with_pool(emu.api, "TCP")
    add_member(emu.api, pid, backends.echo().port)
    address = address_of(emu.api, lid)
    with socket.create_connection(address, timeout=5) as client:
        assert echo(client) == b"ping"
        assert emu.stop() == 0
        assert closed_by_balancer(client)
    with pytest.raises(OSError):
        socket.create_connection(address, timeout=2).close()


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
        for _request in range(2):
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
    started = [backends.http() for _backend in range(3)]
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


def test_request_in_flight_finishes_after_weight_zero(plane, backends):
    lid, pid = listener_with_pool(plane)
    slow = backends.http(delay=1)  # within the listener's timeout (60 s x 0.05 = 3 s)
    mid = add_member(plane, pid, slow.port)
    answers = []
    worker = threading.Thread(target=lambda: answers.extend(get(address_of(plane, lid))))
    worker.start()
    try:
        deadline = time.monotonic() + 5
        while stats(plane)["members"].get(mid, {}).get("active") != 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert stats(plane)["members"][mid]["active"] == 1
        set_weight(plane, pid, mid, 0)
    finally:
        worker.join(timeout=10)
    assert [status for status, _h, _b in answers] == [200]
    assert stats(plane)["members"][mid] == {"requests": 1, "connections": 0, "active": 0}
    assert get(address_of(plane, lid))[0][0] == 503


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


# --- TCP (layer 4) and connection drain -----------------------------------------------------------

def echo(sock, data=b"ping"):
    sock.sendall(data)
    received = b""
    while len(received) < len(data):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def closed_by_balancer(sock, wait=5.0):
    """True when the connection ends (FIN or reset) within ``wait`` seconds."""
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except (socket.timeout, TimeoutError):
        return False


def test_tcp_splices_both_ways_and_a_connection_survives_weight_zero(plane, backends):
    lid, pid = listener_with_pool(plane, "TCP")
    backend = backends.echo()
    mid = add_member(plane, pid, backend.port)
    address = address_of(plane, lid)
    with socket.create_connection(address, timeout=5) as client:
        assert echo(client, b"x" * 200000) == b"x" * 200000
        set_weight(plane, pid, mid, 0)
        assert echo(client, b"still here") == b"still here"  # weight 0 takes no new connection, keeps this one
        with socket.create_connection(address, timeout=5) as refused:
            assert closed_by_balancer(refused)  # no eligible member: the new connection is closed
        assert echo(client) == b"ping"
    assert backend.accepted == 1
    counts = stats(plane)
    assert counts["listeners"][lid]["connections"] == 2 and counts["listeners"][lid]["failed"]["reset"] == 1
    assert counts["members"][mid]["connections"] == 1


def offline_tcp_member(plane, backends, pool=None):
    """A TCP listener whose one member echoes while its health check goes to a separate port we can close."""
    lid, pid = listener_with_pool(plane, "TCP", pool=pool)
    health = backends.tcp()
    add_member(plane, pid, backends.echo().port)
    add_monitor(plane, pid, type="TCP", monitor_port=health.port)
    probe(plane)
    return address_of(plane, lid), health


def test_offline_member_connections_are_cut_at_once_without_drain(plane, backends):
    address, health = offline_tcp_member(plane, backends)
    with socket.create_connection(address, timeout=5) as client:
        assert echo(client) == b"ping"
        health.stop()
        probe(plane)
        assert closed_by_balancer(client)


def test_offline_member_connections_are_kept_until_the_drain_timeout(plane, backends):
    # 80 s x 0.05 = 4 s of drain
    address, health = offline_tcp_member(plane, backends, pool={"connection_drain": {"enable": True, "timeout": 80}})
    with socket.create_connection(address, timeout=5) as client:
        assert echo(client) == b"ping"
        health.stop()
        probe(plane)
        time.sleep(3 * 0.2)  # three turns of the watcher: without drain the connection would be gone by now
        assert echo(client) == b"ping"
        assert closed_by_balancer(client, wait=10)


def test_removed_member_connections_are_cut(plane, backends):
    lid, pid = listener_with_pool(plane, "TCP")
    mid = add_member(plane, pid, backends.echo().port)
    with socket.create_connection(address_of(plane, lid), timeout=5) as client:
        assert echo(client) == b"ping"
        assert plane.signed("DELETE", "%s/pools/%s/members/%s" % (BASE, pid, mid)).status_code == 204
        assert closed_by_balancer(client)


# --- bounds ---------------------------------------------------------------------------------

def test_300_concurrent_connections_hold_the_256_bound(plane, backends):
    lid, pid = listener_with_pool(plane)
    add_member(plane, pid, backends.http().port)
    address = address_of(plane, lid)
    clients = []
    try:
        for _client in range(300):
            clients.append(socket.create_connection(address, timeout=5))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            counts = stats(plane)["listeners"][lid]
            if counts["connections"] + counts["failed"]["reset"] >= 300:
                break
            time.sleep(0.05)
        assert counts["connections"] == 256 and counts["failed"]["reset"] == 44
        refused = [c for c in clients if closed_by_balancer(c, wait=0.01)]
        assert len(refused) == 44
        admitted = next(c for c in clients if c not in refused)
        admitted.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert admitted.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        for client in clients:
            client.close()
    assert plane.admin("GET", "health").status_code == 200
    deadline = time.monotonic() + 5
    while get(address)[0][0] != 200 and time.monotonic() < deadline:  # slots free again once the 256 are closed
        time.sleep(0.05)
    assert get(address)[0][0] == 200


# --- shared (v2) listeners, and how a v2 member at weight 0 shows ------------------------------------

def test_v2_listener_forwards_and_weight_zero_member_shows_offline(plane, backends):
    lid, pid = listener_with_pool(plane, base=V2_BASE, lb_id=V2_LB_ID)
    first, second = backends.http(), backends.http()
    drained = add_member(plane, pid, first.port, base=V2_BASE, subnet_id="subnet-1")
    add_member(plane, pid, second.port, base=V2_BASE, subnet_id="subnet-1")
    assert plane.admin("GET", "data-plane").json()["listeners"][lid]["family"] == "v2"
    address = address_of(plane, lid)
    assert {s for s, _h, _b in get(address, count=4)} == {200}
    member_path = "%s/pools/%s/members/%s" % (V2_BASE, pid, drained)
    assert plane.signed("GET", member_path).json()["member"]["operating_status"] == "NO_MONITOR"
    set_weight(plane, pid, drained, 0, base=V2_BASE)
    token = plane.token()
    shown = [plane.signed("GET", member_path).json()["member"]["operating_status"],
             plane.with_token("GET", "/v2.0/lbaas/pools/%s/members/%s" % (pid, drained), token).json()["member"]["operating_status"]]
    listed = plane.signed("GET", "%s/pools/%s/members" % (V2_BASE, pid), query={"operating_status": "OFFLINE"}).json()["members"]
    tree = plane.signed("GET", "%s/loadbalancers/%s/statuses" % (V2_BASE, V2_LB_ID)).json()["statuses"]["loadbalancer"]
    in_tree = [m["operating_status"] for p in tree["pools"] if p["id"] == pid for m in p["members"] if m["id"] == drained]
    assert shown == ["OFFLINE", "OFFLINE"] and [m["id"] for m in listed] == [drained] and in_tree == ["OFFLINE"]
    plane.admin("POST", "data-plane/stats/reset")
    get(address, count=4)
    assert drained not in stats(plane)["members"]
    set_weight(plane, pid, drained, 2, base=V2_BASE)
    assert plane.signed("GET", member_path).json()["member"]["operating_status"] == "NO_MONITOR"


def test_v3_member_at_weight_zero_keeps_its_probed_health(plane, backends):
    _lid, pid = listener_with_pool(plane)
    mid = add_member(plane, pid, backends.http().port, weight=0)
    add_monitor(plane, pid)
    probe(plane)
    member = plane.signed("GET", "%s/pools/%s/members/%s" % (BASE, pid, mid)).json()["member"]
    assert (member["weight"], member["operating_status"]) == (0, "ONLINE")


# --- in-process: slow start, and loopback-only safety -------------------------------------------------

@pytest.fixture(name="app")
def in_process_emulator():
    """An Emulator object without its HTTP server (the data plane is started by the test when needed)."""
    app = Emulator(Identity.default())
    yield app
    app.close()


def _in_process_listener(app, protocol="HTTP", pool_options=None):
    """A v3 listener on the seeded balancer, its default pool the seeded demo pool of ``protocol``."""
    pool = app.store.coll("v3", "pools")[seed_id(P1, "v3", "pool", "demo-%s-pool" % protocol.lower())]
    pool.update(pool_options or {})
    listener = elb_v3.API.build_listener(P1, {"loadbalancer_id": LB_ID, "protocol": protocol, "protocol_port": 80,
                                              "default_pool_id": pool["id"]}, "listener-" + protocol, iso_z())
    app.store.coll("v3", "listeners")[listener["id"]] = listener
    return listener, pool


def _in_process_member(app, pool, address, port, weight=1):
    rec = members.build_member("v3", P1, {"address": address, "protocol_port": port, "weight": weight},
                               "member-%s-%d" % (address, port), pool, iso_z())
    app.store.coll("v3", "members")[rec["id"]] = rec
    return rec["id"]


class _FakeListenSocket:
    @staticmethod
    def getsockname():
        return ("127.0.0.1", 0)


def test_off_costs_no_thread_and_stop_ends_them(app):
    def plane_threads():
        return [t for t in threading.enumerate() if t.name.startswith("data-plane")]
    assert not app.dataplane.enabled and plane_threads() == []
    _in_process_listener(app)
    app.dataplane.start()
    assert app.dataplane.enabled and len(plane_threads()) == 1 and len(app.dataplane.view()["listeners"]) == 1
    app.dataplane.stop()
    assert not app.dataplane.enabled and plane_threads() == []


def test_slow_start_ramps_a_new_member_weight_linearly(app, backends):
    app.prober.config["probe_time_scale"] = 1.0
    listener, pool = _in_process_listener(app, pool_options={"slow_start": {"enable": True, "duration": 100}})
    monitor = elb_v3.API.build_monitor(P1, {"type": "TCP", "delay": 1, "timeout": 1, "max_retries": 1}, "mon", pool["id"], iso_z())
    app.store.coll("v3", "healthmonitors")[monitor["id"]] = monitor
    pool["healthmonitor_id"] = monitor["id"]
    settled = _in_process_member(app, pool, "127.0.0.1", backends.http().port, weight=10)
    newcomer = _in_process_member(app, pool, "127.0.0.1", backends.http().port, weight=10)
    app.prober.run_round(1)
    item = dataplane._Listener("v3", listener["id"], "HTTP", _FakeListenSocket())  # pylint: disable=protected-access

    def share_after(elapsed_s, picks=200):
        now = time.monotonic()
        app.prober.health[("v3", settled)].since = now - 1000
        app.prober.health[("v3", newcomer)].since = now - elapsed_s
        chosen = [app.dataplane.pick(item).member_id for _pick in range(picks)]
        return chosen.count(newcomer) / picks

    first_decile = share_after(5)  # halfway through the first tenth of the 100 s ramp: weight 0.5 of 10
    assert 0 < first_decile < 0.5 * 0.2  # far below its even share of 0.5
    assert 0.25 < share_after(50) < 0.42  # half its weight: 1/3
    assert 0.49 <= share_after(100) <= 0.51  # ramp over: the even share


def test_members_outside_loopback_are_never_connected(app, backends, monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(dataplane, "socket", recorder)  # every member socket is recorded, refused, never opened
    http_listener, http_pool = _in_process_listener(app)
    tcp_listener, tcp_pool = _in_process_listener(app, "TCP")
    for pool in (http_pool, tcp_pool):  # no monitor: NO_MONITOR, so only the address keeps them out
        for address in ("10.0.0.1", "192.168.1.20", "2001:db8::5", "::ffff:127.0.0.1", "8.8.8.8"):
            _in_process_member(app, pool, address, 80)
    app.dataplane.start()
    listeners = app.dataplane.view()["listeners"]
    http_address = (listeners[http_listener["id"]]["host"], listeners[http_listener["id"]]["port"])
    assert [s for s, _h, _b in get(http_address, count=3)] == [503, 503, 503]
    tcp_entry = listeners[tcp_listener["id"]]
    with socket.create_connection((tcp_entry["host"], tcp_entry["port"]), timeout=5) as client:
        assert closed_by_balancer(client)
    assert recorder.opened == [] and recorder.contacted == []
    # The recorder is on the path: a loopback member is tried (and refused by the recorder: 502).
    _in_process_member(app, http_pool, "127.0.0.1", backends.http().port)
    assert get(http_address)[0][0] == 502
    assert recorder.contacted == ["127.0.0.1"]
    with pytest.raises(ValueError, match="only 127.0.0.0/8 and ::1"):
        dataplane.open_member_socket("10.0.0.1", 80, 1)
    assert len(recorder.opened) == 1


# --- pool settings: connection_drain, slow_start, pool_health (issue 27.13) -----------------------------

def test_sdk_pool_settings_defaults_create_update_and_errors(api):
    cred = BasicCredentials(DEMO["ak"], DEMO["sk"], P1)
    sdk = ElbClient.new_builder().with_credentials(cred).with_endpoints([api.base]).build()
    plain = sdk.create_pool(m3.CreatePoolRequest(m3.CreatePoolRequestBody(pool=m3.CreatePoolOption(
        protocol="TCP", lb_algorithm="ROUND_ROBIN", loadbalancer_id=LB_ID)))).pool
    assert plain.connection_drain.to_dict() == {"enable": False, "timeout": 300}
    assert plain.slow_start.to_dict() == {"enable": False, "duration": 30}
    assert plain.pool_health.to_dict() == {"minimum_healthy_member_count": 0}
    made = sdk.create_pool(m3.CreatePoolRequest(m3.CreatePoolRequestBody(pool=m3.CreatePoolOption(
        protocol="TCP", lb_algorithm="ROUND_ROBIN", loadbalancer_id=LB_ID,
        connection_drain=m3.ConnectionDrain(enable=True, timeout=60),
        slow_start=m3.CreatePoolSlowStartOption(enable=True, duration=120))))).pool
    shown = sdk.show_pool(m3.ShowPoolRequest(made.id)).pool
    assert shown.connection_drain.to_dict() == {"enable": True, "timeout": 60}
    assert shown.slow_start.to_dict() == {"enable": True, "duration": 120}
    sdk.update_pool(m3.UpdatePoolRequest(made.id, m3.UpdatePoolRequestBody(pool=m3.UpdatePoolOption(
        connection_drain=m3.ConnectionDrain(enable=False, timeout=4000),
        slow_start=m3.UpdatePoolSlowStartOption(enable=False, duration=30)))))
    listed = sdk.list_pools(m3.ListPoolsRequest(id=[made.id])).pools[0]
    assert (listed.connection_drain.to_dict(), listed.slow_start.to_dict()) == (
        {"enable": False, "timeout": 4000}, {"enable": False, "duration": 30})
    for field, value, named in (("connection_drain", {"enable": True, "timeout": 99999}, "connection_drain.timeout"),
                                ("connection_drain", {"enable": True, "timeout": 9}, "connection_drain.timeout"),
                                ("connection_drain", {"enable": "yes", "timeout": 60}, "connection_drain.enable"),
                                ("slow_start", {"enable": True, "duration": 29}, "slow_start.duration"),
                                ("slow_start", {"enable": 1}, "slow_start.enable"),
                                ("slow_start", "on", "slow_start"),
                                ("pool_health", {"minimum_healthy_member_count": 2}, "pool_health.minimum_healthy_member_count")):
        for method, path, body in (("POST", BASE + "/pools", {"protocol": "TCP", "loadbalancer_id": LB_ID, field: value}),
                                   ("PUT", BASE + "/pools/" + made.id, {field: value})):
            resp = api.signed(method, path, body={"pool": body})
            assert resp.status_code == 400, (field, value, resp.text)
            error = resp.json()
            assert error["error_code"] == "ELB.8902" and named in error["error_msg"] and error["request_id"]
    with pytest.raises(exceptions.ClientRequestException) as caught:
        sdk.update_pool(m3.UpdatePoolRequest(made.id, m3.UpdatePoolRequestBody(pool=m3.UpdatePoolOption(
            connection_drain=m3.ConnectionDrain(enable=True, timeout=99999)))))
    assert (caught.value.status_code, caught.value.error_code) == (400, "ELB.8902")
    assert sdk.show_pool(m3.ShowPoolRequest(made.id)).pool.connection_drain.timeout == 4000  # nothing written


def test_otcextensions_pool_slow_start(emu):
    openstack = pytest.importorskip("openstack")
    otc = pytest.importorskip("otcextensions.sdk")
    conn = openstack.connect(auth_url=emu.base_url + "/v3", username=DEMO["name"], password=DEMO["password"],
                             user_domain_name=DEMO["domain"], project_name="cn-north-4", region_name="cn-north-4",
                             load_yaml_config=False, load_envvars=False)
    try:
        otc.register_otc_extensions(conn)
        pool = conn.vlb.create_pool(loadbalancer_id=LB_ID, protocol="HTTP", lb_algorithm="ROUND_ROBIN",
                                    slow_start={"enable": True, "duration": 60})
        assert conn.vlb.get_pool(pool.id).slow_start == {"enable": True, "duration": 60}
        conn.vlb.update_pool(pool, slow_start={"enable": False, "duration": 45})
        assert conn.vlb.get_pool(pool.id).slow_start == {"enable": False, "duration": 45}
    finally:
        conn.close()
