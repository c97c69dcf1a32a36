# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member module without a service: what is refused before any call, the members a task names, the result and
diff it plans, which members leave traffic (min_healthy), and the drain time it waits."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member, _member_traffic
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES

from .fake_client import FakeClient


def params(**given):
    values = dict((name, None) for name in _member.argument_spec())
    values.update(api_version='v3', state='present', wait=True, wait_for='healthy', wait_timeout=300, fail_fast=True)
    values.update(given)
    return values


def problems(**given):
    values = params(**given)
    return ' '.join(_member.input_problems(FAMILIES[values['api_version']], values))


ONE = dict(pool='web', address='10.0.0.1', protocol_port=80)


def test_classic_is_refused_with_the_reason():
    assert 'does not manage classic (v1) backends yet' in problems(api_version='v1', **ONE)


@pytest.mark.parametrize('given, expected', [
    (dict(pool='web'), 'Name the member: address and protocol_port'),
    (dict(pool='web', address='10.0.0.1'), 'Name the member'),
    (dict(address='10.0.0.1', protocol_port=80), 'pool is required'),
    (dict(ONE, address='web-1'), "address is 'web-1'"),
    (dict(ONE, protocol_port=0), 'protocol_port is 0'),
    (dict(ONE, weight=101), 'weight is 101'),
    (dict(ONE, weight=-1), 'weight is -1'),
    (dict(ONE, name='n' * 256), 'name is 256 characters long'),
    (dict(ONE, subnet='s' * 37), 'subnet is 37 characters long'),
    (dict(ONE, state='absent', weight=3), 'weight applies only with state: present'),
    (dict(ONE, state='enabled', name='x'), 'name applies only with state: present'),
    (dict(pool='web', state='disabled', members=[dict(address='10.0.0.1', protocol_port=80, weight=2)]),
     'weight applies only with state: present'),
    (dict(ONE, min_healthy='1'), 'min_healthy applies only with state: absent or disabled'),
    (dict(ONE, state='enabled', drain_timeout=3), 'drain_timeout applies only'),
    (dict(ONE, state='absent', min_healthy='most'), 'min_healthy is'),
    (dict(pool='web', members=[]), 'members is an empty list'),
    (dict(ONE, members=[dict(address='10.0.0.2', protocol_port=80)]), 'and members are mutually exclusive'),
    (dict(pool='web', members=[dict(address='10.0.0.1', protocol_port=80), dict(address='10.0.0.1', protocol_port=80)]),
     'members[1].address 10.0.0.1 and protocol_port 80 name a member given before'),
    (dict(pool='web', members=[dict(address='::1', protocol_port=80), dict(address='0:0::1', protocol_port=80)]),
     'name a member given before'),
    (dict(pool='web', members=[dict(address='10.0.0.1', protocol_port=80, weight=200)]), 'members[0].weight is 200'),
])
def test_wrong_input_is_refused_before_any_call(given, expected):
    assert expected in problems(**given)


def test_valid_tasks_have_no_problem():
    assert problems(**ONE) == ''
    assert problems(weight=0, admin_state_up=False, name='web-1', subnet='s-1', **ONE) == ''
    assert problems(state='absent', min_healthy='50%', drain_timeout=0, **ONE) == ''
    assert problems(state='disabled', min_healthy='1', **ONE) == ''
    assert problems(pool='web', weight=4, members=[dict(address='10.0.0.1', protocol_port=80),
                                                   dict(address='10.0.0.1', protocol_port=81, weight=0)]) == ''
    assert problems(api_version='v2', **ONE) == ''


def test_task_level_fields_are_defaults_of_the_items_and_states_set_admin_state_up():
    wanted = _member.wanted_members(params(pool='web', weight=4, subnet='s-1', members=[
        dict(address='10.0.0.1', protocol_port=80), dict(address='10.0.0.2', protocol_port=80, weight=0)]))
    assert [(w['weight'], w['subnet']) for w in wanted] == [(4, 's-1'), (0, 's-1')]
    assert [w['admin_state_up'] for w in wanted] == [None, None]
    for state, up in (('enabled', True), ('disabled', False)):
        (one,) = _member.wanted_members(params(state=state, **ONE))
        assert one['admin_state_up'] is up


MEMBER = dict(id='m1', name='web-1', address='10.0.0.1', protocol_port=80, pool_id='p1', pool_name='web',
              loadbalancer_id='lb1', weight=7, admin_state_up=True, health='healthy')
POOL = dict(id='p1', name='web', connection_drain=dict(enable=True, timeout=30))


class Scope:
    balancer_id = 'lb1'


def member_task(**given):
    task = _member.Member(FAMILIES['v3'], FakeClient(), params(**given), diff_mode=True)
    task.pool, task.scope = POOL, Scope()
    return task


def test_the_plan_of_an_absent_member_says_the_weight_it_had():
    task = member_task(state='absent', **ONE)
    result = task.plan_result([(task.wanted[0], MEMBER)])
    (entry,) = result['members']
    assert result['changed'] and entry['weight_before'] == 7 and entry['weight'] is None and not entry['present']
    assert result['diff'] == dict(before=dict(members=[_member.view(MEMBER)]), after=dict(members=[{}]))
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


@pytest.mark.parametrize('pools, drain_timeout, seconds', [
    ([POOL], None, 30), ([POOL], 2, 2), ([POOL], 0, 0), ([dict(POOL, connection_drain=dict(enable=False, timeout=9))], None, 0),
    ([POOL, dict(id='p2', connection_drain=dict(enable=True, timeout=60))], None, 60), ([{}], None, 0)])
def test_drain_seconds(pools, drain_timeout, seconds):
    assert _member_traffic.drain_seconds(pools, drain_timeout) == seconds


def test_the_drain_wait_lasts_its_seconds_on_the_clock():
    client = FakeClient()
    _member_traffic.wait_for_drain(client, 12)
    assert 12 <= client.now < 18
    _member_traffic.wait_for_drain(client, 0)
    assert client.now < 18
