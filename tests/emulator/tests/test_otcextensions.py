# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conformance with otcextensions: dedicated ELB v3 through ``conn.vlb``, configured as a user of that cloud would.

The user gives the auth URL, the credentials and the region (project name) and registers the extensions;
``conn.vlb`` takes the ``elbv3`` endpoint (``.../v3/{project_id}``) from the token's catalog.
"""

from __future__ import annotations

import pytest

from ..seed import seed_id

from .conftest import DEMO, P1

openstack = pytest.importorskip("openstack", reason="openstacksdk is not installed (tests/emulator/requirements-test.txt)")
otc = pytest.importorskip("otcextensions.sdk", reason="otcextensions is not installed (tests/emulator/requirements-test.txt)")
exceptions = pytest.importorskip("openstack.exceptions")


@pytest.fixture(name="vlb")
def vlb_proxy(emu):
    conn = openstack.connect(auth_url=emu.base_url + "/v3", username=DEMO["name"], password=DEMO["password"],
                             user_domain_name=DEMO["domain"], project_name="cn-north-4", region_name="cn-north-4",
                             load_yaml_config=False, load_envvars=False)
    otc.register_otc_extensions(conn)
    yield conn.vlb
    conn.close()


def test_endpoint_from_the_catalog(vlb, emu):
    assert vlb.get_endpoint() == "%s/v3/%s" % (emu.base_url, P1)


def test_lifecycle_of_balancer_listener_pool_and_monitor(vlb):
    lb = vlb.create_load_balancer(name="otc-lb", vip_subnet_cidr_id="subnet-1", availability_zone_list=["cn-north-4a"])
    assert (lb.name, lb.provisioning_status) == ("otc-lb", "ACTIVE")
    listener = vlb.create_listener(loadbalancer_id=lb.id, protocol="HTTP", protocol_port=80, name="otc-listener")
    pool = vlb.create_pool(listener_id=listener.id, protocol="HTTP", lb_algorithm="ROUND_ROBIN", name="otc-pool")
    monitor = vlb.create_health_monitor(pool_id=pool.id, type="HTTPS", delay=5, timeout=3, max_retries=3,
                                        url_path="/ready", domain_name="www.example.com", expected_codes="200-204")
    assert (monitor.type, monitor.url_path, monitor.expected_codes, monitor.http_method) == ("HTTPS", "/ready", "200-204", "GET")
    assert monitor.max_retries_down == 3 and monitor.monitor_port is None and monitor.pools == [{"id": pool.id}]
    assert vlb.get_pool(pool.id).healthmonitor_id == monitor.id
    updated = vlb.update_health_monitor(monitor, type="TCP", delay=9)
    assert (updated.type, updated.delay, updated.expected_codes, updated.http_method) == ("TCP", 9, None, None)
    assert vlb.get_health_monitor(monitor.id).delay == 9
    vlb.delete_health_monitor(monitor)
    with pytest.raises(exceptions.ResourceNotFound):
        vlb.get_health_monitor(monitor.id)
    assert vlb.get_pool(pool.id).healthmonitor_id == ""
    vlb.delete_pool(pool)
    vlb.delete_listener(listener)
    vlb.delete_load_balancer(lb)
    assert [x.name for x in vlb.load_balancers()] == ["demo-lb"]


def test_list_with_filters_and_paging(vlb, emu):
    for name, mtype, delay in (("demo-http-pool", "HTTP", 5), ("demo-tcp-pool", "TCP", 9), ("demo-udp-pool", "UDP_CONNECT", 5)):
        vlb.create_health_monitor(pool_id=seed_id(P1, "v3", "pool", name), type=mtype, delay=delay, timeout=3, max_retries=3, name=name)
    assert [m.name for m in vlb.health_monitors(type="TCP")] == ["demo-tcp-pool"]
    assert sorted(m.name for m in vlb.health_monitors(delay=5)) == ["demo-http-pool", "demo-udp-pool"]
    assert [m.name for m in vlb.health_monitors(is_admin_state_up=True, type="HTTP")] == ["demo-http-pool"]
    # Paging by two through 5 pools: two full pages, a short one, and the client's stop.
    emu.api.admin("POST", "stats/reset")
    assert len(list(vlb.pools(limit=2))) == 5
    lists = [r for r in emu.api.admin("GET", "stats").json()["requests"] if r["path"].endswith("/elb/pools")]
    assert 3 <= len(lists) <= 4


def test_errors_come_back_as_openstack_exceptions(vlb):
    pool = seed_id(P1, "v3", "pool", "demo-http-pool")
    with pytest.raises(exceptions.BadRequestException) as bad:
        vlb.create_health_monitor(pool_id=pool, type="GRPC", delay=5, timeout=3, max_retries=3, expected_codes="200")
    # The client's message shows only error_code; the answer it wraps holds the whole v3 error body.
    assert bad.value.details == "ELB.8902" or "ELB.8902" in str(bad.value)
    body = bad.value.response.json()
    assert body["error_code"] == "ELB.8902" and "expected_codes" in body["error_msg"] and body["request_id"]
    vlb.create_health_monitor(pool_id=pool, type="HTTP", delay=5, timeout=3, max_retries=3)
    with pytest.raises(exceptions.ConflictException):
        vlb.create_health_monitor(pool_id=pool, type="TCP", delay=5, timeout=3, max_retries=3)
    with pytest.raises(exceptions.ResourceNotFound):
        vlb.get_pool("00000000-0000-4000-8000-000000000000")
