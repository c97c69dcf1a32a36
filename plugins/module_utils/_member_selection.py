# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which members a task selects: the selection options and their checks (before any call), ``min_healthy``,
and resolving a selection to the ``Scope`` its family's reader (``_members.py``) reads. Used by the member
modules, the inventory plugin and the event source."""

from __future__ import annotations

import math
import re

from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._members import HEALTHY, summary_of

# The options that select members, in every family that has them (argument spec: member_argument_spec).
SELECTION_OPTIONS = ('loadbalancer', 'pool', 'listener', 'address', 'instance_id', 'member')
MIN_HEALTHY = re.compile(r'(\d{1,9})(%?)')


def parse_min_healthy(value):
    """``None`` (all), ``(count, False)`` or ``(percent, True)``; InputError for anything else."""
    if value is None:
        return None
    text = str(value).strip()
    found = MIN_HEALTHY.fullmatch(text)
    if not found:
        raise InputError('min_healthy is %r; give a number of members (for example 2) or a percentage of the '
                         'selected members (for example "50%%").' % (value,))
    number, percent = int(found.group(1)), bool(found.group(2))
    if percent and number > 100:
        raise InputError('min_healthy is %r; a percentage must be from 0%% to 100%%.' % (value,))
    return number, percent


def needed(min_healthy, total):
    """How many of ``total`` members must be healthy."""
    if min_healthy is None:
        return total
    number, percent = min_healthy
    return int(math.ceil(total * number / 100.0)) if percent else number


def selection_problems(family, params):
    """What is wrong with the selection options for this family, before any call (a list of sentences)."""
    reader = family.members
    problems = []
    given = [name for name in SELECTION_OPTIONS if params.get(name) not in (None, [], '')]
    if params.get('pool') and params.get('listener'):
        problems.append('pool and listener are mutually exclusive: %s members belong to a %s, give only %s.' % (
            family.name, reader.parent_option, reader.parent_option))
    wrong = [name for name in given if name not in reader.options and not (
        name in ('pool', 'listener') and params.get('pool') and params.get('listener'))]
    if wrong:
        problems.append('%s cannot select %s members; with api_version %s use %s.' % (
            ', '.join(wrong), family.name, family.name, ', '.join(reader.options)))
    wait_for = params.get('wait_for')
    try:
        min_healthy = parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    else:
        if min_healthy is not None and wait_for != HEALTHY:
            problems.append('min_healthy is %r; it applies only with wait_for: healthy.' % (params['min_healthy'],))
    return problems


def check_selection(family, params):
    """InputError naming every problem of the selection options, before any call."""
    if family.members is None:
        raise InputError('api_version %s has no backend members to read.' % family.name)
    problems = selection_problems(family, params)
    if problems:
        raise InputError(' '.join(problems))


def resolve(client, family, selection):
    """The members ``selection`` names (the options of SELECTION_OPTIONS), resolved once: a Scope to read."""
    params = dict((name, selection.get(name)) for name in SELECTION_OPTIONS)
    params.update((name, selection.get(name)) for name in ('wait_for', 'min_healthy', 'protocol_port', 'unique_pool'))
    check_selection(family, params)
    return family.members.resolve(client, family, params)


def read_health(client, family, selection):
    """The selected members with their health: ``(members, summary)``. An unknown balancer, pool or listener
    fails (InputError); a selection matching no member gives an empty list."""
    members = resolve(client, family, selection).read(client)
    return members, summary_of(members)


def selection_text(params):
    """The selection options given, for a message (``pool web, address ['10.0.0.1']``)."""
    return ', '.join('%s %s' % (name, params[name]) for name in SELECTION_OPTIONS if params.get(name)) or 'all members'
