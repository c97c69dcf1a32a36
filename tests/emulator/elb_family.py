# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the shared (v2) and dedicated (v3) ELB APIs have in common, written once.

Both serve load balancers, listeners, pools and health monitors with the same
logic.  :class:`ElbFamily` holds that logic; ``elb_v3.V3`` and ``elb_v2.V2``
subclass it and declare how they differ: the class attributes of the first
section below (paths, value sets, field sets, answer shape...), the record
builders, and the few hooks marked "hook".
"""

from __future__ import annotations

from functools import partial

from .common import (ApiError, Response, iso_z, lb_status, mark_pending, new_uuid, refs, require_active,
                     strip_private)
from .listing import make_filter
from .validation import DOMAIN_RE, Checker, check_expected_codes, check_url_path

KINDS = ("loadbalancers", "listeners", "pools", "healthmonitors")
# "pools" -> "pool": the body wrapper, the answer key and the 404 label.
SINGULAR = {kind: kind[:-1] for kind in KINDS}


def render_lb(rec):
    """The API view of a load balancer: live status, pool and listener refs."""
    out = strip_private(rec)
    out["provisioning_status"] = lb_status(rec)
    out["pools"] = refs(rec["_"]["pools"])
    out["listeners"] = refs(rec["_"]["listeners"])
    return out


def check_default_pool_id(body):
    """A listener's ``default_pool_id``: a string or null; "" means none (stored as null)."""
    if "default_pool_id" in body:
        Checker(body).string("default_pool_id", nullable=True)
        body["default_pool_id"] = body["default_pool_id"] or None


def render(kind, rec):
    """The API view of a record of ``kind``."""
    return render_lb(rec) if kind == "loadbalancers" else strip_private(rec)


class ElbFamily:
    """The v2/v3 handlers; a subclass declares its family in the attributes below."""

    # --- what a family declares (see elb_v3.V3, elb_v2.V2) ---------------------------
    STORE = ""                     # its part of the state: "v3", "v2"
    ROUTES = ()                    # (path prefix regex, route family); the route family picks the error body
    REQUEST_ID_IN_BODY = False     # answers carry "request_id" (v3)
    PROJECT_KEYS = ()              # body keys that, when given, must be the request's project...
    PROJECT_HINT = ""              # ...and how the 400 says so
    IGNORED_ON_UPDATE = ()         # keys a PUT may send but never changes
    EXTRA_IMMUTABLE = {}           # kind -> keys beyond IMMUTABLE
    EXTRA_FILTERS = {}             # kind -> list filters beyond FILTERS (monitors: all of them)
    TIMESTAMPED = ()               # kinds whose records have created_at/updated_at
    LISTENER_PROTOCOLS = POOL_PROTOCOLS = LB_ALGORITHMS = ()
    LISTENER_REQUIRED = ()         # keys a listener create needs
    LISTENER_PORTS = (0, 0)        # the protocol_port range
    POOL_PARENTS_OPTIONAL = False  # a pool may have neither loadbalancer_id nor listener_id (then their types are checked)
    ANY_PORT_POOLS = False         # pools take any_port_enable
    NO_MONITOR = None              # healthmonitor_id of a pool without a monitor
    MONITOR_TYPES = HTTP_METHODS = ()
    COMPATIBLE = {}                # pool protocol -> the monitor types it takes (not listed: any)
    URL_PATH_CHARSET = None        # the characters a url_path may hold (None: any, after the leading "/")
    EXPECTED_CODE_RANGES = {}      # monitor type -> (lo, hi) of its expected_codes (not listed: 200-599)
    POOL_OPTIONS = {}              # pool option object -> {key: (default, (lo, hi) for an integer | None for a boolean)}

    # --- the same in both families ----------------------------------------------------
    IMMUTABLE = {  # keys a PUT may repeat but not change (400)
        "loadbalancers": ("provisioning_status", "operating_status", "pools", "listeners"),
        "listeners": ("protocol", "protocol_port", "loadbalancers", "loadbalancer_id"),
        "pools": ("protocol", "loadbalancer_id", "listener_id", "healthmonitor_id", "loadbalancers", "listeners"),
    }
    FILTERS = {  # query key -> (record key or accessor, "str"|"int"|"bool"), see listing.make_filter
        "loadbalancers": {
            "id": ("id", "str"), "name": ("name", "str"), "description": ("description", "str"),
            "provisioning_status": (lb_status, "str"), "operating_status": ("operating_status", "str"),
            "vip_address": ("vip_address", "str"), "admin_state_up": ("admin_state_up", "bool"),
            "enterprise_project_id": ("enterprise_project_id", "str"),
        },
        "listeners": {
            "id": ("id", "str"), "name": ("name", "str"), "protocol": ("protocol", "str"),
            "protocol_port": ("protocol_port", "int"), "default_pool_id": ("default_pool_id", "str"),
            "loadbalancer_id": (lambda r: r["_"]["lb"], "str"),
        },
        "pools": {
            "id": ("id", "str"), "name": ("name", "str"), "description": ("description", "str"),
            "protocol": ("protocol", "str"), "lb_algorithm": ("lb_algorithm", "str"),
            "healthmonitor_id": ("healthmonitor_id", "str"), "admin_state_up": ("admin_state_up", "bool"),
            "loadbalancer_id": (lambda r: r["_"].get("lb"), "str"),
            "listener_id": (lambda r: [ref["id"] for ref in r["listeners"]], "str"),
        },
    }
    # Monitor fields a PUT sets as given; null puts back the default of those listed in MONITOR_RESETS.
    MONITOR_UPDATABLE = ("type", "delay", "timeout", "max_retries", "max_retries_down", "admin_state_up",
                         "monitor_port", "name", "domain_name", "url_path")
    MONITOR_RESETS = {"name": "", "url_path": "/", "max_retries_down": 3, "admin_state_up": True}

    def __init__(self):
        self.immutable = {kind: self.IMMUTABLE.get(kind, ()) + self.EXTRA_IMMUTABLE.get(kind, ()) for kind in KINDS}
        self.filters = {kind: {**self.FILTERS.get(kind, {}), **self.EXTRA_FILTERS.get(kind, {})} for kind in KINDS}

    # --- records (each family builds its own) ------------------------------------------

    @staticmethod
    def build_loadbalancer(project_id, spec, lb_id, ts):
        """A load balancer record."""
        raise NotImplementedError

    @staticmethod
    def build_listener(project_id, spec, listener_id, ts):
        """A listener record."""
        raise NotImplementedError

    @staticmethod
    def build_pool(project_id, spec, pool_id, lb_id, listener_id, ts):
        """A pool record (``healthmonitor_id`` is NO_MONITOR)."""
        raise NotImplementedError

    @staticmethod
    def build_monitor(project_id, spec, monitor_id, pool_id, ts):
        """A health monitor record, with the family's defaults."""
        raise NotImplementedError

    # --- hooks ------------------------------------------------------------------------

    def paginate(self, req, kind, records, predicate):
        """Hook: (page, extra answer keys) of the list of ``kind``."""
        raise NotImplementedError

    def check_type_change(self, pool, old_type, new_type):
        """Hook: may a monitor of ``pool`` go from ``old_type`` to ``new_type`` (PUT with a type)?"""
        raise NotImplementedError

    def check_monitor_port(self, pool, port):
        """Hook: rules on ``monitor_port`` that depend on the pool (none by default)."""

    def check_monitor_update(self, rec, body):
        """Hook: rules on the monitor a PUT would leave (none by default)."""

    def apply_monitor_update(self, rec, body):
        """Hook: write the fields of a validated monitor PUT into ``rec``."""
        for key in self.MONITOR_UPDATABLE:
            if key in body:
                value = body[key]
                rec[key] = self.MONITOR_RESETS[key] if value is None and key in self.MONITOR_RESETS else value

    # --- helpers ----------------------------------------------------------------------

    def answer(self, req, status, body):
        """A JSON answer, with ``request_id`` first where the family carries it."""
        if self.REQUEST_ID_IN_BODY:
            body = {"request_id": req.request_id, **body}
        return Response(status, body)

    def find(self, app, req, kind, rid):
        """The record ``rid`` of the request's project, else 404."""
        rec = app.store.coll(self.STORE, kind).get(rid)
        if rec is None or rec["project_id"] != req.project_id:
            raise ApiError(404, "ELB.8904", "%s %s could not be found." % (SINGULAR[kind], rid))
        return rec

    def records(self, app, req, kind):
        """The records of ``kind`` in the request's project, in creation order."""
        pid = req.project_id
        return [r for r in app.store.coll(self.STORE, kind).values() if r["project_id"] == pid]

    def pool_lb(self, app, pool):
        """The load balancer of ``pool`` (None for none, or for no pool)."""
        lb_id = pool["_"].get("lb") if pool else None
        return app.store.coll(self.STORE, "loadbalancers").get(lb_id) if lb_id else None

    def touch(self, kind, rec, ts=None):
        """Set ``updated_at`` on records of the kinds that have timestamps."""
        if kind in self.TIMESTAMPED:
            rec["updated_at"] = ts or iso_z()

    # A pool's "listeners" is the one topology every view reads (pool GET and list, the listener_id filter, the
    # status tree, a v3 member's status[]): the listener it was created on (listener_id, fixed) and every listener
    # whose default_pool_id it is.

    def default_pool(self, app, req, lb, pool_id):
        """The pool a listener of ``lb`` may take as its default pool: 404 if unknown, 400 if on another balancer."""
        pool = self.find(app, req, "pools", pool_id)
        if pool["_"].get("lb") not in (None, lb["id"]):
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute default_pool_id. Value: %s. "
                           "The pool belongs to another load balancer." % pool_id)
        return pool

    def link(self, app, pool, listener):
        """``pool`` serves ``listener`` (a pool without a balancer joins the listener's, as when created on it)."""
        if listener["id"] not in [ref["id"] for ref in pool["listeners"]]:
            pool["listeners"] = pool["listeners"] + refs([listener["id"]])
        if not pool["_"].get("lb"):
            lb = app.store.coll(self.STORE, "loadbalancers")[listener["_"]["lb"]]
            pool["_"]["lb"] = lb["id"]
            pool["loadbalancers"] = refs([lb["id"]])
            lb["_"]["pools"].append(pool["id"])
        self.touch("pools", pool)

    def unlink(self, app, pool_id, listener_id):
        """``pool_id`` no longer serves ``listener_id``, unless it was created on it (its listener_id is fixed)."""
        pool = app.store.coll(self.STORE, "pools").get(pool_id or "")
        if pool is not None and pool["_"].get("listener") != listener_id:
            pool["listeners"] = [ref for ref in pool["listeners"] if ref["id"] != listener_id]
            self.touch("pools", pool)

    def check_body_project(self, body, project_id):
        """400 when the body names another project than the request's."""
        for key in self.PROJECT_KEYS:
            value = body.get(key)
            if value is not None and value != project_id:
                raise ApiError(400, "ELB.8902", "Invalid input for field/attribute %s. Value: %s. %s" % (key, value, self.PROJECT_HINT))

    def check_compatible(self, pool, mtype):
        """400 unless a ``mtype`` monitor suits the pool's protocol."""
        allowed = self.COMPATIBLE.get(pool["protocol"], self.MONITOR_TYPES)
        if mtype not in allowed:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute type. Value: %s. A pool of protocol %s accepts only %s health checks." % (
                mtype, pool["protocol"], ", ".join(allowed)))

    def check_monitor_fields(self, body, mtype):
        """Validate the monitor fields present in ``body`` (``mtype``: the type it will have)."""
        chk = Checker(body)
        # Both seeds state these alike: v3 = v3-dedicated-create-healthmonitor.txt table 4 (the update page's
        # table 4 repeats it), v2 = v2.0-shared-create-healthmonitor.txt table 2.
        chk.enum("type", self.MONITOR_TYPES)  # v3 / v2 "type": the family's MONITOR_TYPES
        chk.integer("delay", 1, 50)  # v3 / v2 "delay": 1 to 50
        chk.integer("timeout", 1, 50)  # v2 "timeout": 1 to 50; v3 only "advised < delay": 1-50 is the v2 range (README ★)
        chk.integer("max_retries", 1, 10)  # v3 / v2 "max_retries": 1 to 10
        chk.integer("max_retries_down", 1, 10, nullable=True)  # v3 / v2 "max_retries_down": 1 to 10
        chk.boolean("admin_state_up", nullable=True)  # v3 / v2 "admin_state_up": Boolean
        chk.integer("monitor_port", 1, 65535, nullable=True)  # v3 / v2 "monitor_port": 1 to 65535 (v3: or null)
        chk.string("name", max_len=255, nullable=True)  # v2 "name": at most 255 characters (v3 gives no length: README ★)
        # v2 "domain_name": at most 100 characters (v3 gives no length: README ★); pattern: see validation.DOMAIN_RE
        chk.string("domain_name", min_len=1, max_len=100, pattern=DOMAIN_RE, nullable=True,
                   pattern_text="digits, letters, '-' and '.', starting with a digit or a letter")
        # v2 "url_path": must start with /, at most 80 characters; v3 adds its character set (URL_PATH_CHARSET)
        chk.string("url_path", min_len=1, max_len=80, nullable=True)
        check_url_path(chk, "url_path", self.URL_PATH_CHARSET)
        chk.enum("http_method", self.HTTP_METHODS, nullable=True)  # v3 / v2 "http_method": the family's HTTP_METHODS
        # v3 "expected_codes": 200, 200,202 or 200-204; v2: at most 64 characters; ranges: EXPECTED_CODE_RANGES
        check_expected_codes(chk, "expected_codes", *self.EXPECTED_CODE_RANGES.get(mtype, (200, 599)))
        return chk

    def pool_options(self, body):
        """The pool option objects (POOL_OPTIONS) given in ``body``, checked and made whole: a key left out,
        or the whole object sent as null, takes the default (README ★)."""
        out = {}
        for name, fields in self.POOL_OPTIONS.items():
            if name not in body:
                continue
            value = body[name]
            whole = {key: default for key, (default, _bounds) in fields.items()}
            if value is not None and not isinstance(value, dict):
                Checker(body).fail(name, "The value must be an object.")
            for key, given in (value or {}).items():
                if key not in fields:
                    Checker(body).fail(name, "Unknown field %s; allowed: %s." % (key, ", ".join(fields)))
                path = "%s.%s" % (name, key)
                bounds = fields[key][1]
                if bounds is None:
                    Checker({path: given}).boolean(path)
                else:
                    Checker({path: given}).integer(path, *bounds)
                whole[key] = given
            out[name] = whole
        return out

    def _update_record(self, app, req, kind, rid, body):
        """The common end of a parent PUT: apply ``body`` (validated) to the record."""
        with app.store.lock:
            rec = self.find(app, req, kind, rid)
            immutable = self.immutable[kind]
            for key, value in body.items():
                if key in self.IGNORED_ON_UPDATE or key == "_":
                    continue
                if key in immutable:
                    if value != rec.get(key):
                        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute %s. The field cannot be updated." % key)
                    continue
                rec[key] = value
            self.touch(kind, rec)
            if kind == "pools":  # a pool write puts its balancer in PENDING_UPDATE (README: Config)
                mark_pending(app, self.pool_lb(app, rec))
            app.store.mark_dirty()
            return self.answer(req, 200, {SINGULAR[kind]: render(kind, rec)})

    # --- any kind: get one, list ------------------------------------------------------

    def get_record(self, app, req, rid, kind):
        """GET .../{kind}/{id}."""
        with app.store.lock:
            return self.answer(req, 200, {SINGULAR[kind]: render(kind, self.find(app, req, kind, rid))})

    def list_records(self, app, req, kind):
        """GET .../{kind}: filtered and paginated the family's way."""
        predicate = make_filter(req, self.filters[kind])
        with app.store.lock:
            page, extra = self.paginate(req, kind, self.records(app, req, kind), predicate)
            return self.answer(req, 200, {kind: [render(kind, r) for r in page], **extra})

    # --- load balancers -----------------------------------------------------------------

    def create_loadbalancer(self, app, req):
        """POST .../loadbalancers -> 201."""
        body = req.wrapped("loadbalancer")
        chk = Checker(body)
        chk.string("name", max_len=255, nullable=True)
        chk.string("description", max_len=255, nullable=True)
        chk.boolean("admin_state_up", nullable=True)
        self.check_body_project(body, req.project_id)
        with app.store.lock:
            rec = self.build_loadbalancer(req.project_id, body, new_uuid(), iso_z())
            app.store.coll(self.STORE, "loadbalancers")[rec["id"]] = rec
            app.store.mark_dirty()
            return self.answer(req, 201, {"loadbalancer": render_lb(rec), "loadbalancer_id": rec["id"]})

    def update_loadbalancer(self, app, req, rid):
        """PUT .../loadbalancers/{id}."""
        body = req.wrapped("loadbalancer")
        chk = Checker(body)
        chk.string("name", max_len=255)
        chk.string("description", max_len=255)
        chk.boolean("admin_state_up")
        return self._update_record(app, req, "loadbalancers", rid, body)

    def delete_loadbalancer(self, app, req, rid):
        """DELETE .../loadbalancers/{id} -> 204; 409 while it has listeners or pools."""
        with app.store.lock:
            rec = self.find(app, req, "loadbalancers", rid)
            if rec["_"]["pools"] or rec["_"]["listeners"]:
                raise ApiError(409, "ELB.8907", "Load balancer %s still has listeners or pools; delete them first." % rid)
            del app.store.coll(self.STORE, "loadbalancers")[rid]
            app.store.mark_dirty()
            return Response(204)

    # --- listeners ----------------------------------------------------------------------

    def create_listener(self, app, req):
        """POST .../listeners -> 201."""
        body = req.wrapped("listener")
        chk = Checker(body)
        chk.require(*self.LISTENER_REQUIRED)
        chk.enum("protocol", self.LISTENER_PROTOCOLS)
        chk.integer("protocol_port", *self.LISTENER_PORTS, nullable="protocol_port" not in self.LISTENER_REQUIRED)
        chk.string("name", max_len=255, nullable=True)
        check_default_pool_id(body)
        self.check_body_project(body, req.project_id)
        with app.store.lock:
            lb = self.find(app, req, "loadbalancers", body["loadbalancer_id"])
            pool = self.default_pool(app, req, lb, body["default_pool_id"]) if body.get("default_pool_id") else None
            rec = self.build_listener(req.project_id, body, new_uuid(), iso_z())
            app.store.coll(self.STORE, "listeners")[rec["id"]] = rec
            lb["_"]["listeners"].append(rec["id"])
            if pool is not None:
                self.link(app, pool, rec)
            app.store.mark_dirty()
            return self.answer(req, 201, {"listener": strip_private(rec)})

    def update_listener(self, app, req, rid):
        """PUT .../listeners/{id}; a new default_pool_id moves the listener from the old pool's listeners to the new one's."""
        body = req.wrapped("listener")
        chk = Checker(body)
        chk.string("name", max_len=255)
        check_default_pool_id(body)
        with app.store.lock:
            rec = self.find(app, req, "listeners", rid)
            old_id = rec.get("default_pool_id")
            new_id = body.get("default_pool_id", old_id)
            lb = app.store.coll(self.STORE, "loadbalancers")[rec["_"]["lb"]]
            pool = self.default_pool(app, req, lb, new_id) if new_id else None
            answer = self._update_record(app, req, "listeners", rid, body)
            if old_id != new_id:
                self.unlink(app, old_id, rid)
                if pool is not None:
                    self.link(app, pool, rec)
            return answer

    def delete_listener(self, app, req, rid):
        """DELETE .../listeners/{id} -> 204; 409 while a pool is bound to it."""
        with app.store.lock:
            rec = self.find(app, req, "listeners", rid)
            bound = [p["id"] for p in self.records(app, req, "pools") if p["_"].get("listener") == rid]
            if bound:
                raise ApiError(409, "ELB.8907", "Listener %s is still used by pool %s." % (rid, bound[0]))
            del app.store.coll(self.STORE, "listeners")[rid]
            self.unlink(app, rec.get("default_pool_id"), rid)
            lb = app.store.coll(self.STORE, "loadbalancers").get(rec["_"]["lb"])
            if lb is not None and rid in lb["_"]["listeners"]:
                lb["_"]["listeners"].remove(rid)
            app.store.mark_dirty()
            return Response(204)

    # --- pools --------------------------------------------------------------------------

    def create_pool(self, app, req):
        """POST .../pools -> 201; on a listener without a default pool it becomes that pool."""
        body = req.wrapped("pool")
        chk = Checker(body)
        chk.require("protocol")
        chk.enum("protocol", self.POOL_PROTOCOLS)
        chk.enum("lb_algorithm", self.LB_ALGORITHMS, nullable=True)
        chk.string("name", max_len=255, nullable=True)
        chk.string("description", max_len=255, nullable=True)
        if self.POOL_PARENTS_OPTIONAL:
            chk.string("loadbalancer_id", nullable=True)
            chk.string("listener_id", nullable=True)
        chk.boolean("admin_state_up", nullable=True)
        if self.ANY_PORT_POOLS:
            chk.boolean("any_port_enable", nullable=True)
        options = self.pool_options(body)
        self.check_body_project(body, req.project_id)
        lb_id = body.get("loadbalancer_id")
        listener_id = body.get("listener_id")
        if not (self.POOL_PARENTS_OPTIONAL or lb_id or listener_id):
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute loadbalancer_id. "
                           "Either loadbalancer_id or listener_id is required.")
        with app.store.lock:
            listener = None
            if listener_id:
                listener = self.find(app, req, "listeners", listener_id)
                if lb_id and lb_id != listener["_"]["lb"]:
                    raise ApiError(400, "ELB.8902", "Invalid input for field/attribute loadbalancer_id. "
                                   "Listener %s belongs to another load balancer." % listener_id)
                lb_id = listener["_"]["lb"]
            lb = self.find(app, req, "loadbalancers", lb_id) if lb_id else None
            rec = self.build_pool(req.project_id, body, new_uuid(), lb_id, listener_id, iso_z())
            rec.update(options)
            app.store.coll(self.STORE, "pools")[rec["id"]] = rec
            if lb is not None:
                lb["_"]["pools"].append(rec["id"])
                mark_pending(app, lb)
            if listener is not None and not listener.get("default_pool_id"):
                listener["default_pool_id"] = rec["id"]
            app.store.mark_dirty()
            return self.answer(req, 201, {"pool": strip_private(rec)})

    def update_pool(self, app, req, rid):
        """PUT .../pools/{id}."""
        body = req.wrapped("pool")
        chk = Checker(body)
        chk.string("name", max_len=255)
        chk.string("description", max_len=255)
        chk.enum("lb_algorithm", self.LB_ALGORITHMS)
        chk.boolean("admin_state_up")
        body.update(self.pool_options(body))
        return self._update_record(app, req, "pools", rid, body)

    def delete_pool(self, app, req, rid):
        """DELETE .../pools/{id} -> 204; 409 while it has a health monitor."""
        with app.store.lock:
            rec = self.find(app, req, "pools", rid)
            if rec["healthmonitor_id"]:
                raise ApiError(409, "ELB.8907", "Pool %s still has health monitor %s; delete it first." % (rid, rec["healthmonitor_id"]))
            if rec.get("members"):  # members.py keeps this list
                raise ApiError(409, "ELB.8907", "Pool %s still has members; delete them first." % rid)
            del app.store.coll(self.STORE, "pools")[rid]
            lb = self.pool_lb(app, rec)
            if lb is not None:
                if rid in lb["_"]["pools"]:
                    lb["_"]["pools"].remove(rid)
                mark_pending(app, lb)
            for listener in self.records(app, req, "listeners"):
                if listener.get("default_pool_id") == rid:
                    listener["default_pool_id"] = None
                    self.touch("listeners", listener)
            app.store.mark_dirty()
            return Response(204)

    # --- health monitors ------------------------------------------------------------------

    def create_monitor(self, app, req):
        """POST .../healthmonitors -> 201; one per pool, its balancer must be ACTIVE."""
        body = req.wrapped("healthmonitor")
        chk = Checker(body)
        chk.require("pool_id", "type", "delay", "timeout", "max_retries")
        chk.string("pool_id", max_len=36)  # v3 / v2 "pool_id": required String; an id is a 36-character UUID (★)
        self.check_monitor_fields(body, body.get("type"))
        self.check_body_project(body, req.project_id)
        with app.store.lock:
            pool = self.find(app, req, "pools", body["pool_id"])
            self.check_compatible(pool, body["type"])
            self.check_monitor_port(pool, body.get("monitor_port"))
            if pool["healthmonitor_id"]:
                raise ApiError(409, "ELB.8907", "Pool %s already has health monitor %s." % (pool["id"], pool["healthmonitor_id"]))
            lb = self.pool_lb(app, pool)
            if app.config.get("pending_blocks_create", True):  # README ★ (config pending_blocks_create)
                require_active(lb)
            ts = iso_z()
            rec = self.build_monitor(req.project_id, body, new_uuid(), pool["id"], ts)
            app.store.coll(self.STORE, "healthmonitors")[rec["id"]] = rec
            pool["healthmonitor_id"] = rec["id"]
            self.touch("pools", pool, ts)
            mark_pending(app, lb)
            app.store.mark_dirty()
            return self.answer(req, 201, {"healthmonitor": strip_private(rec)})

    def update_monitor(self, app, req, rid):
        """PUT .../healthmonitors/{id}: every field but the pool; null resets or is refused."""
        body = req.wrapped("healthmonitor")
        with app.store.lock:
            rec = self.find(app, req, "healthmonitors", rid)
            if "pool_id" in body and body["pool_id"] != rec["_"]["pool"]:
                raise ApiError(400, "ELB.8902", "Invalid input for field/attribute pool_id. The pool of a health monitor cannot be changed.")
            self.check_body_project(body, req.project_id)
            chk = Checker(body)
            for key in ("type", "delay", "timeout", "max_retries"):
                if key in body and body[key] is None:
                    chk.fail(key, "The value cannot be null.")
            self.check_monitor_fields(body, body.get("type", rec["type"]))
            pool = app.store.coll(self.STORE, "pools")[rec["_"]["pool"]]
            if "type" in body:
                self.check_type_change(pool, rec["type"], body["type"])
            self.check_monitor_port(pool, body["monitor_port"] if "monitor_port" in body else rec["monitor_port"])
            self.check_monitor_update(rec, body)
            lb = self.pool_lb(app, pool)
            require_active(lb)
            self.apply_monitor_update(rec, body)
            self.touch("healthmonitors", rec)
            mark_pending(app, lb)
            app.store.mark_dirty()
            return self.answer(req, 200, {"healthmonitor": strip_private(rec)})

    def delete_monitor(self, app, req, rid):
        """DELETE .../healthmonitors/{id} -> 204; its balancer must be ACTIVE."""
        with app.store.lock:
            rec = self.find(app, req, "healthmonitors", rid)
            pool = app.store.coll(self.STORE, "pools").get(rec["_"]["pool"])
            lb = self.pool_lb(app, pool)
            require_active(lb)
            del app.store.coll(self.STORE, "healthmonitors")[rid]
            if pool is not None:
                pool["healthmonitor_id"] = self.NO_MONITOR
                self.touch("pools", pool)
            mark_pending(app, lb)
            app.store.mark_dirty()
            return Response(204)

    # --- routes -------------------------------------------------------------------------

    def register(self, router):
        """Add the routes of every prefix in ROUTES."""
        rid = r"/(?P<rid>[^/]+)"
        writers = {
            "loadbalancers": (self.create_loadbalancer, self.update_loadbalancer, self.delete_loadbalancer),
            "listeners": (self.create_listener, self.update_listener, self.delete_listener),
            "pools": (self.create_pool, self.update_pool, self.delete_pool),
            "healthmonitors": (self.create_monitor, self.update_monitor, self.delete_monitor),
        }
        for prefix, family in self.ROUTES:
            for kind, (create, update, delete) in writers.items():
                router.add("POST", prefix + kind, create, family)
                router.add("GET", prefix + kind, partial(self.list_records, kind=kind), family)
                router.add("GET", prefix + kind + rid, partial(self.get_record, kind=kind), family)
                router.add("PUT", prefix + kind + rid, update, family)
                router.add("DELETE", prefix + kind + rid, delete, family)
