# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member module on a v3 or v2 pool without a service: the members a task names, the result and diff it
plans, which members leave traffic (min_healthy), and when it batches."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_pool
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import MemberApi
from ansible_collections.hwcloud.elb.plugins.module_utils._instance_members import instance_problems
from ansible_collections.hwcloud.elb.plugins.module_utils._member_check import diagnose_problem

from .fake_client import FakeClient
from .test_families import throwaway_family
from .test_member_module import ONE, params


def test_task_level_fields_are_defaults_of_the_items_and_states_set_admin_state_up():
    wanted = _member_pool.wanted_members(params(pool='web', weight=4, subnet='s-1', members=[
        dict(address='10.0.0.1', protocol_port=80), dict(address='10.0.0.2', protocol_port=80, weight=0)]))
    assert [(w['weight'], w['subnet']) for w in wanted] == [(4, 's-1'), (0, 's-1')]
    assert [w['admin_state_up'] for w in wanted] == [None, None]
    for state, up in (('enabled', True), ('disabled', False)):
        (one,) = _member_pool.wanted_members(params(state=state, **ONE))
        assert one['admin_state_up'] is up


MEMBER = dict(id='m1', name='web-1', address='10.0.0.1', protocol_port=80, pool_id='p1', pool_name='web',
              loadbalancer_id='lb1', weight=7, admin_state_up=True, health='healthy')


POOL = dict(id='p1', name='web', connection_drain=dict(enable=True, timeout=30))


def member_task(**given):
    task = _member_pool.Member(FAMILIES['v3'], FakeClient(), params(**given), diff_mode=True)
    task.pool, task.balancer_id = POOL, 'lb1'
    return task


def test_the_plan_of_an_absent_member_says_the_weight_it_had():
    task = member_task(state='absent', **ONE)
    result = task.plan_result([(task.wanted[0], MEMBER)])
    (entry,) = result['members']
    assert result['changed'] and entry['weight_before'] == 7 and entry['weight'] is None and not entry['present']
    assert result['diff'] == dict(before=dict(members=[_member_pool.view(MEMBER)]), after=dict(members=[{}]))
    assert task.leaving([(task.wanted[0], MEMBER)]) == [MEMBER]


def test_the_plan_of_a_new_member_has_the_service_defaults_and_no_id():
    task = member_task(weight=5, **ONE)
    result = task.plan_result([(task.wanted[0], None)])
    (entry,) = result['members']
    assert result['changed'] and entry['id'] is None and entry['present'] and entry['weight_before'] is None
    assert (entry['weight'], entry['admin_state_up'], entry['pool_id']) == (5, True, 'p1')
    assert result['diff']['before']['members'] == [{}]


@pytest.mark.parametrize('given, changed', [
    (dict(weight=7), False), (dict(weight=8), True), (dict(name='web-1'), False), (dict(admin_state_up=False), True),
    ({}, False)])
def test_only_given_fields_that_differ_change_a_member(given, changed):
    task = member_task(**dict(ONE, **given))
    assert task.plan_result([(task.wanted[0], MEMBER)])['changed'] is changed


def test_disabling_a_member_already_disabled_takes_nothing_out_of_traffic():
    task = member_task(state='disabled', **ONE)
    assert task.leaving([(task.wanted[0], MEMBER)]) == [MEMBER]
    assert task.leaving([(task.wanted[0], dict(MEMBER, admin_state_up=False))]) == []
    assert member_task(state='enabled', **ONE).leaving([(task.wanted[0], MEMBER)]) == []


def test_batches_only_on_v3_and_for_several_members():
    task = member_task(**ONE)
    assert task.batched(2) and not task.batched(1)
    task.family = FAMILIES['v2']
    assert not task.batched(5)


class GoneWrites:
    """The balancer write path of a pool whose member someone else deleted meanwhile: every DELETE answers 404."""

    def __init__(self, status):
        self.status = status
        self.calls = []

    def write(self, method, path, body, parent):
        self.calls.append((method, path))
        raise ApiError('member gone', status=self.status)

    def wait_active(self, parent, written):
        self.calls.append(('ACTIVE', parent['id']))


def test_a_member_deleted_meanwhile_is_what_absent_wanted_and_another_error_fails():
    """Kills member-delete-404: a 404 on the DELETE is the member already gone, not a failure."""
    task = member_task(state='absent', **ONE)
    task.writes = GoneWrites(404)
    task.deregister([], [dict(MEMBER, weight=0)])
    assert task.writes.calls == [('DELETE', '/v3/{project_id}/elb/pools/p1/members/m1'), ('ACTIVE', 'p1')]
    task.writes = GoneWrites(500)
    with pytest.raises(ApiError):
        task.deregister([], [dict(MEMBER, weight=0)])


class RecordedWrites(GoneWrites):
    """A write path that records each write and answers nothing."""

    def write(self, method, path, body, parent):
        self.calls.append((method, path, body))


def test_an_update_sends_only_the_given_fields_that_differ():
    """Kills member-update-changes: a field given equal to the member's is not sent, nor an unchanged member."""
    task = member_task(weight=8, name='web-1', **ONE)
    task.writes = RecordedWrites(None)
    other = dict(MEMBER, id='m2', address='10.0.0.2')
    wanted = [task.wanted[0], dict(task.wanted[0], address='10.0.0.2', weight=7)]
    task.register([(wanted[0], MEMBER), (wanted[1], other)], dict(members=[]))
    assert task.writes.calls == [('PUT', '/v3/{project_id}/elb/pools/p1/members/m1', {'member': {'weight': 8}}),
                                 ('ACTIVE', 'p1')]


def test_only_the_batch_calls_that_do_the_same_twice_are_sent_again_after_a_lost_answer():
    """batch-update and batch-delete are repeatable (a deleted member is then "not found"); batch-add is not: a
    lost answer of a create is looked for before sending again."""
    task = member_task(**ONE)
    sent = []
    task.writes.write = lambda method, path, body, parent, repeatable=False: sent.append(
        (path.rsplit('/', 1)[-1], repeatable)) or {'members': []}
    for action in ('batch-add', 'batch-update', 'batch-delete'):
        task.batch(action, [dict(id='m1'), dict(id='m2')])
    assert sent == [('batch-add', False), ('batch-update', True), ('batch-delete', True)]


def test_what_a_family_declares_of_its_member_api_is_what_the_member_side_does():
    """No family name in the member code: a fourth family's declaration decides batches, the subnet's body key,
    the subnet a create needs, instance_id and the check job."""
    v9 = throwaway_family(member_path='/v9/{project_id}/pools/{pool_id}/members', member_api=MemberApi(
        subnet_field='network_id', subnet_required=True, batches=True, instance_ids=False, check=True, settle=False))
    task = _member_pool.Member(v9, FakeClient(), params(subnet='net-1', **ONE), diff_mode=True)
    assert task.batched(2) and task.body(task.wanted[0])['network_id'] == 'net-1'
    assert 'instance_id applies only with api_version v3' in instance_problems(v9, dict(instance_id='i-1'))[0]
    assert diagnose_problem(v9) is None and 'api_version v2 has no member check' in diagnose_problem(FAMILIES['v2'])
    assert [name for name, family in sorted(FAMILIES.items()) if family.member_api.batches] == ['v3']
    assert FAMILIES['v2'].member_api.subnet_required and not FAMILIES['v1'].member_api.settle
