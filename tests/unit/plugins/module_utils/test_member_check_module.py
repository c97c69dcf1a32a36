# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""member_check's options: what is refused before any call."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_check_module
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES


def problems(api_version='v3', **given):
    values = dict((name, None) for name in _member_check_module.argument_spec())
    values.update(api_version=api_version, subject='all', wait_timeout=120)
    values.update(given)
    return ' '.join(_member_check_module.input_problems(FAMILIES[api_version], values))


@pytest.mark.parametrize('version', ['v1', 'v2'])
def test_shared_and_classic_are_refused_naming_the_alternative(version):
    text = problems(version, pool='p', address='10.0.0.1')
    assert text.startswith('api_version %s: only dedicated (v3) load balancers have the member check job' % version)
    assert 'member_health_info' in text and 'backend-health.md' in text


def test_the_member_must_be_named():
    assert 'Name the member' in problems(pool='p')
    assert 'address needs pool or loadbalancer' in problems(address='10.0.0.1')
    assert 'protocol_port applies only with address' in problems(member='m', protocol_port=80)
    assert problems(member='m') == '' and problems(loadbalancer='lb', address='10.0.0.1', protocol_port=80) == ''
