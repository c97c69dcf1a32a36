# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Conformance with openstacksdk: shared ELB v2.0 through ``conn.network``, found by discovery alone.

openstacksdk serves Neutron LBaaS v2 (``/v2.0/lbaas/...``, the seed's path) as ``conn.network``'s
load_balancer / listener / pool / health_monitor resources; ``conn.load_balancer`` is Octavia
(``/v2/lbaas/...``), a different API the shared ELB does not serve. The connection gets only
``auth_url`` + credentials + region: the endpoint comes from the token's catalog and the version from
``GET /``, as against the real cloud.
"""

from __future__ import annotations

import pytest

from ..seed import seed_id

from .conftest import DEMO, P1

openstack = pytest.importorskip("openstack", reason="openstacksdk is not installed (tests/emulator/requirements-test.txt)")
exceptions = pytest.importorskip("openstack.exceptions")


@pytest.fixture(name="conn")
def connection(emu):
    conn = openstack.connect(auth_url=emu.base_url + "/v3", username=DEMO["name"], password=DEMO["password"],
                             user_domain_name=DEMO["domain"], project_name="cn-north-4", region_name="cn-north-4",
                             load_yaml_config=False, load_envvars=False)
    yield conn
    conn.close()


def test_endpoint_found_by_discovery_alone(conn, emu):
    assert conn.network.get_endpoint() == emu.base_url + "/v2.0"
    assert conn.current_project_id == P1
    paths = [r["path"] for r in emu.api.admin("GET", "stats").json()["requests"]]
    assert paths == ["/v3", "/v3/auth/tokens"]  # identity version document, then the token and its catalog


def test_identity_version_found_from_the_bare_root(emu):
    """``auth_url`` without a version: keystoneauth picks identity v3 from the list ``GET /`` answers."""
    conn = openstack.connect(auth_url=emu.base_url, username=DEMO["name"], password=DEMO["password"],
                             user_domain_name=DEMO["domain"], project_name="cn-north-4", region_name="cn-north-4",
                             load_yaml_config=False, load_envvars=False)
    try:
        assert [lb.name for lb in conn.network.load_balancers()] == ["shared-lb"]
    finally:
        conn.close()
    paths = [r["path"] for r in emu.api.admin("GET", "stats").json()["requests"]]
    assert paths[:2] == ["/", "/v3/auth/tokens"]


def test_lifecycle_of_balancer_listener_pool_and_monitor(conn):
    net = conn.network
    lb = net.create_load_balancer(name="os-lb", vip_subnet_id="subnet-1")
    assert (lb.name, lb.provisioning_status, lb.project_id) == ("os-lb", "ACTIVE", P1)
    listener = net.create_listener(loadbalancer_id=lb.id, protocol="HTTP", protocol_port=80, name="os-listener")
    pool = net.create_pool(listener_id=listener.id, protocol="HTTP", lb_algorithm="ROUND_ROBIN", name="os-pool")
    assert net.get_listener(listener.id).default_pool_id == pool.id
    monitor = net.create_health_monitor(pool_id=pool.id, type="HTTP", delay=5, timeout=3, max_retries=3,
                                        url_path="/health?check=1", http_method="HEAD", name="os-hm")
    assert (monitor.url_path, monitor.http_method, monitor.expected_codes) == ("/health?check=1", "HEAD", "200")
    assert monitor.pool_ids == [{"id": pool.id}] and monitor.project_id == P1
    assert net.get_pool(pool.id).health_monitor_id == monitor.id
    updated = net.update_health_monitor(monitor, delay=8, name="os-hm-2")
    assert (updated.delay, updated.name) == (8, "os-hm-2")
    assert net.get_health_monitor(monitor.id).delay == 8
    net.delete_health_monitor(monitor)
    with pytest.raises(exceptions.ResourceNotFound):
        net.get_health_monitor(monitor.id)
    assert net.get_pool(pool.id).health_monitor_id is None
    net.delete_pool(pool)
    net.delete_listener(listener)
    net.delete_load_balancer(lb)
    assert [x.name for x in net.load_balancers()] == ["shared-lb"]


def test_list_with_filters_and_paging(conn, emu):
    net = conn.network
    for name, protocol in (("http-pool", "HTTP"), ("tcp-pool", "TCP"), ("udp-pool", "UDP")):
        pool = seed_id(P1, "v2", "pool", "shared-" + name)
        net.create_health_monitor(pool_id=pool, type="UDP_CONNECT" if protocol == "UDP" else "TCP", delay=5 if protocol != "TCP" else 9,
                                  timeout=3, max_retries=3, name=name)
    assert sorted(m.name for m in net.health_monitors(type="TCP")) == ["http-pool", "tcp-pool"]
    assert [m.name for m in net.health_monitors(delay=9)] == ["tcp-pool"]
    assert [m.name for m in net.health_monitors(type="TCP", delay=5)] == ["http-pool"]
    assert [p.name for p in net.pools(name="shared-udp-pool")] == ["shared-udp-pool"]
    # Paging by one: the client follows the healthmonitors_links "next" hrefs to the end.
    emu.api.admin("POST", "stats/reset")
    assert [m.name for m in net.health_monitors(limit=1)] == ["http-pool", "tcp-pool", "udp-pool"]
    lists = [r for r in emu.api.admin("GET", "stats").json()["requests"] if r["path"] == "/v2.0/lbaas/healthmonitors"]
    assert len(lists) >= 3
    # openstacksdk maps is_admin_state_up to the query key "adminstate_up" (a client typo): the service knows no
    # such filter and ignores it, so every monitor comes back. Pinned: the emulator's answer, not the client's intent.
    net.update_health_monitor(net.find_health_monitor("udp-pool"), admin_state_up=False)
    assert len(list(net.health_monitors(is_admin_state_up=True))) == 3


def test_errors_come_back_as_openstack_exceptions(conn):
    net = conn.network
    pool = seed_id(P1, "v2", "pool", "shared-http-pool")
    with pytest.raises(exceptions.BadRequestException) as bad:
        net.create_health_monitor(pool_id=pool, type="HTTP", delay=5, timeout=3, max_retries=3, url_path="health")
    assert "url_path" in str(bad.value) and "must start with '/'" in str(bad.value)
    net.create_health_monitor(pool_id=pool, type="HTTP", delay=5, timeout=3, max_retries=3)
    with pytest.raises(exceptions.ConflictException):
        net.create_health_monitor(pool_id=pool, type="HTTP", delay=5, timeout=3, max_retries=3)
    with pytest.raises(exceptions.ResourceNotFound):
        net.get_pool("00000000-0000-4000-8000-000000000000")
