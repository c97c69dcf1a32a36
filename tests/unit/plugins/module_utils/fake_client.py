# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake clock (FakeTime), and a client that only keeps time: its backoff policy sleeps on that clock (the pauses at
their upper bound)."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._backoff import Backoff


class FakeTime:
    """A fake monotonic clock that only its sleeps move forward; records each sleep."""

    def __init__(self, now=0.0):
        self.now = now
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class FakeClient(FakeTime):
    def backoff(self, deadline=None, budget=None, base=0.5, cap=20.0):
        return Backoff(base=base, cap=cap, budget=budget, deadline=deadline, sleep=self.sleep, clock=self.clock,
                       rand=lambda: 1.0)
