# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The admin API under ``/_emulator/`` (no authentication, never counted in the stats).

``GET /_emulator/health``, ``GET /_emulator/stats``, ``POST /_emulator/stats/reset``,
``GET|POST|DELETE /_emulator/faults``, ``GET|POST /_emulator/config``,
``POST /_emulator/reset``, ``POST /_emulator/bulk`` and ``GET /_emulator/state``.
"""

from __future__ import annotations

import collections
import json
import threading

from . import elb_v1, elb_v2, elb_v3, vpc
from .common import ApiError, Response, classic_time, iso_z, new_hex_id, new_uuid
from .seed import V1_LBS, V2_LB, V3_LB, seed_id

MAX_RECORDED = 200000
CONFIG_DEFAULTS = {"pending_seconds": 0, "rate_limit_per_s": 0, "token_ttl_s": None,
                   # README ★: the seeds require ACTIVE only for updates; creates are refused too unless this is false
                   "pending_blocks_create": True,
                   # README ★: a member's subnet must be a known subnet's neutron_subnet_id only when this is true
                   "check_subnets": False}
BOOLEAN_CONFIG = ("pending_blocks_create", "check_subnets")
MAX_BULK = 200000


class Stats:
    """Counts of the IAM and ELB requests served (admin calls excluded)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        """Forget everything."""
        with self._lock:
            self.total = 0
            self.by_method = collections.Counter()
            self.requests = []

    def arrive(self, method, path):
        """Count a request as it arrives; returns its entry (status null until answered)."""
        entry = {"method": method, "path": path, "status": None}
        with self._lock:
            self.total += 1
            self.by_method[method] += 1
            if len(self.requests) < MAX_RECORDED:
                self.requests.append(entry)
        return entry

    @staticmethod
    def done(entry, status):
        """Set the answer's status (0: dropped without an answer)."""
        entry["status"] = status

    def snapshot(self):
        """The ``GET /_emulator/stats`` body."""
        with self._lock:
            return {"total": self.total, "by_method": dict(self.by_method), "requests": [dict(r) for r in self.requests]}


def _bad(message):
    return ApiError(400, "EMU.0001", message)


def health(app, req):  # pylint: disable=unused-argument
    """``GET /_emulator/health``."""
    return Response(200, {"status": "ok"})


def get_stats(app, req):  # pylint: disable=unused-argument
    """``GET /_emulator/stats`` (with the prober's probe counts under ``probes``)."""
    return Response(200, {**app.stats.snapshot(), "probes": app.prober.stats()})


def reset_stats(app, req):  # pylint: disable=unused-argument
    """``POST /_emulator/stats/reset``."""
    app.stats.reset()
    app.prober.reset_stats()
    return Response(200, {**app.stats.snapshot(), "probes": app.prober.stats()})


def get_faults(app, req):  # pylint: disable=unused-argument
    """``GET /_emulator/faults``: the live rules, in order."""
    return Response(200, {"rules": app.faults.list()})


def add_faults(app, req):
    """``POST /_emulator/faults`` ``{"rules": [...]}`` (or one rule object): append rules."""
    body = req.json_body()
    rules = body["rules"] if "rules" in body else [body]
    if not isinstance(rules, list):
        raise _bad("rules must be a list")
    app.faults.add(rules)
    return Response(200, {"rules": app.faults.list()})


def clear_faults(app, req):  # pylint: disable=unused-argument
    """``DELETE /_emulator/faults``."""
    app.faults.clear()
    return Response(200, {"rules": []})


def get_config(app, req):  # pylint: disable=unused-argument
    """``GET /_emulator/config`` (with the prober's and the data plane's keys)."""
    return _config_view(app)


def set_config(app, req):
    """``POST /_emulator/config`` ``{"pending_seconds", "rate_limit_per_s", "token_ttl_s", "pending_blocks_create"}`` (merged)."""
    body = req.json_body()
    problem = app.prober.configure(body)  # takes out probe_time_scale and probe_background
    data_plane = body.pop("data_plane", None)
    if data_plane is not None and not isinstance(data_plane, bool):
        problem = problem or "data_plane must be true or false"
    if "seed" in body:  # seeds the faults' probability draws; not kept in the config
        seed = body.pop("seed")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise _bad("seed must be an integer")
        app.faults.seed(seed)
    if problem:
        raise _bad(problem)
    unknown = set(body) - set(CONFIG_DEFAULTS)
    if unknown:
        raise _bad("unknown config keys: %s" % ", ".join(sorted(unknown)))
    for key, value in body.items():
        if key in BOOLEAN_CONFIG:
            if not isinstance(value, bool):
                raise _bad("%s must be true or false" % key)
            continue
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
            raise _bad("%s must be a non-negative number or null" % key)
        if key == "token_ttl_s" and value == 0:
            value = None
    for key, value in body.items():
        app.config[key] = value if value is not None or key == "token_ttl_s" else 0
    if "rate_limit_per_s" in body:
        app.limiter.reset()
    if data_plane is not None:
        app.dataplane.configure(data_plane)
    if "pending_seconds" in body and not app.config["pending_seconds"]:
        # Disabling also ends the PENDING_UPDATE windows already running.
        with app.store.lock:
            for family in ("v3", "v2", "v1"):
                for lb in app.store.coll(family, "loadbalancers").values():
                    lb["_"].pop("pending_until", None)
        app.store.mark_dirty()
    return _config_view(app)


def _config_view(app):
    return Response(200, {**app.config, **app.prober.config, "data_plane": app.dataplane.enabled})


def reset(app, req):
    """``POST /_emulator/reset`` [``{"seed": false}``]: state, faults, config and stats back to the start."""
    body = req.json_body(required=False)
    seed = body.get("seed", True) is not False
    app.store.reset([p["id"] for p in app.identity.projects], seed=seed)
    app.faults.clear()
    app.config.clear()
    app.config.update(CONFIG_DEFAULTS)
    app.limiter.reset()
    app.stats.reset()
    app.prober.reset()
    app.dataplane.reset()
    app.member_checks.reset()
    return Response(200, {"status": "reset", "seed": seed})


def _probe_body(req):
    """The probe body: an object, or a list holding one object (the form the README once showed)."""
    if req.body and req.body.lstrip().startswith(b"["):
        try:
            data = json.loads(req.body)
        except ValueError:
            data = None
        if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict):
            return data[0]
        raise _bad('the body must be {"rounds": N} or [{"rounds": N}]')
    return req.json_body(required=False)


def probe_round(app, req):
    """``POST /_emulator/probe`` ``{"rounds": N}`` (or that object in a one-item list; no body: 1 round): probe every
    member now, N times, then answer."""
    body = _probe_body(req)
    rounds = body.get("rounds", 1)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= 100:
        raise _bad("rounds must be an integer between 1 and 100")
    probes = app.prober.run_round(rounds)
    return Response(200, {"rounds": rounds, "probes": probes})


def data_plane(app, req):  # pylint: disable=unused-argument
    """``GET /_emulator/data-plane``: the listeners' loopback sockets."""
    return Response(200, app.dataplane.view())


def data_plane_stats(app, req):  # pylint: disable=unused-argument
    """``GET /_emulator/data-plane/stats``: the traffic counters."""
    return Response(200, app.dataplane.counters.snapshot())


def reset_data_plane_stats(app, req):  # pylint: disable=unused-argument
    """``POST /_emulator/data-plane/stats/reset``: zero the counters (``active`` keeps counting what is open)."""
    app.dataplane.counters.reset()
    return Response(200, app.dataplane.counters.snapshot())


def dump_state(app, req):  # pylint: disable=unused-argument
    """``GET /_emulator/state``: the raw state (records with their private ``_`` parts)."""
    with app.store.lock:
        return Response(200, dict(app.store.data))


# --- bulk -------------------------------------------------------------------------

_BACKEND = {"HTTP": "HTTP", "HTTPS": "HTTP", "TCP": "TCP", "SSL": "TCP", "UDP": "UDP"}
_POOL_FAMILIES = {"v3": elb_v3.API, "v2": elb_v2.API}
_SEEDED_LB = {"v3": V3_LB, "v2": V2_LB, "v1": V1_LBS[0][0]}  # the default load balancer of a bulk call


def _bulk_pools(app, family, project_id, lb_id, count, protocol, monitor, prefix):
    """v3/v2: ``count`` pools under ``lb_id``, each with a monitor built from ``monitor`` (None: without)."""
    if protocol not in family.POOL_PROTOCOLS:
        raise _bad("protocol must be one of %s" % ", ".join(family.POOL_PROTOCOLS))
    if monitor is not None:
        missing = [k for k in ("type", "delay", "timeout", "max_retries") if monitor.get(k) is None]
        if missing:
            raise _bad("monitor needs %s" % ", ".join(missing))
        family.check_monitor_fields(monitor, monitor["type"])
        family.check_compatible({"protocol": protocol}, monitor["type"])
    ts = iso_z()
    ids = []
    with app.store.lock:
        lb = app.store.coll(family.STORE, "loadbalancers").get(lb_id)
        if lb is None or lb["project_id"] != project_id:
            raise _bad("%s load balancer %s not found in project %s" % (family.STORE, lb_id, project_id))
        pools = app.store.coll(family.STORE, "pools")
        monitors = app.store.coll(family.STORE, "healthmonitors")
        for index in range(count):
            pool_id = new_uuid()
            pool = family.build_pool(project_id, {"name": "%s%d" % (prefix, index), "protocol": protocol}, pool_id, lb_id, None, ts)
            pools[pool_id] = pool
            lb["_"]["pools"].append(pool_id)
            if monitor is not None:
                mon = family.build_monitor(project_id, monitor, new_uuid(), pool_id, ts)
                monitors[mon["id"]] = mon
                pool["healthmonitor_id"] = mon["id"]
            ids.append(pool_id)
    return ids


def _bulk_v1(app, project_id, lb_id, count, protocol, monitor, prefix):
    if protocol not in _BACKEND:
        raise _bad("protocol must be one of %s" % ", ".join(_BACKEND))
    ts = classic_time()
    ids = []
    with app.store.lock:
        lb = app.store.coll("v1", "loadbalancers").get(lb_id)
        if lb is None or lb["_"]["project_id"] != project_id:
            raise _bad("classic load balancer %s not found in project %s" % (lb_id, project_id))
        if monitor is not None:
            chk = elb_v1.check_check_fields(monitor)
            probe = {"protocol": protocol, "backend_protocol": _BACKEND[protocol], "id": "", "backend_port": 1}
            elb_v1.check_check_rules(chk, lb, probe, monitor.get("healthcheck_protocol") or elb_v1.default_check_protocol(probe),
                                     monitor.get("healthcheck_uri"))
        listeners = app.store.coll("v1", "listeners")
        checks = app.store.coll("v1", "healthchecks")
        for index in range(count):
            listener_id = new_hex_id()
            port = 10000 + index % 55000
            spec = {"name": "%s%d" % (prefix, index), "loadbalancer_id": lb_id, "protocol": protocol, "port": port,
                    "backend_protocol": _BACKEND[protocol], "backend_port": port}
            listener = elb_v1.build_listener(project_id, spec, listener_id, ts)
            listeners[listener_id] = listener
            lb["_"]["listeners"].append(listener_id)
            if monitor is not None:
                check = elb_v1.build_check(project_id, monitor, new_hex_id(), listener, ts)
                checks[check["id"]] = check
                listener["healthcheck_id"] = check["id"]
            ids.append(listener_id)
    return ids


def bulk(app, req):
    """``POST /_emulator/bulk``: create N pools (v1: listeners), each with a monitor, straight in the store."""
    body = req.json_body()
    family = body.get("family", "v3")
    if family not in ("v3", "v2", "v1"):
        raise _bad("family must be v3, v2 or v1")
    project_id = body.get("project_id") or app.identity.projects[0]["id"]
    if app.identity.project(project_id) is None:
        raise _bad("unknown project %s" % project_id)
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_BULK:
        raise _bad("count must be an integer between 0 and %d" % MAX_BULK)
    protocol = body.get("protocol") or "HTTP"
    prefix = body.get("name_prefix")
    prefix = "bulk-" if prefix is None else str(prefix)
    if "monitor" in body:
        monitor = body["monitor"]
    elif family == "v1":
        monitor = {}
    else:
        monitor = {"type": "UDP_CONNECT" if protocol in ("UDP", "QUIC") else "TCP", "delay": 5, "timeout": 3, "max_retries": 3}
    if monitor is not None and not isinstance(monitor, dict):
        raise _bad("monitor must be an object or null")
    lb_id = body.get("loadbalancer_id") or seed_id(project_id, family, "loadbalancer", _SEEDED_LB[family])
    if family == "v1":
        ids = _bulk_v1(app, project_id, lb_id, count, protocol, monitor, prefix)
    else:
        ids = _bulk_pools(app, _POOL_FAMILIES[family], project_id, lb_id, count, protocol, monitor, prefix)
    app.store.mark_dirty()
    return Response(200, {"created": len(ids), "ids": ids})


def add_subnets(app, req):
    """``POST /_emulator/subnets`` ``{"project_id"?, "subnets": [{"name", "cidr", "vpc_id"?, "description"?,
    "availability_zone"?}]}``: add VPC subnets (default project: the first one); answers ``{"subnets": [...]}``."""
    body = req.json_body()
    project_id = body.get("project_id") or app.identity.projects[0]["id"]
    specs = body.get("subnets")
    if project_id not in app.identity.project_ids:
        raise _bad("unknown project_id %r" % project_id)
    if not isinstance(specs, list) or not specs:
        raise _bad("subnets must be a non-empty list")
    if len(specs) > MAX_BULK:
        raise _bad("at most %d subnets per call" % MAX_BULK)
    problem = next(filter(None, map(vpc.check_spec, specs)), None)
    if problem:
        raise _bad(problem)
    with app.store.lock:
        made = vpc.store_subnets(app.store.coll("vpc", "subnets"), project_id, specs)
    app.store.mark_dirty()
    return Response(200, {"subnets": [{k: v for k, v in rec.items() if k != "_"} for rec in made]})


def register(router):
    """Add the admin routes."""
    for method, path, handler in (
        ("GET", "/_emulator/health", health),
        ("GET", "/_emulator/stats", get_stats),
        ("POST", "/_emulator/stats/reset", reset_stats),
        ("GET", "/_emulator/faults", get_faults),
        ("POST", "/_emulator/faults", add_faults),
        ("DELETE", "/_emulator/faults", clear_faults),
        ("GET", "/_emulator/config", get_config),
        ("POST", "/_emulator/config", set_config),
        ("POST", "/_emulator/reset", reset),
        ("POST", "/_emulator/bulk", bulk),
        ("POST", "/_emulator/subnets", add_subnets),
        ("GET", "/_emulator/state", dump_state),
        ("POST", "/_emulator/probe", probe_round),
        ("GET", "/_emulator/data-plane", data_plane),
        ("GET", "/_emulator/data-plane/stats", data_plane_stats),
        ("POST", "/_emulator/data-plane/stats/reset", reset_data_plane_stats),
    ):
        router.add(method, path, handler, "admin", auth=False, project=False)
