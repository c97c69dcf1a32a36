# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options shared by every module: one argument-spec piece, read into one settings object.

Documented by the ``hwcloud.elb.connection`` doc fragment; keep the two in step.
"""

from __future__ import annotations

import math
import os

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import boolean

DEFAULT_CLOUD = 'myhuaweicloud.com'
DEFAULT_API_TIMEOUT = 30
DEFAULT_API_RETRIES = 5

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
    # None means "not set": HW_INSECURE may then turn verification off (see ConnectionSettings).
    validate_certs=dict(type='bool'),
    api_timeout=dict(type='float', default=DEFAULT_API_TIMEOUT),
    api_retries=dict(type='int', fallback=(env_fallback, ['HW_MAX_RETRIES'])),
)

SECRET_OPTIONS = ('secret_key', 'security_token', 'auth_token', 'password')


class ConnectionSettings:
    """The connection options of one module run, with endpoints and defaults resolved."""

    def __init__(self, params, environ=None):
        environ = os.environ if environ is None else environ
        get = params.get
        self.region = get('region')
        self.project_id = get('project_id')
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
        self.elb_endpoint = (get('elb_endpoint') or self._regional('elb')).rstrip('/')
        self.auth_url = (get('auth_url') or (self._regional('iam') and self._regional('iam') + '/v3')).rstrip('/')

    def _regional(self, service):
        return 'https://%s.%s.%s' % (service, self.region, self.cloud) if self.region else ''

    def problems(self):
        """What is missing or contradictory, as sentences; empty when the settings are usable."""
        problems = []
        if not self.elb_endpoint:
            problems.append('no ELB endpoint: set region (HW_REGION_NAME) or elb_endpoint (HW_ELB_ENDPOINT)')
        if self.api_retries < 0:
            problems.append('api_retries is %s; it must be 0 or more' % self.api_retries)
        if not (math.isfinite(self.api_timeout) and self.api_timeout > 0):
            problems.append('api_timeout is %s; it must be a number of seconds more than 0' % self.api_timeout)
        return problems
