# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seed topology created in every project of a fresh (or reset) state.

Ids are deterministic: ``uuid5`` of (project id, family, kind, name), the
classic ones as 32 hex characters, so documentation and tests can compute
them (:func:`seed_id`) or find the resources by name.
"""

from __future__ import annotations

from . import elb_v1, elb_v2, elb_v3, vpc
from .common import classic_time, iso_z, stable_hex, stable_uuid

V3_LB = "demo-lb"
V3_POOLS = (
    ("demo-http-pool", "HTTP", False),
    ("demo-https-pool", "HTTPS", False),
    ("demo-tcp-pool", "TCP", False),
    ("demo-udp-pool", "UDP", False),
    ("demo-ip-any-port-pool", "IP", True),
)
V2_LB = "shared-lb"
V2_POOLS = (("shared-http-pool", "HTTP"), ("shared-tcp-pool", "TCP"), ("shared-udp-pool", "UDP"))
# VPC subnets (README "VPC subnets" ★: loopback ranges, so the prober checks members in them); two share a name.
VPC_SUBNETS = (
    {"name": "web-subnet", "cidr": "127.0.0.0/24"},
    {"name": "app-subnet", "cidr": "127.0.1.0/24"},
    {"name": "twin-subnet", "cidr": "127.0.2.0/24"},
    {"name": "twin-subnet", "cidr": "127.0.3.0/24", "vpc": "other-vpc"},
)
V1_LBS = (
    ("classic-lb", "External", (
        ("classic-http-listener", "HTTP", 80, "HTTP", 8080),
        ("classic-tcp-listener", "TCP", 3306, "TCP", 3306),
        ("classic-udp-listener", "UDP", 53, "UDP", 53),
    )),
    ("classic-internal-lb", "Internal", (
        ("classic-internal-udp-listener", "UDP", 5353, "UDP", 5353),
    )),
)


def seed_id(project_id, family, kind, name):
    """The id of a seeded resource (v1: 32 hex characters; v2/v3: UUID)."""
    if family == "v1":
        return stable_hex(project_id, family, kind, name)
    return stable_uuid(project_id, family, kind, name)


def seed_subnet(project_id, name, vpc_name="demo-vpc"):
    """The ``neutron_subnet_id`` of a seeded subnet (the id a member's subnet_cidr_id / subnet_id takes)."""
    (spec,) = [s for s in VPC_SUBNETS if s["name"] == name and s.get("vpc", "demo-vpc") == vpc_name]
    return vpc.subnet_ids(project_id, seed_id(project_id, "vpc", "vpc", vpc_name), name, spec["cidr"])[2]


def seed_project(data, project_id):
    """Add the seed topology of one project to the state ``data``."""
    ts = iso_z()
    vpc.store_subnets(data["vpc"]["subnets"], project_id, [
        dict(name=spec["name"], cidr=spec["cidr"], vpc_id=seed_id(project_id, "vpc", "vpc", spec.get("vpc", "demo-vpc")))
        for spec in VPC_SUBNETS])
    # v3 (dedicated)
    lb_id = seed_id(project_id, "v3", "loadbalancer", V3_LB)
    lb = elb_v3.API.build_loadbalancer(project_id, {"name": V3_LB, "description": "seeded by the emulator"}, lb_id, ts)
    data["v3"]["loadbalancers"][lb_id] = lb
    for name, protocol, any_port in V3_POOLS:
        pool_id = seed_id(project_id, "v3", "pool", name)
        spec = {"name": name, "protocol": protocol, "lb_algorithm": "ROUND_ROBIN"}
        if any_port:
            spec["any_port_enable"] = True
        data["v3"]["pools"][pool_id] = elb_v3.API.build_pool(project_id, spec, pool_id, lb_id, None, ts)
        lb["_"]["pools"].append(pool_id)
    # v2 (shared)
    lb_id = seed_id(project_id, "v2", "loadbalancer", V2_LB)
    lb = elb_v2.API.build_loadbalancer(project_id, {"name": V2_LB, "description": "seeded by the emulator"}, lb_id, ts)
    data["v2"]["loadbalancers"][lb_id] = lb
    for name, protocol in V2_POOLS:
        pool_id = seed_id(project_id, "v2", "pool", name)
        data["v2"]["pools"][pool_id] = elb_v2.API.build_pool(
            project_id, {"name": name, "protocol": protocol, "lb_algorithm": "ROUND_ROBIN"}, pool_id, lb_id, None, ts)
        lb["_"]["pools"].append(pool_id)
    # v1 (classic)
    cts = classic_time()
    for lb_name, lb_type, listeners in V1_LBS:
        lb_id = seed_id(project_id, "v1", "loadbalancer", lb_name)
        lb = elb_v1.build_loadbalancer(project_id, {"name": lb_name, "type": lb_type}, lb_id, cts)
        data["v1"]["loadbalancers"][lb_id] = lb
        for name, proto, port, backend_proto, backend_port in listeners:
            listener_id = seed_id(project_id, "v1", "listener", name)
            spec = {"name": name, "loadbalancer_id": lb_id, "protocol": proto, "port": port,
                    "backend_protocol": backend_proto, "backend_port": backend_port, "lb_algorithm": "roundrobin"}
            data["v1"]["listeners"][listener_id] = elb_v1.build_listener(project_id, spec, listener_id, cts)
            lb["_"]["listeners"].append(listener_id)
