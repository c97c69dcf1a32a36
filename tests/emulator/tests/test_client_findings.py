# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 27, items 11, 12, 14, 15 and 16: what openstacksdk, otcextensions and the official SDK found.

11. v2 members need ``subnet_id`` (the SDK's ``CreateMemberReq`` requires it) on both path forms.
12. One pool/listener topology: a listener's ``default_pool_id`` puts it in the pool's ``listeners``, which the
    pool views, the ``listener_id`` filter, the status tree and a v3 member's ``status[]`` all read.
14. ``/v2.0`` answers carry ``X-OpenStack-Request-Id`` too; v3 members have only the SDK model's fields, null
    where they have no value.
15. ``POST /_emulator/probe`` takes ``{"rounds": N}`` and ``[{"rounds": N}]``.
16. Query keys a list does not declare are ignored.
"""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v2 import ElbClient as ElbClientV2
from huaweicloudsdkelb.v2 import model as m2
from huaweicloudsdkelb.v3 import ElbClient as ElbClientV3
from huaweicloudsdkelb.v3 import model as m3

from ..seed import seed_id
from .conftest import DEMO, P1

V3 = "/v3/%s/elb" % P1
V2P = "/v2/%s/elb" % P1
V2N = "/v2.0/lbaas"
V3_LB, V2_LB = seed_id(P1, "v3", "loadbalancer", "demo-lb"), seed_id(P1, "v2", "loadbalancer", "shared-lb")
V3_HTTP, V3_TCP = seed_id(P1, "v3", "pool", "demo-http-pool"), seed_id(P1, "v3", "pool", "demo-tcp-pool")
V2_HTTP, V2_TCP = seed_id(P1, "v2", "pool", "shared-http-pool"), seed_id(P1, "v2", "pool", "shared-tcp-pool")
# Per family: its SDK-form base, its seeded balancer and two pools on it.
FAMILY = {"v3": (V3, V3_LB, V3_HTTP, V3_TCP), "v2": (V2P, V2_LB, V2_HTTP, V2_TCP)}


@pytest.fixture(name="sdk3")
def sdk3_client(emu):
    return ElbClientV3.new_builder().with_credentials(BasicCredentials(DEMO["ak"], DEMO["sk"], P1)) \
        .with_endpoints([emu.base_url]).build()


@pytest.fixture(name="sdk2")
def sdk2_client(emu):
    return ElbClientV2.new_builder().with_credentials(BasicCredentials(DEMO["ak"], DEMO["sk"], P1)) \
        .with_endpoint(emu.base_url).build()


def ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json() if resp.content else None


# --- 11: v2 members need subnet_id ------------------------------------------------------------------------

def test_sdk_v2_member_without_subnet_id_is_refused(sdk2):
    with pytest.raises(exceptions.ClientRequestException) as caught:
        sdk2.create_member(m2.CreateMemberRequest(V2_HTTP, m2.CreateMemberRequestBody(
            member=m2.CreateMemberReq(address="127.0.0.1", protocol_port=8080))))
    assert (caught.value.status_code, caught.value.error_code) == (400, "ELB.8902")
    assert "subnet_id" in caught.value.error_msg
    made = sdk2.create_member(m2.CreateMemberRequest(V2_HTTP, m2.CreateMemberRequestBody(
        member=m2.CreateMemberReq(address="127.0.0.1", protocol_port=8080, subnet_id="subnet-1")))).member
    assert made.subnet_id == "subnet-1"
    assert [m.id for m in sdk2.list_members(m2.ListMembersRequest(V2_HTTP)).members] == [made.id]


@pytest.mark.parametrize("subnet", [None, "", 5], ids=["absent", "empty", "number"])
def test_neutron_form_member_without_a_subnet_id_gets_the_neutron_error(api, subnet):
    member = {"address": "127.0.0.1", "protocol_port": 8080}
    if subnet is not None:
        member["subnet_id"] = subnet
    resp = api.with_token("POST", V2N + "/pools/%s/members" % V2_HTTP, api.token(), body={"member": member})
    error = resp.json()["NeutronError"]
    assert resp.status_code == 400 and error["type"] == "HTTPBadRequest" and "subnet_id" in error["message"], resp.text
    assert ok(api.signed("GET", V2P + "/pools/%s/members" % V2_HTTP))["members"] == []


def test_openstacksdk_member_needs_subnet_id_and_its_error_carries_the_request_id(emu):
    openstack = pytest.importorskip("openstack")
    os_exceptions = pytest.importorskip("openstack.exceptions")
    conn = openstack.connect(auth_url=emu.base_url + "/v3", username=DEMO["name"], password=DEMO["password"],
                             user_domain_name=DEMO["domain"], project_name="cn-north-4", region_name="cn-north-4",
                             load_yaml_config=False, load_envvars=False)
    try:
        with pytest.raises(os_exceptions.BadRequestException) as caught:
            conn.network.create_pool_member(V2_HTTP, address="127.0.0.1", protocol_port=8080)
        assert "subnet_id" in str(caught.value)
        # 14: openstacksdk takes the request id from X-OpenStack-Request-Id.
        assert caught.value.request_id and caught.value.request_id == caught.value.response.headers["X-Request-Id"]
        member = conn.network.create_pool_member(V2_HTTP, address="127.0.0.1", protocol_port=8080, subnet_id="subnet-1")
        assert member.subnet_id == "subnet-1"
    finally:
        conn.close()


# --- 12: one topology -------------------------------------------------------------------------------------

def listener_body(lb, protocol="TCP", port=8080, **extra):
    return {"listener": dict(loadbalancer_id=lb, protocol=protocol, protocol_port=port, **extra)}


def listeners_of(api, base, pool):
    return [ref["id"] for ref in ok(api.signed("GET", base + "/pools/" + pool))["pool"]["listeners"]]


def tree_listeners(api, base, lb):
    tree = ok(api.signed("GET", base + "/loadbalancers/%s/statuses" % lb))["statuses"]["loadbalancer"]
    return {node["id"]: [p["id"] for p in node["pools"]] for node in tree["listeners"]}


@pytest.mark.parametrize("family", ["v3", "v2"])
def test_default_pool_id_links_the_pool_on_create_update_and_delete(api, family):
    base, lb, first, second = FAMILY[family]
    listener = ok(api.signed("POST", base + "/listeners", body=listener_body(lb, default_pool_id=first)), 201)["listener"]
    lid = listener["id"]
    assert listener["default_pool_id"] == first
    assert listeners_of(api, base, first) == [lid] and listeners_of(api, base, second) == []
    assert [p["id"] for p in ok(api.signed("GET", base + "/pools", query={"listener_id": lid}))["pools"]] == [first]
    assert tree_listeners(api, base, lb) == {lid: [first]}

    # Moving the default pool moves the link; clearing it removes it.
    ok(api.signed("PUT", base + "/listeners/" + lid, body={"listener": {"default_pool_id": second}}))
    assert listeners_of(api, base, first) == [] and listeners_of(api, base, second) == [lid]
    assert tree_listeners(api, base, lb) == {lid: [second]}
    ok(api.signed("PUT", base + "/listeners/" + lid, body={"listener": {"default_pool_id": None}}))
    assert listeners_of(api, base, second) == [] and tree_listeners(api, base, lb) == {lid: []}

    # Deleting the listener unlinks its default pool; deleting a default pool clears default_pool_id.
    ok(api.signed("PUT", base + "/listeners/" + lid, body={"listener": {"default_pool_id": second}}))
    assert api.signed("DELETE", base + "/listeners/" + lid).status_code == 204
    assert listeners_of(api, base, second) == []
    other = ok(api.signed("POST", base + "/listeners", body=listener_body(lb, port=8081)), 201)["listener"]["id"]
    pool = ok(api.signed("POST", base + "/pools", body={"pool": {"protocol": "TCP", "loadbalancer_id": lb,
                                                                 "lb_algorithm": "ROUND_ROBIN"}}), 201)["pool"]["id"]
    ok(api.signed("PUT", base + "/listeners/" + other, body={"listener": {"default_pool_id": pool}}))
    assert api.signed("DELETE", base + "/pools/" + pool).status_code == 204
    assert ok(api.signed("GET", base + "/listeners/" + other))["listener"]["default_pool_id"] is None


@pytest.mark.parametrize("family", ["v3", "v2"])
def test_default_pool_id_must_be_a_pool_of_the_balancer(api, family):
    base, lb, first, _second = FAMILY[family]
    missing = api.signed("POST", base + "/listeners", body=listener_body(lb, default_pool_id="no-such-pool"))
    assert missing.status_code == 404 and missing.json()["error_code"] == "ELB.8904"
    elsewhere = ok(api.signed("POST", base + "/loadbalancers", body={"loadbalancer": {"name": "other-lb",
                                                                                      "vip_subnet_id": "subnet-1"}}), 201)
    resp = api.signed("POST", base + "/listeners", body=listener_body(elsewhere["loadbalancer"]["id"], default_pool_id=first))
    assert resp.status_code == 400 and "default_pool_id" in resp.json()["error_msg"]
    lid = ok(api.signed("POST", base + "/listeners", body=listener_body(lb)), 201)["listener"]["id"]
    resp = api.signed("PUT", base + "/listeners/" + lid, body={"listener": {"default_pool_id": "no-such-pool"}})
    assert resp.status_code == 404
    assert listeners_of(api, base, first) == []


def test_pool_created_on_a_listener_keeps_it_when_the_default_moves(api):
    """README ★: a pool's listener_id is fixed, so that link stays; the status tree shows both pools."""
    lid = ok(api.signed("POST", V3 + "/listeners", body=listener_body(V3_LB)), 201)["listener"]["id"]
    bound = ok(api.signed("POST", V3 + "/pools", body={"pool": {"protocol": "TCP", "listener_id": lid,
                                                                "lb_algorithm": "ROUND_ROBIN"}}), 201)["pool"]["id"]
    assert ok(api.signed("GET", V3 + "/listeners/" + lid))["listener"]["default_pool_id"] == bound
    ok(api.signed("PUT", V3 + "/listeners/" + lid, body={"listener": {"default_pool_id": V3_TCP}}))
    assert listeners_of(api, V3, bound) == [lid] and listeners_of(api, V3, V3_TCP) == [lid]
    assert sorted(tree_listeners(api, V3, V3_LB)[lid]) == sorted([bound, V3_TCP])


def test_v3_pool_without_a_balancer_joins_the_listeners(api):
    """A v3 pool may have no balancer; as the default pool of a listener it is on the listener's, like one created on it."""
    loose = ok(api.signed("POST", V3 + "/pools", body={"pool": {"protocol": "TCP", "lb_algorithm": "ROUND_ROBIN"}}), 201)["pool"]
    assert loose["loadbalancers"] == []
    lid = ok(api.signed("POST", V3 + "/listeners", body=listener_body(V3_LB, default_pool_id=loose["id"])), 201)["listener"]["id"]
    shown = ok(api.signed("GET", V3 + "/pools/" + loose["id"]))["pool"]
    assert shown["loadbalancers"] == [{"id": V3_LB}] and shown["listeners"] == [{"id": lid}]
    assert tree_listeners(api, V3, V3_LB)[lid] == [loose["id"]]
    assert loose["id"] in [p["id"] for p in ok(api.signed("GET", V3 + "/loadbalancers/" + V3_LB))["loadbalancer"]["pools"]]


def test_sdk_v3_member_status_follows_the_listener_default_pool(sdk3):
    member = sdk3.create_member(m3.CreateMemberRequest(V3_TCP, m3.CreateMemberRequestBody(
        member=m3.CreateMemberOption(address="10.0.0.5", protocol_port=3306)))).member
    assert member.status == []
    listener = sdk3.create_listener(m3.CreateListenerRequest(m3.CreateListenerRequestBody(listener=m3.CreateListenerOption(
        loadbalancer_id=V3_LB, protocol="TCP", protocol_port=3306, default_pool_id=V3_TCP)))).listener
    assert [ref.id for ref in sdk3.show_pool(m3.ShowPoolRequest(V3_TCP)).pool.listeners] == [listener.id]
    shown = sdk3.show_member(m3.ShowMemberRequest(member_id=member.id, pool_id=V3_TCP)).member
    assert [(s.listener_id, s.operating_status) for s in shown.status] == [(listener.id, shown.operating_status)]
    listed = sdk3.list_all_members(m3.ListAllMembersRequest(pool_id=[V3_TCP])).members
    assert [[s.listener_id for s in m.status] for m in listed] == [[listener.id]]
    tree = sdk3.show_load_balancer_status(m3.ShowLoadBalancerStatusRequest(V3_LB)).statuses.loadbalancer
    branch = next(node for node in tree.listeners if node.id == listener.id)
    assert [(p.id, [m.id for m in p.members]) for p in branch.pools] == [(V3_TCP, [member.id])]
    pools = sdk3.list_pools(m3.ListPoolsRequest(listener_id=[listener.id])).pools
    assert [p.id for p in pools] == [V3_TCP]


# --- 14: request id headers, the member model -------------------------------------------------------------

def test_openstack_paths_send_both_request_id_headers(api):
    token = api.token()
    answers = [api.with_token("GET", V2N + "/pools", token), api.with_token("GET", V2N + "/pools/missing", token),
               api.with_token("GET", "/v2.0", token)]
    for resp in answers:
        assert resp.headers["X-OpenStack-Request-Id"] == resp.headers["X-Request-Id"], resp.url
    assert answers[1].status_code == 404
    for path in (V2P + "/pools", V3 + "/pools"):
        resp = api.signed("GET", path)
        assert resp.status_code == 200 and "X-Request-Id" in resp.headers
        assert "X-OpenStack-Request-Id" not in resp.headers


def test_v3_member_fields_are_the_sdk_models(sdk3, api):
    plain = sdk3.create_member(m3.CreateMemberRequest(V3_HTTP, m3.CreateMemberRequestBody(
        member=m3.CreateMemberOption(address="10.0.0.5", protocol_port=80)))).member
    placed = sdk3.create_member(m3.CreateMemberRequest(V3_HTTP, m3.CreateMemberRequestBody(
        member=m3.CreateMemberOption(address="10.0.0.6", protocol_port=80, subnet_cidr_id="subnet-1",
                                     availability_zone="cn-north-4a")))).member
    assert (plain.subnet_cidr_id, plain.instance_id, plain.availability_zone, plain.member_type) == (None, None, None, "ip")
    assert (placed.subnet_cidr_id, placed.availability_zone, placed.member_type) == ("subnet-1", "cn-north-4a", "instance")
    model_keys = set(m3.Member.attribute_map.values())
    wide_keys = model_keys | {"pool_id", "loadbalancer_id", "loadbalancers"}  # ListAllMembers' MemberInfo adds these
    raw = ok(api.signed("GET", V3 + "/pools/%s/members/%s" % (V3_HTTP, plain.id)))["member"]
    assert set(raw) <= model_keys, set(raw) - model_keys
    assert raw["subnet_cidr_id"] is None and raw["instance_id"] is None and raw["availability_zone"] is None
    for listed in ok(api.signed("GET", V3 + "/members"))["members"]:
        assert set(listed) <= wide_keys, set(listed) - wide_keys
        assert "device_owner" not in listed and "device_id" not in listed


# --- 15: the probe body -----------------------------------------------------------------------------------

@pytest.mark.parametrize("body, rounds", [({"rounds": 2}, 2), ([{"rounds": 3}], 3), (None, 1), ([{}], 1)])
def test_probe_takes_the_object_and_the_documented_list(api, body, rounds):
    resp = api.admin("POST", "probe", body)
    assert resp.status_code == 200 and resp.json()["rounds"] == rounds, resp.text


@pytest.mark.parametrize("body", [[{"rounds": 0}], [{"rounds": 1}, {"rounds": 1}], [], [2], "x"])
def test_probe_refuses_other_bodies(api, body):
    resp = api.admin("POST", "probe", body)
    assert resp.status_code == 400 and "error" in resp.json(), resp.text


# --- 16: undeclared query keys ----------------------------------------------------------------------------

def test_undeclared_query_keys_are_ignored(api):
    """openstacksdk's misspelt ``adminstate_up`` and a v3 ``pool_id`` on the monitor list filter nothing."""
    for pool, mtype in ((V3_HTTP, "HTTP"), (V3_TCP, "TCP")):
        ok(api.signed("POST", V3 + "/healthmonitors", body={"healthmonitor": {
            "pool_id": pool, "type": mtype, "delay": 5, "timeout": 3, "max_retries": 3}}), 201)
    every = [m["id"] for m in ok(api.signed("GET", V3 + "/healthmonitors"))["healthmonitors"]]
    assert len(every) == 2
    ignored = ok(api.signed("GET", V3 + "/healthmonitors", query={"pool_id": V3_TCP}))["healthmonitors"]
    assert [m["id"] for m in ignored] == every
    pools = [p["id"] for p in ok(api.with_token("GET", V2N + "/pools", api.token()))["pools"]]
    misspelt = ok(api.with_token("GET", V2N + "/pools", api.token(), query={"adminstate_up": "false"}))["pools"]
    assert [p["id"] for p in misspelt] == pools and len(pools) == 3
    # A declared key still filters (the ignored one above is not silently a filter of another name).
    assert ok(api.with_token("GET", V2N + "/pools", api.token(), query={"admin_state_up": "false"}))["pools"] == []
