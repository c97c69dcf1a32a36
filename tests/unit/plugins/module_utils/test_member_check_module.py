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


class _Scope:
    parents = {}

    def read(self, client):
        return [dict(id='m1', address='10.0.0.1', protocol_port=80), dict(id='m2', address='10.0.0.2', protocol_port=80)]


@pytest.mark.parametrize('outcomes, passed', [((True, True), True), ((True, False), False), ((False, False), False)])
def test_passed_only_when_every_member_passes(monkeypatch, outcomes, passed):
    """Kills check-passed-all: one failing member among passing ones makes the task's ``passed`` false."""
    monkeypatch.setattr(_member_check_module, 'resolve', lambda client, family, selection: _Scope())
    monkeypatch.setattr(_member_check_module, 'check_members', lambda *args: [
        dict(passed=outcome, summary=[] if outcome else ['m%d fails' % index]) for index, outcome in enumerate(outcomes)])
    params = dict(pool='p', address='10.0.0.1', wait_timeout=120, subject='all')
    result = _member_check_module.MemberCheck(FAMILIES['v3'], None, params).run()
    assert result['passed'] is passed and result['changed'] is False
    assert result['summary'] == ['m%d fails' % index for index, outcome in enumerate(outcomes) if not outcome]
