# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The v3 member check job (issue 30) through the official SDK, on real loopback backends, and the
``blocked_health_checks`` config that makes the prober's probes time out as a dropping security group does."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v3 import model as m3

from .backends import backends_fixture, closed_port  # noqa: F401  pylint: disable=unused-import
from .conftest import OTHER, P1
from .test_members_v3 import BASE, HTTP_POOL, LB_ID, add, monitor, probe, reason_code, sdk_client, show  # noqa: F401  pylint: disable=unused-import


@pytest.fixture(name="manual")
def manual_probing(api):
    assert api.admin("POST", "config", {"probe_background": False, "probe_time_scale": 0.5}).status_code == 200
    return api


@pytest.fixture(name="listener")
def http_listener(sdk):
    """An HTTP listener whose default pool is the seeded demo-http-pool."""
    return sdk.create_listener(m3.CreateListenerRequest(m3.CreateListenerRequestBody(listener=m3.CreateListenerOption(
        loadbalancer_id=LB_ID, protocol="HTTP", protocol_port=80, default_pool_id=HTTP_POOL)))).listener


def check(sdk, member, listener, subject="all"):
    """Run a job through the SDK and wait (bounded) until it is processed; the SDK's parsed MemberCheckJobInfo."""
    created = sdk.create_member_health_check_job(m3.CreateMemberHealthCheckJobRequest(
        member.id, m3.CreateMemberHealthCheckJobRequestBody(member_check=m3.CreateMemberHealthCheckJobOption(
            listener_id=listener.id, subject=subject))))
    assert created.status_code == 201 and created.member_check.job_id
    for _attempt in range(100):
        job = sdk.show_member_health_check_job(m3.ShowMemberHealthCheckJobRequest(created.member_check.job_id)).member_check
        if job.status != "processing":
            return job
        time.sleep(0.1)
    raise AssertionError("the job was still processing after 10 s")


def failing(group):
    return [(item.name, item.severity) for item in group.check_items if item.severity == "Major"]


def test_a_healthy_member_passes_every_check(sdk, manual, backends, listener):
    backend = backends.http(200)
    monitor(manual, HTTP_POOL, url_path="/health")
    member = add(sdk, HTTP_POOL, backend.port)
    job = check(sdk, member, listener)
    assert isinstance(job, m3.MemberCheckJobInfo) and isinstance(job.result, m3.MemberCheckJobResult)
    assert (job.status, job.member_id, job.listener_id) == ("processed", member.id, listener.id)
    assert (job.check_item_total_num, job.check_item_finished_num) == (3, 3)
    for group in (job.result.config, job.result.acl, job.result.security_group):
        assert isinstance(group, m3.MemberCheckJobResultGroup)
        assert (group.check_result, group.check_status, group.check_items) == (True, "processed", [])
    assert ("GET", "/health") in [request[:2] for request in backend.requests]  # the config check really asked


def test_a_blocked_member_times_out_and_the_security_group_is_named(sdk, manual, backends, listener):
    backend = backends.http(200)
    monitor(manual, HTTP_POOL)
    member = add(sdk, HTTP_POOL, backend.port)
    probe(manual, 2)
    assert show(sdk, HTTP_POOL, member).operating_status == "ONLINE"
    config = manual.admin("POST", "config", {"blocked_health_checks": [{"address": "127.0.0.1", "port": backend.port}]})
    assert config.json()["blocked_health_checks"] == [{"address": "127.0.0.1", "port": backend.port}]
    asked = len(backend.requests)
    probe(manual, 2)
    shown = show(sdk, HTTP_POOL, member)
    assert (shown.operating_status, reason_code(shown)) == ("OFFLINE", "CONNECT_TIMEOUT")
    assert len(backend.requests) == asked  # the blocked probes never reached the backend
    job = check(sdk, member, listener)
    assert job.result.config.check_result is True and job.result.acl.check_result is True
    group = job.result.security_group
    assert group.check_result is False and failing(group) == [("security_group_inbound", "Major")]
    item = group.check_items[0]
    assert item.reason == "The security group of backend 127.0.0.1 does not allow TCP %d from 100.125.0.0/16." % backend.port
    assert item.reason_params == ["127.0.0.1", "TCP", str(backend.port), "100.125.0.0/16"] and item.job_id == job.job_id
    assert item.reason_template.count("{") == 4 and item.subject == "security_group"

    # Another port of the same address is not blocked; without a port every port is; null lifts it.
    manual.admin("POST", "config", {"blocked_health_checks": [{"address": "127.0.0.1", "port": closed_port()}]})
    assert check(sdk, member, listener, "securityGroup").result.security_group.check_result is True
    manual.admin("POST", "config", {"blocked_health_checks": [{"address": "127.0.0.1"}]})
    assert check(sdk, member, listener, "securityGroup").result.security_group.check_result is False
    manual.admin("POST", "config", {"blocked_health_checks": None})
    probe(manual, 2)
    assert show(sdk, HTTP_POOL, member).operating_status == "ONLINE"


def test_config_checks_name_the_wrong_setting(sdk, manual, backends, listener):
    backend = backends.http(404)
    monitor(manual, HTTP_POOL, url_path="/missing", expected_codes="200-204")
    member = add(sdk, HTTP_POOL, backend.port)
    item = check(sdk, member, listener, "config").result.config.check_items[0]
    assert (item.name, item.severity) == ("url_path", "Major")
    assert item.reason == "GET /missing on 127.0.0.1:%d answered 404, expected 200-204: the backend does not serve that path." % backend.port

    backend.status = 500
    item = check(sdk, member, listener, "config").result.config.check_items[0]
    assert (item.name, item.reason_params[-2:]) == ("expected_codes", ["500", "200-204"])

    # The monitor probes a port where nothing listens, while the member's own port serves.
    backend.status = 200
    wrong = closed_port()
    manual.signed("PUT", BASE + "/healthmonitors/" + manual.signed("GET", BASE + "/pools/" + HTTP_POOL).json()["pool"][
        "healthmonitor_id"], body={"healthmonitor": {"monitor_port": wrong}})
    job = check(sdk, member, listener, "config")
    assert failing(job.result.config) == [("monitor_port", "Major")]
    assert job.result.config.check_items[0].reason_params == [str(wrong), str(backend.port)]
    assert job.result.acl is None and job.result.security_group is None and job.check_item_total_num == 1


def test_domain_name_protocol_and_timeout(sdk, manual, backends, listener):
    """A backend that serves only the balancer's address as Host; then HTTPS spoken to plain HTTP; then too slow."""
    answers = {"192.168.0.10": 200}  # demo-lb's VIP

    class ByHost(BaseHTTPRequestHandler):
        def do_GET(self):  # pylint: disable=invalid-name
            self.send_response(answers.get(self.headers.get("Host"), 404))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), ByHost)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        created = monitor(manual, HTTP_POOL, domain_name="www.example.com")
        member = add(sdk, HTTP_POOL, server.server_address[1])
        item = check(sdk, member, listener, "config").result.config.check_items[0]
        assert (item.name, item.reason_params) == ("domain_name", ["GET", "/", "www.example.com", "404", "200"])
    finally:
        server.shutdown()
        server.server_close()

    slow = backends.http(200, delay=2.0)
    member = add(sdk, HTTP_POOL, slow.port)
    path = BASE + "/healthmonitors/" + created["id"]
    manual.signed("PUT", path, body={"healthmonitor": {"domain_name": None}})
    item = check(sdk, member, listener, "config").result.config.check_items[0]
    assert (item.name, item.reason_params[-1]) == ("timeout", "RECV_RESPONSE_TIMEOUT")

    plain = backends.http(200)
    member = add(sdk, HTTP_POOL, plain.port)
    manual.signed("PUT", path, body={"healthmonitor": {"type": "HTTPS"}})
    group = check(sdk, member, listener, "config").result.config
    assert [(i.name, i.severity) for i in group.check_items] == [("protocol", "Tips"), ("protocol", "Major")]
    assert group.check_items[1].reason_params[-1] == "SSL_HANDSHAKE_ERROR" and group.check_result is False


def test_a_closed_port_and_a_disabled_or_remote_member(sdk, manual, listener):
    monitor(manual, HTTP_POOL)
    port = closed_port()
    closed = add(sdk, HTTP_POOL, port)
    item = check(sdk, closed, listener, "config").result.config.check_items[0]
    assert (item.name, item.reason_params) == ("backend_port", ["127.0.0.1", str(port)])
    remote = add(sdk, HTTP_POOL, 8080, address="10.0.0.5")
    group = check(sdk, remote, listener, "config").result.config
    assert group.check_result is True and [i.name for i in group.check_items] == ["not_probed"]
    stats = manual.admin("GET", "stats").json()["probes"]
    assert remote.id not in stats["by_member"]


def test_refusals(sdk, api, listener):
    member = add(sdk, HTTP_POOL, 8080)
    path = BASE + "/members/%s/health-check" % member.id
    cases = [({"member_check": {"subject": "all"}}, 400, "listener_id"),
             ({"member_check": {"listener_id": listener.id, "subject": "everything"}}, 400, "subject"),
             ({"member_check": {"listener_id": "0" * 36}}, 404, "listener"),
             ({"nothing": {}}, 400, "member_check")]
    for body, status, word in cases:
        resp = api.signed("POST", path, body=body)
        assert (resp.status_code, resp.json()["error_code"]) == (status, "ELB.8902" if status == 400 else "ELB.8904")
        assert word in resp.json()["error_msg"]
    other = sdk.create_listener(m3.CreateListenerRequest(m3.CreateListenerRequestBody(listener=m3.CreateListenerOption(
        loadbalancer_id=LB_ID, protocol="TCP", protocol_port=81)))).listener
    resp = api.signed("POST", path, body={"member_check": {"listener_id": other.id}})
    assert resp.status_code == 400 and "not behind that listener" in resp.json()["error_msg"]
    assert api.signed("POST", BASE + "/members/%s/health-check" % ("1" * 36),
                      body={"member_check": {"listener_id": listener.id}}).status_code == 404
    created = api.signed("POST", path, body={"member_check": {"listener_id": listener.id}})
    assert created.status_code == 201 and set(created.json()) == {"member_check", "request_id"}
    job_id = created.json()["member_check"]["job_id"]
    with pytest.raises(exceptions.ClientRequestException) as err:
        sdk.show_member_health_check_job(m3.ShowMemberHealthCheckJobRequest("2" * 36))
    assert err.value.status_code == 404
    # Another project does not see the job.
    assert api.signed("GET", "/v3/%s/elb/members/check/jobs/%s" % (OTHER["project"], job_id), user=OTHER).status_code == 404
    assert api.signed("GET", "/v3/%s/elb/members/check/jobs/%s" % (P1, job_id)).status_code == 200


@pytest.mark.parametrize("entries", [{"address": "127.0.0.1"}, [{"address": "localhost"}], [{"address": "127.0.0.1", "port": 0}],
                                     [{"address": "127.0.0.1", "port": "80"}], [{"address": "127.0.0.1", "proto": "tcp"}]])
def test_blocked_health_checks_are_validated(api, entries):
    resp = api.admin("POST", "config", {"blocked_health_checks": entries})
    assert resp.status_code == 400 and "blocked_health_checks" in resp.json()["error"]
    assert api.admin("GET", "config").json()["blocked_health_checks"] == []
