# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One bad option at a time: the failure names exactly that option (issue 22, hole 6).

The property test (test_properties.py) gives many options at once, so it can only ask that the message names
*an* option; here a valid task gets one option replaced by a bad value, and the message must name that option
(as a word, outside any URL), and nothing may be written. Every option of every monitor module is tried with a
few generic bad values (wrong type, out of range, too long, malformed), and each option must refuse at least one.

Kills: a validation message that does not name its option (``Field._bad`` without ``self.name``), a check
skipped for a kind (int range, string length or pattern, enum) so that a bad value reaches the service and
comes back as an HTTP error naming no option.
"""

from __future__ import annotations

import importlib
import re

import pytest

from .conftest import AK, PROJECT_ID, SK, run_module
from .test_properties import CONNECTION, module_options

VALID = {
    'healthmonitor_v3': dict(pool='demo-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3),
    'healthmonitor_v2': dict(pool='shared-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3),
    'healthcheck_v1': dict(listener='classic-http-listener', healthcheck_protocol='HTTP', healthcheck_interval=5,
                           healthcheck_timeout=3),
}
NOT_FIELDS = {'pool', 'listener', 'loadbalancer', 'state', 'wait', 'wait_timeout'}
BAD_VALUES = [-1, 0, 100000, 'NOT-A-VALUE', 'x' * 300, '/bad path', '200-', 'no/leading/slash']
URL = re.compile(r'\w+://\S+')


def names(option, message):
    """Whether ``message`` names ``option`` as a word, URLs taken out ("pool" is in every pool URL)."""
    return re.search(r'(?<![\w.-])%s(?![\w-])' % re.escape(option), URL.sub('', message)) is not None


@pytest.mark.parametrize('name', sorted(VALID))
def test_each_bad_option_alone_fails_naming_that_option_and_writes_nothing(elb, name):
    module, options = module_options(name)
    module = importlib.import_module(module.__name__)
    fields = [option for option in options if option not in NOT_FIELDS]
    assert len(fields) >= 7, fields  # the capture found the family's options
    connection = dict(elb_endpoint=elb.url, access_key=AK, secret_key=SK, project_id=PROJECT_ID, api_retries=0,
                      wait_timeout=5)
    assert not set(connection) - set(CONNECTION) - {'wait_timeout'}
    refused_by = {}
    for option in fields:
        for value in BAD_VALUES:
            elb.reset()
            args = dict(VALID[name], **connection)
            args[option] = value
            result = run_module(module, args)
            if not result.get('failed'):
                continue
            refused_by.setdefault(option, []).append(value)
            message = result['msg']
            assert names(option, message), 'the failure for %s=%r does not name %s: %s' % (
                option, value, option, message)
            assert 'HTTP 4' not in message, 'the service, not the module, refused %s=%r: %s' % (
                option, value, message)
            assert elb.writes() == [], 'a failed task wrote: %r for %s=%r' % (elb.writes(), option, value)
    never_refused = sorted(set(fields) - set(refused_by))
    assert never_refused == [], 'options that took every bad value: %s' % never_refused
