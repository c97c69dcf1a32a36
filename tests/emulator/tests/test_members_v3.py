# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dedicated ELB v3 members: the API through the official SDK, validation, and real health probing on loopback.

Probing is made deterministic with ``probe_background: false`` and ``POST /_emulator/probe`` rounds.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v3 import ElbClient
from huaweicloudsdkelb.v3 import model as m3

from ..seed import seed_id
from .backends import backends_fixture, closed_port, tls_context  # noqa: F401  pylint: disable=unused-import
from .conftest import DEMO, P1, EmulatorProcess

BASE = "/v3/%s/elb" % P1
LB_ID = seed_id(P1, "v3", "loadbalancer", "demo-lb")
VIP = "192.168.0.10"  # the seeded demo-lb's vip_address


def pool_id(name):
    """Id of a seeded v3 pool of the demo project."""
    return seed_id(P1, "v3", "pool", name)


HTTP_POOL, HTTPS_POOL, TCP_POOL, UDP_POOL = (pool_id(n) for n in ("demo-http-pool", "demo-https-pool", "demo-tcp-pool", "demo-udp-pool"))


@pytest.fixture(name="sdk")
def sdk_client(emu):
    """An official-SDK v3 client bound to the emulator."""
    cred = BasicCredentials(DEMO["ak"], DEMO["sk"], P1)
    return ElbClient.new_builder().with_credentials(cred).with_endpoints([emu.base_url]).build()


@pytest.fixture(name="manual")
def manual_probing(api):
    """Background probing off: only POST /_emulator/probe rounds probe (time scale 0.5: a 1 s timeout is 0.5 s, slack for a busy machine)."""
    assert api.admin("POST", "config", {"probe_background": False, "probe_time_scale": 0.5}).status_code == 200
    return api


def probe(api, rounds=1):
    resp = api.admin("POST", "probe", {"rounds": rounds})
    assert resp.status_code == 200, resp.text
    return resp.json()


def monitor(api, pool, **fields):
    body = {"pool_id": pool, "type": "HTTP", "delay": 1, "timeout": 1, "max_retries": 2, "max_retries_down": 2}
    body.update(fields)
    resp = api.signed("POST", BASE + "/healthmonitors", body={"healthmonitor": body})
    assert resp.status_code == 201, resp.text
    return resp.json()["healthmonitor"]


def add(sdk, pool, port, address="127.0.0.1", **extra):
    return sdk.create_member(m3.CreateMemberRequest(pool, m3.CreateMemberRequestBody(
        member=m3.CreateMemberOption(address=address, protocol_port=port, **extra)))).member


def show(sdk, pool, member):
    return sdk.show_member(m3.ShowMemberRequest(pool, member.id)).member


def reason_code(member):
    return member.reason.reason_code if member.reason else None


# --- API -------------------------------------------------------------------------------

def test_sdk_member_lifecycle_lists_and_batch(sdk, api):
    one = add(sdk, HTTP_POOL, 8080, name="one", weight=5)
    assert (one.address, one.protocol_port, one.weight, one.name, one.admin_state_up) == ("127.0.0.1", 8080, 5, "one", True)
    assert one.operating_status == "NO_MONITOR" and one.reason is None and one.status == []
    assert (one.ip_version, one.member_type) == ("v4", "ip")
    two = add(sdk, HTTP_POOL, 8081, address="10.0.0.5")
    other = add(sdk, TCP_POOL, 3306, address="::1")
    assert other.ip_version == "v6"
    assert show(sdk, HTTP_POOL, one).name == "one"
    listed = sdk.list_members(m3.ListMembersRequest(HTTP_POOL)).members
    assert [m.id for m in listed] == [one.id, two.id]
    assert [m.id for m in sdk.list_members(m3.ListMembersRequest(HTTP_POOL, address=["10.0.0.5"])).members] == [two.id]

    # Project-wide: multi-value filters, pool and balancer ids, paging like the monitor list.
    every = sdk.list_all_members(m3.ListAllMembersRequest())
    assert [m.id for m in every.members] == [one.id, two.id, other.id]
    assert every.members[0].pool_id == HTTP_POOL and every.members[0].loadbalancer_id == LB_ID
    found = sdk.list_all_members(m3.ListAllMembersRequest(address=["127.0.0.1", "::1"])).members
    assert [m.id for m in found] == [one.id, other.id]
    assert [m.id for m in sdk.list_all_members(m3.ListAllMembersRequest(pool_id=[TCP_POOL])).members] == [other.id]
    assert len(sdk.list_all_members(m3.ListAllMembersRequest(loadbalancer_id=[LB_ID], operating_status=["NO_MONITOR"])).members) == 3
    assert sdk.list_all_members(m3.ListAllMembersRequest(operating_status=["ONLINE"])).members == []
    page = sdk.list_all_members(m3.ListAllMembersRequest(limit=2))
    assert [m.id for m in page.members] == [one.id, two.id] and page.page_info.next_marker == two.id
    page = sdk.list_all_members(m3.ListAllMembersRequest(limit=2, marker=two.id))
    # seed 004: the last page still names its last record as next_marker; a short page ends the walk
    assert [m.id for m in page.members] == [other.id] and page.page_info.next_marker == other.id

    updated = sdk.update_member(m3.UpdateMemberRequest(one.id, HTTP_POOL, m3.UpdateMemberRequestBody(
        member=m3.UpdateMemberOption(weight=0, name="drained")))).member
    assert (updated.weight, updated.name) == (0, "drained")

    added = sdk.batch_create_members(m3.BatchCreateMembersRequest(HTTP_POOL, m3.BatchCreateMembersRequestBody(members=[
        m3.BatchCreateMembersOption(address="127.0.0.2", protocol_port=80),
        m3.BatchCreateMembersOption(address="127.0.0.1", protocol_port=8080)]))).members
    assert [m.ret_status for m in added] == ["successful", "existed"] and added[1].id == one.id
    changed = sdk.batch_update_members(m3.BatchUpdateMembersRequest(HTTP_POOL, m3.BatchUpdateMembersRequestBody(members=[
        m3.BatchUpdateMembersOption(id=added[0].id, weight=50)]))).members
    assert changed[0].weight == 50
    gone = sdk.batch_delete_members(m3.BatchDeleteMembersRequest(HTTP_POOL, m3.BatchDeleteMembersRequestBody(members=[
        m3.BatchDeleteMembersOption(id=added[0].id), m3.BatchDeleteMembersOption(address="10.0.0.5", protocol_port=8081),
        m3.BatchDeleteMembersOption(id="missing")]))).members
    assert [(m.id, m.ret_status) for m in gone] == [(added[0].id, "successful"), (two.id, "successful"), ("missing", "not found")]

    # A pool with members cannot be deleted.
    resp = api.signed("DELETE", BASE + "/pools/" + HTTP_POOL)
    assert resp.status_code == 409 and resp.json()["error_code"] == "ELB.8907"
    sdk.delete_member(m3.DeleteMemberRequest(HTTP_POOL, one.id))
    with pytest.raises(exceptions.ClientRequestException) as caught:
        show(sdk, HTTP_POOL, one)
    assert caught.value.status_code == 404 and caught.value.error_code == "ELB.8904"


def err(resp, status, code="ELB.8902"):
    assert resp.status_code == status, resp.text
    assert resp.json()["error_code"] == code, resp.text


def test_member_validation(api):
    url = BASE + "/pools/%s/members" % HTTP_POOL

    def create(**fields):
        return api.signed("POST", url, body={"member": {"address": "127.0.0.1", "protocol_port": 80, **fields}})

    for bad in ({"weight": 101}, {"weight": -1}, {"weight": "5"}, {"protocol_port": 0}, {"protocol_port": 65536},
                {"address": "300.1.1.1"}, {"address": "backend.example"}, {"address": None}, {"protocol_port": None}):
        err(create(**bad), 400)
    err(api.signed("POST", url, body={}), 400)
    assert create(weight=0).status_code == 201
    assert create(protocol_port=65535, weight=100).status_code == 201
    err(create(), 409, "ELB.8907")                             # address and port once per pool
    member_id = create(protocol_port=81).json()["member"]["id"]
    err(api.signed("PUT", url + "/" + member_id, body={"member": {"protocol_port": 80}}), 409, "ELB.8907")
    err(api.signed("PUT", url + "/" + member_id, body={"member": {"weight": 200}}), 400)
    err(api.signed("GET", BASE + "/pools/nope/members"), 404, "ELB.8904")
    err(api.signed("GET", url + "/nope"), 404, "ELB.8904")
    # IP pools take port 0 only; any-port pools need none.
    err(api.signed("POST", BASE + "/pools/%s/members" % pool_id("demo-ip-any-port-pool"),
                   body={"member": {"address": "127.0.0.1", "protocol_port": 80}}), 400)

    # Writes only while the balancer is ACTIVE; each write makes it PENDING_UPDATE for pending_seconds.
    api.admin("POST", "config", {"pending_seconds": 30})
    assert create(protocol_port=82).status_code == 201
    assert api.signed("GET", BASE + "/loadbalancers/" + LB_ID).json()["loadbalancer"]["provisioning_status"] == "PENDING_UPDATE"
    err(create(protocol_port=83), 409, "ELB.8907")
    err(api.signed("DELETE", url + "/" + member_id), 409, "ELB.8907")
    api.admin("POST", "config", {"pending_seconds": 0})
    assert api.signed("DELETE", url + "/" + member_id).status_code == 204


# --- health ----------------------------------------------------------------------------

def test_http_health_and_reasons(sdk, manual, backends):
    healthy, failing, slow = backends.http(200), backends.http(500), backends.http(200, delay=2.0)
    monitor(manual, HTTP_POOL, expected_codes="200-204", url_path="/healthz", http_method="HEAD")
    members = {name: add(sdk, HTTP_POOL, port) for name, port in
               (("healthy", healthy.port), ("failing", failing.port), ("slow", slow.port), ("closed", closed_port()))}
    assert all(m.operating_status == "INITIAL" for m in members.values())
    assert probe(manual)["probes"] == 4
    assert {n: show(sdk, HTTP_POOL, m).operating_status for n, m in members.items()} == dict.fromkeys(members, "INITIAL")
    probe(manual)
    now = {n: show(sdk, HTTP_POOL, m) for n, m in members.items()}
    assert {n: (m.operating_status, reason_code(m)) for n, m in now.items()} == {
        "healthy": ("ONLINE", None), "failing": ("OFFLINE", "RESPONSE_MISMATCH"),
        "slow": ("OFFLINE", "RECV_RESPONSE_TIMEOUT"), "closed": ("OFFLINE", "CONNECT_REFUSED")}
    assert (now["failing"].reason.expected_response, now["failing"].reason.healthcheck_response) == ("200-204", "500")
    assert now["closed"].reason.expected_response is None
    # The probe is the monitor's: method, path, and Host = the balancer's VIP (no domain_name).
    assert healthy.requests[-1] == ("HEAD", "/healthz", VIP)

    # The lists filter on the live status; the status tree shows it per pool.
    offline = manual.signed("GET", BASE + "/members", query=[("operating_status", "OFFLINE")]).json()["members"]
    assert sorted(m["id"] for m in offline) == sorted(members[n].id for n in ("failing", "slow", "closed"))
    tree = sdk.show_load_balancer_status(m3.ShowLoadBalancerStatusRequest(LB_ID)).statuses.loadbalancer
    node = next(p for p in tree.pools if p.id == HTTP_POOL)
    assert node.operating_status == "DEGRADED" and node.healthmonitor.type == "HTTP"
    assert {m.id: m.operating_status for m in node.members} == {
        members["healthy"].id: "ONLINE", members["failing"].id: "OFFLINE", members["slow"].id: "OFFLINE", members["closed"].id: "OFFLINE"}

    stats = manual.admin("GET", "stats").json()["probes"]
    assert stats["by_member"][members["healthy"].id] == 2 and stats["total"] == 8


def test_flip_after_exactly_the_threshold(sdk, manual, backends):
    backend = backends.http(200)
    mon = monitor(manual, HTTP_POOL, max_retries=3, max_retries_down=2, domain_name="app.example.com")
    member = add(sdk, HTTP_POOL, backend.port)
    seen = []
    for _round in range(3):
        probe(manual)
        seen.append(show(sdk, HTTP_POOL, member).operating_status)
    assert seen == ["INITIAL", "INITIAL", "ONLINE"]
    assert backend.requests[-1][2] == "app.example.com"
    backend.status = 503
    seen = []
    for _round in range(2):
        probe(manual)
        seen.append((show(sdk, HTTP_POOL, member).operating_status, reason_code(show(sdk, HTTP_POOL, member))))
    assert seen == [("ONLINE", None), ("OFFLINE", "RESPONSE_MISMATCH")]
    backend.status = 200
    seen = []
    for _round in range(3):
        probe(manual)
        seen.append(show(sdk, HTTP_POOL, member).operating_status)
    assert seen == ["OFFLINE", "OFFLINE", "ONLINE"]
    # A monitor switched off: NO_MONITOR, and nothing is probed.
    manual.signed("PUT", BASE + "/healthmonitors/" + mon["id"], body={"healthmonitor": {"admin_state_up": False}})
    assert probe(manual)["probes"] == 0
    assert show(sdk, HTTP_POOL, member).operating_status == "NO_MONITOR"


def test_tls_https_tcp_udp_and_listener_status(sdk, manual, backends, tmp_path):
    context = tls_context(tmp_path)
    secure, plain = backends.http(200, tls=context), backends.http(200)
    mon = monitor(manual, HTTPS_POOL, type="HTTPS")
    on_tls, on_plain = add(sdk, HTTPS_POOL, secure.port), add(sdk, HTTPS_POOL, plain.port)
    probe(manual, 2)
    assert (show(sdk, HTTPS_POOL, on_tls).operating_status, reason_code(show(sdk, HTTPS_POOL, on_plain))) == ("ONLINE", "SSL_HANDSHAKE_ERROR")
    # Another type starts the member over at INITIAL; TLS is a handshake only.
    manual.signed("PUT", BASE + "/healthmonitors/" + mon["id"], body={"healthmonitor": {"type": "TLS"}})
    assert show(sdk, HTTPS_POOL, on_tls).operating_status == "INITIAL"
    probe(manual, 2)
    assert show(sdk, HTTPS_POOL, on_tls).operating_status == "ONLINE"

    listening, udp = backends.tcp(), backends.udp()
    monitor(manual, TCP_POOL, type="TCP")
    monitor(manual, UDP_POOL, type="UDP_CONNECT")
    tcp_up, tcp_down = add(sdk, TCP_POOL, listening.port), add(sdk, TCP_POOL, closed_port())
    udp_up = add(sdk, UDP_POOL, udp.port)
    udp_down = add(sdk, UDP_POOL, closed_port(socket.SOCK_DGRAM))
    far = add(sdk, TCP_POOL, 80, address="10.0.0.5")
    probe(manual, 2)
    assert show(sdk, TCP_POOL, tcp_up).operating_status == "ONLINE"
    assert reason_code(show(sdk, TCP_POOL, tcp_down)) == "CONNECT_REFUSED"
    assert show(sdk, UDP_POOL, udp_up).operating_status == "ONLINE"
    assert reason_code(show(sdk, UDP_POOL, udp_down)) == "CONNECT_REFUSED"
    assert show(sdk, TCP_POOL, far).operating_status == "UNKNOWN"
    assert far.id not in manual.admin("GET", "stats").json()["probes"]["by_member"]

    # A pool behind a listener: status[] has one entry per listener, the same health.
    listener = sdk.create_listener(m3.CreateListenerRequest(m3.CreateListenerRequestBody(listener=m3.CreateListenerOption(
        loadbalancer_id=LB_ID, protocol="TCP", protocol_port=3306)))).listener
    pool = sdk.create_pool(m3.CreatePoolRequest(m3.CreatePoolRequestBody(pool=m3.CreatePoolOption(
        lb_algorithm="ROUND_ROBIN", protocol="TCP", listener_id=listener.id)))).pool
    monitor(manual, pool.id, type="TCP")
    member = add(sdk, pool.id, closed_port())
    probe(manual, 2)
    shown = show(sdk, pool.id, member)
    assert [(s.listener_id, s.operating_status, s.reason.reason_code) for s in shown.status] == [(listener.id, "OFFLINE", "CONNECT_REFUSED")]
    tree = sdk.show_load_balancer_status(m3.ShowLoadBalancerStatusRequest(LB_ID)).statuses.loadbalancer
    branch = next(x for x in tree.listeners if x.id == listener.id)
    assert [p.id for p in branch.pools] == [pool.id] and branch.pools[0].members[0].operating_status == "OFFLINE"
    # Member switched off: not probed, NO_MONITOR, DISABLED in the tree.
    sdk.update_member(m3.UpdateMemberRequest(member.id, pool.id, m3.UpdateMemberRequestBody(member=m3.UpdateMemberOption(admin_state_up=False))))
    assert show(sdk, pool.id, member).operating_status == "NO_MONITOR"
    tree = sdk.show_load_balancer_status(m3.ShowLoadBalancerStatusRequest(LB_ID)).statuses.loadbalancer
    assert next(p for p in tree.pools if p.id == pool.id).members[0].operating_status == "DISABLED"


def test_background_prober_learns_health(sdk, api, backends):
    backend = backends.http(200)
    api.admin("POST", "config", {"probe_time_scale": 0.05})
    monitor(api, HTTP_POOL, delay=1, max_retries=2)
    member = add(sdk, HTTP_POOL, backend.port)
    deadline = time.time() + 10
    while show(sdk, HTTP_POOL, member).operating_status != "ONLINE":
        assert time.time() < deadline, "the background prober did not bring the member ONLINE"
        time.sleep(0.05)
    backend.status = 500
    while show(sdk, HTTP_POOL, member).operating_status != "OFFLINE":
        assert time.time() < deadline, "the background prober did not take the member OFFLINE"
        time.sleep(0.05)


def test_health_is_relearnt_after_a_restart(tmp_path, backends):
    state = str(tmp_path / "state.json")
    backend = backends.http(200)
    proc = EmulatorProcess(["--state", state])
    try:
        proc.api.admin("POST", "config", {"probe_background": False, "probe_time_scale": 0.5})
        monitor(proc.api, HTTP_POOL)
        resp = proc.api.signed("POST", BASE + "/pools/%s/members" % HTTP_POOL,
                               body={"member": {"address": "127.0.0.1", "protocol_port": backend.port}})
        member_id = resp.json()["member"]["id"]
        probe(proc.api, 2)
        assert proc.api.signed("GET", BASE + "/pools/%s/members/%s" % (HTTP_POOL, member_id)).json()["member"]["operating_status"] == "ONLINE"
    finally:
        assert proc.stop() == 0
    proc = EmulatorProcess(["--state", state])
    try:
        proc.api.admin("POST", "config", {"probe_background": False, "probe_time_scale": 0.5})
        shown = proc.api.signed("GET", BASE + "/pools/%s/members/%s" % (HTTP_POOL, member_id)).json()["member"]
        assert shown["operating_status"] == "INITIAL"
        probe(proc.api, 2)
        assert proc.api.signed("GET", BASE + "/pools/%s/members/%s" % (HTTP_POOL, member_id)).json()["member"]["operating_status"] == "ONLINE"
    finally:
        assert proc.stop() == 0


def test_probes_never_block_the_api_nor_the_exit(backends):
    slow = backends.http(200, delay=30.0)
    proc = EmulatorProcess()
    try:
        api = proc.api
        api.admin("POST", "config", {"probe_background": False})
        monitor(api, HTTP_POOL, timeout=2, delay=3)
        url = BASE + "/pools/%s/members" % HTTP_POOL
        member_id = api.signed("POST", url, body={"member": {"address": "127.0.0.1", "protocol_port": slow.port}}).json()["member"]["id"]
        # A synchronous round waits 2 s for the slow backend; API calls meanwhile answer at once.
        rounds = threading.Thread(target=probe, args=(api,), daemon=True)
        began = time.monotonic()
        rounds.start()
        time.sleep(0.3)
        assert api.signed("GET", url + "/" + member_id).json()["member"]["operating_status"] == "INITIAL"
        assert time.monotonic() - began < 1.5
        rounds.join(10)
        assert 1.9 < time.monotonic() - began < 10
        # Background probes in flight (the scheduler starts them at once) do not hold up SIGTERM.
        api.admin("POST", "config", {"probe_background": True})
        time.sleep(0.3)
        stopping = time.monotonic()
    finally:
        assert proc.stop() == 0
    assert time.monotonic() - stopping < 1.5
