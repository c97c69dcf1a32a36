# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member-health wait's schedule (fail fast, timeout, min_healthy, steady) on a fake clock."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_selection, _member_wait, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError

from .fake_client import FakeClient


BAD = {'code': 'RESPONSE_MISMATCH', 'expected': '200-204', 'received': '500'}


class ScriptedReader:
    """Members whose health follows ``script(now)``; counts the reads (one per poll)."""

    parent_option = 'pool'
    options = _member_selection.SELECTION_OPTIONS

    def __init__(self, client, script, delay=2, down=3, up=2):
        self.client, self.script, self.timing, self.reads = client, script, (delay, down, up), 0

    def resolve(self, client, family, params):
        scope = _members.Scope(self, family, params)
        scope.parents = {'p1': {'id': 'p1', 'name': 'web'}}
        return scope

    def thresholds(self, client, scope):
        return {'p1': self.timing}

    def read(self, client, scope):
        self.reads += 1
        return [dict(id=ident, address='10.0.0.%d' % index, protocol_port=8080, pool_id='p1', pool_name='web',
                     health=health, status=None, reason=BAD if health == 'unhealthy' else None)
                for index, (ident, health) in enumerate(self.script(client.now), 1)]


class FakeFamily:
    name = 'v3'

    def __init__(self, reader):
        self.members = reader


def wait(script, **kwargs):
    client = FakeClient()
    reader = ScriptedReader(client, script)
    try:
        return _member_wait.wait_for_health(client, FakeFamily(reader), {'pool': 'web'}, **kwargs), client, reader
    except InputError as err:
        return err, client, reader


def test_the_wait_ends_when_the_member_recovers():
    (members, summary), client, reader = wait(lambda now: [('a', 'healthy'), ('b', 'unhealthy' if now < 4 else 'healthy')])
    assert summary['healthy'] == 2 and client.now >= 4
    assert reader.reads >= 2


def test_fail_fast_after_the_down_threshold_not_before():
    err, client, _reader = wait(lambda now: [('a', 'healthy'), ('b', 'unhealthy')], wait_timeout=300)
    assert isinstance(err, InputError)
    assert '10.0.0.2:8080 in pool web: RESPONSE_MISMATCH, expected 200-204, got 500' in str(err)
    assert 6 <= client.now < 12  # delay 2 x down 3 = 6 s of staying unhealthy, then the next poll


def test_without_fail_fast_the_wait_times_out_naming_the_member():
    err, client, _reader = wait(lambda now: [('a', 'healthy'), ('b', 'unhealthy')], wait_timeout=20, fail_fast=False)
    assert 'Timed out after 20 s waiting for 2 of 2 member(s) to be healthy (1 are)' in str(err)
    assert client.now == pytest.approx(20)


def test_min_healthy_is_met_despite_a_broken_member():
    (members, summary), client, _reader = wait(lambda now: [('a', 'healthy'), ('b', 'unhealthy')], min_healthy='50%')
    assert summary == {'healthy': 1, 'unhealthy': 1, 'checking': 0, 'unmonitored': 0, 'unknown': 0, 'total': 2}
    assert client.now == 0


def test_a_member_that_recovers_in_between_starts_its_threshold_again():
    def flapping(now):  # polls at 0, 1, 3, 5, 7, 9, 11 s: unhealthy for 7 s in all, never 6 s in a row
        if now >= 10:
            return [('a', 'healthy')]
        return [('a', 'checking' if 5 <= now < 6 else 'unhealthy')]
    (members, _summary), client, _reader = wait(flapping, wait_timeout=30)
    assert members[0]['health'] == 'healthy' and client.now == pytest.approx(11)


def test_wait_for_unhealthy_and_an_empty_selection():
    (members, _summary), _client, _reader = wait(lambda now: [('a', 'unhealthy' if now > 3 else 'healthy')],
                                                 wait_for='unhealthy')
    assert members[0]['health'] == 'unhealthy'
    err, client, reader = wait(lambda now: [], wait_timeout=30)
    assert 'No member matches the selection' in str(err) and reader.reads == 1


def test_unmonitored_members_count_as_healthy_at_once():
    """Issue 26 item 7: NO_MONITOR members get traffic; a wait for healthy on them ends on the first read."""
    (members, summary), client, reader = wait(lambda now: [('a', 'unmonitored'), ('b', 'healthy')], wait_timeout=300)
    assert summary['unmonitored'] == 1 and reader.reads == 1 and client.now == 0


def test_a_failed_wait_carries_the_members_and_summary():
    """Issue 26 item 9: the failure says what the wait saw last."""
    err, _client, _reader = wait(lambda now: [('a', 'healthy'), ('b', 'unhealthy')], wait_timeout=10, fail_fast=False)
    assert isinstance(err, _member_wait.WaitFailed)
    assert [m['id'] for m in err.members] == ['a', 'b'] and err.summary['unhealthy'] == 1


def test_a_member_put_back_from_weight_0_gets_twice_the_down_threshold():
    """Issue 26 item 10: a v2 member shows OFFLINE while at weight 0 and comes back from OFFLINE after a restore;
    fail_fast gives such a member (``settling``) twice its down threshold (2 x 3 x 2 s) before it gives up."""
    def back_at_9(now):
        return [('a', 'healthy'), ('b', 'unhealthy' if now < 9 else 'healthy')]

    err, client, _reader = wait(back_at_9, wait_timeout=300)
    assert isinstance(err, InputError) and client.now < 9  # without the allowance: gave up at 6 s
    (_members_read, summary), client, _reader = wait(back_at_9, wait_timeout=300, settling=['b'])
    assert summary['healthy'] == 2 and client.now >= 9
    err, client, _reader = wait(lambda now: [('a', 'healthy'), ('b', 'unhealthy')], wait_timeout=300, settling=['b'])
    assert isinstance(err, InputError) and 12 <= client.now < 24


def test_steady_waits_one_up_threshold_of_healthy_polls():
    """settle: delay 2 x up 2 = 4 s of healthy polls; healthy from the start, so the wait ends at the first poll 4 s
    or more after the first one, having read the monitors once."""
    (members, _summary), client, reader = wait(lambda now: [('a', 'healthy')], steady=True)
    assert members[0]['health'] == 'healthy' and 4 <= client.now < 6
    assert reader.reads >= 3  # one list call per poll, never one that ends the window early


def test_steady_starts_the_window_again_after_any_other_verdict():
    # Polls at 0, 1, 3, 5, 7, 9 s (pauses 1, then the monitor's delay 2): checking at 3 s restarts the window.
    (members, _summary), client, _reader = wait(lambda now: [('a', 'checking' if 2 <= now < 4 else 'healthy')],
                                                steady=True)
    assert members[0]['health'] == 'healthy' and client.now == pytest.approx(9)


def test_steady_counts_unmonitored_members_at_once_and_times_out_naming_the_window():
    (_members_read, _summary), client, _reader = wait(lambda now: [('a', 'unmonitored')], steady=True)
    assert client.now == 0
    err, client, _reader = wait(lambda now: [('a', 'unhealthy' if int(now) % 4 == 3 else 'healthy')], steady=True,
                                wait_timeout=20, fail_fast=False)
    assert "Timed out after 20 s waiting for 1 of 1 member(s) to be healthy (1 are) for their monitor's up " \
           "threshold" in str(err), str(err)
