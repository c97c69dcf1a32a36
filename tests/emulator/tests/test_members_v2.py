# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared ELB v2 members: the official SDK on /v2/{project_id}/elb, the /v2.0/lbaas form, and real health."""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v2 import ElbClient
from huaweicloudsdkelb.v2 import model as m2

from ..seed import seed_id
from .backends import backends_fixture, closed_port  # noqa: F401  pylint: disable=unused-import
from .conftest import DEMO, P1

SDK_BASE = "/v2/%s/elb" % P1
NEUTRON = "/v2.0/lbaas"
LB_ID = seed_id(P1, "v2", "loadbalancer", "shared-lb")
HTTP_POOL = seed_id(P1, "v2", "pool", "shared-http-pool")
TCP_POOL = seed_id(P1, "v2", "pool", "shared-tcp-pool")


@pytest.fixture(name="sdk")
def sdk_client(emu):
    """An official-SDK v2 client bound to the emulator."""
    cred = BasicCredentials(DEMO["ak"], DEMO["sk"], P1)
    return ElbClient.new_builder().with_credentials(cred).with_endpoint(emu.base_url).build()


def add(sdk, pool, port, address="127.0.0.1", **extra):
    return sdk.create_member(m2.CreateMemberRequest(pool, m2.CreateMemberRequestBody(
        member=m2.CreateMemberReq(address=address, protocol_port=port, subnet_id="subnet-1", **extra)))).member


def show(sdk, pool, member):
    return sdk.show_member(m2.ShowMemberRequest(pool, member.id)).member


def test_sdk_members_and_both_path_forms(sdk, api):
    one = add(sdk, HTTP_POOL, 8080, name="one")
    assert (one.address, one.protocol_port, one.weight, one.subnet_id, one.tenant_id) == ("127.0.0.1", 8080, 1, "subnet-1", P1)
    assert one.operating_status == "NO_MONITOR"
    two = add(sdk, HTTP_POOL, 8081, weight=0)
    assert [m.id for m in sdk.list_members(m2.ListMembersRequest(HTTP_POOL)).members] == [one.id, two.id]
    assert [m.id for m in sdk.list_members(m2.ListMembersRequest(HTTP_POOL, protocol_port=8081)).members] == [two.id]
    updated = sdk.update_member(m2.UpdateMemberRequest(one.id, HTTP_POOL, m2.UpdateMemberRequestBody(
        member=m2.UpdateMemberReq(weight=0, name="drained")))).member
    assert (updated.weight, updated.name) == (0, "drained")

    # One state behind both path forms; the Neutron form adds members_links when a limit is given.
    token = api.token()
    resp = api.with_token("GET", NEUTRON + "/pools/%s/members" % HTTP_POOL, token, query={"limit": 1})
    assert resp.status_code == 200
    assert [m["id"] for m in resp.json()["members"]] == [one.id] and resp.json()["members_links"][0]["rel"] == "next"
    resp = api.with_token("POST", NEUTRON + "/pools/%s/members" % HTTP_POOL, token,
                          body={"member": {"address": "127.0.0.1", "protocol_port": 8080, "subnet_id": "subnet-1"}})
    assert resp.status_code == 409 and resp.json()["NeutronError"]["type"] == "HTTPConflict"
    resp = api.with_token("POST", NEUTRON + "/pools/%s/members" % HTTP_POOL, token,
                          body={"member": {"address": "127.0.0.1", "protocol_port": 70000}})
    assert resp.status_code == 400 and resp.json()["NeutronError"]["type"] == "HTTPBadRequest"
    assert api.with_token("DELETE", NEUTRON + "/pools/%s/members/%s" % (HTTP_POOL, two.id), token).status_code == 204
    with pytest.raises(exceptions.ClientRequestException) as caught:
        show(sdk, HTTP_POOL, two)
    assert caught.value.status_code == 404
    with pytest.raises(exceptions.ClientRequestException) as caught:
        add(sdk, HTTP_POOL, 80, weight=101)
    assert caught.value.status_code == 400 and caught.value.error_code == "ELB.8902"
    sdk.delete_member(m2.DeleteMemberRequest(HTTP_POOL, one.id))
    assert sdk.list_members(m2.ListMembersRequest(HTTP_POOL)).members == []


def test_sdk_health_and_status_tree(sdk, api, backends):
    api.admin("POST", "config", {"probe_background": False, "probe_time_scale": 0.5})
    healthy, failing = backends.http(200), backends.http(404)
    resp = api.signed("POST", SDK_BASE + "/healthmonitors", body={"healthmonitor": {
        "pool_id": HTTP_POOL, "type": "HTTP", "delay": 1, "timeout": 1, "max_retries": 2, "max_retries_down": 3}})
    assert resp.status_code == 201, resp.text
    api.signed("POST", SDK_BASE + "/healthmonitors", body={"healthmonitor": {
        "pool_id": TCP_POOL, "type": "TCP", "delay": 1, "timeout": 1, "max_retries": 1}})
    good, bad = add(sdk, HTTP_POOL, healthy.port), add(sdk, HTTP_POOL, failing.port)
    refused = add(sdk, TCP_POOL, closed_port())
    statuses = []
    for _round in range(3):
        api.admin("POST", "probe")
        statuses.append((show(sdk, HTTP_POOL, good).operating_status, show(sdk, HTTP_POOL, bad).operating_status))
    # max_retries 2 successes bring one ONLINE; max_retries_down 3 failures take the other OFFLINE.
    assert statuses == [("INITIAL", "INITIAL"), ("ONLINE", "INITIAL"), ("ONLINE", "OFFLINE")]
    assert show(sdk, TCP_POOL, refused).operating_status == "OFFLINE"
    assert "reason" not in api.signed("GET", SDK_BASE + "/pools/%s/members/%s" % (HTTP_POOL, bad.id)).json()["member"]

    tree = sdk.show_loadbalancers_status(m2.ShowLoadbalancersStatusRequest(LB_ID)).statuses.loadbalancer
    assert tree.id == LB_ID and tree.provisioning_status == "ACTIVE"
    node = next(p for p in tree.pools if p.id == HTTP_POOL)
    assert node.healthmonitor.type == "HTTP"
    assert {m.id: m.operating_status for m in node.members} == {good.id: "ONLINE", bad.id: "OFFLINE"}
    token = api.token()
    neutron = api.with_token("GET", NEUTRON + "/loadbalancers/%s/statuses" % LB_ID, token).json()
    assert neutron["statuses"]["loadbalancer"]["pools"] == api.signed(
        "GET", SDK_BASE + "/loadbalancers/%s/statuses" % LB_ID).json()["statuses"]["loadbalancer"]["pools"]
