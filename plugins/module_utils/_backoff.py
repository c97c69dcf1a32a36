# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one backoff and poll policy of the collection: every retry loop and every wait uses it.

Retries (a throttled or dropped call, a create whose answer was lost) count attempts; polls (a busy
balancer, a member's health) count time. Both sleep an exponentially growing, jittered pause, so many
forks that failed together do not come back together. Clock, sleep and randomness are injectable, so a
test runs any schedule in no time.
"""

from __future__ import annotations

import random
import time


class Backoff:
    """Exponential backoff with equal jitter: the n-th pause is half of ``min(cap, base * 2**n)`` fixed and half
    random. ``deadline`` (seconds) bounds a poll; ``budget`` (attempts) bounds a retry loop."""

    def __init__(self, base=0.5, cap=20.0, budget=None, deadline=None, sleep=time.sleep, clock=time.monotonic,
                 rand=random.random):
        self.base = base
        self.cap = cap
        self.budget = budget
        self.sleep = sleep
        self.clock = clock
        self.rand = rand
        self.attempt = 0
        self.ends = None if deadline is None else clock() + max(deadline, 0)

    def delay(self, attempt=None):
        step = min(self.cap, self.base * (2 ** (self.attempt if attempt is None else attempt)))
        return step / 2 + self.rand() * step / 2

    def remaining(self):
        return None if self.ends is None else max(self.ends - self.clock(), 0.0)

    def exhausted(self):
        """True when no further try is allowed: the attempt budget is spent or the deadline has passed."""
        if self.budget is not None and self.attempt >= self.budget:
            return True
        return self.ends is not None and self.clock() >= self.ends

    def pause(self, at_least=None):
        """Sleep before the next try: the jittered step, or a server's ``Retry-After`` plus the jittered step
        (the server's minimum is kept, and forks throttled together spread out). Never past the deadline."""
        seconds = self.delay() + (at_least or 0.0)
        left = self.remaining()
        if left is not None:
            seconds = min(seconds, left)
        self.attempt += 1
        if seconds > 0:
            self.sleep(seconds)

    def poll(self, probe):
        """Call ``probe()`` until it returns something other than None, pausing between calls; return that value,
        or None once the deadline has passed (``probe`` ran one last time at the deadline)."""
        while True:
            value = probe()
            if value is not None:
                return value
            if self.exhausted():
                return None
            self.pause()
