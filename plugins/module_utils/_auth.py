# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which credentials a run uses, and how each one authenticates a request."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from ansible_collections.hwcloud.elb.plugins.module_utils import _signer

AKSK = 'AK/SK signature'
TOKEN = 'IAM token'
PASSWORD = 'user and password'

CREDENTIAL_CHOICES = (
    'access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), optionally with security_token '
    '(HW_SECURITY_TOKEN) for temporary credentials; or auth_token (HW_AUTH_TOKEN); or user, password '
    'and user_domain (HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME)'
)


class CredentialError(Exception):
    """The credentials given are missing or contradictory; the message names what can be set."""


def choose_method(settings):
    """Return AKSK, TOKEN or PASSWORD from what is set, or raise CredentialError saying what is wrong.

    Only option names ever appear in the messages, never their values.
    """
    given = [name for name in ('access_key', 'secret_key', 'security_token', 'auth_token', 'user', 'password')
             if getattr(settings, name)]
    methods = []
    if settings.access_key or settings.secret_key or settings.security_token:
        methods.append(AKSK)
    if settings.auth_token:
        methods.append(TOKEN)
    if settings.user or settings.password:
        methods.append(PASSWORD)
    if not methods:
        raise CredentialError('No credentials were given. Set %s.' % CREDENTIAL_CHOICES)
    if len(methods) > 1:
        raise CredentialError('Credentials for more than one method were given (%s: %s); set exactly one of: %s.'
                              % (' and '.join(methods), ', '.join(given), CREDENTIAL_CHOICES))
    method = methods[0]
    if method == AKSK and not (settings.access_key and settings.secret_key):
        missing = 'secret_key (HW_SECRET_KEY)' if settings.access_key else 'access_key (HW_ACCESS_KEY)'
        if not (settings.access_key or settings.secret_key):
            missing = 'access_key and secret_key (security_token only goes with them)'
        raise CredentialError('AK/SK authentication needs %s as well. Set %s.' % (missing, CREDENTIAL_CHOICES))
    if method == PASSWORD:
        missing = [name for name in ('user', 'password', 'user_domain') if not getattr(settings, name)]
        if missing:
            raise CredentialError('Password authentication needs %s as well (set user, password and user_domain, '
                                  'or HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME).' % ' and '.join(missing))
    return method


class AkSkAuth:
    """A requests auth hook that signs each prepared request with SDK-HMAC-SHA256."""

    def __init__(self, access_key, secret_key, security_token=None, clock=None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        self.clock = clock or (lambda: datetime.datetime.now(datetime.timezone.utc))

    def __call__(self, prepared):
        url = urlsplit(prepared.url)
        prepared.headers[_signer.DATE_HEADER] = self.clock().strftime(_signer.DATE_FORMAT)
        prepared.headers['Host'] = url.netloc
        if self.security_token:
            prepared.headers['X-Security-Token'] = self.security_token
        # Sign a fixed set: other headers (User-Agent, Accept-Encoding...) may be rewritten in transit.
        wanted = ('content-type', 'host', 'x-project-id', 'x-sdk-date', 'x-security-token')
        signed = dict((name, value) for name, value in prepared.headers.items() if name.lower() in wanted)
        prepared.headers['Authorization'] = _signer.sign(self.access_key, self.secret_key, prepared.method,
                                                         url.path, url.query, signed, prepared.body)
        return prepared


def password_token_request(settings):
    """The IAM body exchanging user and password for a token scoped to the project (id, else region name)."""
    scope = {'id': settings.project_id} if settings.project_id else {'name': settings.region}
    return {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'domain': {'name': settings.user_domain}, 'name': settings.user, 'password': settings.password}}},
        'scope': {'project': scope},
    }}
