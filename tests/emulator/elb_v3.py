# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dedicated ELB v3: load balancers, listeners, pools and health monitors.

Paths: ``/v3/{project_id}/elb/{loadbalancers,listeners,pools,healthmonitors}[/{id}]``.
Answers carry ``request_id``; errors are ``{"error_msg", "error_code", "request_id"}``.
The handlers are :class:`elb_family.ElbFamily`'s; this file declares what is v3's own.
"""

from __future__ import annotations

import json

from .common import ApiError, extra_fields, refs
from .elb_family import KINDS, ElbFamily
from .listing import v3_page
from .validation import URL_PATH_CHARS_RE, Checker, check_expected_codes

_L7 = ("TCP", "HTTP", "HTTPS", "GRPC", "TLS")


def _display_codes(mtype, raw_codes, raw_method):
    """(expected_codes, http_method) as shown: null for types without HTTP semantics."""
    # seed v3-dedicated-create-healthmonitor.txt table 4: expected_codes default 200 (GRPC: 0), http_method default GET;
    # null for the other types as in the seed v3-dedicated-list-healthmonitors.txt example (UDP_CONNECT)
    if mtype in ("HTTP", "HTTPS"):
        return raw_codes or "200", raw_method or "GET"
    if mtype == "GRPC":
        return raw_codes or "0", None
    return None, None


class V3(ElbFamily):
    """The dedicated family."""

    STORE = "v3"
    ROUTES = ((r"/v3/(?P<project_id>[^/]+)/elb/", "v3"),)
    REQUEST_ID_IN_BODY = True
    PROJECT_KEYS = ("project_id",)
    PROJECT_HINT = "It must be the project of the request."
    IGNORED_ON_UPDATE = ("id", "project_id", "created_at", "updated_at", "request_id")
    EXTRA_IMMUTABLE = {"pools": ("any_port_enable",)}
    TIMESTAMPED = KINDS
    # Parents: beyond the seeds (api-notes §3, README "Parent rules ★"); pool protocols as the list seed's table 6 "type" names them.
    LISTENER_PROTOCOLS = ("TCP", "UDP", "HTTP", "HTTPS", "QUIC", "TLS", "IP")
    LISTENER_REQUIRED = ("loadbalancer_id", "protocol")
    LISTENER_PORTS = (0, 65535)
    POOL_PROTOCOLS = ("TCP", "UDP", "HTTP", "HTTPS", "QUIC", "GRPC", "TLS", "IP")
    LB_ALGORITHMS = ("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "QUIC_CID")
    POOL_PARENTS_OPTIONAL = True
    ANY_PORT_POOLS = True
    NO_MONITOR = ""
    MONITOR_TYPES = ("TCP", "UDP_CONNECT", "HTTP", "HTTPS", "GRPC", "TLS")  # seed v3-dedicated-create-healthmonitor.txt table 4 "type"
    HTTP_METHODS = ("GET", "HEAD", "POST")  # seed v3-dedicated-create-healthmonitor.txt table 4 "http_method": GET, HEAD, or POST
    # seed v3-dedicated-list-healthmonitors.txt table 6 "type" (its Note: the backend protocol decides the types)
    COMPATIBLE = {
        "UDP": ("UDP_CONNECT",),
        "QUIC": ("UDP_CONNECT",),
        "TCP": ("TCP", "HTTP", "HTTPS"),
        "IP": ("TCP", "HTTP", "HTTPS"),
        "HTTP": _L7,
        "HTTPS": _L7,
        "GRPC": _L7,
        "TLS": _L7,
    }
    URL_PATH_CHARSET = URL_PATH_CHARS_RE  # seed v3-dedicated-create-healthmonitor.txt table 4 "url_path"
    # api-notes §2 v3 "expected_codes": GRPC default "0" (the seeds' table 4); 0-99 for gRPC status codes is README ★
    EXPECTED_CODE_RANGES = {"GRPC": (0, 99)}
    # api-notes §9/§10 ranges (the SDK models ConnectionDrain, SlowStart, PoolHealth say the same); defaults: the SDK's
    # CreatePoolSlowStartOption (false, 30), PoolHealth "0: the default"; connection_drain (false, 300) is README ★.
    POOL_OPTIONS = {
        "connection_drain": {"enable": (False, None), "timeout": (300, (10, 4000))},
        "slow_start": {"enable": (False, None), "duration": (30, (30, 1200))},
        "pool_health": {"minimum_healthy_member_count": (0, (0, 1))},
    }
    EXTRA_FILTERS = {
        "loadbalancers": {"vpc_id": ("vpc_id", "str")},
        "pools": {
            "any_port_enable": ("any_port_enable", "bool"), "type": ("type", "str"), "vpc_id": ("vpc_id", "str"),
            "enterprise_project_id": ("enterprise_project_id", "str"),
        },
        "healthmonitors": {
            "id": ("id", "str"), "monitor_port": ("monitor_port", "int"), "domain_name": ("domain_name", "str"),
            "name": ("name", "str"), "delay": ("delay", "int"), "max_retries": ("max_retries", "int"),
            "max_retries_down": ("max_retries_down", "int"), "admin_state_up": ("admin_state_up", "bool"),
            "timeout": ("timeout", "int"), "type": ("type", "str"), "expected_codes": ("expected_codes", "str"),
            "url_path": ("url_path", "str"), "http_method": ("http_method", "str"),
            # Monitors carry no enterprise project: they all belong to the default one ("0").
            "enterprise_project_id": (lambda r: ["0", "all_granted_eps"], "str"),
        },
    }

    # --- records ------------------------------------------------------------------

    @staticmethod
    def build_loadbalancer(project_id, spec, lb_id, ts):
        """A v3 load balancer record."""
        rec = extra_fields(spec, ())
        rec.update({
            "id": lb_id,
            "name": spec.get("name") or "",
            "description": spec.get("description") or "",
            "provisioning_status": "ACTIVE",
            "operating_status": "ONLINE",
            "admin_state_up": spec.get("admin_state_up") is not False,
            "provider": spec.get("provider") or "vlb",
            "project_id": project_id,
            "vip_address": spec.get("vip_address") or "192.168.0.10",
            "vip_subnet_cidr_id": spec.get("vip_subnet_cidr_id") or "",
            "vip_port_id": "",
            "vpc_id": spec.get("vpc_id") or "",
            "availability_zone_list": spec.get("availability_zone_list") or [],
            "enterprise_project_id": spec.get("enterprise_project_id") or "0",
            "guaranteed": spec.get("guaranteed") is not False,
            "tags": spec.get("tags") or [],
            "eips": [],
            "publicips": [],
            "elb_virsubnet_ids": spec.get("elb_virsubnet_ids") or [],
            "ip_target_enable": bool(spec.get("ip_target_enable", False)),
            "deletion_protection_enable": bool(spec.get("deletion_protection_enable", False)),
            "created_at": ts,
            "updated_at": ts,
            "_": {"status": "ACTIVE", "pools": [], "listeners": []},
        })
        for key in ("publicip", "ipv6_bandwidth", "prepaid_options"):
            rec.pop(key, None)
        return rec

    @staticmethod
    def build_listener(project_id, spec, listener_id, ts):
        """A v3 listener record."""
        rec = extra_fields(spec, ("loadbalancer_id",))
        rec.update({
            "id": listener_id,
            "name": spec.get("name") or "",
            "description": spec.get("description") or "",
            "protocol": spec["protocol"],
            "protocol_port": spec.get("protocol_port"),
            "loadbalancers": refs([spec["loadbalancer_id"]]),
            "default_pool_id": spec.get("default_pool_id"),
            "admin_state_up": spec.get("admin_state_up") is not False,
            "project_id": project_id,
            "connection_limit": -1,
            "http2_enable": bool(spec.get("http2_enable", False)),
            "sni_container_refs": spec.get("sni_container_refs") or [],
            "tags": spec.get("tags") or [],
            "created_at": ts,
            "updated_at": ts,
            "_": {"lb": spec["loadbalancer_id"]},
        })
        return rec

    @staticmethod
    def build_pool(project_id, spec, pool_id, lb_id, listener_id, ts):
        """A v3 pool record (``healthmonitor_id`` is "" when there is none)."""
        rec = extra_fields(spec, ("loadbalancer_id", "listener_id"))
        rec.update({
            "admin_state_up": spec.get("admin_state_up") is not False,
            "description": spec.get("description") or "",
            "healthmonitor_id": V3.NO_MONITOR,
            "id": pool_id,
            "lb_algorithm": spec.get("lb_algorithm") or "ROUND_ROBIN",
            "listeners": refs([listener_id] if listener_id else []),
            "loadbalancers": refs([lb_id] if lb_id else []),
            "members": [],
            "name": spec.get("name") or "",
            "project_id": project_id,
            "protocol": spec["protocol"],
            "session_persistence": spec.get("session_persistence"),
            "ip_version": spec.get("ip_version") or "dualstack",
            "member_deletion_protection_enable": bool(spec.get("member_deletion_protection_enable", False)),
            "vpc_id": spec.get("vpc_id") or "",
            "type": spec.get("type") or "",
            "protection_status": spec.get("protection_status") or "nonProtection",
            "protection_reason": spec.get("protection_reason") or "",
            "any_port_enable": bool(spec.get("any_port_enable", False)),
            "enterprise_project_id": spec.get("enterprise_project_id") or "0",
            "created_at": ts,
            "updated_at": ts,
            "_": {"lb": lb_id, "listener": listener_id},
        })
        for name, fields in V3.POOL_OPTIONS.items():  # shown with the defaults when not set (create_pool sets given ones)
            rec[name] = {key: default for key, (default, _bounds) in fields.items()}
        return rec

    @staticmethod
    def build_monitor(project_id, spec, monitor_id, pool_id, ts):
        """A v3 health monitor record, with the service's defaults (api-notes section 2)."""
        mtype = spec["type"]
        codes, method = _display_codes(mtype, spec.get("expected_codes"), spec.get("http_method"))
        return {
            "monitor_port": spec.get("monitor_port"),  # seed v3-dedicated-list-healthmonitors.txt table 6 "monitor_port": default null
            "id": monitor_id,
            "project_id": project_id,
            "domain_name": spec.get("domain_name"),
            "name": spec.get("name") or "",
            "delay": spec["delay"],
            "max_retries": spec["max_retries"],
            "pools": [{"id": pool_id}],
            "admin_state_up": spec.get("admin_state_up") is not False,  # seed v3 create table 4 "admin_state_up": default true
            "timeout": spec["timeout"],
            "type": mtype,
            "expected_codes": codes,
            "url_path": spec.get("url_path") or "/",  # seed v3-dedicated-create-healthmonitor.txt table 4 "url_path": default /
            "http_method": method,
            "max_retries_down": spec.get("max_retries_down") or 3,  # seed v3-dedicated-list-healthmonitors.txt table 6: default 3
            "created_at": ts,
            "updated_at": ts,
            # The values as given: shown again if the type changes to one that uses them.
            "_": {"expected_codes": spec.get("expected_codes"), "http_method": spec.get("http_method"), "pool": pool_id},
        }

    # --- hooks --------------------------------------------------------------------

    def paginate(self, req, kind, records, predicate):
        """``limit`` 0-2000, ``marker``, ``page_reverse``; the answer gets ``page_info``."""
        page, info = v3_page(req, records, predicate)
        return page, {"page_info": info}

    def check_type_change(self, pool, old_type, new_type):
        """Any type the pool accepts."""
        self.check_compatible(pool, new_type)

    def check_monitor_port(self, pool, port):
        """``monitor_port`` is mandatory on a pool with ``any_port_enable``; an IP pool refuses 0."""
        if pool.get("any_port_enable") and port is None:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute monitor_port. Value: null. "
                           "monitor_port is required when the pool has any_port_enable true.")
        if pool["protocol"] == "IP" and port == 0:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute monitor_port. Value: 0. monitor_port cannot be 0 for an IP pool.")

    def check_monitor_update(self, rec, body):
        """A new type must suit the expected_codes the monitor keeps (README ★): a GRPC monitor with 200-204 is
        refused on update as on create, so a type change that would keep out-of-range codes needs them sent too."""
        new_type = body.get("type", rec["type"])
        if new_type == rec["type"] or "expected_codes" in body or new_type not in ("HTTP", "HTTPS", "GRPC"):
            return
        kept = rec["_"]["expected_codes"]
        if kept is None:
            return
        lo, hi = self.EXPECTED_CODE_RANGES.get(new_type, (200, 599))
        checker = Checker({"expected_codes": kept})
        try:
            check_expected_codes(checker, "expected_codes", lo, hi)
        except ApiError:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute expected_codes. Value: %s. A %s health check "
                           "takes codes %d-%d: send expected_codes with the new type." % (json.dumps(kept), new_type, lo, hi)) from None

    def apply_monitor_update(self, rec, body):
        """The shared fields, then expected_codes/http_method: kept as given, shown as the type allows."""
        super().apply_monitor_update(rec, body)
        for key in ("expected_codes", "http_method"):
            if key in body:
                rec["_"][key] = body[key]
        rec["expected_codes"], rec["http_method"] = _display_codes(rec["type"], rec["_"]["expected_codes"], rec["_"]["http_method"])


API = V3()
