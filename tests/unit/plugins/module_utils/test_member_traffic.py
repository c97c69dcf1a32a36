# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""member_traffic's work without a service: which weight a restore writes, how long a drain waits (on a fake
clock), min_healthy between independent runs, and settle."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_traffic
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError

from .fake_client import FakeClient
from .test_member_task import member
from .test_member_traffic_module import params


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


def test_the_batch_names_members_by_address_or_address_and_port():
    one = member('a', address='10.0.0.1', port=80)
    assert _member_traffic.in_batch(one, {'10.0.0.1'}) and _member_traffic.in_batch(one, {'10.0.0.1:80'})
    assert not _member_traffic.in_batch(one, {'10.0.0.1:81'}) and not _member_traffic.in_batch(one, {'10.0.0.10'})


def test_a_key_of_weights_that_names_nothing_selected_is_refused_naming_it():
    task, _warnings = traffic(state='serving', weights={'web-pol': 10, 'm1': 3})
    with pytest.raises(InputError) as failure:
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


class ClockScope:
    """A resolved scope whose member's health follows ``health(now)`` on the task's fake clock; a monitor with delay
    1 and up threshold 2 (a 2 s window), down threshold 3."""

    def __init__(self, client, health, weight=0):
        self.client, self.health, self.weight = client, health, weight
        self.reads = []  # the times of the reads, shared with the copies the task narrows
        self.params, self.parents = {}, {'p1': {'id': 'p1', 'name': 'web'}}

    def read(self, client):
        self.reads.append(client.now)
        return [dict(member('m1', weight=self.weight, health=self.health(client.now)), pool_name='web')]

    @staticmethod
    def monitor_timing(_client):
        return {'p1': (1, 3, 2)}


def restore(health, api_version='v3', **given):
    """Run a restore of m1 (weight 0 -> 5) with settle; return the task, its scope and the times of its writes."""
    client = FakeClient()
    task = _member_traffic.MemberTraffic(FAMILIES[api_version], client, params(
        api_version=api_version, state='serving', address='10.0.0.1', pool='web', weight=5, **given))
    scope = ClockScope(client, health)
    task.resolve = lambda: scope
    task.written = []
    task.write = lambda _scope, _mine, changing, targets, _result: task.written.append(
        (client.now, [(m['id'], targets[m['id']]) for m in changing]))
    task.wait_serving = lambda *args: None
    return task, scope


def test_settle_writes_the_weight_only_after_one_up_threshold_of_healthy_polls():
    """The gap it closes: a restart shorter than the down threshold stays healthy; without settle the weight is
    written at once, with it only once every poll for delay 1 x up 2 = 2 s has found the member healthy."""
    task, scope = restore(lambda now: 'healthy', settle=False)
    task.run()
    assert task.written == [(0, [('m1', 5)])]
    task, scope = restore(lambda now: 'healthy', settle=True)
    result = task.run()
    (when, written), = task.written
    assert written == [('m1', 5)] and 2 <= when < 3 and result['changed'] is True
    assert scope.reads == [0, 1, 2]  # the task's read is the first poll, then one list call per poll


def test_settle_starts_the_window_again_after_a_checking_verdict():
    task, _scope = restore(lambda now: 'checking' if 1 <= now < 2 else 'healthy', settle=True)
    task.run()
    (when, _written), = task.written
    assert when >= 4  # healthy again from 2 s at the earliest: the window ends 2 s later, at the next poll


def test_settle_that_times_out_writes_nothing_and_says_so():
    task, _scope = restore(lambda now: 'healthy' if now % 2 < 1 else 'checking', settle=True, wait_timeout=20)
    with pytest.raises(_member_traffic.TaskFailed) as failure:
        task.run()
    assert task.written == [] and task.client.now == pytest.approx(20)
    result = failure.value.result
    assert result['changed'] is False and [item['weight'] for item in result['members']] == [0]
    assert str(failure.value).startswith('Did not give traffic back to 10.0.0.1:80 (settle), nothing was written: '
                                         'Timed out after 20 s')


@pytest.mark.parametrize('api_version, health', [('v2', 'unhealthy'), ('v3', 'unmonitored')])
def test_settle_writes_at_once_on_shared_balancers_and_for_unmonitored_members(api_version, health):
    """v2 shows a member at weight 0 OFFLINE (nothing to prove before the write); no monitor, nothing to wait for."""
    task, scope = restore(lambda now: health, api_version=api_version, settle=True)
    task.run()
    assert task.written == [(0, [('m1', 5)])] and len(scope.reads) == 1
