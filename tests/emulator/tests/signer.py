# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tiny, independent ``SDK-HMAC-SHA256`` signer for raw requests in the tests (api-notes section 6)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from urllib.parse import quote

ALGORITHM = "SDK-HMAC-SHA256"


def _enc(text):
    return quote(str(text), safe="~")


def _value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def canonical_query(pairs):
    """``key=value`` pairs sorted by key then value, percent-encoded, ``&``-joined."""
    items = sorted((str(k), _value(v)) for k, v in pairs)
    return "&".join("%s=%s" % (_enc(k), _enc(v)) for k, v in items)


def canonical_uri(path):
    """Each segment encoded, with a trailing slash."""
    uri = "/".join(_enc(seg) for seg in path.split("/"))
    return uri if uri.endswith("/") else uri + "/"


def signature(method, path, pairs, headers, body, secret_key, signed=None):
    """(signature, signed header names) of a request."""
    lower = {k.lower(): str(v).strip() for k, v in headers.items()}
    names = sorted(signed if signed is not None else [k for k in lower if "_" not in k])
    canonical_headers = "".join("%s:%s\n" % (n, lower[n]) for n in names)
    payload_hash = hashlib.sha256(body or b"").hexdigest()
    canonical = "\n".join([method.upper(), canonical_uri(path), canonical_query(pairs), canonical_headers, ";".join(names), payload_hash])
    to_sign = "%s\n%s\n%s" % (ALGORITHM, lower["x-sdk-date"], hashlib.sha256(canonical.encode()).hexdigest())
    return hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha256).hexdigest(), names


def sign_headers(method, host, path, pairs, body, access_key, secret_key, project_id=None, date=None,
                 extra_headers=None, signed=None):
    """The headers of a signed request (Authorization included) and its wire query string."""
    if date is None:
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    headers = {"Content-Type": "application/json", "Host": host, "X-Sdk-Date": date}
    if project_id:
        headers["X-Project-Id"] = project_id
    headers.update(extra_headers or {})
    sig, names = signature(method, path, pairs, headers, body, secret_key, signed)
    headers["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (ALGORITHM, access_key, ";".join(names), sig)
    return headers, canonical_query(pairs)
