# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared plumbing of the emulator: requests, responses, API errors, ids, clocks.

Every API family renders its errors differently (see ``api-notes.md`` section 5);
:func:`error_body` is the single place that knows the shapes.
"""

from __future__ import annotations

import datetime
import json
import time
import uuid
from http import HTTPStatus
from urllib.parse import parse_qsl, unquote

# The family of a route decides the error body.
FAMILY_V3 = "v3"          # /v3/{project_id}/elb/...
FAMILY_V2P = "v2p"        # /v2/{project_id}/elb/... (the SDK's form)
FAMILY_V2N = "v2n"        # /v2.0/lbaas/... (OpenStack Neutron form)
FAMILY_V1 = "v1"          # /v1.0/{project_id}/elbaas/...
FAMILY_IAM = "iam"        # /v3/auth/tokens, /v3/projects
FAMILY_VPC = "vpc"        # /v1/{project_id}/subnets (the VPC API, vpc.py)
FAMILY_GATEWAY = "gateway"  # anything else: the API gateway answers
FAMILY_ADMIN = "admin"    # /_emulator/...

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"

# API gateway codes used for injected 5xx answers (unverified choices, see README).
GATEWAY_5XX_CODES = {
    500: ("ELB.8906", "Internal server error."),
    502: ("APIGW.0202", "Backend unavailable."),
    503: ("APIGW.0203", "Service unavailable. Please try again later."),
    504: ("APIGW.0204", "Backend timeout."),
}

# Default codes for family-shaped error answers, by status.
DEFAULT_CODES = {
    400: ("ELB.8902", "Invalid input."),
    401: ("APIGW.0301", "Incorrect IAM authentication information."),
    403: ("ELB.1102", "Forbidden."),
    404: ("ELB.8904", "The resource could not be found."),
    409: ("ELB.8907", "Data conflict."),
    429: ("APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit"),
}


class ApiError(Exception):
    """An error answer; rendered in the body shape of the route's family.

    Codes starting with ``APIGW.`` are API-gateway errors and always use the
    gateway body, whatever the family.
    """

    def __init__(self, status, code, message, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class Response:
    """An answer: status, a JSON-able body (or raw bytes, or None) and extra headers."""

    __slots__ = ("status", "body", "headers")

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = headers or {}

    def encode(self):
        """Return the body as bytes (empty for None)."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


class Request:
    """One parsed HTTP request, plus what routing and authentication learn about it."""

    def __init__(self, method, target, headers, body, scheme, request_id):
        self.method = method.upper()
        raw_path, _sep, query_string = target.partition("?")
        self.raw_path = raw_path
        self.path = unquote(raw_path)
        self.query_string = query_string
        self.query = parse_qsl(query_string, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.scheme = scheme
        self.request_id = request_id
        # Filled in by routing and authentication.
        self.family = FAMILY_GATEWAY
        self.project_id = None
        self.principal = None

    def header(self, name, default=None):
        """Return a request header (case-insensitive) or ``default``."""
        value = self.headers.get(name)
        return default if value is None else value

    @property
    def base_url(self):
        """The scheme and host the client used, for links."""
        return "%s://%s" % (self.scheme, self.header("Host", "localhost"))

    def q_all(self, key):
        """All values of a (possibly repeated) query parameter."""
        return [v for k, v in self.query if k == key]

    def q_one(self, key):
        """The last value of a query parameter, or None."""
        values = self.q_all(key)
        return values[-1] if values else None

    def json_body(self, required=True):
        """Parse the body as a JSON object; 400 when empty (if required) or malformed."""
        if not self.body or not self.body.strip():
            if required:
                raise ApiError(400, "ELB.0002", "The request body is empty.")
            return {}
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(400, "ELB.8902", "The request body is not valid JSON: %s" % exc) from None
        if not isinstance(data, dict):
            raise ApiError(400, "ELB.8902", "The request body must be a JSON object.")
        return data

    def wrapped(self, key):
        """Return ``body[key]`` for bodies wrapped like ``{"healthmonitor": {...}}``."""
        data = self.json_body()
        inner = data.get(key)
        if not isinstance(inner, dict):
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute %s. The request body must contain a %s object." % (key, key))
        return inner


def new_request_id():
    """A request id: a hyphenated UUID, as in the seed v3-dedicated-*.txt examples ("request_id": "814bc40e-8b0a-...")."""
    return str(uuid.uuid4())


def new_uuid():
    """A resource id for the v2 and v3 families (UUID4 text)."""
    return str(uuid.uuid4())


def new_hex_id():
    """A resource id for the classic family (32 hex characters)."""
    return uuid.uuid4().hex


_NS = uuid.UUID("6f1c0c3e-5a52-4b8e-9a0f-6e6d75ca1b00")


def stable_uuid(*parts):
    """A deterministic UUID (uuid5) built from ``parts``; used for the seed topology."""
    return str(uuid.uuid5(_NS, "/".join(parts)))


def stable_hex(*parts):
    """A deterministic 32-hex id (uuid5) built from ``parts``."""
    return uuid.uuid5(_NS, "/".join(parts)).hex


def now():
    """Current time as a UNIX timestamp (float)."""
    return time.time()


def iso_z(ts=None):
    """UTC time as ``yyyy-MM-ddTHH:mm:ssZ`` (v2/v3 ``created_at``)."""
    ts = now() if ts is None else ts
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_micro(ts):
    """UTC time as ``yyyy-MM-ddTHH:mm:ss.ffffffZ`` (IAM token times)."""
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def classic_time(ts=None):
    """UTC time as ``YYYY-MM-DD HH:MM:SS`` (classic ``create_time``)."""
    ts = now() if ts is None else ts
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def reason_phrase(status):
    """The standard reason phrase of an HTTP status."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def neutron_type(status):
    """NeutronError ``type`` for a status, e.g. ``HTTPNotFound``."""
    return "HTTP" + reason_phrase(status).replace(" ", "").replace("-", "")


def family_of_path(path):
    """Guess the family of a path that matched no route (for its error body)."""
    parts = path.split("/")
    if path.startswith("/v3/") and len(parts) > 3 and parts[3] == "elb":
        return FAMILY_V3
    # Every other /v3 path is IAM's (/v3/auth/..., /v3/projects, /v3/users...), and so are /v3.0 and /v3-ext.
    if path.rstrip("/") in ("/v3", "/v3.0", "/v3-ext") or path.startswith(("/v3/", "/v3.0/", "/v3-ext/")):
        return FAMILY_IAM
    if path.startswith("/v2.0/"):
        return FAMILY_V2N
    if path.startswith("/v2/"):
        return FAMILY_V2P
    if path.startswith("/v1.0/"):
        return FAMILY_V1
    if path.startswith("/v1/"):
        return FAMILY_VPC
    return FAMILY_GATEWAY


def request_id_headers(target, request_id):
    """The request id headers of an answer to ``target`` (path and query): ``X-Request-Id``, and on the
    OpenStack-style ``/v2.0`` paths also ``X-OpenStack-Request-Id``, which openstacksdk puts in its errors."""
    headers = {"X-Request-Id": request_id}
    path = target.partition("?")[0]
    if path == "/v2.0" or path.startswith("/v2.0/"):
        headers["X-OpenStack-Request-Id"] = request_id
    return headers


def error_body(family, status, code, message, request_id):
    """The error body of ``family`` for (status, code, message)."""
    if code and code.startswith("APIGW."):
        family = FAMILY_GATEWAY
    if family == FAMILY_V2N:
        return {"NeutronError": {"type": neutron_type(status), "message": message, "detail": ""}}
    if family == FAMILY_V1:
        return {"error": {"message": message, "code": code}}
    if family == FAMILY_IAM:
        return {"error": {"code": status, "message": message, "title": reason_phrase(status)}}
    if family == FAMILY_ADMIN:
        return {"error": message}
    if family == FAMILY_VPC:  # the VPC API's error body (its "Error Codes" page)
        return {"code": code, "message": message}
    return {"error_msg": message, "error_code": code, "request_id": request_id}


def error_response(family, err, request_id):
    """Build the :class:`Response` of an :class:`ApiError`."""
    return Response(err.status, error_body(family, err.status, err.code, err.message, request_id), dict(err.headers))


def parse_bool(value, name):
    """Parse a query-string boolean (``true``/``false``, any case); 400 otherwise."""
    low = (value or "").strip().lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    raise ApiError(400, "ELB.8902", "Invalid input for field/attribute %s. Value: %s. Must be a boolean." % (name, value))


def parse_int(value, name):
    """Parse a query-string integer; 400 otherwise."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, "ELB.8902", "Invalid input for field/attribute %s. Value: %s. Must be an integer." % (name, value)) from None


def strip_private(record):
    """A shallow copy of a stored record without its private ``_`` part."""
    out = dict(record)
    out.pop("_", None)
    return out


def extra_fields(spec, known):
    """The fields of a create body the emulator does not model (nor ``known``): kept and shown as given."""
    return {k: v for k, v in spec.items() if k not in known and k != "_"}


def refs(ids):
    """``[{"id": ...}, ...]`` from a list of ids."""
    return [{"id": i} for i in ids]


# --- load balancer provisioning state ---------------------------------------

def lb_status(lb):
    """The provisioning status a balancer shows now (PENDING_UPDATE while pending)."""
    private = lb["_"]
    until = private.get("pending_until")
    if until and now() < until:
        return "PENDING_UPDATE"
    return private.get("status", "ACTIVE")


def mark_pending(app, lb):
    """After a write under ``lb``: keep it PENDING_UPDATE for ``pending_seconds``."""
    seconds = app.config.get("pending_seconds")
    if seconds and lb is not None:
        lb["_"]["pending_until"] = now() + float(seconds)


def require_active(lb, what="healthmonitor"):
    """409 ELB.8907 unless the balancer is ACTIVE."""
    if lb is None:
        return
    status = lb_status(lb)
    if status != "ACTIVE":
        raise ApiError(409, "ELB.8907", "Load balancer %s is in %s status; the %s cannot be changed until it is ACTIVE." % (lb["id"], status, what))
