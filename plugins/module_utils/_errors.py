# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception type for API failures, parsed from every error body the ELB families use."""

from __future__ import annotations

import json


# What to do about the failures a user can fix, by error code, then by status.
HINTS = {
    'APIGW.0301': 'the credentials were refused: check access_key and secret_key (or auth_token)',
    'ELB.1103': 'the credentials were refused: check access_key and secret_key (or auth_token)',
    'APIGW.0307': 'the token has expired: get a new one for auth_token (HW_AUTH_TOKEN), or use AK/SK or a password',
    'APIGW.0308': 'the service is throttling requests: raise api_retries, or run fewer tasks at once',
}
STATUS_HINTS = {
    401: 'the credentials were refused: check them and the endpoint they are meant for',
    403: 'these credentials may not use this project: check project_id (HW_PROJECT_ID) or region',
}


class ApiError(Exception):
    """An HTTP call that failed: status, error code, message and request id, ready for fail_json.

    ``applied_unknown`` is true when the request reached the service but no answer came back, so a
    non-idempotent call (POST) may or may not have taken effect.
    """

    def __init__(self, message, status=None, error_code=None, request_id=None, method=None, url=None,
                 applied_unknown=False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.request_id = request_id
        self.method = method
        self.url = url
        self.applied_unknown = applied_unknown
        self.hint = None  # what to do, when the caller knows better than the code's usual hint

    def __str__(self):
        parts = []
        if self.method and self.url:
            parts.append('%s %s' % (self.method, self.url))
        if self.status is not None:
            parts.append('HTTP %s' % self.status)
        if self.error_code and str(self.error_code) != str(self.status):
            parts.append(str(self.error_code))
        head = ' '.join(parts)
        text = '%s: %s' % (head, self.message) if head else self.message
        if self.request_id:
            text += ' (request id %s)' % self.request_id
        hint = self.hint or HINTS.get(self.error_code) or STATUS_HINTS.get(self.status)
        if hint:
            text += ' - %s.' % hint
        return text

    def fail_kwargs(self):
        """The keyword arguments a module passes to fail_json for this error."""
        return dict(msg=str(self), status=self.status, error_code=self.error_code, request_id=self.request_id)


def parse_error_body(body):
    """Return ``(error_code, message, request_id)`` from any ELB, IAM or API-gateway error body.

    Shapes: v3 and API gateway ``{"error_msg", "error_code", "request_id"}``; ``/v2.0`` NeutronError
    ``{"NeutronError": {"type", "message", "detail"}}``; classic ``{"error": {"message", "code"}}``
    (IAM uses the same with a numeric code and a ``title``). Anything else: its text.
    """
    if isinstance(body, (bytes, bytearray)):
        body = body.decode('utf-8', 'replace')
    try:
        data = json.loads(body) if isinstance(body, str) else body
    except ValueError:
        data = None
    if not isinstance(data, dict):
        text = (body or '').strip() if isinstance(body, str) else ''
        return None, text[:500] or 'no error details in the answer', None

    if 'error_msg' in data or 'error_code' in data:
        return data.get('error_code'), data.get('error_msg') or '', data.get('request_id')
    neutron = data.get('NeutronError')
    if isinstance(neutron, dict):
        message = neutron.get('message') or ''
        if neutron.get('detail'):
            message = '%s (%s)' % (message, neutron['detail'])
        return neutron.get('type'), message, None
    error = data.get('error')
    if isinstance(error, dict):
        code = error.get('code')
        message = error.get('message') or error.get('title') or ''
        return (str(code) if code is not None else None), message, error.get('request_id')
    if isinstance(error, str):
        return None, error, None
    if isinstance(data.get('code'), str) and isinstance(data.get('message'), str):
        return data['code'], data['message'], data.get('request_id')
    return None, json.dumps(data, sort_keys=True)[:500], None


class FailedAfterWrite(Exception):
    """A write went through, then something after it failed (most often the wait for ACTIVE).

    ``result`` is the module result as written (``changed`` true), so the failure can say what was done."""

    def __init__(self, message, result):
        super().__init__(message)
        self.result = result
