# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wait for member health, the same in every family: it polls a resolved ``Scope`` (``_members.py``) with
one list call per balancer (v1: per listener), never one per member, through the client's shared backoff.
Used by member_health_info/_facts, member_traffic and the member module."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._member_selection import (
    needed, parse_min_healthy, resolve, selection_text)
from ansible_collections.hwcloud.elb.plugins.module_utils._members import (
    CHECKING, DEFAULT_DELAY, DEFAULT_DOWN, DEFAULT_UP, HEALTHY, SERVING_HEALTH, UNHEALTHY, UNMONITORED, describe,
    summary_of)

WAIT_STATES = (HEALTHY, UNHEALTHY, 'decided')  # what wait_for takes; decided: no member checking any more


class WaitFailed(InputError):
    """A wait that ended without what it waited for: the message, and the members and summary as last read."""

    def __init__(self, message, members):
        super().__init__(message)
        self.members = members
        self.summary = summary_of(members)


def wait_for_health(client, family, selection, wait_for=HEALTHY, min_healthy=None, wait_timeout=300,
                    fail_fast=True, scope=None, settling=(), steady=False, seen=None):
    """Poll the selected members until ``wait_for`` holds; return ``(members, summary)`` as last read.

    ``wait_for`` healthy: at least ``min_healthy`` members (a count, or "N%" of the selected ones; default all)
    are healthy or unmonitored (no monitor: the balancer sends them traffic). unhealthy: every selected member is
    unhealthy. Each poll is one list call per balancer (v1: per listener); the pause starts at 1 s and, once the
    monitors are read (the first time a member is unhealthy: one list call), follows their interval (``delay``)
    through the shared backoff. With ``fail_fast`` (healthy only), a member that stays unhealthy for its monitor's
    down threshold (``delay`` x ``max_retries_down``; twice that for the member ids in ``settling``, members just
    put back from weight 0 that v2 shows OFFLINE until checked again) ends the wait as soon as the others can no
    longer make up ``min_healthy``. ``scope``: an already resolved Scope (no second lookup of the selection).
    ``steady`` (member_traffic's settle): a healthy member counts only once every poll for its monitor's up threshold
    (``delay`` x ``max_retries``) has found it healthy - any other verdict starts its window again - so a backend
    restarted faster than the down threshold is proven up, not just never marked down. Unmonitored members count
    at once. The monitors are then read on the first poll, and the polls follow their interval from the start.
    ``seen``: the selected members as the caller has just read them, taken as the first poll (one list call fewer).
    Raises WaitFailed (an InputError with the members) naming each member that is not as wanted, with its reason.
    """
    if wait_for not in WAIT_STATES:
        raise InputError('wait_for is %r; it must be one of %s.' % (wait_for, ', '.join(WAIT_STATES)))
    if wait_for == 'decided':
        return wait_until_decided(client, family, selection, wait_timeout)
    if wait_timeout is None or wait_timeout < 0:
        raise InputError('wait_timeout is %r; it must be a number of seconds, 0 or more.' % (wait_timeout,))
    if scope is None:
        scope = resolve(client, family, dict(selection, wait_for=wait_for, min_healthy=min_healthy))
    minimum = parse_min_healthy(min_healthy)
    backoff = client.backoff(deadline=wait_timeout, base=1.0, cap=float(DEFAULT_DELAY))
    first_unhealthy = {}  # member id -> when it was first seen unhealthy (reset when it is not)
    healthy_since = {}  # steady: member id -> when it was first seen healthy (reset when it is not)
    outcome = {'seen': seen}

    def probe():
        members = outcome.pop('seen', None) or scope.read(client)
        outcome['members'] = members
        if not members:
            raise WaitFailed('No member matches the selection (%s): there is nothing to wait for.' % selection_text(
                scope.params), members)
        if wait_for == UNHEALTHY:
            return True if all(member['health'] == UNHEALTHY for member in members) else None
        want = needed(minimum, len(members))
        if want > len(members):
            raise WaitFailed('min_healthy is %r, but only %d member(s) match the selection.' % (
                min_healthy, len(members)), members)
        now = client.clock()
        serving = [member for member in members if member['health'] in SERVING_HEALTH]
        if steady:
            for member in members:
                if member['health'] != HEALTHY:
                    healthy_since.pop(member['id'], None)  # unhealthy or checking: the window starts again
            serving = [member for member in serving if steady_for(member, now)]
        if len(serving) >= want:
            return True
        stuck = []
        for member in members:
            if member['health'] != UNHEALTHY:
                first_unhealthy.pop(member['id'], None)
                continue
            since = first_unhealthy.setdefault(member['id'], now)
            delay, down, _up = timing_of(member)
            if now - since >= delay * down * (2 if member['id'] in settling else 1):
                stuck.append(member)
        if fail_fast and stuck and len(members) - len(stuck) < want:
            raise WaitFailed('Gave up waiting for %d of %d member(s) to be healthy: %d stayed unhealthy for their '
                             "monitor's down threshold: %s." % (want, len(members), len(stuck),
                                                                '; '.join(describe(m) for m in stuck)), members)
        return None

    def timing_of(member):
        timing = scope.monitor_timing(client)  # read once, when first needed
        # Poll at most every monitor interval (the shortest of the parents').
        backoff.cap = float(min([delay for delay, _down, _up in timing.values()] or [DEFAULT_DELAY]))
        return timing.get(member.get('pool_id') or member.get('listener_id'), (DEFAULT_DELAY, DEFAULT_DOWN, DEFAULT_UP))

    def steady_for(member, now):
        """Whether a serving member has been seen healthy for its monitor's whole up threshold."""
        if member['health'] == UNMONITORED:
            return True
        delay, _down, up = timing_of(member)
        return now - healthy_since.setdefault(member['id'], now) >= delay * up

    if backoff.poll(probe) is None:
        members = outcome.get('members') or []
        if wait_for == HEALTHY:
            wrong = [member for member in members if member['health'] not in SERVING_HEALTH]
            goal = '%d of %d member(s) to be healthy (%d are)' % (needed(minimum, len(members)), len(members),
                                                                  len(members) - len(wrong))
            if steady:
                goal += " for their monitor's up threshold (delay x max_retries) without a break"
                wrong = wrong or members
        else:
            wrong = [member for member in members if member['health'] != UNHEALTHY]
            goal = 'all %d member(s) to be unhealthy' % len(members)
        raise WaitFailed('Timed out after %s s waiting for %s: %s.' % (
            wait_timeout, goal, '; '.join(describe(m) for m in wrong)), members)
    members = outcome['members']
    return members, summary_of(members)


def wait_until_decided(client, family, selection, wait_timeout=300):
    """Poll until the health check has decided on every selected member (none is ``checking``): the state to read
    before judging a pool, for example right after members were added. Returns ``(members, summary)``."""
    scope = resolve(client, family, selection)
    backoff = client.backoff(deadline=wait_timeout, base=1.0, cap=float(DEFAULT_DELAY))
    outcome = {}

    def probe():
        outcome['members'] = scope.read(client)
        return None if any(member['health'] == CHECKING for member in outcome['members']) else True

    if backoff.poll(probe) is None:
        checking = [member for member in outcome.get('members') or [] if member['health'] == CHECKING]
        raise WaitFailed('Timed out after %s s waiting for the health check to decide on %d member(s): %s.' % (
            wait_timeout, len(checking), '; '.join(describe(member) for member in checking)), outcome.get('members') or [])
    return outcome['members'], summary_of(outcome['members'])
