# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The prober in-process: loopback-only safety (every socket recorded, nothing sent), the state machine, codes."""

from __future__ import annotations

import socket as sockets
import types

import pytest

from .. import elb_v1, elb_v2, elb_v3, members, prober
from ..auth import Identity
from ..common import classic_time, iso_z
from ..seed import seed_id
from ..server import Emulator
from .conftest import P1


class Recorder:
    """Stands in for the ``socket`` module: records every socket and connect, sends nothing, refuses all."""

    AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM = sockets.AF_INET, sockets.AF_INET6, sockets.SOCK_STREAM, sockets.SOCK_DGRAM
    timeout = sockets.timeout

    def __init__(self):
        self.opened = []
        self.contacted = []

    def socket(self, family=AF_INET, kind=SOCK_STREAM):
        self.opened.append((family, kind))
        recorder = self

        class FakeSocket:
            def settimeout(self, value):
                pass

            def connect(self, address):
                recorder.contacted.append(address[0])
                raise ConnectionRefusedError("recorded, not sent")

            def send(self, data):
                raise AssertionError("a probe tried to send %r" % data)

            sendall = sendto = send

            def close(self):
                pass

        return FakeSocket()


@pytest.fixture(name="app")
def in_process_emulator(monkeypatch):
    """An Emulator object (no HTTP server, prober not started) whose sockets are all recorded, never opened."""
    recorder = Recorder()
    monkeypatch.setattr(prober, "socket", recorder)
    # Belt and braces: any socket the process would connect while the test runs fails the test.

    def guarded(sock, address):
        raise AssertionError("a real socket tried to connect to %r" % (address,))
    monkeypatch.setattr(sockets.socket, "connect", guarded)
    monkeypatch.setattr(sockets.socket, "connect_ex", guarded)
    monkeypatch.setattr(sockets.socket, "sendto", guarded)
    app = Emulator(Identity.default())
    app.recorder = recorder
    yield app
    app.close()


def _v3_member(app, address, port=80):
    pool = app.store.coll("v3", "pools")[seed_id(P1, "v3", "pool", "demo-tcp-pool")]
    if not pool["healthmonitor_id"]:
        mon = elb_v3.API.build_monitor(P1, {"type": "TCP", "delay": 1, "timeout": 1, "max_retries": 1}, "mon-v3", pool["id"], iso_z())
        app.store.coll("v3", "healthmonitors")[mon["id"]] = mon
        pool["healthmonitor_id"] = mon["id"]
    rec = members.build_member("v3", P1, {"address": address, "protocol_port": port}, "v3-" + address, pool, iso_z())
    app.store.coll("v3", "members")[rec["id"]] = rec
    return rec


def _v2_member(app, address):
    pool = app.store.coll("v2", "pools")[seed_id(P1, "v2", "pool", "shared-udp-pool")]
    mon = elb_v2.API.build_monitor(P1, {"type": "UDP_CONNECT", "delay": 1, "timeout": 1, "max_retries": 1}, "mon-v2", pool["id"], iso_z())
    app.store.coll("v2", "healthmonitors")[mon["id"]] = mon
    pool["healthmonitor_id"] = mon["id"]
    rec = members.build_member("v2", P1, {"address": address, "protocol_port": 53, "subnet_id": "subnet-1"}, "v2-" + address, pool, iso_z())
    app.store.coll("v2", "members")[rec["id"]] = rec
    return rec


def _v1_member(app, address):
    listener = app.store.coll("v1", "listeners")[seed_id(P1, "v1", "listener", "classic-http-listener")]
    check = elb_v1.build_check(P1, {}, "check-v1", listener, classic_time())
    app.store.coll("v1", "healthchecks")[check["id"]] = check
    listener["healthcheck_id"] = check["id"]
    rec = {"id": "v1-" + address, "server_id": "s", "address": address, "_": {"project_id": P1, "listener": listener["id"]}}
    app.store.coll("v1", "members")[rec["id"]] = rec
    return rec


def test_non_loopback_members_are_never_contacted(app):
    far = [_v3_member(app, "10.0.0.5"), _v3_member(app, "2001:db8::5"), _v3_member(app, "::ffff:127.0.0.1"),
           _v2_member(app, "192.168.1.20"), _v1_member(app, "8.8.8.8")]
    near = [_v3_member(app, "127.0.0.1"), _v3_member(app, "127.3.2.1"), _v3_member(app, "::1")]
    assert app.prober.run_round(3) == 9  # the three loopback members, three times
    assert set(app.recorder.contacted) == {"127.0.0.1", "127.3.2.1", "::1"}
    assert len(app.recorder.opened) == 9
    with app.store.lock:
        assert [members.health(app, "v3" if m["id"].startswith("v3") else m["id"][:2], m)[0] for m in far] == ["UNKNOWN"] * 5
        assert [members.health(app, "v3", m) for m in near] == [
            ("OFFLINE", {"reason_code": "CONNECT_REFUSED", "expected_response": None, "healthcheck_response": None})] * 3
        assert members.render_classic(app, far[-1])["health_status"] == "UNAVAILABLE"
    assert set(app.prober.stats()["by_member"]) == {m["id"] for m in near}


def test_probe_refuses_any_other_address():
    for address in ("10.0.0.5", "128.0.0.1", "::2", "localhost", "0.0.0.0"):
        target = prober.Target(("v3", "x"), "m", "TCP", address, 80, 1, 1, 1, 1)
        with pytest.raises(ValueError, match="only 127.0.0.0/8 and ::1"):
            prober.probe(target)


def test_is_probeable_and_codes():
    assert [prober.is_probeable(a) for a in ("127.0.0.1", "127.255.255.254", "::1", "126.0.0.1", "::", "")] == [
        True, True, True, False, False, False]
    assert prober.codes_match("200-204", 204) and not prober.codes_match("200-204", 205)
    assert prober.codes_match("200,202,300-302", 301) and not prober.codes_match("200,202", 201)


def test_state_machine_thresholds():
    health = prober.Health(("m",))
    failure = {"reason_code": "CONNECT_REFUSED"}
    steps = [None, None, failure, None, None, None, failure, failure, None]
    seen = []
    for result in steps:
        health.record(result, 3, 2)
        seen.append(health.status)
    assert seen == ["INITIAL", "INITIAL", "INITIAL", "INITIAL", "INITIAL", "ONLINE", "ONLINE", "OFFLINE", "OFFLINE"]
    assert health.reason == failure and health.probes == len(steps)


def test_config_keys_are_checked():
    probe_config = prober.Prober(lambda: [])
    assert probe_config.configure({"probe_time_scale": 0}) is not None
    assert probe_config.configure({"probe_time_scale": True}) is not None
    assert probe_config.configure({"probe_background": "no"}) is not None
    body = {"probe_time_scale": 0.05, "probe_background": False, "pending_seconds": 1}
    assert probe_config.configure(body) is None and body == {"pending_seconds": 1}
    assert probe_config.config == {"probe_time_scale": 0.05, "probe_background": False, "blocked_health_checks": []}
    assert probe_config.configure({"blocked_health_checks": [{"address": "::1", "port": 80}]}) is None
    assert probe_config.blocked("::1", 80) and not probe_config.blocked("::1", 81) and not probe_config.blocked("127.0.0.1", 80)
    assert types.SimpleNamespace(**probe_config.stats()).total == 0
