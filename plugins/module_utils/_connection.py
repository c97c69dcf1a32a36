# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by every module: one argument-spec piece, read into one settings object.

Documented by the ``hwcloud.elb.connection`` doc fragment; keep the two in step.
"""

from __future__ import annotations

import math
import os
import re
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import boolean

DEFAULT_CLOUD = 'myhuaweicloud.com'
DEFAULT_API_TIMEOUT = 30
DEFAULT_API_RETRIES = 5
MAX_API_RETRIES = 20      # with the backoff cap, about seven minutes of retrying for one call
MAX_API_TIMEOUT = 600.0   # seconds for one HTTP answer
PROJECT_ID = re.compile(r'[A-Za-z0-9_-]{1,64}')  # it becomes part of every URL path
EXAMPLES = {'elb_endpoint': 'https://elb.cn-north-4.myhuaweicloud.com',
            'auth_url': 'https://iam.cn-north-4.myhuaweicloud.com/v3'}
HOST = re.compile(r'[A-Za-z0-9._-]+|[0-9A-Fa-f:.]+')  # a DNS name or IPv4, or an IPv6 address (urlsplit drops [])

CONNECTION_ARGUMENT_SPEC = dict(
    region=dict(type='str', fallback=(env_fallback, ['HW_REGION_NAME'])),
    project_id=dict(type='str', fallback=(env_fallback, ['HW_PROJECT_ID'])),
    access_key=dict(type='str', no_log=False, fallback=(env_fallback, ['HW_ACCESS_KEY'])),
    secret_key=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_SECRET_KEY'])),
    security_token=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_SECURITY_TOKEN'])),
    auth_token=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_AUTH_TOKEN'])),
    user=dict(type='str', fallback=(env_fallback, ['HW_USER_NAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_USER_PASSWORD'])),
    user_domain=dict(type='str', fallback=(env_fallback, ['HW_DOMAIN_NAME'])),
    auth_url=dict(type='str', fallback=(env_fallback, ['HW_AUTH_URL'])),
    elb_endpoint=dict(type='str', fallback=(env_fallback, ['HW_ELB_ENDPOINT'])),
    cloud=dict(type='str', fallback=(env_fallback, ['HW_CLOUD'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['HW_CA_BUNDLE'])),
    # None means "not set": HW_INSECURE may then turn verification off (see ConnectionSettings).
    validate_certs=dict(type='bool'),
    api_timeout=dict(type='float', default=DEFAULT_API_TIMEOUT),
    api_retries=dict(type='int', fallback=(env_fallback, ['HW_MAX_RETRIES'])),
)


class ConnectionSettings:
    """The connection options of one module run, with endpoints and defaults resolved."""

    def __init__(self, params, environ=None):
        environ = os.environ if environ is None else environ
        get = params.get
        self.region = get('region')
        self.project_id = get('project_id') or None  # an empty HW_* variable counts as not set
        self.access_key = get('access_key')
        self.secret_key = get('secret_key')
        self.security_token = get('security_token')
        self.auth_token = get('auth_token')
        self.user = get('user')
        self.password = get('password')
        self.user_domain = get('user_domain')
        self.cloud = get('cloud') or DEFAULT_CLOUD
        timeout = get('api_timeout')
        self.api_timeout = DEFAULT_API_TIMEOUT if timeout is None else timeout
        retries = get('api_retries')
        self.api_retries = DEFAULT_API_RETRIES if retries is None else int(retries)
        validate = get('validate_certs')
        if validate is None:
            validate = not boolean(environ.get('HW_INSECURE') or 'false', strict=False)
        self.validate_certs = validate
        self.ca_path = get('ca_path') or None
        self._given_endpoint = dict(elb_endpoint=bool(get('elb_endpoint')), auth_url=bool(get('auth_url')))
        self.elb_endpoint = (get('elb_endpoint') or self._regional('elb')).rstrip('/')
        self.auth_url = (get('auth_url') or (self._regional('iam') and self._regional('iam') + '/v3')).rstrip('/')

    def _regional(self, service):
        return 'https://%s.%s.%s' % (service, self.region, self.cloud) if self.region else ''

    def problems(self):
        """What is missing or contradictory, as sentences; empty when the settings are usable."""
        problems = []
        if not self.elb_endpoint:
            problems.append('no ELB endpoint: set region (HW_REGION_NAME) or elb_endpoint (HW_ELB_ENDPOINT)')
        else:
            problems.append(self._endpoint_problem('elb_endpoint', 'HW_ELB_ENDPOINT', self.elb_endpoint))
        if self.auth_url:
            problems.append(self._endpoint_problem('auth_url', 'HW_AUTH_URL', self.auth_url))
        if self.project_id is not None and not PROJECT_ID.fullmatch(self.project_id):
            problems.append('project_id (HW_PROJECT_ID) is %r; it must be a project ID: letters, digits, - and _ '
                            '(at most 64)' % self.project_id)
        if not 0 <= self.api_retries <= MAX_API_RETRIES:
            problems.append('api_retries (HW_MAX_RETRIES) is %s; it must be a whole number from 0 to %d'
                            % (self.api_retries, MAX_API_RETRIES))
        if not (math.isfinite(self.api_timeout) and 0 < self.api_timeout <= MAX_API_TIMEOUT):
            problems.append('api_timeout is %s; it must be a number of seconds more than 0 and at most %d'
                            % (self.api_timeout, MAX_API_TIMEOUT))
        if self.ca_path is not None and self.validate_certs and not os.path.isfile(self.ca_path):
            problems.append('ca_path (HW_CA_BUNDLE) is %r; it must be a readable file of PEM certificates'
                            % self.ca_path)
        return [problem for problem in problems if problem]

    def _endpoint_problem(self, option, env, url):
        """Why ``url`` cannot be an endpoint, or None; names the option or, for a built one, region and cloud."""
        name = '%s (%s)' % (option, env) if self._given_endpoint[option] else 'the %s built from region %r and cloud %r' % (
            option, self.region, self.cloud)
        try:
            parts = urlsplit(url)
            port_zero = parts.port == 0  # reading the port raises ValueError when it is not a number up to 65535
        except ValueError as err:
            return '%s is %r, which is not a URL (%s); it must look like https://host[:port][/path]' % (name, url, err)
        if port_zero:
            return '%s is %r; port 0 cannot be connected to' % (name, url)
        if '@' in parts.netloc:  # never echoed: it may hold a password
            return '%s holds a user name or password; give credentials through their own options' % name
        if parts.scheme not in ('http', 'https') or not parts.hostname or parts.query or parts.fragment:
            return ('%s is %r; it must be an http:// or https:// URL with a host and no query, for example %s'
                    % (name, url, EXAMPLES[option]))
        if not HOST.fullmatch(parts.hostname):
            return '%s is %r; its host %r is not a host name or IP address' % (name, url, parts.hostname)
        return None
