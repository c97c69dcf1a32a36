# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VPC subnet list (``GET /v1/{project_id}/subnets``) through the official VPC SDK and raw signed calls, the
admin API that adds subnets, ``check_subnets``, and v3 instance-type members (``member_type``, ``instance_id``)."""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v3 import ElbClient
from huaweicloudsdkelb.v3 import model as m3
from huaweicloudsdkvpc.v2 import VpcClient
from huaweicloudsdkvpc.v2 import model as mvpc

from ..seed import VPC_SUBNETS, seed_id
from ..vpc import instance_id_of, subnet_ids
from .conftest import DEMO, OTHER, P1, P2

V3 = "/v3/%s/elb" % P1
V2 = "/v2/%s/elb" % P1
SUBNETS = "/v1/%s/subnets" % P1
V3_HTTP = seed_id(P1, "v3", "pool", "demo-http-pool")
V2_HTTP = seed_id(P1, "v2", "pool", "shared-http-pool")
DEMO_VPC = seed_id(P1, "vpc", "vpc", "demo-vpc")
WEB_ID, WEB_NETWORK, WEB_NEUTRON = subnet_ids(P1, DEMO_VPC, "web-subnet", "127.0.0.0/24")


def ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json()


@pytest.fixture(name="vpc_sdk")
def vpc_sdk_client(emu):
    """The official VPC SDK (v2 client: ListSubnets is GET /v1/{project_id}/subnets) bound to the emulator."""
    cred = BasicCredentials(DEMO["ak"], DEMO["sk"], P1)
    return VpcClient.new_builder().with_credentials(cred).with_endpoints([emu.base_url]).build()


@pytest.fixture(name="elb_sdk")
def elb_sdk_client(emu):
    cred = BasicCredentials(DEMO["ak"], DEMO["sk"], P1)
    return ElbClient.new_builder().with_credentials(cred).with_endpoints([emu.base_url]).build()


def test_the_sdk_lists_the_seeded_subnets_with_the_model_fields(vpc_sdk, api):
    listed = vpc_sdk.list_subnets(mvpc.ListSubnetsRequest()).subnets
    assert [(s.name, s.cidr) for s in listed] == [(s["name"], s["cidr"]) for s in VPC_SUBNETS]
    web = listed[0]
    assert (web.id, web.neutron_network_id, web.neutron_subnet_id, web.vpc_id) == (WEB_ID, WEB_NETWORK, WEB_NEUTRON, DEMO_VPC)
    assert len({web.id, web.neutron_network_id, web.neutron_subnet_id}) == 3  # three ids, as on the service
    assert web.status == "ACTIVE" and web.gateway_ip == "127.0.0.1" and web.dns_list
    raw = ok(api.signed("GET", SUBNETS))["subnets"]
    model_keys = set(mvpc.Subnet.attribute_map.values())
    assert raw and all(set(item) <= model_keys for item in raw), set(raw[0]) - model_keys
    assert len({item["vpc_id"] for item in raw}) == 2  # the twin subnets live in two VPCs


def test_vpc_id_filter_limit_and_marker_page_like_the_reference(vpc_sdk):
    everything = vpc_sdk.list_subnets(mvpc.ListSubnetsRequest()).subnets
    first = vpc_sdk.list_subnets(mvpc.ListSubnetsRequest(limit=2)).subnets
    rest = vpc_sdk.list_subnets(mvpc.ListSubnetsRequest(limit=2, marker=first[-1].id)).subnets
    assert [s.id for s in first + rest] == [s.id for s in everything] and len(first) == 2
    assert vpc_sdk.list_subnets(mvpc.ListSubnetsRequest(limit=0)).subnets == []
    in_demo = vpc_sdk.list_subnets(mvpc.ListSubnetsRequest(vpc_id=DEMO_VPC)).subnets
    assert len(in_demo) == 3 and {s.vpc_id for s in in_demo} == {DEMO_VPC}


@pytest.mark.parametrize("query", [{"limit": "2001"}, {"limit": "-1"}, {"limit": "x"}, {"marker": "no-such-id"}])
def test_bad_paging_is_refused_with_the_vpc_error_body(api, query):
    body = api.signed("GET", SUBNETS, query=query).json()
    assert set(body) == {"code", "message"} and body["code"] in ("VPC.0101", "ELB.8902"), body


def test_the_list_needs_a_signature_and_shows_only_the_callers_project(api):
    assert api.session.get(api.url(SUBNETS), timeout=10).status_code == 401
    assert api.signed("GET", SUBNETS, user=OTHER, project_id=P1).status_code == 403
    theirs = ok(api.signed("GET", "/v1/%s/subnets" % P2, user=OTHER))["subnets"]
    assert theirs and not {s["id"] for s in theirs} & {s["id"] for s in ok(api.signed("GET", SUBNETS))["subnets"]}


def test_admin_api_adds_subnets_and_reset_brings_back_the_seed(api, vpc_sdk):
    made = ok(api.admin("POST", "subnets", {"subnets": [{"name": "extra", "cidr": "127.0.9.0/24"}]}))["subnets"]
    assert made[0]["name"] == "extra" and made[0]["vpc_id"] == DEMO_VPC
    assert "extra" in [s.name for s in vpc_sdk.list_subnets(mvpc.ListSubnetsRequest()).subnets]
    for bad in ({"subnets": []}, {"subnets": [{"name": "x", "cidr": "nope"}]}, {"subnets": [{"cidr": "127.0.9.0/24"}]},
                {"subnets": [{"name": "x", "cidr": "127.0.9.0/24", "colour": "red"}]}, {"project_id": "nope", "subnets": [{}]}):
        assert api.admin("POST", "subnets", bad).status_code == 400, bad
    ok(api.admin("POST", "reset"))
    assert "extra" not in [s.name for s in vpc_sdk.list_subnets(mvpc.ListSubnetsRequest()).subnets]


def create_v3(elb_sdk, address, port=80, subnet=None):
    return elb_sdk.create_member(m3.CreateMemberRequest(V3_HTTP, m3.CreateMemberRequestBody(
        member=m3.CreateMemberOption(address=address, protocol_port=port, subnet_cidr_id=subnet)))).member


def test_an_instance_member_has_its_ecs_and_the_project_list_filters_by_it(elb_sdk, api):
    placed = create_v3(elb_sdk, "127.0.0.7", subnet=WEB_NEUTRON)
    again = create_v3(elb_sdk, "127.0.0.7", port=81, subnet=WEB_NEUTRON)
    plain = create_v3(elb_sdk, "127.0.0.8")
    assert (placed.member_type, placed.instance_id) == ("instance", instance_id_of(P1, WEB_NEUTRON, "127.0.0.7"))
    assert again.instance_id == placed.instance_id  # one ECS behind both ports
    assert (plain.member_type, plain.instance_id) == ("ip", None)
    # The SDK's pool list takes instance_id and member_type; its ListAllMembers has no instance_id (api-notes §9
    # lists it for the project list), so that one is a raw signed call.
    in_pool = elb_sdk.list_members(m3.ListMembersRequest(V3_HTTP, instance_id=[placed.instance_id])).members
    assert sorted(m.protocol_port for m in in_pool) == [80, 81]
    assert [m.id for m in elb_sdk.list_members(m3.ListMembersRequest(V3_HTTP, member_type=["ip"])).members] == [plain.id]
    listed = ok(api.signed("GET", V3 + "/members", query={"instance_id": placed.instance_id}))["members"]
    assert sorted(m["id"] for m in listed) == sorted([placed.id, again.id])
    assert ok(api.signed("GET", V3 + "/members", query={"instance_id": "no-such-ecs"}))["members"] == []


def test_check_subnets_refuses_unknown_subnets_and_addresses_outside_them(api, elb_sdk):
    assert create_v3(elb_sdk, "127.0.0.9", subnet="free-form").subnet_cidr_id == "free-form"  # off by default
    ok(api.admin("POST", "config", {"check_subnets": True}))
    for subnet, address, field in ((WEB_ID, "127.0.0.10", "subnet_cidr_id"),  # the VPC id, not the neutron one
                                   (WEB_NEUTRON, "127.0.1.10", "address")):
        with pytest.raises(exceptions.ClientRequestException) as caught:
            create_v3(elb_sdk, address, subnet=subnet)
        assert caught.value.status_code == 400 and field in caught.value.error_msg
    assert create_v3(elb_sdk, "127.0.0.10", subnet=WEB_NEUTRON).subnet_cidr_id == WEB_NEUTRON
    batch = api.signed("POST", V3 + "/pools/%s/members/batch-add" % V3_HTTP, body={"members": [
        {"address": "127.0.0.11", "protocol_port": 80, "subnet_cidr_id": WEB_ID}]})
    assert batch.status_code == 400 and "subnet_cidr_id" in batch.json()["error_msg"]
    v2 = api.signed("POST", V2 + "/pools/%s/members" % V2_HTTP, body={"member": {
        "address": "127.0.0.12", "protocol_port": 80, "subnet_id": "subnet-1"}})
    assert v2.status_code == 400 and "subnet_id" in v2.json()["error_msg"]
    assert ok(api.signed("POST", V2 + "/pools/%s/members" % V2_HTTP, body={"member": {
        "address": "127.0.0.12", "protocol_port": 80, "subnet_id": WEB_NEUTRON}}), 201)["member"]["subnet_id"] == WEB_NEUTRON
    assert api.admin("POST", "config", {"check_subnets": 1}).status_code == 400
    ok(api.admin("POST", "reset"))
    assert ok(api.admin("GET", "config"))["check_subnets"] is False
