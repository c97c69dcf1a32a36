# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property: whatever values a task gives, a module succeeds or fails with a message naming an option it
was given — never a traceback, and never a write when it fails.

The modules run in-process (fast enough for hundreds of examples) against the real emulator over HTTP.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import AK, PROJECT_ID, SK, module_argument_spec, run_module

MODULES = {
    'healthmonitor_v3': ('pool', ['demo-http-pool', 'demo-tcp-pool', 'demo-udp-pool', 'demo-ip-any-port-pool', 'nope']),
    'healthmonitor_v2': ('pool', ['shared-http-pool', 'shared-tcp-pool', 'shared-udp-pool', 'nope']),
    'healthcheck_v1': ('listener', ['classic-http-listener', 'classic-tcp-listener', 'classic-internal-udp-listener', 'nope']),
    'healthmonitor_info': (None, None),
    'healthmonitor_facts': (None, None),
}
CONNECTION = ('region', 'project_id', 'access_key', 'secret_key', 'security_token', 'auth_token', 'user', 'password',
              'user_domain', 'auth_url', 'elb_endpoint', 'cloud', 'validate_certs', 'api_timeout', 'api_retries')
TYPES = ['TCP', 'UDP_CONNECT', 'HTTP', 'HTTPS', 'GRPC', 'TLS', 'UDP', 'http', 'tcp', 'PING', '']
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-3, max_value=70000), st.sampled_from([0, 1, 3, 5, 10, 50, 51]),
    st.sampled_from(TYPES + ['/', '/healthz', 'healthz', '/a b', 'GET', 'head', 'PUT', '200', '200,202', '200-204',
                             '204-200', '0', 'x' * 300, 'www.example.com', '-bad', 'present', 'absent', 'v1', 'v2',
                             'INF', '-inf', 'nan', '1e400', '5.0', '5.5', ' 7 ']),
    st.text(max_size=12), st.lists(st.sampled_from(['1', 'TCP', 'x', '']), max_size=3))


def module_options(name):
    module, spec = module_argument_spec(name)
    return module, sorted(set(spec) - set(CONNECTION))


@pytest.mark.parametrize('name', sorted(MODULES))
def test_any_value_succeeds_or_fails_naming_an_option(elb, name):
    module, options = module_options(name)
    identity, identities = MODULES[name]
    optional = dict((option, VALUES) for option in options if option != identity)
    if name.startswith('healthmonitor_info') or name == 'healthmonitor_facts':
        optional['api_version'] = st.sampled_from(['v1', 'v2', 'v3', 'v4'])
    required = {identity: st.sampled_from(identities)} if identity else {}
    connection = dict(elb_endpoint=elb.url, access_key=AK, secret_key=SK, project_id=PROJECT_ID, api_retries=0,
                      wait_timeout=5) if identity else dict(elb_endpoint=elb.url, access_key=AK, secret_key=SK,
                                                            project_id=PROJECT_ID, api_retries=0)

    @settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries(required, optional=optional))
    def check(task_args):
        elb.reset()
        args = dict(task_args, **connection)
        result = run_module(module, args)
        if result.get('failed'):
            # As a word and outside URLs: "pool" is in every pool URL (test_option_errors.py pins the exact one).
            bare = re.sub(r'\w+://\S+', '', result['msg'])
            named = [option for option in task_args if re.search(r'(?<![\w.-])%s(?![\w-])' % re.escape(option), bare)]
            assert named, 'the failure names none of the options given: %r for %r' % (result['msg'], task_args)
            assert elb.writes() == [], 'a failed task wrote: %r for %r' % (elb.writes(), task_args)
        assert 'Traceback' not in json.dumps(result)

    check()
