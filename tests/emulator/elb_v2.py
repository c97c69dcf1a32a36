# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared ELB v2.0: load balancers, listeners, pools and health monitors.

Served twice over one state:

* ``/v2.0/lbaas/...`` (the OpenStack-compatible form of the API pages): the
  project comes from the token (or ``X-Project-Id`` with AK/SK); errors are
  ``{"NeutronError": {"type", "message", "detail"}}``; lists add
  ``<collection>_links`` when a ``limit`` is given.
* ``/v2/{project_id}/elb/...`` (the form the official SDK uses): errors are
  ``{"error_msg", "error_code", "request_id"}``.

The handlers are :class:`elb_family.ElbFamily`'s; this file declares what is v2's own.
"""

from __future__ import annotations

from .common import ApiError, extra_fields, refs
from .elb_family import ElbFamily
from .listing import v2_page

_TCP_HTTP = ("TCP", "HTTP")
TYPE_CHANGE_MSG = "Can only update type of the healthmonitor with TCP or HTTP which binds to TCP or HTTP pool"


class V2(ElbFamily):
    """The shared family."""

    STORE = "v2"
    ROUTES = ((r"/v2\.0/lbaas/", "v2n"), (r"/v2/(?P<project_id>[^/]+)/elb/", "v2p"))
    PROJECT_KEYS = ("tenant_id", "project_id")
    PROJECT_HINT = "It must be the project of the token."
    IGNORED_ON_UPDATE = ("id", "tenant_id", "project_id", "created_at", "updated_at")
    EXTRA_IMMUTABLE = {"loadbalancers": ("vip_subnet_id",)}
    TIMESTAMPED = ("loadbalancers", "listeners")
    # Parents: beyond the seeds (api-notes §3, README "Parent rules ★"); pool protocols as the seed's "type" table names them.
    LISTENER_PROTOCOLS = ("TCP", "UDP", "HTTP", "TERMINATED_HTTPS", "QUIC")
    LISTENER_REQUIRED = ("loadbalancer_id", "protocol", "protocol_port")
    LISTENER_PORTS = (1, 65535)
    POOL_PROTOCOLS = ("TCP", "UDP", "HTTP", "QUIC")
    LB_ALGORITHMS = ("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP")
    NO_MONITOR = None
    MONITOR_TYPES = ("TCP", "UDP_CONNECT", "HTTP")  # seed v2.0-shared-create-healthmonitor.txt table 2 "type"
    # seed v2.0-shared-create-healthmonitor.txt table 2 "http_method": GET, HEAD, POST, PUT, DELETE, TRACE, OPTIONS, CONNECT, PATCH
    HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH")
    # seed v2.0-shared-create-healthmonitor.txt table 2 "type": UDP pool -> UDP_CONNECT; TCP or HTTP pool -> TCP or HTTP
    COMPATIBLE = {"UDP": ("UDP_CONNECT",), "QUIC": ("UDP_CONNECT",), "TCP": _TCP_HTTP, "HTTP": _TCP_HTTP}
    # seed v2.0-shared-create-healthmonitor.txt table 2 "url_path": only "must start with a slash (/)" and
    # "a maximum of 80 characters": no character set (URL_PATH_CHARSET stays None).
    # v2 shows http_method for every type, so a PUT sets it like the other fields.
    MONITOR_UPDATABLE = ElbFamily.MONITOR_UPDATABLE + ("http_method",)
    MONITOR_RESETS = {**ElbFamily.MONITOR_RESETS, "http_method": "GET"}
    EXTRA_FILTERS = {
        "loadbalancers": {"vip_subnet_id": ("vip_subnet_id", "str")},
        "healthmonitors": {
            "id": ("id", "str"), "name": ("name", "str"), "type": ("type", "str"), "delay": ("delay", "int"),
            "max_retries": ("max_retries", "int"), "max_retries_down": ("max_retries_down", "int"),
            "admin_state_up": ("admin_state_up", "bool"), "timeout": ("timeout", "int"),
            "monitor_port": ("monitor_port", "int"), "expected_codes": ("expected_codes", "str"),
            "domain_name": ("domain_name", "str"), "url_path": ("url_path", "str"),
            "http_method": ("http_method", "str"), "tenant_id": ("tenant_id", "str"), "project_id": ("project_id", "str"),
        },
    }

    # --- records ------------------------------------------------------------------

    @staticmethod
    def build_loadbalancer(project_id, spec, lb_id, ts):
        """A v2 load balancer record."""
        rec = extra_fields(spec, ("prepaid_options",))
        rec.update({
            "id": lb_id,
            "tenant_id": project_id,
            "project_id": project_id,
            "name": spec.get("name") or "",
            "description": spec.get("description") or "",
            "vip_subnet_id": spec.get("vip_subnet_id") or "",
            "vip_port_id": "",
            "vip_address": spec.get("vip_address") or "192.168.1.10",
            "provider": spec.get("provider") or "vlb",
            "operating_status": "ONLINE",
            "provisioning_status": "ACTIVE",
            "admin_state_up": spec.get("admin_state_up") is not False,
            "enterprise_project_id": spec.get("enterprise_project_id") or "0",
            "tags": spec.get("tags") or [],
            "created_at": ts,
            "updated_at": ts,
            "_": {"status": "ACTIVE", "pools": [], "listeners": []},
        })
        return rec

    @staticmethod
    def build_listener(project_id, spec, listener_id, ts):
        """A v2 listener record."""
        rec = extra_fields(spec, ("loadbalancer_id",))
        rec.update({
            "id": listener_id,
            "tenant_id": project_id,
            "project_id": project_id,
            "name": spec.get("name") or "",
            "description": spec.get("description") or "",
            "admin_state_up": spec.get("admin_state_up") is not False,
            "loadbalancers": refs([spec["loadbalancer_id"]]),
            "connection_limit": spec.get("connection_limit", -1),
            "http2_enable": bool(spec.get("http2_enable", False)),
            "protocol": spec["protocol"],
            "protocol_port": spec["protocol_port"],
            "default_pool_id": spec.get("default_pool_id"),
            "sni_container_refs": spec.get("sni_container_refs") or [],
            "tags": spec.get("tags") or [],
            "created_at": ts,
            "updated_at": ts,
            "_": {"lb": spec["loadbalancer_id"]},
        })
        return rec

    @staticmethod
    def build_pool(project_id, spec, pool_id, lb_id, listener_id, ts):
        """A v2 pool record (``healthmonitor_id`` is null when there is none; no timestamps, ``ts`` unused)."""
        rec = extra_fields(spec, ("loadbalancer_id", "listener_id"))
        rec.update({
            "id": pool_id,
            "tenant_id": project_id,
            "project_id": project_id,
            "name": spec.get("name") or "",
            "description": spec.get("description") or "",
            "admin_state_up": spec.get("admin_state_up") is not False,
            "loadbalancers": refs([lb_id] if lb_id else []),
            "listeners": refs([listener_id] if listener_id else []),
            "members": [],
            "healthmonitor_id": V2.NO_MONITOR,
            "session_persistence": spec.get("session_persistence"),
            "protocol": spec["protocol"],
            "lb_algorithm": spec.get("lb_algorithm") or "ROUND_ROBIN",
            "_": {"lb": lb_id, "listener": listener_id},
        })
        return rec

    @staticmethod
    def build_monitor(project_id, spec, monitor_id, pool_id, ts):
        """A v2 health monitor record; ``expected_codes`` is always "200" (reserved field); no timestamps."""
        return {
            "id": monitor_id,
            "project_id": project_id,
            "tenant_id": project_id,
            "name": spec.get("name") or "",
            "admin_state_up": spec.get("admin_state_up") is not False,  # seed v2.0 table 2 "admin_state_up": default true
            "monitor_port": spec.get("monitor_port"),  # seed v2.0 table 2 "monitor_port": "left blank by default"
            "timeout": spec["timeout"],
            "type": spec["type"],
            "expected_codes": "200",  # seed v2.0-shared-create-healthmonitor.txt table 4: "fixed at 200"
            "domain_name": spec.get("domain_name"),
            "url_path": spec.get("url_path") or "/",  # seed v2.0 table 2 "url_path": "The default value is /"
            "http_method": spec.get("http_method") or "GET",  # seed v2.0 table 2 "http_method": "The default value is GET"
            "delay": spec["delay"],
            "max_retries": spec["max_retries"],
            "pools": [{"id": pool_id}],
            "max_retries_down": spec.get("max_retries_down") or 3,  # README ★: the v2 seed gives no default; v3's 3
            "_": {"pool": pool_id},
        }

    # --- hooks --------------------------------------------------------------------

    def paginate(self, req, kind, records, predicate):
        """``limit`` (0 or absent: all), ``marker``, ``page_reverse``; links only on /v2.0/lbaas with a limit."""
        page, links = v2_page(req, records, predicate, req.family == "v2n", self.filters[kind].keys())
        return page, ({} if links is None else {kind + "_links": links})

    def check_type_change(self, pool, old_type, new_type):
        """ELB.9899 unless it stays the same, or goes between TCP and HTTP on a TCP or HTTP pool."""
        if new_type != old_type and not (old_type in _TCP_HTTP and pool["protocol"] in _TCP_HTTP and new_type in _TCP_HTTP):
            raise ApiError(400, "ELB.9899", TYPE_CHANGE_MSG)


API = V2()
