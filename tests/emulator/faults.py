# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection rules and the rate limiter.

A rule (``POST /_emulator/faults``) matches a request by method (omitted: any)
and a regular expression searched in the path without the query string.
Rules are checked in the order they were added; the first live match fires.
``times`` (omitted or null: unlimited) counts how often a rule may still
fire; an exhausted rule is removed. ``probability`` (0-1, default 1) is the share
of matching requests a rule hits, drawn from a generator ``POST /_emulator/config
{"seed": N}`` seeds, so a soak test is repeatable.
"""

from __future__ import annotations

import collections
import random
import re
import threading
import time

from .common import (DEFAULT_CODES, FAMILY_GATEWAY, GATEWAY_5XX_CODES, ApiError, Response,
                     error_body)

RULE_KEYS = {"method", "path", "status", "times", "delay_s", "drop", "after_apply", "retry_after", "error_code", "error_msg",
             "probability"}


class FaultRule:
    """One validated rule."""

    def __init__(self, spec, seq):
        if not isinstance(spec, dict):
            raise ApiError(400, "EMU.0001", "each rule must be a JSON object")
        unknown = set(spec) - RULE_KEYS
        if unknown:
            raise ApiError(400, "EMU.0001", "unknown rule keys: %s" % ", ".join(sorted(unknown)))
        self.seq = seq
        method = spec.get("method")
        if method is not None and not isinstance(method, str):
            raise ApiError(400, "EMU.0001", "method must be a string")
        self.method = method.upper() if method else None
        path = spec.get("path", "")
        if not isinstance(path, str):
            raise ApiError(400, "EMU.0001", "path must be a regular expression string")
        try:
            self.regex = re.compile(path)
        except re.error as exc:
            raise ApiError(400, "EMU.0001", "path is not a valid regular expression: %s" % exc) from None
        self.path = path
        self.status = spec.get("status")
        if self.status is not None and (isinstance(self.status, bool) or not isinstance(self.status, int) or not 100 <= self.status <= 599):
            raise ApiError(400, "EMU.0001", "status must be an HTTP status code")
        self.times = spec.get("times")
        if self.times is not None and (isinstance(self.times, bool) or not isinstance(self.times, int) or self.times < 0):
            raise ApiError(400, "EMU.0001", "times must be a non-negative integer or null")
        self.delay_s = spec.get("delay_s") or 0
        if isinstance(self.delay_s, bool) or not isinstance(self.delay_s, (int, float)) or self.delay_s < 0:
            raise ApiError(400, "EMU.0001", "delay_s must be a non-negative number")
        self.drop = bool(spec.get("drop", False))
        self.after_apply = bool(spec.get("after_apply", False))
        self.retry_after = spec.get("retry_after")
        if self.retry_after is not None and (isinstance(self.retry_after, bool) or not isinstance(self.retry_after, (int, float))):
            raise ApiError(400, "EMU.0001", "retry_after must be a number of seconds")
        self.probability = spec.get("probability", 1)
        if isinstance(self.probability, bool) or not isinstance(self.probability, (int, float)) or not 0 <= self.probability <= 1:
            raise ApiError(400, "EMU.0001", "probability must be a number from 0 to 1")
        self.error_code = spec.get("error_code")
        self.error_msg = spec.get("error_msg")
        self.fired = 0

    def matches(self, method, path):
        """True if the rule applies to this request."""
        if self.method is not None and self.method != method:
            return False
        return self.regex.search(path) is not None

    def as_dict(self):
        """The rule as listed by ``GET /_emulator/faults`` (``times`` is what is left)."""
        return {
            "id": self.seq,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "times": self.times,
            "delay_s": self.delay_s,
            "drop": self.drop,
            "after_apply": self.after_apply,
            "retry_after": self.retry_after,
            "error_code": self.error_code,
            "error_msg": self.error_msg,
            "probability": self.probability,
            "fired": self.fired,
        }

    def response(self, family, request_id):
        """The error answer this rule gives (status set)."""
        status = self.status
        if status == 429:
            code = "APIGW.0308"
            message = "The throttling threshold has been reached: policy user over ratelimit, limit:0, time:1 second"
            family = FAMILY_GATEWAY
        elif status >= 500:
            code, message = GATEWAY_5XX_CODES.get(status, ("APIGW.0%d" % status, "Service error."))
            family = FAMILY_GATEWAY
        else:
            code, message = DEFAULT_CODES.get(status, ("ELB.8902", "Injected error."))
        code = self.error_code or code
        message = self.error_msg or message
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(int(self.retry_after) if float(self.retry_after).is_integer() else self.retry_after)
        return Response(status, error_body(family, status, code, message, request_id), headers)


class Faults:
    """The ordered, thread-safe list of rules."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._seq = 0
        self._random = random.Random()

    def seed(self, value):
        """Seed the draws of rules with a ``probability`` (a repeatable soak)."""
        with self._lock:
            self._random.seed(value)

    def add(self, specs):
        """Validate and append rules (all or none)."""
        with self._lock:
            new = []
            seq = self._seq
            for spec in specs:
                seq += 1
                new.append(FaultRule(spec, seq))
            self._seq = seq
            self._rules.extend(new)

    def clear(self):
        """Remove every rule."""
        with self._lock:
            self._rules = []

    def list(self):
        """The live rules, as dicts."""
        with self._lock:
            return [r.as_dict() for r in self._rules]

    def take(self, method, path):
        """The first live rule matching the request, consuming one of its ``times``."""
        with self._lock:
            if not self._rules:
                return None
            for rule in self._rules:
                if rule.times == 0 or not rule.matches(method, path):
                    continue
                if rule.probability < 1 and self._random.random() >= rule.probability:
                    continue  # this request is spared by this rule; a later rule may still hit it
                rule.fired += 1
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times == 0:
                        self._rules.remove(rule)
                return rule
        return None


class RateLimiter:
    """At most ``limit`` accepted requests in any sliding second (0/None: no limit)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._stamps = collections.deque()

    def reset(self):
        """Forget past requests."""
        with self._lock:
            self._stamps.clear()

    def allow(self, limit):
        """Record a request; False if it is over the limit."""
        if not limit:
            return True
        current = time.monotonic()
        with self._lock:
            while self._stamps and current - self._stamps[0] >= 1.0:
                self._stamps.popleft()
            if len(self._stamps) >= limit:
                return False
            self._stamps.append(current)
            return True


def throttled_response(limit, request_id):
    """The 429 APIGW.0308 answer of the rate limiter."""
    message = "The throttling threshold has been reached: policy user over ratelimit, limit:%s, time:1 second" % limit
    return Response(429, error_body(FAMILY_GATEWAY, 429, "APIGW.0308", message, request_id), {"Retry-After": "1"})
