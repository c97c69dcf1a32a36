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
"""

from __future__ import annotations

from .common import (ApiError, Response, iso_z, lb_status, mark_pending, new_uuid, refs,
                     require_active, strip_private)
from .listing import make_filter, v2_page
from .validation import DOMAIN_RE, URL_PATH_RE, Checker, check_expected_codes

FAMILY = "v2"
MONITOR_TYPES = ("TCP", "UDP_CONNECT", "HTTP")
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH")
POOL_PROTOCOLS = ("TCP", "UDP", "HTTP", "QUIC")
LISTENER_PROTOCOLS = ("TCP", "UDP", "HTTP", "TERMINATED_HTTPS", "QUIC")
LB_ALGORITHMS = ("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP")
COMPATIBLE = {"UDP": ("UDP_CONNECT",), "QUIC": ("UDP_CONNECT",), "TCP": ("TCP", "HTTP"), "HTTP": ("TCP", "HTTP")}
TYPE_CHANGE_MSG = "Can only update type of the healthmonitor with TCP or HTTP which binds to TCP or HTTP pool"
_FIXED = ("id", "tenant_id", "project_id", "created_at", "updated_at")


# --- records ----------------------------------------------------------------------

def _extras(spec, known):
    return {k: v for k, v in spec.items() if k not in known and k != "_"}


def build_loadbalancer(project_id, spec, lb_id, ts):
    """A v2 load balancer record."""
    rec = _extras(spec, ("prepaid_options",))
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


def build_listener(project_id, spec, listener_id, ts):
    """A v2 listener record."""
    rec = _extras(spec, ("loadbalancer_id",))
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


def build_pool(project_id, spec, pool_id, lb_id, listener_id):
    """A v2 pool record (``healthmonitor_id`` is null when there is none)."""
    rec = _extras(spec, ("loadbalancer_id", "listener_id"))
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
        "healthmonitor_id": None,
        "session_persistence": spec.get("session_persistence"),
        "protocol": spec["protocol"],
        "lb_algorithm": spec.get("lb_algorithm") or "ROUND_ROBIN",
        "_": {"lb": lb_id, "listener": listener_id},
    })
    return rec


def build_monitor(project_id, spec, monitor_id, pool_id):
    """A v2 health monitor record; ``expected_codes`` is always "200" (reserved field)."""
    return {
        "id": monitor_id,
        "project_id": project_id,
        "tenant_id": project_id,
        "name": spec.get("name") or "",
        "admin_state_up": spec.get("admin_state_up") is not False,
        "monitor_port": spec.get("monitor_port"),
        "timeout": spec["timeout"],
        "type": spec["type"],
        "expected_codes": "200",
        "domain_name": spec.get("domain_name"),
        "url_path": spec.get("url_path") or "/",
        "http_method": spec.get("http_method") or "GET",
        "delay": spec["delay"],
        "max_retries": spec["max_retries"],
        "pools": [{"id": pool_id}],
        "max_retries_down": spec.get("max_retries_down") or 3,
        "_": {"pool": pool_id},
    }


def render_lb(rec):
    """The API view of a v2 load balancer."""
    out = strip_private(rec)
    out["provisioning_status"] = lb_status(rec)
    out["pools"] = refs(rec["_"]["pools"])
    out["listeners"] = refs(rec["_"]["listeners"])
    return out


# --- validation ---------------------------------------------------------------

def check_monitor_fields(body):
    """Validate the monitor fields present in ``body``."""
    chk = Checker(body)
    chk.enum("type", MONITOR_TYPES)
    chk.integer("delay", 1, 50)
    chk.integer("timeout", 1, 50)
    chk.integer("max_retries", 1, 10)
    chk.integer("max_retries_down", 1, 10, nullable=True)
    chk.boolean("admin_state_up", nullable=True)
    chk.integer("monitor_port", 1, 65535, nullable=True)
    chk.string("name", max_len=255, nullable=True)
    chk.string("domain_name", min_len=1, max_len=100, pattern=DOMAIN_RE, nullable=True,
               pattern_text="digits, letters, '-' and '.', starting with a digit or a letter")
    chk.string("url_path", min_len=1, max_len=80, pattern=URL_PATH_RE, nullable=True,
               pattern_text="must start with '/'")
    chk.enum("http_method", HTTP_METHODS, nullable=True)
    check_expected_codes(chk, "expected_codes", 200, 599, max_len=64)
    return chk


def check_compatible(pool, mtype):
    """400 unless a ``mtype`` monitor suits the pool's protocol."""
    allowed = COMPATIBLE.get(pool["protocol"], MONITOR_TYPES)
    if mtype not in allowed:
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute type. Value: %s. A pool of protocol %s accepts only %s health checks." % (
            mtype, pool["protocol"], ", ".join(allowed)))


def _check_body_project(body, project_id):
    for key in ("tenant_id", "project_id"):
        value = body.get(key)
        if value is not None and value != project_id:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute %s. Value: %s. It must be the project of the token." % (key, value))


# --- helpers --------------------------------------------------------------------

def _get(app, req, kind, rid, label):
    rec = app.store.coll(FAMILY, kind).get(rid)
    if rec is None or rec["project_id"] != req.project_id:
        raise ApiError(404, "ELB.8904", "%s %s could not be found." % (label, rid))
    return rec


def _project_records(app, req, kind):
    pid = req.project_id
    return [r for r in app.store.coll(FAMILY, kind).values() if r["project_id"] == pid]


def _pool_lb(app, pool):
    lb_id = pool["_"].get("lb") if pool else None
    return app.store.coll(FAMILY, "loadbalancers").get(lb_id) if lb_id else None


def _list(app, req, kind, spec, render):
    pred = make_filter(req, spec)
    with app.store.lock:
        page, links = v2_page(req, _project_records(app, req, kind), pred, req.family == "v2n", spec.keys())
        body = {kind: [render(r) for r in page]}
        if links is not None:
            body[kind + "_links"] = links
        return Response(200, body)


def _apply_update(rec, body, immutable):
    for key, value in body.items():
        if key in _FIXED or key == "_":
            continue
        if key in immutable:
            if value != rec.get(key):
                raise ApiError(400, "ELB.8902", "Invalid input for field/attribute %s. The field cannot be updated." % key)
            continue
        rec[key] = value


# --- load balancers ---------------------------------------------------------------

def create_loadbalancer(app, req):
    """POST .../loadbalancers -> 201."""
    body = req.wrapped("loadbalancer")
    chk = Checker(body)
    chk.string("name", max_len=255, nullable=True)
    chk.string("description", max_len=255, nullable=True)
    chk.boolean("admin_state_up", nullable=True)
    _check_body_project(body, req.project_id)
    with app.store.lock:
        rec = build_loadbalancer(req.project_id, body, new_uuid(), iso_z())
        app.store.coll(FAMILY, "loadbalancers")[rec["id"]] = rec
        app.store.mark_dirty()
        return Response(201, {"loadbalancer": render_lb(rec), "loadbalancer_id": rec["id"]})


def get_loadbalancer(app, req, rid):
    """GET .../loadbalancers/{id}."""
    with app.store.lock:
        return Response(200, {"loadbalancer": render_lb(_get(app, req, "loadbalancers", rid, "loadbalancer"))})


def list_loadbalancers(app, req):
    """GET .../loadbalancers."""
    return _list(app, req, "loadbalancers", {
        "id": ("id", "str"), "name": ("name", "str"), "description": ("description", "str"),
        "provisioning_status": (lb_status, "str"), "operating_status": ("operating_status", "str"),
        "vip_address": ("vip_address", "str"), "vip_subnet_id": ("vip_subnet_id", "str"),
        "admin_state_up": ("admin_state_up", "bool"), "enterprise_project_id": ("enterprise_project_id", "str"),
    }, render_lb)


def update_loadbalancer(app, req, rid):
    """PUT .../loadbalancers/{id}."""
    body = req.wrapped("loadbalancer")
    chk = Checker(body)
    chk.string("name", max_len=255)
    chk.string("description", max_len=255)
    chk.boolean("admin_state_up")
    with app.store.lock:
        rec = _get(app, req, "loadbalancers", rid, "loadbalancer")
        _apply_update(rec, body, ("provisioning_status", "operating_status", "pools", "listeners", "vip_subnet_id"))
        rec["updated_at"] = iso_z()
        app.store.mark_dirty()
        return Response(200, {"loadbalancer": render_lb(rec)})


def delete_loadbalancer(app, req, rid):
    """DELETE .../loadbalancers/{id} -> 204; 409 while it has listeners or pools."""
    with app.store.lock:
        rec = _get(app, req, "loadbalancers", rid, "loadbalancer")
        if rec["_"]["pools"] or rec["_"]["listeners"]:
            raise ApiError(409, "ELB.8907", "Load balancer %s still has listeners or pools; delete them first." % rid)
        del app.store.coll(FAMILY, "loadbalancers")[rid]
        app.store.mark_dirty()
        return Response(204)


# --- listeners ------------------------------------------------------------------

def create_listener(app, req):
    """POST .../listeners -> 201."""
    body = req.wrapped("listener")
    chk = Checker(body)
    chk.require("loadbalancer_id", "protocol", "protocol_port")
    chk.enum("protocol", LISTENER_PROTOCOLS)
    chk.integer("protocol_port", 1, 65535)
    chk.string("name", max_len=255, nullable=True)
    _check_body_project(body, req.project_id)
    with app.store.lock:
        lb = _get(app, req, "loadbalancers", body["loadbalancer_id"], "loadbalancer")
        if body.get("default_pool_id"):
            _get(app, req, "pools", body["default_pool_id"], "pool")
        rec = build_listener(req.project_id, body, new_uuid(), iso_z())
        app.store.coll(FAMILY, "listeners")[rec["id"]] = rec
        lb["_"]["listeners"].append(rec["id"])
        app.store.mark_dirty()
        return Response(201, {"listener": strip_private(rec)})


def get_listener(app, req, rid):
    """GET .../listeners/{id}."""
    with app.store.lock:
        return Response(200, {"listener": strip_private(_get(app, req, "listeners", rid, "listener"))})


def list_listeners(app, req):
    """GET .../listeners."""
    return _list(app, req, "listeners", {
        "id": ("id", "str"), "name": ("name", "str"), "protocol": ("protocol", "str"),
        "protocol_port": ("protocol_port", "int"), "default_pool_id": ("default_pool_id", "str"),
        "loadbalancer_id": (lambda r: r["_"]["lb"], "str"),
    }, strip_private)


def update_listener(app, req, rid):
    """PUT .../listeners/{id}."""
    body = req.wrapped("listener")
    Checker(body).string("name", max_len=255)
    with app.store.lock:
        rec = _get(app, req, "listeners", rid, "listener")
        _apply_update(rec, body, ("protocol", "protocol_port", "loadbalancers", "loadbalancer_id"))
        rec["updated_at"] = iso_z()
        app.store.mark_dirty()
        return Response(200, {"listener": strip_private(rec)})


def delete_listener(app, req, rid):
    """DELETE .../listeners/{id} -> 204; 409 while a pool is bound to it."""
    with app.store.lock:
        rec = _get(app, req, "listeners", rid, "listener")
        bound = [p["id"] for p in _project_records(app, req, "pools") if p["_"].get("listener") == rid]
        if bound:
            raise ApiError(409, "ELB.8907", "Listener %s is still used by pool %s." % (rid, bound[0]))
        del app.store.coll(FAMILY, "listeners")[rid]
        lb = app.store.coll(FAMILY, "loadbalancers").get(rec["_"]["lb"])
        if lb is not None and rid in lb["_"]["listeners"]:
            lb["_"]["listeners"].remove(rid)
        app.store.mark_dirty()
        return Response(204)


# --- pools ------------------------------------------------------------------------

def create_pool(app, req):
    """POST .../pools -> 201; needs ``loadbalancer_id`` or ``listener_id``."""
    body = req.wrapped("pool")
    chk = Checker(body)
    chk.require("protocol")
    chk.enum("protocol", POOL_PROTOCOLS)
    chk.enum("lb_algorithm", LB_ALGORITHMS, nullable=True)
    chk.string("name", max_len=255, nullable=True)
    chk.string("description", max_len=255, nullable=True)
    chk.boolean("admin_state_up", nullable=True)
    _check_body_project(body, req.project_id)
    lb_id = body.get("loadbalancer_id")
    listener_id = body.get("listener_id")
    if not lb_id and not listener_id:
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute loadbalancer_id. "
                       "Either loadbalancer_id or listener_id is required.")
    with app.store.lock:
        listener = None
        if listener_id:
            listener = _get(app, req, "listeners", listener_id, "listener")
            if lb_id and lb_id != listener["_"]["lb"]:
                raise ApiError(400, "ELB.8902", "Invalid input for field/attribute loadbalancer_id. "
                               "Listener %s belongs to another load balancer." % listener_id)
            lb_id = listener["_"]["lb"]
        lb = _get(app, req, "loadbalancers", lb_id, "loadbalancer")
        rec = build_pool(req.project_id, body, new_uuid(), lb_id, listener_id)
        app.store.coll(FAMILY, "pools")[rec["id"]] = rec
        lb["_"]["pools"].append(rec["id"])
        mark_pending(app, lb)
        if listener is not None and not listener.get("default_pool_id"):
            listener["default_pool_id"] = rec["id"]
        app.store.mark_dirty()
        return Response(201, {"pool": strip_private(rec)})


def get_pool(app, req, rid):
    """GET .../pools/{id}."""
    with app.store.lock:
        return Response(200, {"pool": strip_private(_get(app, req, "pools", rid, "pool"))})


def list_pools(app, req):
    """GET .../pools."""
    return _list(app, req, "pools", {
        "id": ("id", "str"), "name": ("name", "str"), "description": ("description", "str"),
        "protocol": ("protocol", "str"), "lb_algorithm": ("lb_algorithm", "str"),
        "healthmonitor_id": ("healthmonitor_id", "str"), "admin_state_up": ("admin_state_up", "bool"),
        "loadbalancer_id": (lambda r: r["_"].get("lb"), "str"), "listener_id": (lambda r: r["_"].get("listener"), "str"),
    }, strip_private)


def update_pool(app, req, rid):
    """PUT .../pools/{id}."""
    body = req.wrapped("pool")
    chk = Checker(body)
    chk.string("name", max_len=255)
    chk.string("description", max_len=255)
    chk.enum("lb_algorithm", LB_ALGORITHMS)
    chk.boolean("admin_state_up")
    with app.store.lock:
        rec = _get(app, req, "pools", rid, "pool")
        _apply_update(rec, body, ("protocol", "loadbalancer_id", "listener_id", "healthmonitor_id", "loadbalancers", "listeners"))
        mark_pending(app, _pool_lb(app, rec))
        app.store.mark_dirty()
        return Response(200, {"pool": strip_private(rec)})


def delete_pool(app, req, rid):
    """DELETE .../pools/{id} -> 204; 409 while it has a health monitor."""
    with app.store.lock:
        rec = _get(app, req, "pools", rid, "pool")
        if rec["healthmonitor_id"]:
            raise ApiError(409, "ELB.8907", "Pool %s still has health monitor %s; delete it first." % (rid, rec["healthmonitor_id"]))
        del app.store.coll(FAMILY, "pools")[rid]
        lb = _pool_lb(app, rec)
        if lb is not None:
            if rid in lb["_"]["pools"]:
                lb["_"]["pools"].remove(rid)
            mark_pending(app, lb)
        listener = app.store.coll(FAMILY, "listeners").get(rec["_"].get("listener") or "")
        if listener is not None and listener.get("default_pool_id") == rid:
            listener["default_pool_id"] = None
        app.store.mark_dirty()
        return Response(204)


# --- health monitors -----------------------------------------------------------------

def create_monitor(app, req):
    """POST .../healthmonitors -> 201."""
    body = req.wrapped("healthmonitor")
    chk = Checker(body)
    chk.require("pool_id", "type", "delay", "timeout", "max_retries")
    chk.string("pool_id", max_len=36)
    check_monitor_fields(body)
    _check_body_project(body, req.project_id)
    with app.store.lock:
        pool = _get(app, req, "pools", body["pool_id"], "pool")
        check_compatible(pool, body["type"])
        if pool["healthmonitor_id"]:
            raise ApiError(409, "ELB.8907", "Pool %s already has health monitor %s." % (pool["id"], pool["healthmonitor_id"]))
        lb = _pool_lb(app, pool)
        require_active(lb)
        rec = build_monitor(req.project_id, body, new_uuid(), pool["id"])
        app.store.coll(FAMILY, "healthmonitors")[rec["id"]] = rec
        pool["healthmonitor_id"] = rec["id"]
        mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(201, {"healthmonitor": strip_private(rec)})


def get_monitor(app, req, rid):
    """GET .../healthmonitors/{id}."""
    with app.store.lock:
        return Response(200, {"healthmonitor": strip_private(_get(app, req, "healthmonitors", rid, "healthmonitor"))})


MONITOR_FILTERS = {
    "id": ("id", "str"), "name": ("name", "str"), "type": ("type", "str"), "delay": ("delay", "int"),
    "max_retries": ("max_retries", "int"), "max_retries_down": ("max_retries_down", "int"),
    "admin_state_up": ("admin_state_up", "bool"), "timeout": ("timeout", "int"),
    "monitor_port": ("monitor_port", "int"), "expected_codes": ("expected_codes", "str"),
    "domain_name": ("domain_name", "str"), "url_path": ("url_path", "str"),
    "http_method": ("http_method", "str"), "tenant_id": ("tenant_id", "str"), "project_id": ("project_id", "str"),
}


def list_monitors(app, req):
    """GET .../healthmonitors (equality filters, limit/marker/page_reverse)."""
    return _list(app, req, "healthmonitors", MONITOR_FILTERS, strip_private)


def update_monitor(app, req, rid):
    """PUT .../healthmonitors/{id}; changing ``type`` follows the ELB.9899 rule."""
    body = req.wrapped("healthmonitor")
    with app.store.lock:
        rec = _get(app, req, "healthmonitors", rid, "healthmonitor")
        if "pool_id" in body and body["pool_id"] != rec["_"]["pool"]:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute pool_id. The pool of a health monitor cannot be changed.")
        _check_body_project(body, req.project_id)
        chk = Checker(body)
        for key in ("type", "delay", "timeout", "max_retries"):
            if key in body and body[key] is None:
                chk.fail(key, "The value cannot be null.")
        check_monitor_fields(body)
        pool = app.store.coll(FAMILY, "pools")[rec["_"]["pool"]]
        if "type" in body and body["type"] != rec["type"]:
            if rec["type"] not in ("TCP", "HTTP") or pool["protocol"] not in ("TCP", "HTTP") or body["type"] not in ("TCP", "HTTP"):
                raise ApiError(400, "ELB.9899", TYPE_CHANGE_MSG)
        lb = _pool_lb(app, pool)
        require_active(lb)
        defaults = {"name": "", "url_path": "/", "max_retries_down": 3, "admin_state_up": True, "http_method": "GET"}
        for key in ("type", "delay", "timeout", "max_retries", "max_retries_down", "admin_state_up",
                    "monitor_port", "name", "domain_name", "url_path", "http_method"):
            if key in body:
                value = body[key]
                rec[key] = defaults[key] if value is None and key in defaults else value
        mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(200, {"healthmonitor": strip_private(rec)})


def delete_monitor(app, req, rid):
    """DELETE .../healthmonitors/{id} -> 204."""
    with app.store.lock:
        rec = _get(app, req, "healthmonitors", rid, "healthmonitor")
        pool = app.store.coll(FAMILY, "pools").get(rec["_"]["pool"])
        lb = _pool_lb(app, pool)
        require_active(lb)
        del app.store.coll(FAMILY, "healthmonitors")[rid]
        if pool is not None:
            pool["healthmonitor_id"] = None
        mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(204)


def register(router):
    """Add the v2 routes under both path forms."""
    rid = r"/(?P<rid>[^/]+)"
    for base, family in ((r"/v2\.0/lbaas/", "v2n"), (r"/v2/(?P<project_id>[^/]+)/elb/", "v2p")):
        for kind, create, get, lister, update, delete in (
            ("loadbalancers", create_loadbalancer, get_loadbalancer, list_loadbalancers, update_loadbalancer, delete_loadbalancer),
            ("listeners", create_listener, get_listener, list_listeners, update_listener, delete_listener),
            ("pools", create_pool, get_pool, list_pools, update_pool, delete_pool),
            ("healthmonitors", create_monitor, get_monitor, list_monitors, update_monitor, delete_monitor),
        ):
            router.add("POST", base + kind, create, family)
            router.add("GET", base + kind, lister, family)
            router.add("GET", base + kind + rid, get, family)
            router.add("PUT", base + kind + rid, update, family)
            router.add("DELETE", base + kind + rid, delete, family)
