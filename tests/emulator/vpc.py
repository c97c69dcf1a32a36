# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VPC subnets a member names: ``GET /v1/{project_id}/subnets`` (the VPC API's subnet list), the seeded and
admin-added subnets behind it, and the ECS instance an address stands for.

A subnet record has the fields of the official SDK's ``Subnet`` model (``huaweicloudsdkvpc`` v2). ELB's member
``subnet_cidr_id`` (v3) and ``subnet_id`` (v2) take a subnet's ``neutron_subnet_id`` (the API references of
CreateMember: "the IPv4 subnet id ... is the neutron_subnet_id of GET https://{VPC_Endpoint}/v1/{project_id}/subnets").
See the README section "VPC subnets" for the choices marked there with a star.
"""

from __future__ import annotations

import ipaddress

from .common import ApiError, Response, iso_z, parse_int, stable_uuid

MAX_LIMIT = 2000  # the subnet list's limit: 0-2000, default 2000 (the API reference)
SUBNET_FIELDS = ("name", "cidr", "vpc_id", "description", "availability_zone")


def instance_id_of(project_id, subnet_id, address):
    """The ECS instance behind ``address`` in the subnet ``subnet_id`` (README ★: deterministic, one instance per
    address and subnet, so the same backend in two pools has one instance id)."""
    return stable_uuid(project_id, "ecs", subnet_id, str(ipaddress.ip_address(address)))


def build_subnet(project_id, spec, ts=None):
    """A subnet record from ``{"name", "cidr", "vpc_id"?, "description"?, "availability_zone"?}``; ids deterministic
    from (project, VPC, name, cidr) so the seed's can be computed (:func:`subnet_ids`)."""
    network = ipaddress.ip_network(spec["cidr"], strict=False)
    vpc_id = spec.get("vpc_id") or stable_uuid(project_id, "vpc", "vpc", "demo-vpc")
    subnet_id, network_id, neutron_id = subnet_ids(project_id, vpc_id, spec["name"], str(network))
    ts = ts or iso_z()
    return {
        "id": subnet_id, "name": spec["name"], "description": spec.get("description") or "", "cidr": str(network),
        "gateway_ip": str(next(network.hosts(), network.network_address)), "ipv6_enable": False,
        "dhcp_enable": True, "primary_dns": "100.125.1.250", "secondary_dns": "100.125.21.250",
        "dnsList": ["100.125.1.250", "100.125.21.250"], "availability_zone": spec.get("availability_zone") or "",
        "vpc_id": vpc_id, "status": "ACTIVE", "neutron_network_id": network_id, "neutron_subnet_id": neutron_id,
        "extra_dhcp_opts": [], "scope": "center", "tenant_id": project_id, "created_at": ts, "updated_at": ts,
        "_": {"project_id": project_id},
    }


def subnet_ids(project_id, vpc_id, name, cidr):
    """(id, neutron_network_id, neutron_subnet_id) of a subnet: three different UUIDs, as on the service."""
    return tuple(stable_uuid(project_id, "vpc", kind, vpc_id, name, cidr) for kind in ("subnet", "network", "neutron-subnet"))


def check_spec(spec):
    """The problem with an admin subnet spec, or None."""
    if not isinstance(spec, dict):
        return "each subnet must be an object"
    if not isinstance(spec.get("name"), str) or not 1 <= len(spec["name"]) <= 64:
        return "name must be a string of 1-64 characters"
    try:
        ipaddress.ip_network(str(spec.get("cidr")), strict=False)
    except ValueError:
        return "cidr must be a network such as 127.0.5.0/24, not %r" % spec.get("cidr")
    unknown = set(spec) - set(SUBNET_FIELDS)
    return "unknown subnet keys: %s" % ", ".join(sorted(unknown)) if unknown else None


def find_by_neutron_id(app, project_id, neutron_id):
    """The project's subnet whose ``neutron_subnet_id`` is ``neutron_id`` (hold the store lock), else None."""
    for rec in app.store.coll("vpc", "subnets").values():
        if rec["_"]["project_id"] == project_id and rec["neutron_subnet_id"] == neutron_id:
            return rec
    return None


def check_member_subnet(app, project_id, family, body):
    """With the config's ``check_subnets`` (README ★, off by default): a member's subnet must be a known subnet's
    ``neutron_subnet_id`` holding its address, else 400 ELB.8902 naming the field."""
    field = "subnet_cidr_id" if family == "v3" else "subnet_id"
    value = body.get(field)
    if not app.config.get("check_subnets") or not value:
        return
    subnet = find_by_neutron_id(app, project_id, value)
    if subnet is None:
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute %s. Value: %s. The subnet does not exist "
                       "(give the neutron_subnet_id of a subnet of the VPC API)." % (field, value))
    if ipaddress.ip_address(str(body["address"]).strip()) not in ipaddress.ip_network(subnet["cidr"]):
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute address. Value: %s. The address is not in "
                       "subnet %s (%s)." % (body["address"], value, subnet["cidr"]))


def list_subnets(app, req):
    """GET /v1/{project_id}/subnets: the project's subnets in creation order; ``vpc_id`` filters; ``limit`` (0-2000,
    default 2000) and ``marker`` (the id after which the page starts) page, with no page_info or links."""
    raw_limit = req.q_one("limit")
    limit = MAX_LIMIT if raw_limit is None else parse_int(raw_limit, "limit")
    if not 0 <= limit <= MAX_LIMIT:
        raise ApiError(400, "VPC.0101", "Invalid limit %s: it must be from 0 to %d." % (raw_limit, MAX_LIMIT))
    marker = req.q_one("marker")
    vpc_ids = set(req.q_all("vpc_id"))
    with app.store.lock:
        records = [r for r in app.store.coll("vpc", "subnets").values() if r["_"]["project_id"] == req.project_id]
        if marker:
            ids = [r["id"] for r in records]
            if marker not in ids:
                raise ApiError(400, "VPC.0101", "Invalid marker %s: no subnet of the project has that id." % marker)
            records = records[ids.index(marker) + 1:]
        if vpc_ids:
            records = [r for r in records if r["vpc_id"] in vpc_ids]
        page = [{k: v for k, v in r.items() if k != "_"} for r in records[:limit]]
    return Response(200, {"subnets": page})


def store_subnets(coll, project_id, specs):
    """Add subnets to the collection ``coll`` (the seed, ``POST /_emulator/subnets``; hold the store lock)."""
    made = [build_subnet(project_id, spec) for spec in specs]
    coll.update((rec["id"], rec) for rec in made)
    return made


def register(router):
    """Add the VPC route."""
    router.add("GET", r"/v1/(?P<project_id>[^/]+)/subnets", list_subnets, "vpc")
