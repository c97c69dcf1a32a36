# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Identity, IAM tokens, AK/SK (``SDK-HMAC-SHA256``) verification and the IAM routes.

Tokens are stateless: ``EMU`` + base64url(JSON claims) + ``.`` + HMAC of the
claims with a server secret.  The secret lives in the state file when there
is one, so tokens stay valid across a restart with ``--state``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime
import hashlib
import hmac
import json
import os
import re
from urllib.parse import quote, unquote, unquote_plus

from .common import ApiError, Response, iso_micro, now, stable_hex

DEFAULT_IDENTITY = {
    "projects": [
        {"id": "0123456789abcdef0123456789abcdef", "name": "cn-north-4"},
        {"id": "fedcba9876543210fedcba9876543210", "name": "cn-south-1"},
    ],
    "users": [
        {
            "name": "demo",
            "domain": "demo",
            "password": "demo-password",
            "access_key": "AKEXAMPLE0000000000",
            "secret_key": "SKEXAMPLE1111111111111111111111111111111",
            "projects": ["0123456789abcdef0123456789abcdef"],
        },
        {
            "name": "other",
            "domain": "other",
            "password": "other-password",
            "access_key": "AKOTHEREXAMPLE00000",
            "secret_key": "SKOTHEREXAMPLE22222222222222222222222222",
            "projects": ["fedcba9876543210fedcba9876543210"],
        },
    ],
}

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MAX_CLOCK_SKEW_S = 15 * 60
DEFAULT_TOKEN_TTL_S = 24 * 3600

_AUTH_RE = re.compile(r"^\s*SDK-HMAC-SHA256\s+(.*)$")


class Identity:
    """Projects and users the emulator knows (built-in default or ``--identity FILE``)."""

    def __init__(self, data):
        if not isinstance(data, dict) or not isinstance(data.get("projects"), list) or not isinstance(data.get("users"), list):
            raise ValueError("identity must be an object with 'projects' and 'users' lists")
        self.projects = []
        for proj in data["projects"]:
            if not isinstance(proj, dict) or not proj.get("id") or not proj.get("name"):
                raise ValueError("each project needs an 'id' and a 'name'")
            self.projects.append({"id": str(proj["id"]), "name": str(proj["name"])})
        self.project_ids = {p["id"] for p in self.projects}
        self.users = []
        for user in data["users"]:
            if not isinstance(user, dict) or not user.get("name"):
                raise ValueError("each user needs a 'name'")
            entry = {
                "name": str(user["name"]),
                "domain": str(user.get("domain") or user["name"]),
                "password": user.get("password"),
                "access_key": user.get("access_key"),
                "secret_key": user.get("secret_key"),
                "projects": [str(p) for p in user.get("projects", [])],
            }
            entry["id"] = stable_hex("user", entry["domain"], entry["name"])
            entry["domain_id"] = stable_hex("domain", entry["domain"])
            self.users.append(entry)
        self._by_ak = {u["access_key"]: u for u in self.users if u["access_key"]}

    @classmethod
    def default(cls):
        """The built-in identity (see README)."""
        return cls(copy.deepcopy(DEFAULT_IDENTITY))

    @classmethod
    def load(cls, path):
        """Read an identity file."""
        with open(path, encoding="utf-8") as handle:
            return cls(json.load(handle))

    def project(self, project_id):
        """The project with this id, or None."""
        for proj in self.projects:
            if proj["id"] == project_id:
                return proj
        return None

    def project_by_name(self, name):
        """The first project with this name, or None."""
        for proj in self.projects:
            if proj["name"] == name:
                return proj
        return None

    def user_by_ak(self, access_key):
        """The user owning this access key, or None."""
        return self._by_ak.get(access_key)

    def user(self, name, domain=None, user_id=None):
        """The user matching name (and domain when given) or id, or None."""
        for user in self.users:
            if user_id and user["id"] == user_id:
                return user
            if name and user["name"] == name and (domain is None or user["domain"] == domain):
                return user
        return None


class Principal:
    """Who is calling: the user, how they authenticated, and the projects they may use."""

    def __init__(self, user, method, token_project=None):
        self.user = user
        self.method = method  # "token" or "aksk"
        self.token_project = token_project
        if method == "token":
            self.allowed = {token_project} if token_project else set()
        else:
            self.allowed = set(user["projects"])


def _gateway_401(message, code="APIGW.0301"):
    return ApiError(401, code, message)


class TokenService:
    """Issues and validates the stateless, HMAC-protected tokens."""

    def __init__(self, secret):
        self.secret = secret if isinstance(secret, bytes) else secret.encode("ascii")

    def _mac(self, payload):
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def issue(self, user, project_id, ttl_s):
        """A new token string and its (issued, expires) timestamps."""
        issued = now()
        expires = issued + ttl_s
        claims = {"u": user["id"], "p": project_id, "iat": issued, "exp": expires, "n": os.urandom(6).hex()}
        payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8")
        token = "EMU" + base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=") + "." + self._mac(payload)
        return token, issued, expires

    def validate(self, token, identity):
        """The :class:`Principal` of a token; 401 APIGW.0301 if unknown, APIGW.0307 if expired."""
        try:
            if not token.startswith("EMU"):
                raise ValueError("not an emulator token")
            body, mac = token[3:].rsplit(".", 1)
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            if not hmac.compare_digest(mac, self._mac(payload)):
                raise ValueError("bad mac")
            claims = json.loads(payload)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise _gateway_401("Incorrect IAM authentication information: decrypt token fail") from None
        user = identity.user(None, user_id=claims.get("u"))
        if user is None:
            raise _gateway_401("Incorrect IAM authentication information: the user of the token does not exist")
        if now() >= claims.get("exp", 0):
            raise _gateway_401("The token expires.", code="APIGW.0307")
        return Principal(user, "token", claims.get("p"))


# --- AK/SK -------------------------------------------------------------------

def _enc(text):
    """Percent-encode like the SDK: only A-Za-z0-9-_.~ stay as they are."""
    return quote(text, safe="~")


def canonical_uri(raw_path):
    """Canonical URI: decoded, each segment re-encoded, with a trailing slash."""
    uri = "/".join(_enc(seg) for seg in unquote(raw_path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def _query_pairs(query_string):
    pairs = []
    for part in (query_string or "").split("&"):
        if part:
            key, _sep, value = part.partition("=")
            pairs.append((unquote_plus(key), unquote_plus(value)))
    return pairs


def canonical_query(query_string):
    """The canonical query string of a wire query (api-notes section 6, step 4).

    The (key, value) pairs, decoded (``+`` is a space on the wire), sorted by key and repeated keys by value
    as text, each re-encoded, ``&``-joined. Strict on purpose: a signer that signs the pairs in wire order, or
    in any other order, is refused (see ``canonical_queries`` for the one other order accepted).
    """
    return "&".join("%s=%s" % (_enc(k), _enc(v)) for k, v in sorted(_query_pairs(query_string)))


def canonical_queries(query_string):
    """The canonical query, and (★) the official SDK's variant of it, where the values of a repeated key that
    are all whole numbers are ordered as numbers (delay=5&delay=10, not delay=10&delay=5): they differ only for
    such values of different lengths, and the SDK must keep working. A signer that does not sort at all still
    matches neither."""
    pairs = _query_pairs(query_string)
    variants = [canonical_query(query_string)]
    numeric = sorted(pairs, key=lambda pair: (pair[0], int(pair[1]) if pair[1].isdigit() else -1, pair[1]))
    numeric_text = "&".join("%s=%s" % (_enc(k), _enc(v)) for k, v in numeric)
    if numeric_text not in variants:
        variants.append(numeric_text)
    return variants


def _header_value(headers, name):
    value = headers.get(name)
    if value is None:
        return None
    try:
        # http.server decodes header bytes as latin-1; the SDK sent UTF-8.
        value = value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return value.strip()


def parse_authorization(value):
    """Split ``SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...``; None if not AK/SK."""
    match = _AUTH_RE.match(value or "")
    if not match:
        return None
    fields = {}
    for part in match.group(1).split(","):
        key, _sep, val = part.strip().partition("=")
        fields[key.strip()] = val.strip()
    if not fields.get("Access") or not fields.get("SignedHeaders") or not fields.get("Signature"):
        raise _gateway_401("Incorrect IAM authentication information: the Authorization header is malformed")
    return fields


def verify_aksk(req, identity):
    """Verify an ``SDK-HMAC-SHA256`` signature; return the caller's :class:`Principal`."""
    fields = parse_authorization(req.header("Authorization"))
    user = identity.user_by_ak(fields["Access"])
    if user is None or not user.get("secret_key"):
        raise _gateway_401("Incorrect IAM authentication information: ak %s not exist" % fields["Access"])
    date_text = req.header("X-Sdk-Date")
    if not date_text:
        raise _gateway_401("Incorrect IAM authentication information: the X-Sdk-Date header is missing")
    try:
        signed_at = datetime.datetime.strptime(date_text.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise _gateway_401("Incorrect IAM authentication information: the X-Sdk-Date header is malformed") from None
    if abs(now() - signed_at) > MAX_CLOCK_SKEW_S:
        raise _gateway_401("Incorrect IAM authentication information: the request time differs from the server time by more than 15 minutes")
    signed_headers = [h.strip().lower() for h in fields["SignedHeaders"].split(";") if h.strip()]
    lines = []
    for name in signed_headers:
        value = _header_value(req.headers, name)
        if value is None:
            raise _gateway_401("Incorrect IAM authentication information: signed header %s is missing" % name)
        lines.append("%s:%s\n" % (name, value))
    content_sha = _header_value(req.headers, "X-Sdk-Content-Sha256")
    if content_sha == "UNSIGNED-PAYLOAD":
        payload_hash = content_sha
    else:
        payload_hash = hashlib.sha256(req.body or b"").hexdigest()
    uri = canonical_uri(req.raw_path)
    secret = user["secret_key"].encode("utf-8")
    for query in canonical_queries(req.query_string):
        canonical = "\n".join([req.method, uri, query, "".join(lines), ";".join(signed_headers), payload_hash])
        to_sign = "%s\n%s\n%s" % (ALGORITHM, date_text.strip(), hashlib.sha256(canonical.encode("utf-8")).hexdigest())
        expected = hmac.new(secret, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, fields["Signature"].lower()):
            return Principal(user, "aksk")
    raise _gateway_401("Incorrect IAM authentication information: verify aksk signature fail")


def authenticate(app, req):
    """The :class:`Principal` of a request (token or AK/SK); 401 when neither is valid."""
    token = req.header("X-Auth-Token")
    if token:
        return app.tokens.validate(token.strip(), app.identity)
    if parse_authorization(req.header("Authorization")) is not None:
        return verify_aksk(req, app.identity)
    raise _gateway_401("Incorrect IAM authentication information: the X-Auth-Token or Authorization header is missing")


# --- IAM routes -------------------------------------------------------------

def _iam_error(status, message):
    # Rendered with the IAM body {"error": {"code", "message", "title"}}.
    return ApiError(status, "IAM.%d" % status, message)


def _project_view(proj, user):
    return {"id": proj["id"], "name": proj["name"], "domain": {"id": user["domain_id"], "name": user["domain"]}}


def _scoped_project(app, user, scope, default=None):
    """The project a token request asks for (``default`` when it names none); 401 if the user may not use it."""
    if not (isinstance(scope, dict) and isinstance(scope.get("project"), dict)):
        return default
    wanted = scope["project"]
    project = None
    if wanted.get("id"):
        project = app.identity.project(wanted["id"])
    elif wanted.get("name"):
        for proj in app.identity.projects:
            if proj["name"] == wanted["name"] and proj["id"] in user["projects"]:
                project = proj
                break
        if project is None:
            project = app.identity.project_by_name(wanted["name"])
    if project is None or project["id"] not in user["projects"]:
        raise _iam_error(401, "The request you have made requires authentication: no access to the requested project.")
    return project


def service_catalog(base_url, project):
    """The catalog of a project-scoped token: IAM and an endpoint per ELB family, in the project's region.

    In Huawei Cloud a project's name is its region. ``network`` is the OpenStack-compatible root that
    serves ``/v2.0/lbaas`` (clients find v2.0 through ``GET /``); ``elbv3``/``elbv2``/``elbv1`` end
    in ``/{project_id}`` as the SDK paths expect (``{endpoint}/elb/healthmonitors``).
    """
    region = project["name"]
    entries = (
        ("identity", "iam", base_url + "/v3"),
        ("network", "vpc", base_url),
        ("elbv3", "elbv3", "%s/v3/%s" % (base_url, project["id"])),
        ("elbv2", "elbv2", "%s/v2/%s" % (base_url, project["id"])),
        ("elbv1", "elb", "%s/v1.0/%s" % (base_url, project["id"])),
    )
    return [{
        "type": kind,
        "name": name,
        "id": stable_hex("service", kind),
        "endpoints": [{"id": stable_hex("endpoint", kind, project["id"]), "interface": "public", "region": region,
                       "region_id": region, "url": url}],
    } for kind, name, url in entries]


def create_token(app, req):
    """``POST /v3/auth/tokens``: the password method, or the token method (a token exchanged for a token)."""
    try:
        data = req.json_body()
        auth = data["auth"]
        identity = auth["identity"]
        methods = identity.get("methods") or []
    except (ApiError, KeyError, TypeError, AttributeError):
        raise _iam_error(400, "The request body is not a valid authentication request.") from None
    scope = auth.get("scope") or {}
    if "password" in methods:
        pw_user = (identity.get("password") or {}).get("user") if isinstance(identity.get("password"), dict) else None
        if not isinstance(pw_user, dict):
            raise _iam_error(400, "The request body is not a valid password authentication request.")
        domain = pw_user.get("domain") or {}
        domain_name = domain.get("name") if isinstance(domain, dict) else None
        user = app.identity.user(pw_user.get("name"), domain_name, user_id=pw_user.get("id"))
        if user is None or user.get("password") is None or pw_user.get("password") != user["password"]:
            raise _iam_error(401, "The username or password is wrong.")
        project = _scoped_project(app, user, scope)
        method = "password"
    elif "token" in methods:
        given = identity.get("token")
        token_id = given.get("id") if isinstance(given, dict) else None
        if not token_id:
            raise _iam_error(400, "The request body is not a valid token authentication request.")
        try:
            principal = app.tokens.validate(str(token_id).strip(), app.identity)
        except ApiError as err:
            raise _iam_error(401, err.message) from None
        user = principal.user
        current = app.identity.project(principal.token_project) if principal.token_project else None
        project = _scoped_project(app, user, scope, default=current)
        method = "token"
    else:
        raise _iam_error(400, "Only the password and token methods are supported by the emulator.")
    ttl = app.config.get("token_ttl_s") or DEFAULT_TOKEN_TTL_S
    token, issued, expires = app.tokens.issue(user, project["id"] if project else None, ttl)
    body = {
        "token": {
            "expires_at": iso_micro(expires),
            "issued_at": iso_micro(issued),
            "methods": [method],
            "catalog": service_catalog(req.base_url, project) if project else [],
            "roles": [{"id": "0", "name": "op_service"}],
            "user": {
                "id": user["id"],
                "name": user["name"],
                "domain": {"id": user["domain_id"], "name": user["domain"]},
                "password_expires_at": "",
            },
        }
    }
    if project:
        body["token"]["project"] = _project_view(project, user)
    else:
        body["token"]["domain"] = {"id": user["domain_id"], "name": user["domain"]}
    return Response(201, body, {"X-Subject-Token": token})


# --- version documents (discovery) ------------------------------------------------

def _version(base_url, vid, status, path, **extra):
    return {"id": vid, "status": status, "updated": "2024-01-01T00:00:00Z",
            "links": [{"rel": "self", "href": base_url + path}], **extra}


def _identity_version(base_url):
    return _version(base_url, "v3.0", "stable", "/v3/",
                    **{"media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]})


def _network_version(base_url):
    return _version(base_url, "v2.0", "CURRENT", "/v2.0/")


def versions_root(app, req):  # pylint: disable=unused-argument
    """``GET /``: every API on this port (a real cloud has one host per service): network v2.0 and identity v3.

    A discovery client picks the major version it wants from the one list (keystoneauth reads both shapes).
    """
    return Response(200, {"versions": [_network_version(req.base_url), _identity_version(req.base_url)]})


def version_v3(app, req):  # pylint: disable=unused-argument
    """``GET /v3``: the identity v3 version document (for ``auth_url: <base>/v3``)."""
    return Response(200, {"version": _identity_version(req.base_url)})


def version_v20(app, req):  # pylint: disable=unused-argument
    """``GET /v2.0``: the network v2.0 version document, with the LBaaS collections it serves."""
    resources = [{"name": kind[:-1], "collection": kind,
                  "links": [{"rel": "self", "href": "%s/v2.0/lbaas/%s" % (req.base_url, kind)}]}
                 for kind in ("loadbalancers", "listeners", "pools", "healthmonitors")]
    return Response(200, {"version": _network_version(req.base_url), "resources": resources})


def list_projects(app, req):
    """``GET /v3/projects?name=``: the projects the caller may use, filtered by name."""
    principal = req.principal
    name = req.q_one("name")
    ids = principal.user["projects"]
    out = []
    for proj in app.identity.projects:
        if proj["id"] not in ids:
            continue
        if name is not None and proj["name"] != name:
            continue
        out.append({
            "id": proj["id"],
            "name": proj["name"],
            "domain_id": principal.user["domain_id"],
            "enabled": True,
            "description": "",
            "is_domain": False,
            "parent_id": principal.user["domain_id"],
            "links": {"self": "%s/v3/projects/%s" % (req.base_url, proj["id"])},
        })
    return Response(200, {"projects": out, "links": {"self": "%s/v3/projects" % req.base_url, "previous": None, "next": None}})


def register(router):
    """Add the IAM routes."""
    router.add("GET", r"", versions_root, "gateway", auth=False)
    router.add("GET", r"/v3", version_v3, "iam", auth=False)
    router.add("GET", r"/v2\.0", version_v20, "v2n", auth=False)
    router.add("POST", r"/v3/auth/tokens", create_token, "iam", auth=False)
    router.add("GET", r"/v3/projects", list_projects, "iam", auth=True, project=False)
