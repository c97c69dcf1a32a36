# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classic ELB v1.0: load balancers, listeners and health checks (flat JSON bodies).

Paths: ``/v1.0/{project_id}/elbaas/{loadbalancers,listeners,healthcheck}[/{id}]``
and ``/v1.0/{project_id}/jobs/{job_id}``.  Ids are 32 hex characters; times are
``YYYY-MM-DD HH:MM:SS``; errors are ``{"error": {"message", "code"}}``.
Creating a health check answers 200 (not 201).
"""

from __future__ import annotations

import json

from .common import (ApiError, Response, classic_time, extra_fields, lb_status, mark_pending, new_hex_id,
                     require_active, strip_private)
from .validation import CLASSIC_URI_RE, Checker

FAMILY = "v1"
# Parents are beyond the seeds (api-notes §3, README "Classic load balancers ★"): these sets are the emulator's.
LB_TYPES = ("External", "Internal")  # seed v1.0 table 1 "healthcheck_protocol": "private network load balancer" = Internal
LISTENER_PROTOCOLS = ("HTTP", "HTTPS", "TCP", "UDP", "SSL")
BACKEND_PROTOCOLS = ("HTTP", "TCP", "UDP")
LB_ALGORITHMS = ("roundrobin", "leastconn", "source")
CHECK_PROTOCOLS = ("HTTP", "TCP", "UDP")  # seed v1.0-classic-create-healthcheck.md table 1 "healthcheck_protocol"
CHECK_FIELDS = ("healthcheck_protocol", "healthcheck_uri", "healthcheck_connect_port", "healthy_threshold",
                "unhealthy_threshold", "healthcheck_timeout", "healthcheck_interval")
# Health-check values used when the create body omits them (unverified; seed v1.0-classic-create-healthcheck.md
# example requests 1 and 2: interval 5, timeout 10, thresholds 3).
CHECK_DEFAULTS = {"healthcheck_interval": 5, "healthcheck_timeout": 10, "healthy_threshold": 3, "unhealthy_threshold": 3}


# --- records ------------------------------------------------------------------

def build_loadbalancer(project_id, spec, lb_id, ts):
    """A classic load balancer record."""
    rec = extra_fields(spec, ("tenantid", "tenantId"))
    admin = spec.get("admin_state_up", 1)
    rec.update({
        "id": lb_id,
        "name": spec.get("name") or "",
        "description": spec.get("description") or "",
        "status": "ACTIVE",
        "type": spec["type"],
        "bandwidth": spec.get("bandwidth", 10 if spec["type"] == "External" else None),
        "vip_address": spec.get("vip_address") or ("203.0.113.10" if spec["type"] == "External" else "192.168.2.10"),
        "vpc_id": spec.get("vpc_id") or "",
        "vip_subnet_id": spec.get("vip_subnet_id"),
        "security_group_id": spec.get("security_group_id"),
        "az": spec.get("az"),
        "admin_state_up": 1 if admin in (1, True) else 0,
        "tenant_id": project_id,
        "create_time": ts,
        "update_time": ts,
        "_": {"status": "ACTIVE", "project_id": project_id, "listeners": []},
    })
    return rec


def build_listener(project_id, spec, listener_id, ts):
    """A classic listener record (``healthcheck_id`` null when there is none)."""
    rec = extra_fields(spec, ())
    rec.update({
        "id": listener_id,
        "name": spec.get("name") or "",
        "description": spec.get("description") or "",
        "loadbalancer_id": spec["loadbalancer_id"],
        "protocol": spec["protocol"],
        "port": spec["port"],
        "backend_protocol": spec["backend_protocol"],
        "backend_port": spec["backend_port"],
        "lb_algorithm": spec.get("lb_algorithm") or "roundrobin",
        "session_sticky": bool(spec.get("session_sticky", False)),
        "sticky_session_type": spec.get("sticky_session_type"),
        "cookie_timeout": spec.get("cookie_timeout"),
        "tcp_timeout": spec.get("tcp_timeout"),
        "udp_timeout": spec.get("udp_timeout"),
        "tcp_draining": bool(spec.get("tcp_draining", False)),
        "tcp_draining_timeout": spec.get("tcp_draining_timeout"),
        "certificate_id": spec.get("certificate_id"),
        "status": "ACTIVE",
        "admin_state_up": True,
        "healthcheck_id": None,
        "member_number": 0,
        "tenant_id": project_id,
        "create_time": ts,
        "update_time": ts,
        "_": {"project_id": project_id},
    })
    return rec


def default_check_protocol(listener):
    """The health-check protocol used when the body names none: the backend protocol's."""
    return {"HTTP": "HTTP", "TCP": "TCP", "UDP": "UDP"}.get(listener["backend_protocol"], "TCP")


def build_check(project_id, spec, check_id, listener, ts):
    """A classic health check record with the (unverified) defaults."""
    proto = spec.get("healthcheck_protocol") or default_check_protocol(listener)
    uri = spec.get("healthcheck_uri")
    if uri is None or (proto == "HTTP" and uri == ""):
        uri = "/" if proto == "HTTP" else ""
    port = spec.get("healthcheck_connect_port")
    return {
        "healthcheck_interval": spec.get("healthcheck_interval") or CHECK_DEFAULTS["healthcheck_interval"],
        "listener_id": listener["id"],
        "id": check_id,
        "healthcheck_protocol": proto,
        "unhealthy_threshold": spec.get("unhealthy_threshold") or CHECK_DEFAULTS["unhealthy_threshold"],
        "update_time": ts,
        "create_time": ts,
        "healthcheck_connect_port": port if port is not None else listener["backend_port"],
        "healthcheck_timeout": spec.get("healthcheck_timeout") or CHECK_DEFAULTS["healthcheck_timeout"],
        "healthcheck_uri": uri,
        "healthy_threshold": spec.get("healthy_threshold") or CHECK_DEFAULTS["healthy_threshold"],
        "_": {"project_id": project_id},
    }


def render_lb(rec):
    """The API view of a classic load balancer (``status`` PENDING_UPDATE while pending)."""
    out = strip_private(rec)
    out["status"] = lb_status(rec)
    return out


# --- validation ---------------------------------------------------------------

def check_check_fields(body):
    """Validate the health-check fields present in ``body``."""
    chk = Checker(body)
    # seed v1.0-classic-create-healthcheck.md table 1, field by field:
    chk.enum("healthcheck_protocol", CHECK_PROTOCOLS, nullable=True)  # "HTTP, TCP, or UDP"
    chk.string("healthcheck_uri", max_len=80, nullable=True)  # "1 to 80 characters" (pattern: check_check_rules)
    chk.integer("healthcheck_connect_port", 1, 65535, nullable=True)  # "ranges from 1 to 65535"
    chk.integer("healthy_threshold", 1, 10, nullable=True)  # "ranges from 1 to 10"
    chk.integer("unhealthy_threshold", 1, 10, nullable=True)  # "ranges from 1 to 10"
    chk.integer("healthcheck_timeout", 1, 50, nullable=True)  # "ranges from 1 to 50"
    chk.integer("healthcheck_interval", 1, 50, nullable=True)  # "ranges from 1 to 50"
    return chk


def check_check_rules(chk, lb, listener, proto, uri):
    """Protocol rules: HTTP needs a valid URI; UDP only on a UDP listener of an External balancer."""
    # seed v1.0-classic-create-healthcheck.md table 1 "healthcheck_uri": "valid when healthcheck_protocol is HTTP";
    # the TCP example sends "" (so "" and other protocols are not checked)
    if proto == "HTTP" and uri not in (None, "") and not CLASSIC_URI_RE.fullmatch(uri):
        if not uri.startswith("/"):
            chk.fail("healthcheck_uri", "The value must start with '/'.")
        bad = next(c for c in uri[1:] if not CLASSIC_URI_RE.fullmatch("/" + c))
        chk.fail("healthcheck_uri", "The character %s is not allowed: only letters, digits and -/.%%?#&_=." % json.dumps(bad))
    # seed v1.0 table 1 "healthcheck_protocol": "A listener using UDP is not allowed for a private network load balancer"
    if proto == "UDP" and lb is not None and lb["type"] == "Internal":
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute healthcheck_protocol. Value: \"UDP\". "
                       "A UDP health check is not allowed on a private network (Internal) load balancer.")
    if (proto == "UDP") != (listener["protocol"] == "UDP"):
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute healthcheck_protocol. Value: \"%s\". A %s listener cannot use a %s health check." % (
            proto, listener["protocol"], proto))


# --- helpers --------------------------------------------------------------------

def _get(app, req, kind, rid, code, label):
    rec = app.store.coll(FAMILY, kind).get(rid)
    if rec is None or rec["_"]["project_id"] != req.project_id:
        raise ApiError(404, code, "%s %s could not be found." % (label, rid))
    return rec


def _records(app, req, kind):
    pid = req.project_id
    return [r for r in app.store.coll(FAMILY, kind).values() if r["_"]["project_id"] == pid]


def _job_answer(app, req, job_type, lb, with_fields=True):
    """A balancer write answers 200 with a job (already SUCCESS), plus the balancer's fields on create and update."""
    job_id = new_hex_id()
    ts = classic_time()
    app.store.coll(FAMILY, "jobs")[job_id] = {
        "job_id": job_id,
        "job_type": job_type,
        "status": "SUCCESS",
        "begin_time": ts,
        "end_time": ts,
        "entities": {"elb": {"id": lb["id"], "name": lb["name"], "vip_address": lb["vip_address"]}},
        "error_code": None,
        "fail_reason": None,
        "_": {"project_id": req.project_id},
    }
    answer = {"uri": "/v1.0/%s/jobs/%s" % (req.project_id, job_id), "job_id": job_id}
    if with_fields:
        answer.update(render_lb(lb))
    app.store.mark_dirty()
    return Response(200, answer)


def _equality_filter(req, skip):
    wanted = [(k, v) for k, v in req.query if k not in skip]

    def predicate(rec):
        for key, value in wanted:
            current = rec.get(key)
            if isinstance(current, bool):
                current = "true" if current else "false"
            if current is None or str(current) != value:
                return False
        return True
    return predicate


# --- load balancers ---------------------------------------------------------------

def create_loadbalancer(app, req):
    """POST /v1.0/{project_id}/elbaas/loadbalancers -> 200 (job answer plus the balancer's fields)."""
    body = req.json_body()
    chk = Checker(body)
    chk.require("type")
    chk.enum("type", LB_TYPES)
    chk.string("name", max_len=64, nullable=True)
    chk.string("description", max_len=128, nullable=True)
    chk.integer("bandwidth", 1, 2000, nullable=True)
    with app.store.lock:
        rec = build_loadbalancer(req.project_id, body, new_hex_id(), classic_time())
        app.store.coll(FAMILY, "loadbalancers")[rec["id"]] = rec
        return _job_answer(app, req, "createELB", rec)


def get_loadbalancer(app, req, rid):
    """GET /v1.0/{project_id}/elbaas/loadbalancers/{id}."""
    with app.store.lock:
        return Response(200, render_lb(_get(app, req, "loadbalancers", rid, "ELB.1002", "Loadbalancer")))


def list_loadbalancers(app, req):
    """GET /v1.0/{project_id}/elbaas/loadbalancers -> {"loadbalancers": [...], "instance_num": "N"}."""
    pred = _equality_filter(req, ("limit", "marker", "offset"))
    with app.store.lock:
        items = [render_lb(r) for r in _records(app, req, "loadbalancers")]
    items = [r for r in items if pred(r)]
    return Response(200, {"loadbalancers": items, "instance_num": str(len(items))})


def update_loadbalancer(app, req, rid):
    """PUT /v1.0/{project_id}/elbaas/loadbalancers/{id} -> 200 (job answer plus fields)."""
    body = req.json_body()
    chk = Checker(body)
    chk.string("name", max_len=64)
    chk.string("description", max_len=128)
    chk.integer("bandwidth", 1, 2000)
    with app.store.lock:
        rec = _get(app, req, "loadbalancers", rid, "ELB.1002", "Loadbalancer")
        for key, value in body.items():
            if key in ("name", "description", "bandwidth", "admin_state_up"):
                rec[key] = value
        rec["update_time"] = classic_time()
        return _job_answer(app, req, "updateELB", rec)


def delete_loadbalancer(app, req, rid):
    """DELETE /v1.0/{project_id}/elbaas/loadbalancers/{id} -> 200 job; 409 while it has listeners."""
    with app.store.lock:
        rec = _get(app, req, "loadbalancers", rid, "ELB.1002", "Loadbalancer")
        if rec["_"]["listeners"]:
            raise ApiError(409, "ELB.8907", "Loadbalancer %s still has listeners; delete them first." % rid)
        del app.store.coll(FAMILY, "loadbalancers")[rid]
        return _job_answer(app, req, "deleteELB", rec, with_fields=False)


def get_job(app, req, rid):
    """GET /v1.0/{project_id}/jobs/{job_id}: jobs finish at once (SUCCESS)."""
    with app.store.lock:
        job = app.store.coll(FAMILY, "jobs").get(rid)
        if job is None or job["_"]["project_id"] != req.project_id:
            raise ApiError(404, "ELB.8904", "Job %s could not be found." % rid)
        return Response(200, strip_private(job))


# --- listeners ------------------------------------------------------------------

def create_listener(app, req):
    """POST /v1.0/{project_id}/elbaas/listeners -> 200 (flat listener)."""
    body = req.json_body()
    chk = Checker(body)
    chk.require("loadbalancer_id", "protocol", "port", "backend_protocol", "backend_port")
    chk.enum("protocol", LISTENER_PROTOCOLS)
    chk.enum("backend_protocol", BACKEND_PROTOCOLS)
    chk.integer("port", 1, 65535)
    chk.integer("backend_port", 1, 65535)
    chk.enum("lb_algorithm", LB_ALGORITHMS, nullable=True)
    chk.string("name", max_len=64, nullable=True)
    if (body["protocol"] == "UDP") != (body["backend_protocol"] == "UDP"):
        chk.fail("backend_protocol", "A UDP listener needs a UDP backend protocol and the reverse.")
    with app.store.lock:
        lb = _get(app, req, "loadbalancers", body["loadbalancer_id"], "ELB.1002", "Loadbalancer")
        rec = build_listener(req.project_id, body, new_hex_id(), classic_time())
        app.store.coll(FAMILY, "listeners")[rec["id"]] = rec
        lb["_"]["listeners"].append(rec["id"])
        mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(200, strip_private(rec))


def get_listener(app, req, rid):
    """GET /v1.0/{project_id}/elbaas/listeners/{id}."""
    with app.store.lock:
        return Response(200, strip_private(_get(app, req, "listeners", rid, "ELB.7010", "Listener")))


def list_listeners(app, req):
    """GET /v1.0/{project_id}/elbaas/listeners[?loadbalancer_id=...] -> a bare JSON array."""
    pred = _equality_filter(req, ("limit", "marker", "offset", "update_time", "create_time", "admin_state_up",
                                  "session_sticky", "member_number"))
    with app.store.lock:
        items = [strip_private(r) for r in _records(app, req, "listeners")]
    return Response(200, [r for r in items if pred(r)])


def update_listener(app, req, rid):
    """PUT /v1.0/{project_id}/elbaas/listeners/{id} -> 200."""
    body = req.json_body()
    chk = Checker(body)
    chk.string("name", max_len=64)
    chk.integer("port", 1, 65535)
    chk.integer("backend_port", 1, 65535)
    chk.enum("lb_algorithm", LB_ALGORITHMS)
    with app.store.lock:
        rec = _get(app, req, "listeners", rid, "ELB.7010", "Listener")
        for key, value in body.items():
            if key in ("id", "loadbalancer_id", "protocol", "backend_protocol", "healthcheck_id", "tenant_id",
                       "status", "create_time", "update_time", "member_number", "_"):
                continue
            rec[key] = value
        rec["update_time"] = classic_time()
        mark_pending(app, app.store.coll(FAMILY, "loadbalancers").get(rec["loadbalancer_id"]))
        app.store.mark_dirty()
        return Response(200, strip_private(rec))


def delete_listener(app, req, rid):
    """DELETE /v1.0/{project_id}/elbaas/listeners/{id} -> 204 (its health check goes with it)."""
    with app.store.lock:
        rec = _get(app, req, "listeners", rid, "ELB.7010", "Listener")
        if rec["healthcheck_id"]:
            app.store.coll(FAMILY, "healthchecks").pop(rec["healthcheck_id"], None)
        del app.store.coll(FAMILY, "listeners")[rid]
        lb = app.store.coll(FAMILY, "loadbalancers").get(rec["loadbalancer_id"])
        if lb is not None:
            if rid in lb["_"]["listeners"]:
                lb["_"]["listeners"].remove(rid)
            mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(204)


# --- health checks -----------------------------------------------------------------

def create_check(app, req):
    """POST /v1.0/{project_id}/elbaas/healthcheck -> 200."""
    body = req.json_body()
    if not body.get("listener_id"):
        raise ApiError(400, "ELB.7000", "The listener_id is null.")
    chk = check_check_fields(body)
    chk.string("listener_id", max_len=64)  # seed v1.0 table 1 "listener_id": required String (no length given: ★ 64)
    with app.store.lock:
        listener = _get(app, req, "listeners", body["listener_id"], "ELB.7010", "Listener")
        lb = app.store.coll(FAMILY, "loadbalancers").get(listener["loadbalancer_id"])
        proto = body.get("healthcheck_protocol") or default_check_protocol(listener)
        check_check_rules(chk, lb, listener, proto, body.get("healthcheck_uri"))
        if listener["healthcheck_id"]:
            raise ApiError(409, "ELB.8907", "Listener %s already has health check %s." % (listener["id"], listener["healthcheck_id"]))
        if app.config.get("pending_blocks_create", True):  # README ★ (config pending_blocks_create)
            require_active(lb, "health check")
        ts = classic_time()
        rec = build_check(req.project_id, body, new_hex_id(), listener, ts)
        app.store.coll(FAMILY, "healthchecks")[rec["id"]] = rec
        listener["healthcheck_id"] = rec["id"]
        mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(200, strip_private(rec))


def get_check(app, req, rid):
    """GET /v1.0/{project_id}/elbaas/healthcheck/{id}."""
    with app.store.lock:
        return Response(200, strip_private(_get(app, req, "healthchecks", rid, "ELB.7020", "Healthcheck")))


def update_check(app, req, rid):
    """PUT /v1.0/{project_id}/elbaas/healthcheck/{id} -> 200."""
    body = req.json_body()
    chk = check_check_fields(body)
    with app.store.lock:
        rec = _get(app, req, "healthchecks", rid, "ELB.7020", "Healthcheck")
        if body.get("listener_id") not in (None, rec["listener_id"]):
            chk.fail("listener_id", "The listener of a health check cannot be changed.")
        listener = app.store.coll(FAMILY, "listeners")[rec["listener_id"]]
        lb = app.store.coll(FAMILY, "loadbalancers").get(listener["loadbalancer_id"])
        proto = body.get("healthcheck_protocol") or rec["healthcheck_protocol"]
        uri = body.get("healthcheck_uri") if "healthcheck_uri" in body else rec["healthcheck_uri"]
        check_check_rules(chk, lb, listener, proto, uri)
        require_active(lb, "health check")
        for key in CHECK_FIELDS:
            if key in body and body[key] is not None:
                rec[key] = body[key]
        if rec["healthcheck_protocol"] == "HTTP" and not rec["healthcheck_uri"]:
            rec["healthcheck_uri"] = "/"
        rec["update_time"] = classic_time()
        mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(200, strip_private(rec))


def delete_check(app, req, rid):
    """DELETE /v1.0/{project_id}/elbaas/healthcheck/{id} -> 204."""
    with app.store.lock:
        rec = _get(app, req, "healthchecks", rid, "ELB.7020", "Healthcheck")
        listener = app.store.coll(FAMILY, "listeners").get(rec["listener_id"])
        lb = app.store.coll(FAMILY, "loadbalancers").get(listener["loadbalancer_id"]) if listener else None
        require_active(lb, "health check")
        del app.store.coll(FAMILY, "healthchecks")[rid]
        if listener is not None:
            listener["healthcheck_id"] = None
        mark_pending(app, lb)
        app.store.mark_dirty()
        return Response(204)


def register(router):
    """Add the classic routes."""
    base = r"/v1.0/(?P<project_id>[^/]+)/elbaas/"
    rid = r"/(?P<rid>[^/]+)"
    router.add("POST", base + "loadbalancers", create_loadbalancer, FAMILY)
    router.add("GET", base + "loadbalancers", list_loadbalancers, FAMILY)
    router.add("GET", base + "loadbalancers" + rid, get_loadbalancer, FAMILY)
    router.add("PUT", base + "loadbalancers" + rid, update_loadbalancer, FAMILY)
    router.add("DELETE", base + "loadbalancers" + rid, delete_loadbalancer, FAMILY)
    router.add("POST", base + "listeners", create_listener, FAMILY)
    router.add("GET", base + "listeners", list_listeners, FAMILY)
    router.add("GET", base + "listeners" + rid, get_listener, FAMILY)
    router.add("PUT", base + "listeners" + rid, update_listener, FAMILY)
    router.add("DELETE", base + "listeners" + rid, delete_listener, FAMILY)
    router.add("POST", base + "healthcheck", create_check, FAMILY)
    router.add("GET", base + "healthcheck" + rid, get_check, FAMILY)
    router.add("PUT", base + "healthcheck" + rid, update_check, FAMILY)
    router.add("DELETE", base + "healthcheck" + rid, delete_check, FAMILY)
    router.add("GET", r"/v1.0/(?P<project_id>[^/]+)/jobs" + rid, get_job, FAMILY)
