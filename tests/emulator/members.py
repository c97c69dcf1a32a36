# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backend members of the three families, the health they show, and the load balancer status trees.

* v3: ``/v3/{project_id}/elb/pools/{pool_id}/members[/{id}]``, ``.../members/batch-add|batch-update|batch-delete``,
  ``GET /v3/{project_id}/elb/members`` (project-wide), ``GET /v3/{project_id}/elb/loadbalancers/{id}/statuses``.
* v2: ``/v2/{project_id}/elb/pools/{pool_id}/members[/{id}]`` and ``/v2.0/lbaas/pools/{pool_id}/members[/{id}]``
  (one state), ``.../loadbalancers/{id}/statuses`` on both forms.
* v1: ``GET|POST /v1.0/{project_id}/elbaas/listeners/{listener_id}/members``,
  ``POST .../listeners/{listener_id}/members/action`` ``{"removeMember": [{"id"}]}``.

Health is not stored with the member: :func:`health` asks the prober (``prober.py``) for
members it may probe, and answers NO_MONITOR / UNKNOWN for the others.
See the README section "Members and health probing" for every choice marked there with a star.
"""

from __future__ import annotations

import ipaddress
import json

from . import elb_v1, elb_v2, elb_v3, vpc
from .common import (ApiError, Response, classic_time, iso_z, lb_status, mark_pending, new_hex_id, new_uuid,
                     require_active, strip_private)
from .listing import make_filter, v2_page, v3_page
from .prober import INITIAL, NO_MONITOR, OFFLINE, ONLINE, UNKNOWN, Target, is_probeable
from .validation import Checker

FAMILIES = {"v3": elb_v3.API, "v2": elb_v2.API}
BATCH_MAX = 200
CLASSIC_HEALTH = {ONLINE: "NORMAL", OFFLINE: "ABNORMAL"}  # anything else: UNAVAILABLE
CLASSIC_PROBE = {"HTTP": "HTTP", "TCP": "TCP", "UDP": "UDP_CONNECT"}


# --- health -------------------------------------------------------------------------

def _pool_target(app, family, member):
    """(static status, None) or (None, Target) of a v3/v2 member (reads the store; see probe_targets on locking)."""
    store = app.store
    pool = store.coll(family, "pools").get(member["_"]["pool"])
    monitor = store.coll(family, "healthmonitors").get(pool["healthmonitor_id"]) if pool and pool["healthmonitor_id"] else None
    if monitor is None or not monitor["admin_state_up"] or not member["admin_state_up"]:
        return NO_MONITOR, None
    port = monitor["monitor_port"] or member["protocol_port"]
    if not is_probeable(member["address"]) or not port:
        return UNKNOWN, None
    lb = store.coll(family, "loadbalancers").get(pool["_"].get("lb") or "")
    host = monitor.get("domain_name") or (lb or {}).get("vip_address") or member["address"]
    expected = monitor.get("expected_codes") if family == "v3" else "200"  # v2: a reserved field, always 200
    return None, Target((family, member["id"]), monitor["id"], monitor["type"], member["address"], port,
                        monitor["timeout"], monitor["delay"], monitor["max_retries"], monitor.get("max_retries_down") or 3,
                        monitor.get("http_method") or "GET", monitor.get("url_path") or "/", host, expected)


def _classic_target(app, member):
    """(static status, None) or (None, Target) of a classic member (reads the store; see probe_targets on locking)."""
    store = app.store
    listener = store.coll("v1", "listeners").get(member["_"]["listener"])
    check = store.coll("v1", "healthchecks").get(listener["healthcheck_id"]) if listener and listener["healthcheck_id"] else None
    if check is None:
        return NO_MONITOR, None
    port = check["healthcheck_connect_port"] or listener["backend_port"]
    if not is_probeable(member["address"]):
        return UNKNOWN, None
    lb = store.coll("v1", "loadbalancers").get(listener["loadbalancer_id"]) or {}
    return None, Target(("v1", member["id"]), check["id"], CLASSIC_PROBE[check["healthcheck_protocol"]], member["address"],
                        port, check["healthcheck_timeout"], check["healthcheck_interval"], check["healthy_threshold"],
                        check["unhealthy_threshold"], "GET", check["healthcheck_uri"] or "/",
                        lb.get("vip_address") or member["address"], "200")


def _target(app, family, member):
    return _classic_target(app, member) if family == "v1" else _pool_target(app, family, member)


def health(app, family, member):
    """(operating_status, reason) of a member now (hold the store lock)."""
    static, target = _target(app, family, member)
    if target is None:
        return static, None
    return app.prober.state(target)


def health_since(app, family, member):
    """(operating_status, since) as the probes decide it (hold the store lock); ``since`` is the
    ``time.monotonic()`` of the last change of status, None for a status that no probe decides."""
    static, target = _target(app, family, member)
    if target is None:
        return static, None
    status, _reason, since = app.prober.state_since(target)
    return status, since


def shown_health(app, family, member):
    """(operating_status, reason) as the API shows it: a shared (v2) member at weight 0 shows OFFLINE
    while it is at 0 (api-notes §10); a dedicated (v3) one keeps its probed health."""
    if family == "v2" and member.get("weight") == 0:
        return OFFLINE, None
    return health(app, family, member)


def probe_targets(app):
    """Every member the prober may contact, as targets (the prober calls this).

    The store lock is held only to copy the member lists; the targets are built after it, reading
    records that a concurrent write may change (a probe then uses a value that is at most one
    refresh old), so a big state never holds API requests up.
    """
    with app.store.lock:
        snapshot = {family: app.store.coll(family, "members").copy() for family in ("v3", "v2", "v1")}
    out = []
    for family, found in snapshot.items():
        for member in found.values():
            try:
                static, target = _target(app, family, member)
            except (KeyError, TypeError):  # its pool, listener or monitor went away meanwhile
                continue
            if static is None:
                out.append(target)
    return out


# --- validation ----------------------------------------------------------------------

def _check_address(chk, key="address"):
    value = chk.body.get(key)
    if not isinstance(value, str):
        chk.fail(key, "The value must be a string.")
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        chk.fail(key, "The value must be an IPv4 or IPv6 address.")
    return None


def _check_member(body, pool, family, create):
    """Validate a member create (``create``) or update body against its pool."""
    chk = Checker(body)
    if create:
        # v2 CreateMemberReq: subnet_id is required (the official SDK always sends it); v3 subnet_cidr_id is optional
        chk.require("address", *(("subnet_id",) if family == "v2" else ()))
        _check_address(chk)
    chk.string("name", max_len=255, nullable=True)
    chk.integer("weight", 0, 100, nullable=True)
    chk.boolean("admin_state_up", nullable=True)
    if family == "v3":
        chk.string("subnet_cidr_id", max_len=36, nullable=True)
    else:
        chk.string("subnet_id", min_len=1, max_len=36, nullable=True)
    if family == "v3" and pool["protocol"] == "IP":
        if "protocol_port" in body and body["protocol_port"] not in (0, None):
            chk.fail("protocol_port", "The value must be 0 for a member of an IP pool.")
    elif family == "v3" and pool.get("any_port_enable"):
        chk.integer("protocol_port", 1, 65535, nullable=True)
    else:
        if create:
            chk.require("protocol_port")
        chk.integer("protocol_port", 1, 65535, nullable=not create)
    return chk


def _port_of(body, pool):
    if pool["protocol"] == "IP" or (pool.get("any_port_enable") and body.get("protocol_port") is None):
        return 0 if pool["protocol"] == "IP" else None
    return body["protocol_port"]


def _duplicate(app, family, pool_id, address, port, skip=None):
    """The member of the pool with that address and port (an address compares as an IP), else None."""
    wanted = ipaddress.ip_address(address)
    for rec in app.store.coll(family, "members").values():
        if rec["_"]["pool"] == pool_id and rec["id"] != skip and rec["protocol_port"] == port \
                and ipaddress.ip_address(rec["address"]) == wanted:
            return rec
    return None


# --- v3 / v2 records and views --------------------------------------------------------

def build_member(family, project_id, body, member_id, pool, ts):
    """A v3 or v2 member record (the health fields are filled in when it is shown)."""
    address = str(body["address"]).strip()
    port = _port_of(body, pool)
    weight = 1 if body.get("weight") is None else body["weight"]
    admin = body.get("admin_state_up") is not False
    private = {"pool": pool["id"], "lb": pool["_"].get("lb")}
    if family == "v2":
        return {"id": member_id, "name": body.get("name") or "", "tenant_id": project_id, "project_id": project_id,
                "address": address, "protocol_port": port, "subnet_id": body["subnet_id"],
                "weight": weight, "admin_state_up": admin, "operating_status": INITIAL, "_": private}
    # The fields of the SDK's v3 Member model only; what the member does not have is null, not "" (README ★).
    subnet = body.get("subnet_cidr_id") or None
    return {
        "id": member_id, "name": body.get("name") or "", "project_id": project_id, "address": address,
        "protocol_port": port, "weight": weight, "admin_state_up": admin, "subnet_cidr_id": subnet,
        "ip_version": "v%d" % ipaddress.ip_address(address).version,
        # README ★: a member created with a subnet is an ECS's (instance_id from vpc.instance_id_of), else an IP one
        "member_type": "instance" if subnet else "ip",
        "instance_id": vpc.instance_id_of(project_id, subnet, address) if subnet else None,
        "availability_zone": body.get("availability_zone") or None,
        "operating_status": INITIAL, "status": [], "reason": None, "created_at": ts, "updated_at": ts, "_": private,
    }


def _pool_listener_ids(app, family, pool):
    ids = [ref["id"] for ref in pool.get("listeners") or []]
    extra = pool["_"].get("listener")
    return ids + ([extra] if extra and extra not in ids else [])


def render_member(app, family, rec, project_wide=False):
    """The API view of a v3/v2 member, with its live health."""
    out = strip_private(rec)
    status, reason = shown_health(app, family, rec)
    out["operating_status"] = status
    if family == "v3":
        out["reason"] = reason
        pool = app.store.coll(family, "pools").get(rec["_"]["pool"]) or {"_": {}}
        out["status"] = [{"listener_id": lid, "operating_status": status, "reason": reason,
                          "created_at": rec["created_at"], "updated_at": rec["updated_at"]}
                         for lid in _pool_listener_ids(app, family, pool)]
        if project_wide:
            lb_id = rec["_"].get("lb")
            out["pool_id"] = rec["_"]["pool"]
            out["loadbalancer_id"] = lb_id
            out["loadbalancers"] = [{"id": lb_id}] if lb_id else []
    return out


def _member_filters(app, family, project_wide):
    def live(rec):
        return shown_health(app, family, rec)[0]
    spec = {"id": ("id", "str"), "name": ("name", "str"), "address": ("address", "str"),
            "protocol_port": ("protocol_port", "int"), "weight": ("weight", "int"),
            "admin_state_up": ("admin_state_up", "bool"), "operating_status": (live, "str")}
    if family == "v3":
        spec.update({"subnet_cidr_id": ("subnet_cidr_id", "str"), "ip_version": ("ip_version", "str"),
                     "member_type": ("member_type", "str"), "instance_id": ("instance_id", "str"),
                     "availability_zone": ("availability_zone", "str"),
                     "enterprise_project_id": (lambda r: ["0", "all_granted_eps"], "str")})
        if project_wide:
            spec.update({"pool_id": (lambda r: r["_"]["pool"], "str"), "loadbalancer_id": (lambda r: r["_"].get("lb"), "str")})
    else:
        spec.update({"subnet_id": ("subnet_id", "str"), "tenant_id": ("tenant_id", "str"), "project_id": ("project_id", "str")})
    return spec


# --- v3 / v2 handlers -----------------------------------------------------------------

class PoolMembers:
    """Member handlers of one family (v3 or v2); ``api`` is that family's ElbFamily."""

    def __init__(self, family):
        self.family = family
        self.api = FAMILIES[family]

    def _pool(self, app, req, pool_id):
        return self.api.find(app, req, "pools", pool_id)

    def _find(self, app, req, pool, member_id):
        rec = app.store.coll(self.family, "members").get(member_id)
        if rec is None or rec["project_id"] != req.project_id or rec["_"]["pool"] != pool["id"]:
            raise ApiError(404, "ELB.8904", "member %s could not be found." % member_id)
        return rec

    def _pool_members(self, app, pool):
        return [r for r in app.store.coll(self.family, "members").values() if r["_"]["pool"] == pool["id"]]

    def _written(self, app, pool, lb):
        """After a member write: the balancer goes PENDING_UPDATE, the state is saved, the prober re-reads."""
        pool["members"] = [{"id": r["id"]} for r in self._pool_members(app, pool)]
        mark_pending(app, lb)
        app.store.mark_dirty()
        app.prober.invalidate()

    def _add(self, app, req, pool, body, ts):
        rec = build_member(self.family, req.project_id, body, new_uuid(), pool, ts)
        app.store.coll(self.family, "members")[rec["id"]] = rec
        return rec

    def create(self, app, req, pool_id):
        """POST .../pools/{pool_id}/members -> 201; 409 for an address and port already in the pool."""
        body = req.wrapped("member")
        with app.store.lock:
            pool = self._pool(app, req, pool_id)
            _check_member(body, pool, self.family, create=True)
            self.api.check_body_project(body, req.project_id)
            vpc.check_member_subnet(app, req.project_id, self.family, body)
            found = _duplicate(app, self.family, pool["id"], body["address"], _port_of(body, pool))
            if found is not None:
                raise ApiError(409, "ELB.8907", "Member %s with address %s and port %s already exists in pool %s." % (
                    found["id"], found["address"], found["protocol_port"], pool["id"]))
            lb = self.api.pool_lb(app, pool)
            require_active(lb, "member")
            rec = self._add(app, req, pool, body, iso_z())
            self._written(app, pool, lb)
            return self.api.answer(req, 201, {"member": render_member(app, self.family, rec)})

    def get(self, app, req, pool_id, rid):
        """GET .../pools/{pool_id}/members/{id}."""
        with app.store.lock:
            rec = self._find(app, req, self._pool(app, req, pool_id), rid)
            return self.api.answer(req, 200, {"member": render_member(app, self.family, rec)})

    def _paginate(self, req, records, predicate):
        if self.family == "v3":
            page, info = v3_page(req, records, predicate)
            return page, {"page_info": info}
        page, links = v2_page(req, records, predicate, req.family == "v2n", _member_filters(None, "v2", False).keys())
        return page, ({} if links is None else {"members_links": links})

    def list(self, app, req, pool_id):
        """GET .../pools/{pool_id}/members: the family's filters and paging."""
        predicate = make_filter(req, _member_filters(app, self.family, False))
        with app.store.lock:
            pool = self._pool(app, req, pool_id)
            page, extra = self._paginate(req, self._pool_members(app, pool), predicate)
            return self.api.answer(req, 200, {"members": [render_member(app, self.family, r) for r in page], **extra})

    def _apply_update(self, app, pool, rec, body):
        if self.family == "v3" and body.get("protocol_port") is not None and body["protocol_port"] != rec["protocol_port"]:
            found = _duplicate(app, self.family, pool["id"], rec["address"], body["protocol_port"], skip=rec["id"])
            if found is not None:
                raise ApiError(409, "ELB.8907", "Member %s with address %s and port %s already exists in pool %s." % (
                    found["id"], found["address"], found["protocol_port"], pool["id"]))
        for key in ("name", "weight", "admin_state_up", "protocol_port", "availability_zone"):
            if key in body and (self.family == "v3" or key in ("name", "weight", "admin_state_up")):
                if body[key] is None:
                    continue
                rec[key] = body[key]
        if self.family == "v3":
            rec["updated_at"] = iso_z()

    def update(self, app, req, pool_id, rid):
        """PUT .../pools/{pool_id}/members/{id}: name, weight, admin_state_up (v3 also protocol_port)."""
        body = req.wrapped("member")
        with app.store.lock:
            pool = self._pool(app, req, pool_id)
            rec = self._find(app, req, pool, rid)
            _check_member(body, pool, self.family, create=False)
            lb = self.api.pool_lb(app, pool)
            require_active(lb, "member")
            self._apply_update(app, pool, rec, body)
            self._written(app, pool, lb)
            return self.api.answer(req, 200, {"member": render_member(app, self.family, rec)})

    def delete(self, app, req, pool_id, rid):
        """DELETE .../pools/{pool_id}/members/{id} -> 204."""
        with app.store.lock:
            pool = self._pool(app, req, pool_id)
            self._find(app, req, pool, rid)
            lb = self.api.pool_lb(app, pool)
            require_active(lb, "member")
            del app.store.coll(self.family, "members")[rid]
            self._written(app, pool, lb)
            return Response(204)

    # --- v3 batch -------------------------------------------------------------------

    @staticmethod
    def _batch_list(req):
        body = req.json_body()
        items = body.get("members")
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute members. It must be a non-empty list of objects.")
        if len(items) > BATCH_MAX:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute members. At most %d members per call." % BATCH_MAX)
        return items

    def batch_add(self, app, req, pool_id):
        """POST .../members/batch-add -> 200; a member already in the pool answers ret_status "existed"."""
        items = self._batch_list(req)
        with app.store.lock:
            pool = self._pool(app, req, pool_id)
            for item in items:
                _check_member(item, pool, self.family, create=True)
                vpc.check_member_subnet(app, req.project_id, self.family, item)
            lb = self.api.pool_lb(app, pool)
            require_active(lb, "member")
            ts = iso_z()
            out = []
            for item in items:
                found = _duplicate(app, self.family, pool["id"], item["address"], _port_of(item, pool))
                rec, state = (found, "existed") if found is not None else (self._add(app, req, pool, item, ts), "successful")
                view = render_member(app, self.family, rec)
                view["ret_status"] = state
                out.append(view)
            self._written(app, pool, lb)
            return self.api.answer(req, 200, {"members": out})

    def batch_update(self, app, req, pool_id):
        """POST .../members/batch-update -> 200; every id must be a member of the pool (else 404, nothing changes)."""
        items = self._batch_list(req)
        with app.store.lock:
            pool = self._pool(app, req, pool_id)
            records = []
            for item in items:
                Checker(item).require("id")
                _check_member(item, pool, self.family, create=False)
                records.append(self._find(app, req, pool, item["id"]))
            lb = self.api.pool_lb(app, pool)
            require_active(lb, "member")
            for rec, item in zip(records, items):
                self._apply_update(app, pool, rec, item)
            self._written(app, pool, lb)
            return self.api.answer(req, 200, {"members": [render_member(app, self.family, r) for r in records]})

    def batch_delete(self, app, req, pool_id):
        """POST .../members/batch-delete -> 200; each by id, or by address and protocol_port; "not found" if absent."""
        items = self._batch_list(req)
        with app.store.lock:
            pool = self._pool(app, req, pool_id)
            lb = self.api.pool_lb(app, pool)
            require_active(lb, "member")
            coll = app.store.coll(self.family, "members")
            out = []
            for item in items:
                rec = None
                if item.get("id"):
                    rec = coll.get(item["id"])
                    if rec is not None and rec["_"]["pool"] != pool["id"]:
                        rec = None
                elif item.get("address") is not None:
                    chk = Checker(item)
                    _check_address(chk)
                    chk.integer("protocol_port", 0, 65535, nullable=True)
                    rec = _duplicate(app, self.family, pool["id"], item["address"], item.get("protocol_port"))
                else:
                    raise ApiError(400, "ELB.8902", "Invalid input for field/attribute members. Each needs id, or address and protocol_port.")
                if rec is None:
                    out.append({"id": item.get("id"), "ret_status": "not found"})
                else:
                    del coll[rec["id"]]
                    out.append({"id": rec["id"], "ret_status": "successful"})
            self._written(app, pool, lb)
            return self.api.answer(req, 200, {"members": out})

    # --- v3 project-wide list ------------------------------------------------------------

    def list_all(self, app, req):
        """GET /v3/{project_id}/elb/members: every member of the project, multi-value filters, v3 paging."""
        predicate = make_filter(req, _member_filters(app, self.family, True))
        with app.store.lock:
            pools = app.store.coll(self.family, "pools")
            records = [r for r in app.store.coll(self.family, "members").values()
                       if r["project_id"] == req.project_id and r["_"]["pool"] in pools]
            page, info = v3_page(req, records, predicate)
            return self.api.answer(req, 200, {"members": [render_member(app, self.family, r, True) for r in page],
                                              "page_info": info})

    # --- status tree ----------------------------------------------------------------------

    def _pool_node(self, app, pool):
        members = []
        for rec in self._pool_members(app, pool):
            status = shown_health(app, self.family, rec)[0]
            if not rec["admin_state_up"]:
                status = "DISABLED"
            members.append({"id": rec["id"], "address": rec["address"], "protocol_port": rec["protocol_port"],
                            "provisioning_status": "ACTIVE", "operating_status": status})
        monitor = app.store.coll(self.family, "healthmonitors").get(pool["healthmonitor_id"] or "")
        if not pool["admin_state_up"]:
            pool_status = "DISABLED"
        elif any(m["operating_status"] == OFFLINE for m in members):
            pool_status = "DEGRADED"
        else:
            pool_status = "ONLINE"
        return {"id": pool["id"], "name": pool["name"], "provisioning_status": "ACTIVE", "operating_status": pool_status,
                "healthmonitor": None if monitor is None else {
                    "id": monitor["id"], "name": monitor["name"], "type": monitor["type"], "provisioning_status": "ACTIVE"},
                "members": members}

    def statuses(self, app, req, rid):
        """GET .../loadbalancers/{id}/statuses: the balancer, its listeners with their pools, and all its pools."""
        with app.store.lock:
            lb = self.api.find(app, req, "loadbalancers", rid)
            pools = app.store.coll(self.family, "pools")
            nodes = {pid: self._pool_node(app, pools[pid]) for pid in lb["_"]["pools"] if pid in pools}
            listeners = []
            for lid in lb["_"]["listeners"]:
                listener = app.store.coll(self.family, "listeners").get(lid)
                if listener is None:
                    continue
                own = [pid for pid in nodes if lid in _pool_listener_ids(app, self.family, pools[pid])
                       or listener.get("default_pool_id") == pid]
                listeners.append({"id": lid, "name": listener["name"], "provisioning_status": "ACTIVE",
                                  "operating_status": "ONLINE", "l7policies": [], "pools": [nodes[pid] for pid in own]})
            tree = {"id": lb["id"], "name": lb["name"], "provisioning_status": lb_status(lb),
                    "operating_status": lb.get("operating_status", "ONLINE"), "listeners": listeners,
                    "pools": list(nodes.values())}
            return self.api.answer(req, 200, {"statuses": {"loadbalancer": tree}})

    def register(self, router):
        """Add this family's member and status-tree routes."""
        for prefix, route_family in self.api.ROUTES:
            members = prefix + r"pools/(?P<pool_id>[^/]+)/members"
            rid = r"/(?P<rid>[^/]+)"
            if self.family == "v3":
                router.add("POST", members + "/batch-add", self.batch_add, route_family)
                router.add("POST", members + "/batch-update", self.batch_update, route_family)
                router.add("POST", members + "/batch-delete", self.batch_delete, route_family)
                router.add("GET", prefix + "members", self.list_all, route_family)
            router.add("POST", members, self.create, route_family)
            router.add("GET", members, self.list, route_family)
            router.add("GET", members + rid, self.get, route_family)
            router.add("PUT", members + rid, self.update, route_family)
            router.add("DELETE", members + rid, self.delete, route_family)
            router.add("GET", prefix + r"loadbalancers/(?P<rid>[^/]+)/statuses", self.statuses, route_family)


# --- v1 (classic) -------------------------------------------------------------------

def render_classic(app, rec):
    """The API view of a classic member: ``health_status`` NORMAL / ABNORMAL / UNAVAILABLE."""
    out = strip_private(rec)
    out["health_status"] = CLASSIC_HEALTH.get(health(app, "v1", rec)[0], "UNAVAILABLE")
    return out


def _classic_listener(app, req, listener_id):
    rec = app.store.coll("v1", "listeners").get(listener_id)
    if rec is None or rec["_"]["project_id"] != req.project_id:
        raise ApiError(404, "ELB.7010", "Listener %s could not be found." % listener_id)
    return rec


def _classic_members(app, listener_id):
    return [r for r in app.store.coll("v1", "members").values() if r["_"]["listener"] == listener_id]


def classic_list(app, req, listener_id):
    """GET /v1.0/{project_id}/elbaas/listeners/{listener_id}/members -> a bare list (any response field filters)."""
    with app.store.lock:
        _classic_listener(app, req, listener_id)
        items = [render_classic(app, r) for r in _classic_members(app, listener_id)]
    pred = elb_v1._equality_filter(req, ("limit", "marker", "offset", "listeners"))  # pylint: disable=protected-access
    return Response(200, [r for r in items if pred(r)])


def _classic_written(app, req, listener, lb, job_type, entity):
    """Member count, PENDING_UPDATE, and the job answer (already SUCCESS) of a classic member write."""
    listener["member_number"] = len(_classic_members(app, listener["id"]))
    mark_pending(app, lb)
    app.prober.invalidate()
    resp = elb_v1._job_answer(app, req, job_type, lb, with_fields=False)  # pylint: disable=protected-access
    job = app.store.coll("v1", "jobs")[resp.body["job_id"]]
    job["entities"]["members"] = entity
    return resp


def classic_add(app, req, listener_id):
    """POST .../listeners/{listener_id}/members ``[{"server_id", "address"}]`` -> 200 job."""
    body = _json_list(req)
    with app.store.lock:
        listener = _classic_listener(app, req, listener_id)
        lb = app.store.coll("v1", "loadbalancers").get(listener["loadbalancer_id"])
        for item in body:
            chk = Checker(item)
            chk.require("server_id", "address")
            chk.string("server_id", max_len=64)
            _check_address(chk)
        seen = set()
        existing = {(ipaddress.ip_address(r["address"])) for r in _classic_members(app, listener_id)}
        for item in body:
            address = ipaddress.ip_address(item["address"])
            if address in existing or address in seen:
                raise ApiError(409, "ELB.8907", "The backend %s is already a member of listener %s." % (item["address"], listener_id))
            seen.add(address)
        require_active(lb, "member")
        ts = classic_time()
        added = []
        for item in body:
            member_id = new_hex_id()
            rec = {"id": member_id, "server_id": item["server_id"], "server_name": item.get("server_name") or item["server_id"],
                   "address": item["address"], "server_address": item["address"], "status": "ACTIVE",
                   "health_status": "UNAVAILABLE", "listeners": [{"id": listener_id}], "create_time": ts,
                   "update_time": ts, "_": {"project_id": req.project_id, "listener": listener_id}}
            app.store.coll("v1", "members")[member_id] = rec
            added.append({"id": member_id, "address": rec["address"], "server_id": rec["server_id"]})
        return _classic_written(app, req, listener, lb, "addMember", added)


def classic_remove(app, req, listener_id):
    """POST .../listeners/{listener_id}/members/action ``{"removeMember": [{"id"}]}`` -> 200 job."""
    body = req.json_body()
    items = body.get("removeMember")
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) and i.get("id") for i in items):
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute removeMember. It must be a non-empty list of {\"id\"}.")
    with app.store.lock:
        listener = _classic_listener(app, req, listener_id)
        lb = app.store.coll("v1", "loadbalancers").get(listener["loadbalancer_id"])
        coll = app.store.coll("v1", "members")
        for item in items:
            rec = coll.get(item["id"])
            if rec is None or rec["_"]["listener"] != listener_id:
                raise ApiError(404, "ELB.8904", "Member %s could not be found in listener %s." % (item["id"], listener_id))
        require_active(lb, "member")
        removed = []
        for item in items:
            rec = coll.pop(item["id"])
            removed.append({"id": rec["id"], "address": rec["address"], "server_id": rec["server_id"]})
        return _classic_written(app, req, listener, lb, "removeMember", removed)


def _json_list(req):
    """The body of a classic add: a JSON list of objects (400 otherwise)."""
    if not req.body or not req.body.strip():
        raise ApiError(400, "ELB.0002", "The request body is empty.")
    try:
        data = json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "ELB.8902", "The request body is not valid JSON: %s" % exc) from None
    if not isinstance(data, list) or not data or not all(isinstance(i, dict) for i in data):
        raise ApiError(400, "ELB.8902", "The request body must be a non-empty JSON list of {\"server_id\", \"address\"}.")
    return data


V3_MEMBERS = PoolMembers("v3")
V2_MEMBERS = PoolMembers("v2")


def register(router):
    """Add the member routes of the three families."""
    V3_MEMBERS.register(router)
    V2_MEMBERS.register(router)
    base = r"/v1.0/(?P<project_id>[^/]+)/elbaas/listeners/(?P<listener_id>[^/]+)/members"
    router.add("GET", base, classic_list, "v1")
    router.add("POST", base, classic_add, "v1")
    router.add("POST", base + "/action", classic_remove, "v1")
