# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""member_traffic without a service: what is refused before any call, which weight a restore writes, how long
a drain waits (on a fake clock), and the port filter added to the member selection."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_traffic, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES

from .fake_client import FakeClient


def params(**given):
    values = dict((name, None) for name in _member_traffic.argument_spec())
    values.update(api_version='v3', wait=True, wait_timeout=300, fail_fast=True)
    values.update(given)
    return values


def problems(**given):
    values = params(**given)
    return ' '.join(_member_traffic.input_problems(FAMILIES[values['api_version']], values))


def test_classic_is_refused_with_the_reason():
    text = problems(api_version='v1', loadbalancer='lb', address='10.0.0.1', state='drained')
    assert 'classic load balancers cannot drain a backend' in text and 'no weight' in text


@pytest.mark.parametrize('given, expected', [
    (dict(pool='web', state='drained'), 'Name the member'),
    (dict(address='10.0.0.1', state='drained'), 'Give pool or loadbalancer'),
    (dict(pool='web', address='10.0.0.1', state='drained', weight=3), 'weight applies only with state: serving'),
    (dict(pool='web', address='10.0.0.1', state='serving', min_healthy='1'), 'min_healthy applies only with state: drained'),
    (dict(pool='web', address='10.0.0.1', state='serving', drain_timeout=5), 'drain_timeout applies only'),
    (dict(pool='web', address='10.0.0.1', state='drained', min_healthy='most'), 'min_healthy is'),
    (dict(pool='web', address='10.0.0.1', state='serving', weights={'m1': 101}), 'weights[m1] is 101'),
    (dict(pool='web', address='10.0.0.1', state='serving', weights={'m1': 'ten'}), "weights[m1] is 'ten'"),
    (dict(pool='web', address='10.0.0.1', state='serving', weight=0), 'weight is 0'),
    (dict(pool='web', address='10.0.0.1', state='serving', batch=['10.0.0.2']), 'batch applies only'),
    (dict(pool='web', address='10.0.0.1', state='serving', weights={'m1': True}), 'weights[m1] is True'),
    (dict(api_version='v2', pool='web', instance_id='i-1', state='drained'), 'instance_id cannot select v2'),
])
def test_wrong_combinations_are_refused_before_any_call(given, expected):
    assert expected in problems(**given)


def test_a_valid_task_has_no_problem():
    assert problems(loadbalancer='lb', address='10.0.0.1', protocol_port=80, state='drained', min_healthy='50%') == ''
    assert problems(pool='web', member='m1', state='serving', weights={'m1': 7}) == ''
    # A saved weight of 0 (a member deliberately out) and a weight given as a string, as O(weight) takes it.
    assert problems(pool='web', member='m1', state='serving', weights={'m1': 0, 'web': '10'}) == ''
    assert problems(pool='web', address='10.0.0.1', state='drained', batch=['10.0.0.2', '10.0.0.3:80']) == ''


def traffic(**given):
    warnings = []
    task = _member_traffic.MemberTraffic(FAMILIES['v3'], FakeClient(), params(**given), warn=warnings.append)
    return task, warnings


MEMBER = dict(id='m1', address='10.0.0.1', protocol_port=80, pool_id='p1', pool_name='web', weight=0)


@pytest.mark.parametrize('given, member, expected', [
    (dict(state='drained'), dict(MEMBER, weight=7), 0),
    (dict(state='serving', weights={'m1': 7}, weight=3), MEMBER, 7),
    (dict(state='serving', weights={'web': 6}), MEMBER, 6),
    (dict(state='serving', weights={'web': '10'}), MEMBER, 10),
    (dict(state='serving', weights={'m1': 0}), dict(MEMBER, weight=0), 0),
    (dict(state='serving', weight=3), MEMBER, 3),
    (dict(state='serving'), dict(MEMBER, weight=9), 9),
])
def test_the_weight_a_task_wants(given, member, expected):
    task, warnings = traffic(**given)
    assert task.target_weight(member) == expected and warnings == []


def test_a_drained_member_with_no_weight_given_gets_one_with_a_warning():
    task, warnings = traffic(state='serving')
    assert task.target_weight(MEMBER) == 1
    assert warnings and '10.0.0.1:80 in pool web has weight 0' in warnings[0]


class Scope:
    parents = {'p1': {'id': 'p1', 'connection_drain': {'enable': True, 'timeout': 30}},
               'p2': {'id': 'p2', 'connection_drain': {'enable': False, 'timeout': 300}}}


@pytest.mark.parametrize('drain_timeout, waited', [(None, 30), (4, 4), (0, 0)])
def test_a_drain_waits_the_longest_enabled_connection_drain_or_drain_timeout(drain_timeout, waited):
    task, _warnings = traffic(state='drained', drain_timeout=drain_timeout)
    task.wait_drained(Scope(), [dict(MEMBER, pool_id='p1'), dict(MEMBER, id='m2', pool_id='p2')])
    assert task.client.now == pytest.approx(waited)


def test_the_port_narrows_the_selection_to_one_of_the_members_on_an_address():
    scope = _members.Scope(None, FAMILIES['v3'], dict(address=['10.0.0.1'], protocol_port=80))
    assert scope._selected(dict(address='10.0.0.1', protocol_port=80))  # pylint: disable=protected-access
    assert not scope._selected(dict(address='10.0.0.1', protocol_port=81))  # pylint: disable=protected-access


def member(ident, pool='p1', weight=5, health='healthy', address='10.0.0.1', port=80):
    return dict(id=ident, pool_id=pool, pool_name='pool-' + pool, weight=weight, health=health, address=address,
                protocol_port=port)


@pytest.mark.parametrize('min_healthy', ['1', '1%', '50%', '100%'])
def test_a_percentage_or_a_count_protects_the_last_member(min_healthy):
    """Issue 26 item 5: a percentage is of the whole pool, so it never rounds the last member away."""
    only = member('a')
    short = _member_traffic.shortfalls([only], [only], _members.parse_min_healthy(min_healthy), ['p1'])
    assert [(s['pool'], s['members'], s['serving'], s['needed'], s['room']) for s in short] == [
        ('pool-p1', 1, 0, 1, 0)]


@pytest.mark.parametrize('min_healthy, leaving, refused', [
    ('1', 'a', False), ('1', 'ab', True), ('50%', 'a', False), ('100%', 'a', True), ('0', 'ab', False)])
def test_what_a_batch_may_drain(min_healthy, leaving, refused):
    pool = [member('a'), member('b')]
    going = [m for m in pool if m['id'] in leaving]
    assert bool(_member_traffic.shortfalls(pool, going, _members.parse_min_healthy(min_healthy), ['p1'])) is refused


def test_unmonitored_members_count_as_serving_and_drained_or_unhealthy_ones_do_not():
    pool = [member('a'), member('b', health='unmonitored'), member('c', weight=0), member('d', health='unhealthy')]
    short = _member_traffic.shortfalls(pool, pool[:1], (2, False), ['p1'])
    assert [(s['serving'], s['needed'], s['room']) for s in short] == [(1, 2, 0)]
    assert not _member_traffic.shortfalls(pool, pool[:1], (1, False), ['p1'])


def test_the_batch_names_members_by_address_or_address_and_port():
    one = member('a', address='10.0.0.1', port=80)
    assert _member_traffic.in_batch(one, {'10.0.0.1'}) and _member_traffic.in_batch(one, {'10.0.0.1:80'})
    assert not _member_traffic.in_batch(one, {'10.0.0.1:81'}) and not _member_traffic.in_batch(one, {'10.0.0.10'})


def test_a_key_of_weights_that_names_nothing_selected_is_refused_naming_it():
    task, _warnings = traffic(state='serving', weights={'web-pol': 10, 'm1': 3})
    with pytest.raises(_members.InputError) as failure:
        task.check_weight_keys([MEMBER])
    assert "'web-pol'" in str(failure.value) and 'member m1 in pool web (p1)' in str(failure.value)
    task, _warnings = traffic(state='serving', weights={'web': 10, 'p1': 3, 'm1': 2})
    task.check_weight_keys([MEMBER])


class Reads:
    """A scope whose reads return the given member lists in turn (the last one again when they run out)."""

    def __init__(self, *reads):
        self.reads = list(reads)

    def read(self, _client):
        return self.reads.pop(0) if len(self.reads) > 1 else self.reads[0]


def drain_task(wait_timeout=30):
    task, _warnings = traffic(state='drained', address='10.0.0.1', min_healthy='1', wait_timeout=wait_timeout)
    task.written = []
    task.write = lambda scope, mine, changing, targets, result: task.written.append(
        sorted((member['id'], targets[member['id']]) for member in changing))
    return task


def drain_result(*members):
    return dict(changed=True, members=[dict(m, weight=0, weight_before=m['weight']) for m in members])


def test_a_drain_that_another_run_met_puts_its_weight_back_then_drains_again():
    """Issue 26 item 1 between runs: after the write both are out; put back, wait, the other is back, drain."""
    mine, other = member('a', address='10.0.0.1'), member('b', address='10.0.0.2')
    task = drain_task()
    both_out = [dict(mine, weight=0), dict(other, weight=0)]
    mine_back = [mine, dict(other, weight=0)]
    other_back = [mine, other]
    result = drain_result(mine)
    task.hold_min_healthy(Reads(both_out, mine_back, other_back, [dict(mine, weight=0), other]), [mine], [mine],
                          {'a': 0}, result)
    assert task.written == [[('a', 5)], [('a', 0)]]
    assert [item['weight'] for item in result['members']] == [0]


def test_a_drain_that_never_gets_its_turn_fails_changed_with_its_weight_back():
    mine, other = member('a', address='10.0.0.1'), member('b', address='10.0.0.2')
    task = drain_task(wait_timeout=30)
    result = drain_result(mine)
    with pytest.raises(_member_traffic.TaskFailed) as failure:
        task.hold_min_healthy(Reads([dict(mine, weight=0), dict(other, weight=0)], [mine, dict(other, weight=0)]),
                              [mine], [mine], {'a': 0}, result)
    assert task.written == [[('a', 5)]] and task.client.now == pytest.approx(30)
    assert failure.value.result['changed'] is True and [m['weight'] for m in failure.value.result['members']] == [5]
    assert 'wait_timeout (30 s)' in str(failure.value) and 'pool pool-p1 has 2 member(s)' in str(failure.value)


def test_a_drain_the_pool_allows_after_the_write_is_kept():
    mine, other = member('a', address='10.0.0.1'), member('b', address='10.0.0.2')
    task = drain_task()
    task.hold_min_healthy(Reads([dict(mine, weight=0), other]), [mine], [mine], {'a': 0}, drain_result(mine))
    assert task.written == []
