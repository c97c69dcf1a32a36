# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud AK/SK request signing (``SDK-HMAC-SHA256``), as the official SDKs do it.

Pure functions over strings and bytes, so the test vectors can check them without any HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote, unquote

ALGORITHM = 'SDK-HMAC-SHA256'
DATE_HEADER = 'X-Sdk-Date'
DATE_FORMAT = '%Y%m%dT%H%M%SZ'
UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'


def _encode(text):
    """Percent-encode everything but the unreserved characters, upper-case hex."""
    return quote(str(text), safe='-_.~')


def _scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def canonical_query(params):
    """The canonical query string, which is also the query sent on the wire.

    ``params`` is a mapping or a list of pairs; a list or tuple value repeats the key; ``None``
    values are left out. Pairs are sorted by key, repeated keys by value.
    """
    items = params.items() if hasattr(params, 'items') else (params or [])
    pairs = []
    for key, value in items:
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((_encode(key), _encode(_scalar(v))) for v in values if v is not None)
    return '&'.join('%s=%s' % pair for pair in sorted(pairs))


def canonical_uri(path):
    """Each segment of the decoded path percent-encoded, with the trailing slash the signer adds."""
    uri = '/'.join(_encode(unquote(segment)) for segment in path.split('/'))
    return uri if uri.endswith('/') else uri + '/'


def payload_hash(body):
    if isinstance(body, str):
        body = body.encode('utf-8')
    return hashlib.sha256(body or b'').hexdigest()


def signed_header_names(headers):
    """Lower-cased header names the signature covers: all but those with an underscore."""
    return sorted(name.lower() for name in headers if '_' not in name)


def string_to_sign(method, path, query, headers, body):
    """Return ``(string_to_sign, signed_headers)`` for a request; ``query`` is canonical already."""
    lowered = dict((name.lower(), str(value)) for name, value in headers.items())
    names = signed_header_names(headers)
    canonical_headers = ''.join('%s:%s\n' % (name, lowered[name].strip()) for name in names)
    if lowered.get('x-sdk-content-sha256') == UNSIGNED_PAYLOAD:
        body_hash = UNSIGNED_PAYLOAD
    else:
        body_hash = payload_hash(body)
    canonical_request = '\n'.join([method.upper(), canonical_uri(path), query, canonical_headers,
                                   ';'.join(names), body_hash])
    digest = hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()
    return '\n'.join([ALGORITHM, lowered['x-sdk-date'], digest]), ';'.join(names)


def sign(access_key, secret_key, method, path, query, headers, body):
    """Return the ``Authorization`` header value for a request whose headers include ``X-Sdk-Date``."""
    to_sign, signed_headers = string_to_sign(method, path, query, headers, body)
    signature = hmac.new(secret_key.encode('utf-8'), to_sign.encode('utf-8'), hashlib.sha256).hexdigest()
    return '%s Access=%s, SignedHeaders=%s, Signature=%s' % (ALGORITHM, access_key, signed_headers, signature)
