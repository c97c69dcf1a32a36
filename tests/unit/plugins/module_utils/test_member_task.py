# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the member tasks share, without a service: min_healthy over a pool (shortfalls) and the drain wait."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_selection, _member_task

from .fake_client import FakeClient


POOL = dict(id='p1', name='web', connection_drain=dict(enable=True, timeout=30))


@pytest.mark.parametrize('pools, drain_timeout, seconds', [
    ([POOL], None, 30), ([POOL], 2, 2), ([POOL], 0, 0), ([dict(POOL, connection_drain=dict(enable=False, timeout=9))], None, 0),
    ([POOL, dict(id='p2', connection_drain=dict(enable=True, timeout=60))], None, 60), ([{}], None, 0)])
def test_drain_seconds(pools, drain_timeout, seconds):
    assert _member_task.drain_seconds(pools, drain_timeout) == seconds


def test_the_drain_wait_lasts_its_seconds_on_the_clock():
    client = FakeClient()
    _member_task.wait_for_drain(client, 12)
    assert 12 <= client.now < 18
    _member_task.wait_for_drain(client, 0)
    assert client.now < 18


def member(ident, pool='p1', weight=5, health='healthy', address='10.0.0.1', port=80):
    return dict(id=ident, pool_id=pool, pool_name='pool-' + pool, weight=weight, health=health, address=address,
                protocol_port=port)


@pytest.mark.parametrize('min_healthy', ['1', '1%', '50%', '100%'])
def test_a_percentage_or_a_count_protects_the_last_member(min_healthy):
    """Issue 26 item 5: a percentage is of the whole pool, so it never rounds the last member away."""
    only = member('a')
    short = _member_task.shortfalls([only], [only], _member_selection.parse_min_healthy(min_healthy), ['p1'])
    assert [(s['pool'], s['members'], s['serving'], s['needed'], s['room']) for s in short] == [
        ('pool-p1', 1, 0, 1, 0)]


@pytest.mark.parametrize('min_healthy, leaving, refused', [
    ('1', 'a', False), ('1', 'ab', True), ('50%', 'a', False), ('100%', 'a', True), ('0', 'ab', False)])
def test_what_a_batch_may_drain(min_healthy, leaving, refused):
    pool = [member('a'), member('b')]
    going = [m for m in pool if m['id'] in leaving]
    assert bool(_member_task.shortfalls(pool, going, _member_selection.parse_min_healthy(min_healthy), ['p1'])) is refused


def test_unmonitored_members_count_as_serving_and_drained_or_unhealthy_ones_do_not():
    pool = [member('a'), member('b', health='unmonitored'), member('c', weight=0), member('d', health='unhealthy')]
    short = _member_task.shortfalls(pool, pool[:1], (2, False), ['p1'])
    assert [(s['serving'], s['needed'], s['room']) for s in short] == [(1, 2, 0)]
    assert not _member_task.shortfalls(pool, pool[:1], (1, False), ['p1'])
