# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dedicated (v3) member check job: why a member fails its health check.

* ``POST /v3/{project_id}/elb/members/{member_id}/health-check`` ``{"member_check": {"listener_id", "subject"}}``
  -> **201** ``{"member_check": {"job_id"}, "request_id"}`` (the SDK's ``CreateMemberHealthCheckJobResponse``).
* ``GET /v3/{project_id}/elb/members/check/jobs/{job_id}`` -> 200 ``{"member_check": MemberCheckJobInfo,
  "request_id"}``: ``status`` processing until the checks are done, then processed; ``result`` holds the groups
  ``config``, ``acl`` and ``security_group``, each ``{check_result, check_status, check_items: [...]}``.

The ``config`` checks are real: the job runs the pool's monitor once against the member (loopback only, through
``prober.probe``, which refuses any other address) and, when it fails, a probe or two more to tell which setting
is wrong (the monitor port, the path, the domain name, the expected codes). The ``security_group`` check reads the
``blocked_health_checks`` of the config (the members whose health checks a security group drops); network ACLs
are not modelled and always pass. See the README section "Member check jobs" for every choice marked there.
"""

from __future__ import annotations

import threading

from . import members
from .common import ApiError, iso_z, new_uuid
from .prober import is_probeable, probe
from .validation import Checker

SUBJECTS = ("securityGroup", "networkAcl", "config", "all")
GROUPS = (("config", "config"), ("networkAcl", "acl"), ("securityGroup", "security_group"))  # (subject, result key)
HEALTH_CHECK_SOURCE = "100.125.0.0/16"  # the source range the security group item names (README ★)
MAX_RUNNING = 4      # jobs checking at once; the others wait their turn
MAX_PENDING = 64     # jobs not finished yet, at most (more: 409)
MAX_KEPT = 1000      # finished jobs kept for GET; the oldest go first
# The monitor types that check what a listener's clients use (another type is a Tips item).
SUITS_LISTENER = {"HTTP": ("HTTP",), "HTTPS": ("HTTP", "HTTPS"), "TERMINATED_HTTPS": ("HTTP", "HTTPS"),
                  "TCP": ("TCP",), "UDP": ("UDP_CONNECT",), "QUIC": ("UDP_CONNECT",), "TLS": ("TLS", "TCP"),
                  "GRPC": ("GRPC",)}
PROTOCOL_FAILURES = ("SSL_HANDSHAKE_ERROR", "RESPONSE_FORMAT_ERROR", "RECV_RESPONSE_FAILED")
SLOW_FAILURES = ("CONNECT_TIMEOUT", "SEND_REQUEST_TIMEOUT", "RECV_RESPONSE_TIMEOUT", "SEND_REQUEST_FAILED")


def _item(subject, name, severity, template, *params):
    params = [str(p) for p in params]
    reason = template
    for index, value in enumerate(params):
        reason = reason.replace("{%d}" % index, value)
    return {"name": name, "reason": reason, "severity": severity, "subject": subject, "job_id": None,
            "reason_template": template, "reason_params": params}


class Facts:
    """What one job checks, copied under the store lock (the checks run without it)."""

    def __init__(self, app, member, pool, monitor, listener):
        self.address = member["address"]
        self.member_port = member["protocol_port"]
        self.pool_name = pool["name"] or pool["id"]
        self.monitor = dict(monitor) if monitor else None
        self.listener_protocol = listener["protocol"]
        self.scale = app.prober.config["probe_time_scale"]
        static, self.target = members._pool_target(app, "v3", member)  # pylint: disable=protected-access
        self.static = static
        self.port = (self.monitor or {}).get("monitor_port") or self.member_port
        self.blocked = app.prober.blocked(self.address, self.port)
        lb = app.store.coll("v3", "loadbalancers").get(pool["_"].get("lb") or "") or {}
        self.vip = lb.get("vip_address") or self.address


def _probe(facts, **changes):
    """One probe like the monitor's (timeout scaled), with ``changes`` (kind, port, host) applied."""
    target = members.Target(facts.target.key, None, changes.get("kind", facts.target.kind), facts.address,
                            changes.get("port", facts.target.port), facts.target.timeout * facts.scale, 1, 1, 1,
                            facts.target.method, facts.target.path, changes.get("host", facts.target.host),
                            facts.target.expected)
    return probe(target)


def config_items(facts):
    """The ``config`` group's items: what is wrong in the monitor against what the backend really answers."""
    items = []
    monitor = facts.monitor
    if monitor is None or not monitor.get("admin_state_up"):
        return [_item("config", "health_check", "Tips", "Pool {0} has no enabled health check: the member is not "
                      "checked and counts as healthy.", facts.pool_name)]
    kind = monitor["type"]
    if kind not in SUITS_LISTENER.get(facts.listener_protocol, (kind,)):
        items.append(_item("config", "protocol", "Tips", "The health check type {0} differs from the listener's "
                           "protocol {1}: it checks less than what the clients use.", kind, facts.listener_protocol))
    if facts.target is None and is_probeable(facts.address):
        return items + [_item("config", "member_disabled", "Tips", "The member {0} is switched off "
                              "(admin_state_up false): it is not checked.", facts.address)]
    if facts.target is None:  # never contacted (README ★)
        return items + [_item("config", "not_probed", "Tips", "The emulator probes only loopback members: {0} was "
                              "not contacted.", facts.address)]
    failure = _probe(facts)
    if failure is None:
        return items
    code = failure["reason_code"]
    where = (facts.address, facts.port)
    if code in ("CONNECT_REFUSED", "CONNECT_FAILED"):
        if facts.port != facts.member_port and facts.member_port and _probe(
                facts, kind="TCP", port=facts.member_port) is None:
            items.append(_item("config", "monitor_port", "Major", "The health check probes port {0}, where nothing "
                               "accepts connections; the backend serves port {1}.", facts.port, facts.member_port))
        else:
            items.append(_item("config", "backend_port", "Major", "Nothing accepts connections on {0}:{1}: the "
                               "backend's service is not running or listens on another port.", *where))
    elif code in PROTOCOL_FAILURES:
        items.append(_item("config", "protocol", "Major", "The health check speaks {0} to {1}:{2}, but the backend "
                           "does not answer in {0} ({3}).", kind, facts.address, facts.port, code))
    elif code in SLOW_FAILURES:
        items.append(_item("config", "timeout", "Major", "{0}:{1} did not answer within the health check's timeout "
                           "of {2} s ({3}).", facts.address, facts.port, monitor["timeout"], code))
    elif code == "RESPONSE_MISMATCH":
        items.append(_mismatch(facts, failure))
    return items


def _mismatch(facts, failure):
    """Which of domain_name, url_path and expected_codes makes the answer wrong."""
    method, path, got, expected = facts.target.method, facts.target.path, failure["healthcheck_response"], \
        failure["expected_response"]
    domain = facts.monitor.get("domain_name")
    if domain:
        other = _probe(facts, host=facts.vip)
        if other is None:
            return _item("config", "domain_name", "Major", "{0} {1} with Host {2} answered {3}, expected {4}; with "
                         "the balancer's address as Host it passes: the backend does not serve {2}.",
                         method, path, domain, got, expected)
    if got == "404":
        return _item("config", "url_path", "Major", "{0} {1} on {2}:{3} answered 404, expected {4}: the backend "
                     "does not serve that path.", method, path, facts.address, facts.port, expected)
    return _item("config", "expected_codes", "Major", "{0} {1} on {2}:{3} answered {4}, which is not among the "
                 "expected codes {5}.", method, path, facts.address, facts.port, got, expected)


def security_group_items(facts):
    """The ``security_group`` group: the rule a ``blocked_health_checks`` entry stands for is missing."""
    if not facts.blocked:
        return []
    protocol = "UDP" if (facts.monitor or {}).get("type") == "UDP_CONNECT" else "TCP"
    return [_item("security_group", "security_group_inbound", "Major", "The security group of backend {0} does "
                  "not allow {1} {2} from {3}.", facts.address, protocol, facts.port, HEALTH_CHECK_SOURCE)]


CHECKS = {"config": config_items, "networkAcl": lambda facts: [], "securityGroup": security_group_items}


class Jobs:
    """The check jobs of one emulator, in memory only (not in the state file), at most MAX_KEPT of them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.jobs = {}
        self.turns = threading.BoundedSemaphore(MAX_RUNNING)

    def reset(self):
        with self.lock:
            self.jobs.clear()

    def start(self, project_id, member_id, listener_id, subject, facts):
        asked = [name for name, _key in GROUPS if subject in (name, "all")]
        now = iso_z()
        job = {"status": "processing", "result": {key: None for _name, key in GROUPS}, "created_at": now,
               "updated_at": now, "job_id": new_uuid(), "check_item_total_num": len(asked),
               "check_item_finished_num": 0, "listener_id": listener_id, "member_id": member_id}
        with self.lock:
            if sum(1 for _p, j in self.jobs.values() if j["status"] == "processing") >= MAX_PENDING:
                raise ApiError(409, "ELB.8907", "Too many member check jobs are running; try again later.")
            self.jobs[job["job_id"]] = (project_id, job)
            for old in list(self.jobs)[:max(0, len(self.jobs) - MAX_KEPT)]:
                del self.jobs[old]
        threading.Thread(target=self._run, args=(job, asked, facts), name="member-check", daemon=True).start()
        return job["job_id"]

    def _run(self, job, asked, facts):
        with self.turns:
            try:
                for name in asked:
                    items = CHECKS[name](facts)
                    group = {"check_result": not any(i["severity"] == "Major" for i in items),
                             "check_status": "processed", "check_items": items}
                    for item in items:
                        item["job_id"] = job["job_id"]
                    with self.lock:
                        job["result"][dict(GROUPS)[name]] = group
                        job["check_item_finished_num"] += 1
                        job["updated_at"] = iso_z()
                status = "processed"
            except Exception:  # pylint: disable=broad-except
                status = "failed"
            with self.lock:
                job["status"] = status
                job["updated_at"] = iso_z()

    def view(self, project_id, job_id):
        with self.lock:
            found = self.jobs.get(job_id)
            if found is None or found[0] != project_id:
                raise ApiError(404, "ELB.8904", "member check job %s could not be found." % job_id)
            job = found[1]
            return dict(job, result={key: None if group is None else dict(group, check_items=list(group["check_items"]))
                                     for key, group in job["result"].items()})


def create(app, req, member_id):
    """POST .../members/{member_id}/health-check -> 201 ``{"member_check": {"job_id"}}``."""
    body = req.wrapped("member_check")
    chk = Checker(body)
    chk.require("listener_id")
    chk.string("listener_id", min_len=1, max_len=36)
    chk.enum("subject", SUBJECTS, nullable=True)
    with app.store.lock:
        member = app.store.coll("v3", "members").get(member_id)
        if member is None or member["project_id"] != req.project_id:
            raise ApiError(404, "ELB.8904", "member %s could not be found." % member_id)
        pool = app.store.coll("v3", "pools")[member["_"]["pool"]]
        listener = app.store.coll("v3", "listeners").get(body["listener_id"])
        if listener is None or listener["project_id"] != req.project_id:
            raise ApiError(404, "ELB.8904", "listener %s could not be found." % body["listener_id"])
        if listener["id"] not in members._pool_listener_ids(app, "v3", pool):  # pylint: disable=protected-access
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute listener_id. Value: %s. Member %s is "
                           "not behind that listener (its pool %s is not the listener's)." % (
                               listener["id"], member_id, pool["id"]))
        monitor = app.store.coll("v3", "healthmonitors").get(pool["healthmonitor_id"] or "")
        facts = Facts(app, member, pool, monitor, listener)
    job_id = app.member_checks.start(req.project_id, member_id, listener["id"], body.get("subject") or "all", facts)
    return members.elb_v3.API.answer(req, 201, {"member_check": {"job_id": job_id}})


def show(app, req, job_id):
    """GET .../members/check/jobs/{job_id} -> 200 ``{"member_check": MemberCheckJobInfo}``."""
    return members.elb_v3.API.answer(req, 200, {"member_check": app.member_checks.view(req.project_id, job_id)})


def register(router):
    """Add the two routes of the job (before the generic member routes match them)."""
    prefix = r"/v3/(?P<project_id>[^/]+)/elb/members/"
    router.add("POST", prefix + r"(?P<member_id>[^/]+)/health-check", create, "v3")
    router.add("GET", prefix + r"check/jobs/(?P<job_id>[^/]+)", show, "v3")
