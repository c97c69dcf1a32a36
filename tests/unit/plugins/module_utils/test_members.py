# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member records: their one-line description, the families' readers, and the filters a scope applies."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _members
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES

# test_mutation_survivors imports the wait's fake from here (it moved to test_member_wait with issue 28).
from .test_member_wait import BAD, wait  # noqa: F401  pylint: disable=unused-import


def test_a_member_is_described_with_its_reason():
    member = dict(address='10.0.0.5', protocol_port=8080, pool_name='web', health='unhealthy', status='OFFLINE',
                  reason=BAD)
    assert _members.describe(member) == '10.0.0.5:8080 in pool web: RESPONSE_MISMATCH, expected 200-204, got 500'
    classic = dict(address='10.0.0.6', protocol_port=80, listener_name='http', health='unhealthy', status='ABNORMAL',
                   reason=None)
    assert _members.describe(classic) == '10.0.0.6:80 in listener http: unhealthy (ABNORMAL)'


def test_every_family_declares_its_members_and_the_module_choices_follow():
    from ansible_collections.hwcloud.elb.plugins.module_utils._member_health_module import member_argument_spec
    assert all(family.members is not None for family in FAMILIES.values())
    assert member_argument_spec()['api_version']['choices'] == sorted(FAMILIES)
    for family in FAMILIES.values():
        assert family.members.parent_option in family.members.options


def test_the_port_narrows_the_selection_to_one_of_the_members_on_an_address():
    scope = _members.Scope(None, FAMILIES['v3'], dict(address=['10.0.0.1'], protocol_port=80))
    assert scope._selected(dict(address='10.0.0.1', protocol_port=80))  # pylint: disable=protected-access
    assert not scope._selected(dict(address='10.0.0.1', protocol_port=81))  # pylint: disable=protected-access
