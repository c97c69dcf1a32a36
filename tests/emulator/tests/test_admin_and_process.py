# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Admin API (reset, config, bulk), start-up options, persistence, TLS and shutdown."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkelb.v3 import ElbClient
from huaweicloudsdkelb.v3 import model as m3

from ..seed import seed_id

from .conftest import DEMO, EMULATOR_DIR, OTHER, P1, P2

MONITORS = "/v3/%s/elb/healthmonitors" % P1


def test_health_and_unknown_admin_route(api):
    assert api.admin("GET", "health").json() == {"status": "ok"}
    assert api.admin("GET", "nope").status_code == 404


def test_every_answer_has_length_and_request_id(api):
    for resp in (api.admin("GET", "health"), api.signed("GET", MONITORS), api.session.get(api.url("/nothing")),
                 api.signed("DELETE", MONITORS + "/nope")):
        assert "Content-Length" in resp.headers and resp.headers["X-Request-Id"]


def test_keep_alive_reuses_the_connection(emu):
    with socket.create_connection(("127.0.0.1", int(emu.base_url.rsplit(":", 1)[1]))) as sock:
        stream = sock.makefile("rb")
        for _round in range(3):
            sock.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n")
            status = stream.readline()
            length = 0
            while True:
                line = stream.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            assert status.startswith(b"HTTP/1.1 200") and json.loads(stream.read(length)) == {"status": "ok"}


def test_seeded_for_every_project(api):
    for user, project in ((DEMO, P1), (OTHER, P2)):
        pools = api.signed("GET", "/v3/%s/elb/pools" % project, user=user).json()["pools"]
        assert [p["name"] for p in pools] == ["demo-http-pool", "demo-https-pool", "demo-tcp-pool", "demo-udp-pool", "demo-ip-any-port-pool"]
        assert pools[0]["id"] == seed_id(project, "v3", "pool", "demo-http-pool")
        assert pools[-1]["any_port_enable"] is True and pools[-1]["protocol"] == "IP"
        v2 = api.signed("GET", "/v2/%s/elb/pools" % project, user=user).json()["pools"]
        assert [p["name"] for p in v2] == ["shared-http-pool", "shared-tcp-pool", "shared-udp-pool"]
        assert api.signed("GET", "/v3/%s/elb/healthmonitors" % project, user=user).json()["healthmonitors"] == []
    assert seed_id(P1, "v3", "pool", "demo-http-pool") != seed_id(P2, "v3", "pool", "demo-http-pool")


def test_reset_restores_seed_and_clears_everything(api):
    monitor = {"pool_id": seed_id(P1, "v3", "pool", "demo-tcp-pool"), "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}
    api.signed("POST", MONITORS, body={"healthmonitor": monitor})
    api.admin("POST", "faults", {"rules": [{"path": "nothing-matches-this"}]})
    api.admin("POST", "config", {"pending_seconds": 3, "rate_limit_per_s": 100, "blocked_health_checks": [{"address": "127.0.0.9"}]})
    assert api.admin("POST", "reset").json() == {"status": "reset", "seed": True}
    assert api.signed("GET", MONITORS).json()["healthmonitors"] == []
    assert api.admin("GET", "faults").json()["rules"] == []
    assert api.admin("GET", "config").json() == {
        "pending_seconds": 0, "rate_limit_per_s": 0, "token_ttl_s": None, "pending_blocks_create": True,
        "probe_time_scale": 1.0, "probe_background": True, "blocked_health_checks": [], "data_plane": False,
        "check_subnets": False}
    assert api.admin("GET", "stats").json()["total"] == 1
    assert api.admin("POST", "reset", {"seed": False}).json()["seed"] is False
    assert api.signed("GET", "/v3/%s/elb/pools" % P1).json()["pools"] == []
    assert api.signed("GET", "/v1.0/%s/elbaas/listeners" % P1).json() == []


def test_config_validation(api):
    assert api.admin("POST", "config", {"nope": 1}).status_code == 400
    assert api.admin("POST", "config", {"pending_seconds": -1}).status_code == 400
    assert api.admin("POST", "config", {"rate_limit_per_s": "fast"}).status_code == 400


def test_bulk_v3_is_fast_and_listable(api):
    start = time.monotonic()
    resp = api.admin("POST", "bulk", {"family": "v3", "count": 10000, "protocol": "HTTP",
                                      "monitor": {"type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3, "url_path": "/hc"}})
    elapsed = time.monotonic() - start
    assert resp.status_code == 200 and resp.json()["created"] == 10000 and len(resp.json()["ids"]) == 10000
    assert elapsed < 1.0, elapsed
    body = api.signed("GET", MONITORS).json()
    assert len(body["healthmonitors"]) == 2000 and body["page_info"]["next_marker"]
    assert body["healthmonitors"][0]["url_path"] == "/hc"
    pool = api.signed("GET", "/v3/%s/elb/pools/%s" % (P1, resp.json()["ids"][0])).json()["pool"]
    assert pool["name"] == "bulk-0" and pool["healthmonitor_id"] == body["healthmonitors"][0]["id"]
    lb = api.signed("GET", "/v3/%s/elb/loadbalancers/%s" % (P1, seed_id(P1, "v3", "loadbalancer", "demo-lb"))).json()
    assert len(lb["loadbalancer"]["pools"]) == 10005


def test_bulk_v2_v1_and_errors(api):
    resp = api.admin("POST", "bulk", {"family": "v2", "count": 3, "protocol": "UDP", "monitor": None, "name_prefix": "u-"})
    assert resp.json()["created"] == 3
    names = [p["name"] for p in api.signed("GET", "/v2.0/lbaas/pools", query={"protocol": "UDP"}).json()["pools"]]
    assert names == ["shared-udp-pool", "u-0", "u-1", "u-2"]
    resp = api.admin("POST", "bulk", {"family": "v1", "count": 2, "protocol": "TCP", "monitor": {"healthcheck_interval": 7},
                                      "project_id": P2})
    ids = resp.json()["ids"]
    listener = api.signed("GET", "/v1.0/%s/elbaas/listeners/%s" % (P2, ids[1]), user=OTHER).json()
    check = api.signed("GET", "/v1.0/%s/elbaas/healthcheck/%s" % (P2, listener["healthcheck_id"]), user=OTHER).json()
    assert check["healthcheck_interval"] == 7 and check["healthcheck_protocol"] == "TCP"
    assert api.admin("POST", "bulk", {"family": "v9"}).status_code == 400
    assert api.admin("POST", "bulk", {"family": "v3", "protocol": "UDP", "monitor": {"type": "HTTP", "delay": 5, "timeout": 3,
                                                                                     "max_retries": 3}}).status_code == 400
    assert api.admin("POST", "bulk", {"family": "v3", "monitor": {"type": "HTTP"}}).status_code == 400
    assert api.admin("POST", "bulk", {"family": "v3", "loadbalancer_id": "nope"}).status_code == 400


def test_state_survives_restart(start_emulator, tmp_path):
    state = str(tmp_path / "state.json")
    first = start_emulator("--state", state)
    api = first.api
    monitor = {"pool_id": seed_id(P1, "v3", "pool", "demo-tcp-pool"), "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3,
               "name": "keep-me"}
    resp = api.signed("POST", MONITORS, body={"healthmonitor": monitor})
    mon = resp.json()["healthmonitor"]
    check = api.signed("POST", "/v1.0/%s/elbaas/healthcheck" % P1, body={"listener_id": seed_id(P1, "v1", "listener", "classic-tcp-listener")}).json()
    token = api.token()
    api.admin("POST", "bulk", {"family": "v3", "count": 10000})
    assert first.stop() == 0
    assert os.path.exists(state) and not [f for f in os.listdir(tmp_path) if f.startswith(".emulator-state-")]
    second = start_emulator("--state", state)
    api = second.api
    got = api.signed("GET", MONITORS + "/" + mon["id"]).json()["healthmonitor"]
    assert got == mon
    assert api.signed("GET", "/v1.0/%s/elbaas/healthcheck/%s" % (P1, check["id"])).status_code == 200
    # Tokens survive too (the signing secret is in the state file).
    assert api.with_token("GET", MONITORS, token, query={"limit": 1}).status_code == 200
    assert len(api.signed("GET", "/v3/%s/elb/pools" % P1).json()["pools"]) == 2000
    # A reset to nothing is also persisted and not re-seeded on the next start.
    api.admin("POST", "reset", {"seed": False})
    second.stop()
    third = start_emulator("--state", state)
    assert third.api.signed("GET", "/v3/%s/elb/pools" % P1).json()["pools"] == []


def test_state_is_written_while_running(start_emulator, tmp_path):
    state = str(tmp_path / "state.json")
    proc = start_emulator("--state", state)
    proc.api.admin("POST", "bulk", {"family": "v2", "count": 2, "name_prefix": "live-"})
    deadline = time.time() + 5
    text = ""
    while time.time() < deadline:
        with open(state, encoding="utf-8") as handle:
            text = handle.read()
        if "live-1" in text:
            break
        time.sleep(0.05)
    assert "live-1" in text
    assert proc.stop(signal.SIGINT) == 0


def test_identity_file(start_emulator, tmp_path):
    identity = {"projects": [{"id": "aaaa0000aaaa0000aaaa0000aaaa0000", "name": "eu-west-101"}],
                "users": [{"name": "ci", "domain": "ci-domain", "password": "pw", "access_key": "AKCI", "secret_key": "SKCI",
                           "projects": ["aaaa0000aaaa0000aaaa0000aaaa0000"]}]}
    path = tmp_path / "identity.json"
    path.write_text(json.dumps(identity))
    proc = start_emulator("--identity", str(path))
    user = {"name": "ci", "domain": "ci-domain", "password": "pw", "ak": "AKCI", "sk": "SKCI", "project": "aaaa0000aaaa0000aaaa0000aaaa0000"}
    pools = proc.api.signed("GET", "/v3/aaaa0000aaaa0000aaaa0000aaaa0000/elb/pools", user=user).json()["pools"]
    assert len(pools) == 5
    assert proc.api.signed("GET", MONITORS).status_code == 401  # the default demo user is gone
    assert proc.api.token(user=user, project_name="eu-west-101")


def test_tls(start_emulator, tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed, so no test certificate can be made")
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    proc = start_emulator("--tls-cert", cert, "--tls-key", key)
    assert proc.base_url.startswith("https://127.0.0.1:")
    assert proc.api.signed("GET", MONITORS).status_code == 200
    assert requests.get(proc.base_url + "/_emulator/health", verify=cert, timeout=10).json() == {"status": "ok"}
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(proc.base_url + "/_emulator/health", timeout=10)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(proc.base_url.replace("https", "http") + "/_emulator/health", timeout=10)
    assert proc.api.signed("GET", MONITORS).status_code == 200
    # The official SDK over HTTPS (certificate check off, as with a self-signed emulator).
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    client = ElbClient.new_builder().with_http_config(config).with_credentials(
        BasicCredentials(DEMO["ak"], DEMO["sk"], P1)).with_endpoints([proc.base_url]).build()
    assert len(client.list_pools(m3.ListPoolsRequest(limit=2)).pools) == 2


def test_runs_under_plain_python3(start_emulator):
    python3 = shutil.which("python3")
    if python3 is None:
        pytest.skip("no python3 on PATH")
    proc = start_emulator(python=python3)
    assert proc.api.signed("GET", MONITORS).status_code == 200
    assert proc.stop() == 0


def test_bad_start_options(tmp_path):
    broken = tmp_path / "state.json"
    broken.write_text("[]")
    result = subprocess.run([sys.executable, EMULATOR_DIR, "--port", "0", "--state", str(broken)], capture_output=True, timeout=30, check=False)
    assert result.returncode == 2 and b"cannot load state" in result.stderr
    result = subprocess.run([sys.executable, EMULATOR_DIR, "--port", "0", "--tls-cert", "x"], capture_output=True, timeout=30, check=False)
    assert result.returncode == 2


def test_documented_seed_ids():
    # README.md lists these; they must not drift.
    assert seed_id(P1, "v3", "loadbalancer", "demo-lb") == "8801d51f-aa03-5688-9707-14d04bbe183c"
    assert seed_id(P1, "v3", "pool", "demo-http-pool") == "4a95b500-f31e-5f26-bbe6-e2aeb4391406"
    assert seed_id(P1, "v2", "pool", "shared-udp-pool") == "d28b6527-6c7d-50f7-beae-c27460cd4d31"
    assert seed_id(P1, "v1", "listener", "classic-internal-udp-listener") == "2b955cf0cfc354b486a512f6b4a60079"


def test_concurrent_clients_keep_the_state_consistent(emu):
    api = emu.api
    pools = api.admin("POST", "bulk", {"family": "v3", "count": 40, "protocol": "TCP", "monitor": None}).json()["ids"]
    errors = []

    def worker(chunk):
        client = type(api)(emu.base_url)  # one keep-alive session per thread
        for pool in chunk:
            body = {"healthmonitor": {"pool_id": pool, "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}
            for method, path, kwargs in (("POST", MONITORS, {"body": body}), ("GET", MONITORS, {"query": {"limit": 5}})):
                resp = client.signed(method, path, **kwargs)
                if resp.status_code not in (200, 201):
                    errors.append(resp.text)
        client.session.close()

    threads = [threading.Thread(target=worker, args=(pools[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    monitors = api.signed("GET", MONITORS).json()["healthmonitors"]
    assert sorted(m["pools"][0]["id"] for m in monitors) == sorted(pools)
    assert all(api.signed("GET", "/v3/%s/elb/pools/%s" % (P1, p)).json()["pool"]["healthmonitor_id"] for p in pools[:5])
