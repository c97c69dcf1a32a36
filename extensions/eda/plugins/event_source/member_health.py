# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.member_health: an ansible-rulebook event source, one event per backend whose health changes.

A polling ("scraper") source: every ``interval`` seconds it reads the selected members the way
member_health_info does (``module_utils/_members.py``: one list call per poll and balancer, never one per
member) and puts an event on the queue for each member whose normalised health differs from the last poll.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading

DOCUMENTATION = r'''
---
short_description: Events when a load balancer backend's health changes
description:
  - An ansible-rulebook event source. It polls the backend members of dedicated (v3), shared (v2) or classic
    (v1) Huawei Cloud load balancers and emits one event per member whose normalised health (C(healthy),
    C(unhealthy), C(checking), C(unmonitored), C(unknown)) changed since the previous poll.
  - Each poll reads the members the way M(hwcloud.elb.member_health_info) does - one list call per poll and
    balancer (v3 - per 2,000 members of the project or balancer; v1 - per listener), never one per member.
  - "An event - C({hwcloud_elb: {member, previous, health, reason, pool, listener, loadbalancer, message},
    meta: {hosts: <the member's address>}}); C(member) is the record M(hwcloud.elb.member_health_info) returns."
  - API errors are retried with the collection's jittered backoff. A poll that still fails emits nothing and
    the source tries again later; credentials refused twice in a row (a fresh session in between) end the source,
    and with it the rulebook, with a message that names no secret.
version_added: 1.0.0
options:
  api_version:
    description: Which ELB family to read - C(v3) dedicated, C(v2) shared, C(v1) classic load balancers.
    type: str
    choices: [v1, v2, v3]
    default: v3
  loadbalancer:
    description: Only the members of this load balancer (name or id). An unknown balancer ends the source.
    type: str
    aliases: [loadbalancer_id]
  pool:
    description: Only the members of this pool (name or id); v3 and v2. Mutually exclusive with C(listener).
    type: str
    aliases: [pool_id]
  listener:
    description: Only the members of this classic listener (name or id); v1 only.
    type: str
    aliases: [listener_id]
  address:
    description: Only the members with these IP addresses.
    type: list
    elements: str
  instance_id:
    description: Only the members backed by these ECS instances; v3 and v1.
    type: list
    elements: str
  member:
    description: Only the member with this id or name.
    type: str
    aliases: [member_id]
  interval:
    description:
      - Seconds between polls. Defaults to the shortest C(delay) of the selected pools' (listeners') health
        monitors, and never less than C(min_interval).
      - Giving less than C(min_interval) fails.
    type: float
  min_interval:
    description:
      - The shortest C(interval) accepted, 5 seconds by default, which keeps a rulebook from hammering the API
        (the service does not decide health faster than its monitors' C(delay) anyway).
      - Lower it only against a test endpoint whose monitors run faster, such as the collection's emulator
        with C(probe_time_scale).
    type: float
    default: 5
  emit:
    description:
      - C(changes) - an event for each member whose health changed, and for a member that appears after the
        first poll (C(previous) null).
      - C(all) - the same, plus one event per member for the first poll (C(previous) null), a snapshot to
        start from.
    type: str
    choices: [changes, all]
    default: changes
  region:
    description: Huawei Cloud region, for example C(cn-north-4); builds the default endpoints. Env C(HW_REGION_NAME).
    type: str
  project_id:
    description: The project of the load balancers; looked up from C(region) when not set. Env C(HW_PROJECT_ID).
    type: str
  access_key:
    description: Access key ID for AK/SK signing. Env C(HW_ACCESS_KEY).
    type: str
  secret_key:
    description: Secret access key for AK/SK signing; never logged or put in an event. Env C(HW_SECRET_KEY).
    type: str
  security_token:
    description: Security token of temporary AK/SK credentials; never logged. Env C(HW_SECURITY_TOKEN).
    type: str
  auth_token:
    description: A ready IAM token; never logged. Env C(HW_AUTH_TOKEN).
    type: str
  user:
    description: IAM user name, exchanged with C(password) and C(user_domain) for a token. Env C(HW_USER_NAME).
    type: str
  password:
    description: Password of C(user); never logged. Env C(HW_USER_PASSWORD).
    type: str
  user_domain:
    description: Account (domain) name of C(user). Env C(HW_DOMAIN_NAME).
    type: str
  auth_url:
    description: IAM endpoint, default C(https://iam.<region>.<cloud>/v3). Env C(HW_AUTH_URL).
    type: str
  elb_endpoint:
    description: ELB endpoint, default C(https://elb.<region>.<cloud>). Env C(HW_ELB_ENDPOINT).
    type: str
  cloud:
    description: Domain suffix of the default endpoints, default C(myhuaweicloud.com). Env C(HW_CLOUD).
    type: str
  ca_path:
    description: A PEM bundle of the CAs to trust for the endpoints. Env C(HW_CA_BUNDLE).
    type: path
  validate_certs:
    description: Whether to verify TLS certificates; default true, unless C(HW_INSECURE) is true.
    type: bool
  api_timeout:
    description: Seconds to wait for one HTTP answer.
    type: float
    default: 30
  api_retries:
    description: How many times one call is retried on throttling, gateway errors and dropped connections. Env C(HW_MAX_RETRIES).
    type: int
notes:
  - The connection options mean what they mean for the modules (the C(hwcloud.elb.connection) fragment), with
    the same environment variables; the rulebook process needs ansible-core and requests (a decision
    environment built from docs/awx/decision-environment.yml has both).
  - The members are resolved once (balancer, pools or listeners); a 404 while polling resolves them again.
'''

EXAMPLES = r'''
- name: React when a backend of web-lb changes health
  hosts: all
  sources:
    - name: backend health
      hwcloud.elb.member_health:
        loadbalancer: web-lb
        pool: web-pool
  rules:
    - name: A backend failed its health check
      condition: event.hwcloud_elb.health == "unhealthy"
      action:
        run_playbook:
          name: hwcloud.elb.backend_unhealthy
'''

# ansible-rulebook runs this file by its path (runpy), not as part of the collection: when the collection's
# module_utils cannot be imported, make the directory holding ansible_collections/ importable (the file sits
# at ansible_collections/hwcloud/elb/extensions/eda/plugins/event_source/member_health.py).
try:
    import ansible_collections.hwcloud.elb.plugins.module_utils._members  # noqa: F401  pylint: disable=unused-import
except ImportError:
    sys.path.append(os.path.abspath(os.path.join(os.path.dirname(__file__), *(['..'] * 7))))

# pylint: disable=wrong-import-position
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_selection, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._auth import CredentialError
from ansible_collections.hwcloud.elb.plugins.module_utils._backoff import Backoff
from ansible_collections.hwcloud.elb.plugins.module_utils._client import REQUESTS_IMPORT_ERROR, ElbClient
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._member_health_module import member_argument_spec
from ansible_collections.hwcloud.elb.plugins.module_utils._module import _strict_type_validation

NAME = 'hwcloud.elb.member_health'
DEFAULT_MIN_INTERVAL = 5.0
MAX_INTERVAL = 86400.0
FAILED_POLL_CAP = 300.0  # the longest pause after failed polls in a row (the pause grows from interval)
AUTH_STATUSES = (401, 403)
CHANGES, ALL = 'changes', 'all'
# member_health_info's selection; its wait options make no sense for a source that never ends.
SELECTION_SPEC = dict((name, option) for name, option in member_argument_spec().items()
                      if name == 'api_version' or name in _member_selection.SELECTION_OPTIONS)
SOURCE_SPEC = dict(
    interval=dict(type='float'),
    min_interval=dict(type='float', default=DEFAULT_MIN_INTERVAL),
    emit=dict(type='str', choices=[CHANGES, ALL], default=CHANGES),
)
ARGUMENT_SPEC = dict(CONNECTION_ARGUMENT_SPEC, **SELECTION_SPEC, **SOURCE_SPEC)
# Arguments ansible-rulebook adds by itself.
RULEBOOK_ARGUMENTS = ('eda_feedback_queue',)

logger = logging.getLogger(NAME)


class SourceError(Exception):
    """Why the source stops: wrong arguments, or credentials the service keeps refusing. Names no secret."""


class _Stopped(Exception):
    """The source was cancelled while its worker thread slept between retries."""


def parse_arguments(args):
    """The validated arguments (defaults and HW_* fallbacks applied), or SourceError naming every problem."""
    given = dict((name, value) for name, value in (args or {}).items() if name not in RULEBOOK_ARGUMENTS)
    known = set(ARGUMENT_SPEC).union(*(option.get('aliases', ()) for option in ARGUMENT_SPEC.values()))
    unknown = sorted(set(given) - known)
    if unknown:
        raise SourceError('%s does not take %s; it takes %s.' % (NAME, ', '.join(unknown), ', '.join(sorted(known))))
    _strict_type_validation()  # the modules' checks: a boolean is not a number, no control characters
    result = ArgumentSpecValidator(ARGUMENT_SPEC).validate(given)
    problems = list(result.error_messages)
    params = result.validated_parameters
    if not problems:
        problems += ConnectionSettings(params).problems()
        problems += _member_selection.selection_problems(FAMILIES[params['api_version']], params)
        problems += interval_problems(params)
    if problems:
        # A type error may quote the value it could not convert: mask every secret given.
        text = ' '.join(problem.rstrip('.') + '.' for problem in problems)
        raise SourceError('%s: %s' % (NAME, remove_values(text, result._no_log_values)))  # pylint: disable=protected-access
    return params


def interval_problems(params):
    problems = []
    floor, interval = params['min_interval'], params.get('interval')
    if not 0 < floor <= MAX_INTERVAL:
        problems.append('min_interval is %r; it must be a number of seconds more than 0 and at most %d'
                        % (floor, MAX_INTERVAL))
    elif interval is not None and not floor <= interval <= MAX_INTERVAL:
        problems.append('interval is %r; it must be a number of seconds from min_interval (%s) to %d'
                        % (interval, floor, MAX_INTERVAL))
    return problems


def member_key(member):
    """One member in one pool (v1: listener): the same backend in two pools has two healths."""
    return member.get('id'), member.get('pool_id') or member.get('listener_id')


def make_event(member, previous):
    return dict(
        hwcloud_elb=dict(member=member, previous=previous, health=member['health'], reason=member.get('reason'),
                         pool=member.get('pool_name') or member.get('pool_id'),
                         listener=member.get('listener_name') or member.get('listener_id'),
                         loadbalancer=member.get('loadbalancer_id'), message=_members.describe(member)),
        meta=dict(hosts=member.get('address')),
    )


class MemberHealthSource:
    """The polls and the state between them. ``poll()`` blocks (requests) and runs in a worker thread."""

    def __init__(self, params):
        self.params = params
        self.family = FAMILIES[params['api_version']]
        self.selection = dict((name, params.get(name)) for name in _member_selection.SELECTION_OPTIONS)
        self.settings = ConnectionSettings(params)
        self.stopping = threading.Event()
        self.client = self._new_client()
        self.scope = None
        self.interval = params.get('interval')
        self.health = None  # member key -> health at the last poll; None before the first poll
        self.failed_polls = 0

    def _new_client(self):
        if REQUESTS_IMPORT_ERROR:
            raise SourceError('%s needs the Python library requests where ansible-rulebook runs.' % NAME)
        try:
            return ElbClient(self.settings, sleep=self._sleep)
        except CredentialError as err:
            raise SourceError('%s: %s' % (NAME, err)) from err

    def _sleep(self, seconds):
        """The client's pause between retries: ends early, and ends the poll, when the source is cancelled."""
        if self.stopping.wait(seconds):
            raise _Stopped()

    def close(self):
        self.stopping.set()
        self.client.session.close()

    def poll(self):
        """One poll: the events to emit, or None when the poll failed for a reason that may pass."""
        for attempt in (1, 2):
            try:
                if self.scope is None:
                    self._resolve()
                members = self.scope.read(self.client)
            except (CredentialError, InputError) as err:
                raise SourceError('%s: %s' % (NAME, err)) from err
            except ApiError as err:
                if err.status in AUTH_STATUSES:
                    if attempt == 2:
                        raise SourceError('%s stops: the service refused the credentials twice in a row, the second '
                                          'time from a fresh session: %s' % (NAME, err)) from err
                    # An expired token (password login) or a passing refusal: log in again and retry once.
                    self.client.session.close()
                    self.client = self._new_client()
                    continue
                if err.status == 404:
                    self.scope = None  # a balancer, pool or listener went away: resolve again next time
                self.failed_polls += 1
                logger.warning('%s: poll failed (%d in a row), trying again later: %s', NAME, self.failed_polls, err)
                return None
            self.failed_polls = 0
            return self._changes(members)
        return None  # not reached: the second attempt returns or raises

    def _resolve(self):
        self.scope = _member_selection.resolve(self.client, self.family, self.selection)
        if self.interval is None:
            delays = [delay for delay, _down in self.scope.monitor_timing(self.client).values()]
            self.interval = max(min(delays or [_members.DEFAULT_DELAY]), self.params['min_interval'])
            logger.info('%s: polling every %s s (the shortest monitor delay)', NAME, self.interval)

    def _changes(self, members):
        first = self.health is None
        previous = self.health or {}
        events = []
        for member in members:
            before = previous.get(member_key(member))
            if first:
                if self.params['emit'] == ALL:
                    events.append(make_event(member, None))
            elif before != member['health']:  # changed, or appeared since the last poll (before None)
                events.append(make_event(member, before))
        self.health = dict((member_key(member), member['health']) for member in members)
        return events

    def pause(self):
        """Seconds until the next poll: the interval, or after failed polls in a row the shared backoff from it."""
        interval = self.interval or self.params['min_interval']
        if not self.failed_polls:
            return interval
        backoff = Backoff(base=interval, cap=max(interval, FAILED_POLL_CAP))
        return max(interval, backoff.delay(min(self.failed_polls - 1, 30)))  # 2**30 steps: far past the cap


async def main(queue, args):
    """ansible-rulebook's entry point: poll until cancelled; end with an error the rulebook logs."""
    source = MemberHealthSource(parse_arguments(args))
    try:
        while True:
            events = await asyncio.to_thread(source.poll)
            for event in events or ():
                await queue.put(event)
                await asyncio.sleep(0)  # let the rule engine take it
            await asyncio.sleep(source.pause())
    finally:
        # On cancellation too: wake the worker thread from any retry pause and close the HTTP session.
        source.close()


if __name__ == '__main__':
    # Standalone: HW_* variables for the connection, the arguments as JSON, events printed.
    import json

    class PrintQueue:
        async def put(self, event):
            print(json.dumps(event, sort_keys=True))

    asyncio.run(main(PrintQueue(), json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}))
