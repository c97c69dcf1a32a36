# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one backoff and poll policy: growth, jitter, cap, Retry-After, attempt budget and deadline."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._backoff import Backoff

from .fake_client import FakeTime


def policy(rand=0.0, **kwargs):
    fake = FakeTime(now=100.0)
    return Backoff(sleep=fake.sleep, clock=fake.clock, rand=lambda: rand, **kwargs), fake


def test_steps_double_with_equal_jitter_up_to_the_cap():
    low = policy(rand=0.0, base=0.5, cap=4.0)[0]
    high = policy(rand=1.0, base=0.5, cap=4.0)[0]
    assert [low.delay(n) for n in range(5)] == [0.25, 0.5, 1.0, 2.0, 2.0]
    assert [high.delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_pause_sleeps_the_step_and_counts_the_attempt():
    retry, fake = policy(rand=0.5, base=1.0, cap=10.0, budget=2)
    assert not retry.exhausted()
    retry.pause()
    retry.pause()
    assert fake.sleeps == [0.75, 1.5] and retry.attempt == 2 and retry.exhausted()


def test_retry_after_is_a_minimum_with_jitter_on_top():
    """Forks throttled together must not come back in lockstep: each adds its own jittered step."""
    early, fake_early = policy(rand=0.0, base=0.5)
    late, fake_late = policy(rand=1.0, base=0.5)
    early.pause(at_least=3.0)
    late.pause(at_least=3.0)
    assert fake_early.sleeps == [3.25] and fake_late.sleeps == [3.5]


def test_poll_returns_the_first_answer_and_never_sleeps_past_the_deadline():
    answers = iter([None, None, 'ACTIVE'])
    waiter, fake = policy(rand=1.0, base=2.0, cap=10.0, deadline=60)
    assert waiter.poll(lambda: next(answers)) == 'ACTIVE'
    assert fake.sleeps == [2.0, 4.0]

    never, fake = policy(rand=1.0, base=2.0, cap=10.0, deadline=5)
    calls = []
    assert never.poll(lambda: calls.append(1)) is None
    assert fake.sleeps == [2.0, 3.0]                           # the second pause (4 s) is cut to the deadline
    assert len(calls) == len(fake.sleeps) + 1                  # one last look at the deadline


def test_no_deadline_and_no_budget_never_exhausts():
    retry = policy()[0]
    for _attempt in range(50):
        retry.pause()
    assert not retry.exhausted() and retry.remaining() is None
