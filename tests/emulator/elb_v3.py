# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dedicated ELB v3: load balancers, listeners, pools and health monitors.

Paths: ``/v3/{project_id}/elb/{loadbalancers,listeners,pools,healthmonitors}[/{id}]``.
Answers carry ``request_id``; errors are ``{"error_msg", "error_code", "request_id"}``.
"""

from __future__ import annotations

from .common import (ApiError, Response, iso_z, lb_status, mark_pending, new_uuid, refs,
                     require_active, strip_private)
from .listing import make_filter, v3_page
from .validation import DOMAIN_RE, URL_PATH_RE, Checker, check_expected_codes

FAMILY = "v3"
MONITOR_TYPES = ("TCP", "UDP_CONNECT", "HTTP", "HTTPS", "GRPC", "TLS")
HTTP_METHODS = ("GET", "HEAD", "POST")
POOL_PROTOCOLS = ("TCP", "UDP", "HTTP", "HTTPS", "QUIC", "GRPC", "TLS", "IP")
LISTENER_PROTOCOLS = ("TCP", "UDP", "HTTP", "HTTPS", "QUIC", "TLS", "IP")
LB_ALGORITHMS = ("ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "QUIC_CID")
_L7 = ("TCP", "HTTP", "HTTPS", "GRPC", "TLS")
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
# Keys a client may not change with PUT (besides the monitor's own rules).
_FIXED = ("id", "project_id", "created_at", "updated_at", "request_id")


# --- records ------------------------------------------------------------------

def _extras(spec, known):
    """Fields of a create body the emulator does not model: kept as given."""
    return {k: v for k, v in spec.items() if k not in known and k != "_"}


def build_loadbalancer(project_id, spec, lb_id, ts):
    """A v3 load balancer record."""
    rec = _extras(spec, ())
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


def build_pool(project_id, spec, pool_id, lb_id, listener_id, ts):
    """A v3 pool record (``healthmonitor_id`` is "" when there is none)."""
    rec = _extras(spec, ("loadbalancer_id", "listener_id"))
    rec.update({
        "admin_state_up": spec.get("admin_state_up") is not False,
        "description": spec.get("description") or "",
        "healthmonitor_id": "",
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
        "slow_start": spec.get("slow_start"),
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
    return rec


def build_listener(project_id, spec, listener_id, ts):
    """A v3 listener record."""
    rec = _extras(spec, ("loadbalancer_id",))
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


def _display_codes(mtype, raw_codes, raw_method):
    """(expected_codes, http_method) as shown: null for types without HTTP semantics."""
    if mtype in ("HTTP", "HTTPS"):
        return raw_codes or "200", raw_method or "GET"
    if mtype == "GRPC":
        return raw_codes or "0", None
    return None, None


def build_monitor(project_id, spec, monitor_id, pool_id, ts):
    """A v3 health monitor record, with the service's defaults (api-notes section 2)."""
    mtype = spec["type"]
    codes, method = _display_codes(mtype, spec.get("expected_codes"), spec.get("http_method"))
    return {
        "monitor_port": spec.get("monitor_port"),
        "id": monitor_id,
        "project_id": project_id,
        "domain_name": spec.get("domain_name"),
        "name": spec.get("name") or "",
        "delay": spec["delay"],
        "max_retries": spec["max_retries"],
        "pools": [{"id": pool_id}],
        "admin_state_up": spec.get("admin_state_up") is not False,
        "timeout": spec["timeout"],
        "type": mtype,
        "expected_codes": codes,
        "url_path": spec.get("url_path") or "/",
        "http_method": method,
        "max_retries_down": spec.get("max_retries_down") or 3,
        "created_at": ts,
        "updated_at": ts,
        "_": {"expected_codes": spec.get("expected_codes"), "http_method": spec.get("http_method"), "pool": pool_id},
    }


def render_lb(rec):
    """The API view of a load balancer."""
    out = strip_private(rec)
    out["provisioning_status"] = lb_status(rec)
    out["pools"] = refs(rec["_"]["pools"])
    out["listeners"] = refs(rec["_"]["listeners"])
    return out


# --- validation ---------------------------------------------------------------

def check_monitor_fields(body, mtype):
    """Validate the optional and updatable monitor fields of ``body`` (type known)."""
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
               pattern_text="must start with '/' and contain letters, digits and -/.%?#&_;~!()*[]@$^:',+")
    chk.enum("http_method", HTTP_METHODS, nullable=True)
    if mtype == "GRPC":
        check_expected_codes(chk, "expected_codes", 0, 99)
    else:
        check_expected_codes(chk, "expected_codes", 200, 599)
    return chk


def check_compatible(pool, mtype):
    """400 unless a ``mtype`` monitor suits the pool's protocol."""
    allowed = COMPATIBLE.get(pool["protocol"], MONITOR_TYPES)
    if mtype not in allowed:
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute type. Value: %s. A pool of protocol %s accepts only %s health checks." % (
            mtype, pool["protocol"], ", ".join(allowed)))


def check_monitor_port(pool, port):
    """``monitor_port`` is mandatory on a pool with ``any_port_enable``."""
    if pool.get("any_port_enable") and port is None:
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute monitor_port. Value: null. "
                       "monitor_port is required when the pool has any_port_enable true.")
    if pool["protocol"] == "IP" and port == 0:
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute monitor_port. Value: 0. monitor_port cannot be 0 for an IP pool.")


def _check_body_project(body, project_id):
    value = body.get("project_id")
    if value is not None and value != project_id:
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute project_id. Value: %s. It must be the project of the request." % value)


# --- helpers --------------------------------------------------------------------

def _get(app, req, kind, rid, label):
    rec = app.store.coll(FAMILY, kind).get(rid)
    if rec is None or rec["project_id"] != req.project_id:
        raise ApiError(404, "ELB.8904", "%s %s could not be found." % (label, rid))
    return rec


def _ok(req, key, value, status=200, **extra):
    body = {"request_id": req.request_id, key: value}
    body.update(extra)
    return Response(status, body)


def _project_records(app, req, kind):
    pid = req.project_id
    return [r for r in app.store.coll(FAMILY, kind).values() if r["project_id"] == pid]


def _pool_lb(app, pool):
    lb_id = pool["_"].get("lb")
    return app.store.coll(FAMILY, "loadbalancers").get(lb_id) if lb_id else None


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
    """POST /v3/{project_id}/elb/loadbalancers -> 201."""
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
        return _ok(req, "loadbalancer", render_lb(rec), 201, loadbalancer_id=rec["id"])


def get_loadbalancer(app, req, rid):
    """GET /v3/{project_id}/elb/loadbalancers/{id}."""
    with app.store.lock:
        return _ok(req, "loadbalancer", render_lb(_get(app, req, "loadbalancers", rid, "loadbalancer")))


def list_loadbalancers(app, req):
    """GET /v3/{project_id}/elb/loadbalancers."""
    pred = make_filter(req, {
        "id": ("id", "str"), "name": ("name", "str"), "description": ("description", "str"),
        "provisioning_status": (lb_status, "str"), "operating_status": ("operating_status", "str"),
        "vip_address": ("vip_address", "str"), "vpc_id": ("vpc_id", "str"),
        "enterprise_project_id": ("enterprise_project_id", "str"), "admin_state_up": ("admin_state_up", "bool"),
    })
    with app.store.lock:
        page, info = v3_page(req, _project_records(app, req, "loadbalancers"), pred)
        return _ok(req, "loadbalancers", [render_lb(r) for r in page], page_info=info)


def update_loadbalancer(app, req, rid):
    """PUT /v3/{project_id}/elb/loadbalancers/{id}."""
    body = req.wrapped("loadbalancer")
    chk = Checker(body)
    chk.string("name", max_len=255)
    chk.string("description", max_len=255)
    chk.boolean("admin_state_up")
    with app.store.lock:
        rec = _get(app, req, "loadbalancers", rid, "loadbalancer")
        _apply_update(rec, body, ("provisioning_status", "operating_status", "pools", "listeners"))
        rec["updated_at"] = iso_z()
        app.store.mark_dirty()
        return _ok(req, "loadbalancer", render_lb(rec))


def delete_loadbalancer(app, req, rid):
    """DELETE /v3/{project_id}/elb/loadbalancers/{id} -> 204; 409 while it has listeners or pools."""
    with app.store.lock:
        rec = _get(app, req, "loadbalancers", rid, "loadbalancer")
        if rec["_"]["pools"] or rec["_"]["listeners"]:
            raise ApiError(409, "ELB.8907", "Load balancer %s still has listeners or pools; delete them first." % rid)
        del app.store.coll(FAMILY, "loadbalancers")[rid]
        app.store.mark_dirty()
        return Response(204)


# --- listeners ------------------------------------------------------------------

def create_listener(app, req):
    """POST /v3/{project_id}/elb/listeners -> 201."""
    body = req.wrapped("listener")
    chk = Checker(body)
    chk.require("loadbalancer_id", "protocol")
    chk.enum("protocol", LISTENER_PROTOCOLS)
    chk.integer("protocol_port", 0, 65535, nullable=True)
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
        return _ok(req, "listener", strip_private(rec), 201)


def get_listener(app, req, rid):
    """GET /v3/{project_id}/elb/listeners/{id}."""
    with app.store.lock:
        return _ok(req, "listener", strip_private(_get(app, req, "listeners", rid, "listener")))


def list_listeners(app, req):
    """GET /v3/{project_id}/elb/listeners."""
    pred = make_filter(req, {
        "id": ("id", "str"), "name": ("name", "str"), "protocol": ("protocol", "str"),
        "protocol_port": ("protocol_port", "int"), "default_pool_id": ("default_pool_id", "str"),
        "loadbalancer_id": (lambda r: r["_"]["lb"], "str"),
    })
    with app.store.lock:
        page, info = v3_page(req, _project_records(app, req, "listeners"), pred)
        return _ok(req, "listeners", [strip_private(r) for r in page], page_info=info)


def update_listener(app, req, rid):
    """PUT /v3/{project_id}/elb/listeners/{id}."""
    body = req.wrapped("listener")
    chk = Checker(body)
    chk.string("name", max_len=255)
    with app.store.lock:
        rec = _get(app, req, "listeners", rid, "listener")
        _apply_update(rec, body, ("protocol", "protocol_port", "loadbalancers", "loadbalancer_id"))
        rec["updated_at"] = iso_z()
        app.store.mark_dirty()
        return _ok(req, "listener", strip_private(rec))


def delete_listener(app, req, rid):
    """DELETE /v3/{project_id}/elb/listeners/{id} -> 204; 409 while a pool is bound to it."""
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
    """POST /v3/{project_id}/elb/pools -> 201."""
    body = req.wrapped("pool")
    chk = Checker(body)
    chk.require("protocol")
    chk.enum("protocol", POOL_PROTOCOLS)
    chk.enum("lb_algorithm", LB_ALGORITHMS, nullable=True)
    chk.string("name", max_len=255, nullable=True)
    chk.string("description", max_len=255, nullable=True)
    chk.string("loadbalancer_id", nullable=True)
    chk.string("listener_id", nullable=True)
    chk.boolean("admin_state_up", nullable=True)
    chk.boolean("any_port_enable", nullable=True)
    _check_body_project(body, req.project_id)
    with app.store.lock:
        lb_id = body.get("loadbalancer_id")
        listener_id = body.get("listener_id")
        listener = None
        if listener_id:
            listener = _get(app, req, "listeners", listener_id, "listener")
            if lb_id and lb_id != listener["_"]["lb"]:
                raise ApiError(400, "ELB.8902", "Invalid input for field/attribute loadbalancer_id. "
                               "Listener %s belongs to another load balancer." % listener_id)
            lb_id = listener["_"]["lb"]
        lb = _get(app, req, "loadbalancers", lb_id, "loadbalancer") if lb_id else None
        rec = build_pool(req.project_id, body, new_uuid(), lb_id, listener_id, iso_z())
        app.store.coll(FAMILY, "pools")[rec["id"]] = rec
        if lb is not None:
            lb["_"]["pools"].append(rec["id"])
            mark_pending(app, lb)
        if listener is not None and not listener.get("default_pool_id"):
            listener["default_pool_id"] = rec["id"]
        app.store.mark_dirty()
        return _ok(req, "pool", strip_private(rec), 201)


def get_pool(app, req, rid):
    """GET /v3/{project_id}/elb/pools/{id}."""
    with app.store.lock:
        return _ok(req, "pool", strip_private(_get(app, req, "pools", rid, "pool")))


def list_pools(app, req):
    """GET /v3/{project_id}/elb/pools (multi-value filters)."""
    pred = make_filter(req, {
        "id": ("id", "str"), "name": ("name", "str"), "description": ("description", "str"),
        "protocol": ("protocol", "str"), "lb_algorithm": ("lb_algorithm", "str"),
        "healthmonitor_id": ("healthmonitor_id", "str"), "admin_state_up": ("admin_state_up", "bool"),
        "loadbalancer_id": (lambda r: r["_"].get("lb"), "str"), "listener_id": (lambda r: r["_"].get("listener"), "str"),
        "any_port_enable": ("any_port_enable", "bool"), "type": ("type", "str"), "vpc_id": ("vpc_id", "str"),
        "enterprise_project_id": ("enterprise_project_id", "str"),
    })
    with app.store.lock:
        page, info = v3_page(req, _project_records(app, req, "pools"), pred)
        return _ok(req, "pools", [strip_private(r) for r in page], page_info=info)


def update_pool(app, req, rid):
    """PUT /v3/{project_id}/elb/pools/{id}."""
    body = req.wrapped("pool")
    chk = Checker(body)
    chk.string("name", max_len=255)
    chk.string("description", max_len=255)
    chk.enum("lb_algorithm", LB_ALGORITHMS)
    chk.boolean("admin_state_up")
    with app.store.lock:
        rec = _get(app, req, "pools", rid, "pool")
        _apply_update(rec, body, ("protocol", "loadbalancer_id", "listener_id", "healthmonitor_id", "loadbalancers", "listeners", "any_port_enable"))
        rec["updated_at"] = iso_z()
        mark_pending(app, _pool_lb(app, rec))
        app.store.mark_dirty()
        return _ok(req, "pool", strip_private(rec))


def delete_pool(app, req, rid):
    """DELETE /v3/{project_id}/elb/pools/{id} -> 204; 409 while it has a health monitor."""
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
    """POST /v3/{project_id}/elb/healthmonitors -> 201."""
    body = req.wrapped("healthmonitor")
    chk = Checker(body)
    chk.require("pool_id", "type", "delay", "timeout", "max_retries")
    chk.string("pool_id", max_len=36)
    check_monitor_fields(body, body.get("type"))
    _check_body_project(body, req.project_id)
    with app.store.lock:
        pool = _get(app, req, "pools", body["pool_id"], "pool")
        check_compatible(pool, body["type"])
        check_monitor_port(pool, body.get("monitor_port"))
        if pool["healthmonitor_id"]:
            raise ApiError(409, "ELB.8907", "Pool %s already has health monitor %s." % (pool["id"], pool["healthmonitor_id"]))
        lb = _pool_lb(app, pool)
        require_active(lb)
        ts = iso_z()
        rec = build_monitor(req.project_id, body, new_uuid(), pool["id"], ts)
        app.store.coll(FAMILY, "healthmonitors")[rec["id"]] = rec
        pool["healthmonitor_id"] = rec["id"]
        pool["updated_at"] = ts
        mark_pending(app, lb)
        app.store.mark_dirty()
        return _ok(req, "healthmonitor", strip_private(rec), 201)


def get_monitor(app, req, rid):
    """GET /v3/{project_id}/elb/healthmonitors/{id}."""
    with app.store.lock:
        return _ok(req, "healthmonitor", strip_private(_get(app, req, "healthmonitors", rid, "healthmonitor")))


MONITOR_FILTERS = {
    "id": ("id", "str"), "monitor_port": ("monitor_port", "int"), "domain_name": ("domain_name", "str"),
    "name": ("name", "str"), "delay": ("delay", "int"), "max_retries": ("max_retries", "int"),
    "max_retries_down": ("max_retries_down", "int"), "admin_state_up": ("admin_state_up", "bool"),
    "timeout": ("timeout", "int"), "type": ("type", "str"), "expected_codes": ("expected_codes", "str"),
    "url_path": ("url_path", "str"), "http_method": ("http_method", "str"),
    # Monitors carry no enterprise project: they all belong to the default one ("0").
    "enterprise_project_id": (lambda r: ["0", "all_granted_eps"], "str"),
}


def list_monitors(app, req):
    """GET /v3/{project_id}/elb/healthmonitors (multi-value filters, page_info)."""
    pred = make_filter(req, MONITOR_FILTERS)
    with app.store.lock:
        page, info = v3_page(req, _project_records(app, req, "healthmonitors"), pred)
        return _ok(req, "healthmonitors", [strip_private(r) for r in page], page_info=info)


def update_monitor(app, req, rid):
    """PUT /v3/{project_id}/elb/healthmonitors/{id}."""
    body = req.wrapped("healthmonitor")
    with app.store.lock:
        rec = _get(app, req, "healthmonitors", rid, "healthmonitor")
        if "pool_id" in body and body["pool_id"] != rec["_"]["pool"]:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute pool_id. "
                           "The pool of a health monitor cannot be changed.")
        _check_body_project(body, req.project_id)
        chk = Checker(body)
        for key in ("type", "delay", "timeout", "max_retries"):
            if key in body and body[key] is None:
                chk.fail(key, "The value cannot be null.")
        new_type = body.get("type", rec["type"])
        check_monitor_fields(body, new_type)
        pool = app.store.coll(FAMILY, "pools")[rec["_"]["pool"]]
        if "type" in body:
            check_compatible(pool, new_type)
        check_monitor_port(pool, body["monitor_port"] if "monitor_port" in body else rec["monitor_port"])
        lb = _pool_lb(app, pool)
        require_active(lb)
        defaults = {"name": "", "url_path": "/", "max_retries_down": 3, "admin_state_up": True}
        for key in ("type", "delay", "timeout", "max_retries", "max_retries_down", "admin_state_up",
                    "monitor_port", "name", "domain_name", "url_path"):
            if key in body:
                value = body[key]
                rec[key] = defaults[key] if value is None and key in defaults else value
        for key in ("expected_codes", "http_method"):
            if key in body:
                rec["_"][key] = body[key]
        rec["expected_codes"], rec["http_method"] = _display_codes(rec["type"], rec["_"]["expected_codes"], rec["_"]["http_method"])
        rec["updated_at"] = iso_z()
        mark_pending(app, lb)
        app.store.mark_dirty()
        return _ok(req, "healthmonitor", strip_private(rec))


def delete_monitor(app, req, rid):
    """DELETE /v3/{project_id}/elb/healthmonitors/{id} -> 204."""
    with app.store.lock:
        rec = _get(app, req, "healthmonitors", rid, "healthmonitor")
        pool = app.store.coll(FAMILY, "pools").get(rec["_"]["pool"])
        lb = _pool_lb(app, pool) if pool else None
        require_active(lb)
        del app.store.coll(FAMILY, "healthmonitors")[rid]
        if pool is not None:
            pool["healthmonitor_id"] = ""
            pool["updated_at"] = iso_z()
        mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(204)


def register(router):
    """Add the v3 routes."""
    base = r"/v3/(?P<project_id>[^/]+)/elb/"
    rid = r"/(?P<rid>[^/]+)"
    for kind, create, get, lister, update, delete in (
        ("loadbalancers", create_loadbalancer, get_loadbalancer, list_loadbalancers, update_loadbalancer, delete_loadbalancer),
        ("listeners", create_listener, get_listener, list_listeners, update_listener, delete_listener),
        ("pools", create_pool, get_pool, list_pools, update_pool, delete_pool),
        ("healthmonitors", create_monitor, get_monitor, list_monitors, update_monitor, delete_monitor),
    ):
        router.add("POST", base + kind, create, FAMILY)
        router.add("GET", base + kind, lister, FAMILY)
        router.add("GET", base + kind + rid, get, FAMILY)
        router.add("PUT", base + kind + rid, update, FAMILY)
        router.add("DELETE", base + kind + rid, delete, FAMILY)
