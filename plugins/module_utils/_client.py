# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API client every module uses: one ``requests.Session`` per run, authentication, retries,
error mapping and marker pagination."""

from __future__ import annotations

import email.utils
import json
import time
import traceback
from urllib.parse import parse_qs, urlsplit

from ansible_collections.hwcloud.elb.plugins.module_utils._auth import (
    AKSK, PASSWORD, TOKEN, AkSkAuth, CredentialError, choose_method, password_token_request)
from ansible_collections.hwcloud.elb.plugins.module_utils._backoff import Backoff
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError, parse_error_body
from ansible_collections.hwcloud.elb.plugins.module_utils._signer import canonical_query

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
except ImportError:
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

USER_AGENT = 'hwcloud.elb-ansible'
PAGE_SIZE = 2000  # the largest page the v3 API serves: every list call asks for it
POOLED_CONNECTIONS = 10  # what requests keeps per host unless told otherwise
RETRY_STATUSES = frozenset((429, 502, 503, 504))
RETRY_BASE = 0.5        # seconds; the backoff step doubles with each retry
RETRY_CAP = 20.0        # the longest step a retry waits (before jitter)
RETRY_AFTER_CAP = 60.0  # the longest a server's Retry-After is obeyed
# What an SSL error says when the endpoint answered in plain HTTP (OpenSSL's wording, old and new).
PLAIN_HTTP_SIGNS = ('wrong version number', 'record layer failure', 'packet length too long', 'http request')


def retry_after_seconds(value, now=time.time):
    """Seconds asked for by a ``Retry-After`` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - now()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def _never_sent(exc):
    """True when a connection error happened before the request could reach the service."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, 'reason', reason)
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def next_marker(page, key):
    """The marker of the next page: v3 ``page_info.next_marker``, the v2.0 ``<key>_links`` next link, or - a list
    with neither, as the VPC subnet list - the last item's id."""
    info = page.get('page_info')
    if isinstance(info, dict):
        return info.get('next_marker')
    if key + '_links' not in page:
        items = page.get(key) or []
        return items[-1].get('id') if items else None
    for link in page.get(key + '_links') or []:
        if link.get('rel') == 'next':
            return (parse_qs(urlsplit(link.get('href', '')).query).get('marker') or [None])[0]
    return None


def _tls_hint(exc, url):
    """What to do about a TLS failure: plain HTTP spoken on the port, or a certificate that is not trusted."""
    if any(sign in str(exc).lower() for sign in PLAIN_HTTP_SIGNS):
        return ('the endpoint answers in plain HTTP, not TLS: if it really serves plain HTTP, write its URL with '
                'http:// (elb_endpoint or auth_url)')
    return ('if the endpoint uses a private CA, set ca_path (HW_CA_BUNDLE; REQUESTS_CA_BUNDLE works too) to its PEM '
            'bundle, or for a test endpoint set validate_certs: false')


class ElbClient:
    """Talks to one ELB endpoint (and IAM when needed) for one module run.

    ``on_secret`` receives secrets learned at run time (IAM tokens) so the module can mask them;
    ``sleep`` is injectable so tests of the retry policy do not wait.
    """

    def __init__(self, settings, on_secret=None, sleep=time.sleep, clock=time.monotonic):
        problems = settings.problems()
        if problems:
            raise CredentialError('; '.join(problems) + '.')
        self.settings = settings
        self.method = choose_method(settings)
        self.on_secret = on_secret or (lambda secret: None)
        self.sleep = sleep
        self.clock = clock
        self._project_id = settings.project_id
        self._authenticated = self.method != PASSWORD
        self.session = requests.Session()
        # Passed with each request: a session-level value would lose to REQUESTS_CA_BUNDLE in the environment.
        self.verify = (settings.ca_path or True) if settings.validate_certs else False
        self.session.headers.update({'Content-Type': 'application/json', 'Accept': 'application/json',
                                     'User-Agent': USER_AGENT})
        if self.method == AKSK:
            self.session.auth = AkSkAuth(settings.access_key, settings.secret_key, settings.security_token)
        elif self.method == TOKEN:
            self.session.headers['X-Auth-Token'] = settings.auth_token

    def widen_connection_pool(self, workers):
        """Keep a connection per worker thread: beyond requests' default pool, parallel calls would reconnect."""
        if workers <= POOLED_CONNECTIONS:
            return
        for prefix in ('http://', 'https://'):
            self.session.mount(prefix, HTTPAdapter(pool_connections=workers, pool_maxsize=workers))

    def backoff(self, deadline=None, budget=None, base=RETRY_BASE, cap=RETRY_CAP):
        """A fresh backoff policy on this client's clock and sleep (``_backoff.Backoff``)."""
        return Backoff(base=base, cap=cap, budget=budget, deadline=deadline, sleep=self.sleep, clock=self.clock)

    # -- identity ---------------------------------------------------------------------------------

    @property
    def project_id(self):
        """The project every ELB call is made in: given, learned from the IAM token, or looked up by region."""
        if not self._authenticated:
            self._password_login()
        if not self._project_id:
            self._project_id = self._project_for_region()
        return self._project_id

    def _require_iam(self, why):
        if not self.settings.auth_url:
            raise CredentialError('%s needs IAM: set region (HW_REGION_NAME) or auth_url (HW_AUTH_URL).' % why)

    def _password_login(self):
        settings = self.settings
        if not (settings.project_id or settings.region):
            raise CredentialError('Password authentication scopes its token to a project: set project_id '
                                  '(HW_PROJECT_ID) or region (HW_REGION_NAME).')
        self._require_iam('Password authentication')
        response = self._send('POST', settings.auth_url + '/auth/tokens', body=password_token_request(settings))
        token = response.headers.get('X-Subject-Token')
        if not token:
            raise ApiError('IAM answered without an X-Subject-Token header', status=response.status_code,
                           method='POST', url=settings.auth_url + '/auth/tokens')
        self.on_secret(token)
        self.session.headers['X-Auth-Token'] = token
        self._authenticated = True
        project = (self._json(response).get('token') or {}).get('project') or {}
        self._project_id = self._project_id or project.get('id')

    def _project_for_region(self):
        region = self.settings.region
        if not region:
            raise CredentialError('No project: set project_id (HW_PROJECT_ID), or region (HW_REGION_NAME) '
                                  'to look it up by name.')
        self._require_iam('Looking up the project of region %s' % region)
        response = self._send('GET', self.settings.auth_url + '/projects', query={'name': region})
        for project in self._json(response).get('projects') or []:
            if project.get('name') == region and project.get('id'):
                return project['id']
        raise CredentialError('IAM knows no project named %r that these credentials may use; set project_id '
                              '(HW_PROJECT_ID).' % region)

    # -- calls ------------------------------------------------------------------------------------

    def request(self, method, path, query=None, body=None, repeatable=False):
        """Call the ELB API; ``path`` may contain ``{project_id}``. Returns the decoded JSON body or None.

        ``repeatable`` marks a POST that does the same when sent twice (a batch-update, a batch-delete): it is
        retried like a PUT."""
        project_id = self.project_id
        url = self.settings.elb_endpoint + path.format(project_id=project_id)
        return self._json(self._send(method, url, query=query, body=body, headers={'X-Project-Id': project_id},
                                     repeatable=repeatable))

    def get(self, path, query=None):
        return self.request('GET', path, query=query)

    def paginate(self, path, key, query=None, limit=None):
        """Yield every item of a list call, following markers to the last page."""
        query = dict(query or {})
        if limit:
            query['limit'] = limit
        while True:
            page = self.get(path, query) or {}
            items = page.get(key) or []
            yield from items
            marker = next_marker(page, key)
            # A page shorter than the limit is the last: v3 names a next_marker on every page, the last one too
            # (the list seed's example); without a limit v3 ignores a marker, so one page is all there is.
            if not items or not marker or not limit or len(items) < limit:
                return
            query['marker'] = marker

    def _send(self, method, url, query=None, body=None, headers=None, repeatable=False):
        """One logical call, retried on 429, 502-504 and connection failures within ``api_retries``.

        A POST (unless ``repeatable``) is repeated only when the service certainly did not act on it (429, or a
        connection that never opened); otherwise its failure is raised with ``applied_unknown`` so the caller
        can look before it creates again.
        """
        once = method == 'POST' and not repeatable
        if query:
            url = url + '?' + canonical_query(query)
        data = None if body is None else json.dumps(body)
        retry = self.backoff(budget=self.settings.api_retries)
        while True:
            try:
                response = self.session.request(method, url, data=data, headers=headers, verify=self.verify,
                                                timeout=self.settings.api_timeout)
            except requests.exceptions.SSLError as exc:
                # Not transient: retrying cannot fix a certificate.
                raise ApiError('TLS failed (%s); %s' % (exc, _tls_hint(exc, url)), method=method, url=url)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                unsent = _never_sent(exc)
                if retry.exhausted() or (once and not unsent):
                    raise ApiError('no answer from the service after %d attempt(s): %s' % (retry.attempt + 1, exc),
                                   method=method, url=url, applied_unknown=not unsent)
                retry.pause()
                continue
            status = response.status_code
            if status in RETRY_STATUSES and not retry.exhausted() and (not once or status == 429):
                retry.pause(at_least=retry_after_seconds(response.headers.get('Retry-After')))
                continue
            if status >= 400:
                code, message, request_id = parse_error_body(response.content)
                raise ApiError(message, status=status, error_code=code,
                               request_id=request_id or response.headers.get('X-Request-Id'),
                               method=method, url=url, applied_unknown=method == 'POST' and status in (502, 503, 504))
            return response

    @staticmethod
    def _json(response):
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError('the answer is not JSON: %r' % response.text[:200], status=response.status_code,
                           request_id=response.headers.get('X-Request-Id'),
                           method=response.request.method, url=response.request.url)
