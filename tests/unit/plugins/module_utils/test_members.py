# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member records: their one-line description, the families' readers, and the filters a scope applies."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _members
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES

from .test_member_wait import BAD


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


# -- found by make mutation (tests/mutation/mutations.py): each docstring names the mutants it kills ----------

def test_pool_member_states_map_to_health():
    """Kills members-initial-healthy: a member not checked yet (INITIAL) is checking, not healthy."""
    def health(status):
        return _members.PoolMembers.record({}, {'id': 'p'}, 'lb', status, None)['health']
    assert [health(s) for s in ('ONLINE', 'OFFLINE', 'INITIAL', 'NO_MONITOR', 'DISABLED', 'UNKNOWN', 'odd')] == [
        'healthy', 'unhealthy', 'checking', 'unmonitored', 'unmonitored', 'unknown', 'unknown']


def test_classic_member_states_map_to_health():
    """Kills members-classic-unavailable: UNAVAILABLE is unknown under a checked listener, unmonitored without one."""
    class Client:
        @staticmethod
        def get(path, query=None):
            return [dict(id=status, address='10.0.0.1', health_status=status)
                    for status in ('NORMAL', 'ABNORMAL', 'UNAVAILABLE')]

    family = FAMILIES['v1']
    scope = _members.Scope(family.members, family, {})
    scope.parents = {'l1': dict(id='l1', name='checked', healthcheck_id='h1', backend_port=80),
                     'l2': dict(id='l2', name='unchecked', healthcheck_id=None, backend_port=80)}
    found = dict(((m['listener_id'], m['status']), m['health']) for m in family.members.read(Client(), scope))
    assert found == {('l1', 'NORMAL'): 'healthy', ('l1', 'ABNORMAL'): 'unhealthy', ('l1', 'UNAVAILABLE'): 'unknown',
                     ('l2', 'NORMAL'): 'healthy', ('l2', 'ABNORMAL'): 'unhealthy', ('l2', 'UNAVAILABLE'): 'unmonitored'}


def test_the_worst_listener_view_of_a_member_counts():
    """Kills members-worst-listener: a member failing behind one of its listeners is failing, with that reason."""
    raw = dict(operating_status='ONLINE', status=[
        dict(listener_id='a', operating_status='ONLINE'),
        dict(listener_id='b', operating_status='OFFLINE', reason=dict(reason_code='CONNECT_FAILED')),
        dict(listener_id='c', operating_status='INITIAL')])
    assert _members.ProjectMembers._health(raw) == ('OFFLINE', dict(code='CONNECT_FAILED', expected=None, received=None))
