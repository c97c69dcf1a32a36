# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of the member module: its options (with their bounds), their checks before any call, and run() -
a pool's members on v3 and v2 (``_member_pool.py``), a listener's classic backends on v1
(``_member_classic.py``), chosen by the family's member write path."""

from __future__ import annotations

import ipaddress

from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._instance_members import instance_problems
from ansible_collections.hwcloud.elb.plugins.module_utils._member_classic import ClassicMember
from ansible_collections.hwcloud.elb.plugins.module_utils._member_pool import (
    ABSENT, DISABLED, ENABLED, HEALTHY, NO_WAIT, PRESENT, STATES, Member, wanted_members)
from ansible_collections.hwcloud.elb.plugins.module_utils._member_selection import parse_min_healthy
from ansible_collections.hwcloud.elb.plugins.module_utils._member_task import (
    MAX_DRAIN_TIMEOUT, MAX_WEIGHT, PORTS, diagnose_problems, identity, location_spec, run_member_task_module)
from ansible_collections.hwcloud.elb.plugins.module_utils._module import WAIT_BOUNDS

MAX_NAME, MAX_SUBNET = 255, 36  # the API's lengths of a member name and a subnet id
MAX_SERVER_ID = 64  # ★ the emulator's limit
# A member's weight may be 0 here (registered, no traffic); member_traffic's restore weight starts at 1.
BOUNDS = dict(WAIT_BOUNDS, weight=(0, MAX_WEIGHT), drain_timeout=(0, MAX_DRAIN_TIMEOUT),
              protocol_port=PORTS)
# What v3/v2 members have and classic backends do not (the port is the listener's backend_port).
NOT_CLASSIC = ('pool', 'protocol_port', 'name', 'weight', 'admin_state_up', 'subnet', 'members', 'drain_timeout',
               'instance_id')

MEMBER_OPTIONS = dict(
    address=dict(type='str', required=True),
    protocol_port=dict(type='int', required=True),
    name=dict(type='str'),
    weight=dict(type='int'),
    admin_state_up=dict(type='bool'),
    subnet=dict(type='str'),
)


def argument_spec():
    return dict(
        location_spec(),
        name=dict(type='str'),
        weight=dict(type='int'),
        admin_state_up=dict(type='bool'),
        subnet=dict(type='str', aliases=['subnet_cidr_id', 'subnet_id']),
        listener=dict(type='str', aliases=['listener_id']),
        server_id=dict(type='str'),
        instance_id=dict(type='str'),
        members=dict(type='list', elements='dict', options=MEMBER_OPTIONS),
        state=dict(type='str', choices=list(STATES), default=PRESENT),
        wait=dict(type='bool', default=True),
        wait_for=dict(type='str', choices=[HEALTHY, NO_WAIT], default=HEALTHY),
        min_healthy=dict(type='str'),
        drain_timeout=dict(type='int'),
        wait_timeout=dict(type='int', default=300),
        fail_fast=dict(type='bool', default=True),
        diagnose=dict(type='bool', default=False),
    )


def input_problems(family, params):
    """Everything wrong with the options, before any call (a list of sentences)."""
    problems = classic_problems(params) if family.member_path is None else pool_problems(family, params)
    waits = params['wait'] and params['wait_for'] == HEALTHY and params['state'] in (PRESENT, ENABLED)
    return problems + diagnose_problems(family, params, waits, 'state: present or enabled, wait: true and '
                                        'wait_for: healthy')


def pool_problems(family, params):
    """Everything wrong with the options of a v3 or v2 task."""
    problems = []
    state = params['state']
    classic_only = [name for name in ('listener', 'server_id') if params.get(name) is not None]
    if classic_only:
        problems.append('%s applies only with api_version v1 (classic); api_version %s members belong to a pool.' % (
            ' and '.join(classic_only), family.name))
    if not params.get('pool'):
        problems.append('pool is required: the pool (name or id) the member belongs to.')
    listed = params.get('members') is not None
    single = [name for name in ('address', 'protocol_port', 'name') if params.get(name) is not None]
    if listed and single:
        problems.append('%s and members are mutually exclusive: give each member in members.' % ', '.join(single))
    elif listed and not params['members']:
        problems.append('members is an empty list; name at least one member (address and protocol_port).')
    elif not listed and not params.get('instance_id') and not (params.get('address') and params.get('protocol_port') is not None):
        problems.append('Name the member: address and protocol_port (or a members list).')
    settable = ('name', 'weight', 'admin_state_up', 'subnet')
    fields = [name for name in settable if params.get(name) is not None]
    fields += sorted(set(name for item in params.get('members') or [] for name in settable
                         if item.get(name) is not None and name not in fields))
    if fields and state != PRESENT:
        problems.append('%s applies only with state: present (state %s %s).' % (
            ', '.join(fields), state, 'deletes the member' if state == ABSENT else 'sets admin_state_up only'))
    drain_only = [name for name in ('min_healthy', 'drain_timeout') if params.get(name) is not None]
    if drain_only and state not in (ABSENT, DISABLED):
        problems.append('%s applies only with state: absent or disabled.' % ' and '.join(drain_only))
    try:
        parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    problems += instance_problems(family, params)
    seen = set()
    for index, item in enumerate(wanted_members(params) if not problems else []):
        where = 'members[%d].' % index if listed else ''
        try:
            if item['address'] is not None:  # only instance_id may leave it out
                ipaddress.ip_address(str(item['address']).strip())
        except ValueError:
            problems.append('%saddress is %r; it must be an IPv4 or IPv6 address.' % (where, item['address']))
        if item['protocol_port'] is not None and not 1 <= item['protocol_port'] <= 65535:
            problems.append('%sprotocol_port is %r; it must be a whole number from 1 to 65535.' % (
                where, item['protocol_port']))
        if item.get('weight') is not None and not 0 <= item['weight'] <= MAX_WEIGHT:
            problems.append('%sweight is %r; it must be a whole number from 0 (registered, no new traffic) to %d.'
                            % (where, item['weight'], MAX_WEIGHT))
        for name, longest in (('name', MAX_NAME), ('subnet', MAX_SUBNET)):
            if item.get(name) is not None and len(item[name]) > longest:
                problems.append('%s%s is %d characters long; at most %d are allowed.' % (
                    where, name, len(item[name]), longest))
        if identity(item) in seen:
            problems.append('%saddress %s and protocol_port %s name a member given before; each member once.' % (
                where, item['address'], item['protocol_port']))
        seen.add(identity(item))
    return problems


def classic_problems(params):
    """Everything wrong with the options of a classic (v1) task, before any call."""
    problems = []
    state = params['state']
    if state in (ENABLED, DISABLED):
        problems.append('state %s: classic (v1) backends have no admin state or weight; use state: present or '
                        'absent (absent removes the backend at once - classic has no drain).' % state)
    if not params.get('listener'):
        problems.append('listener is required with api_version v1: the listener (name or id) the backend belongs to.')
    wrong = [name for name in NOT_CLASSIC if params.get(name) is not None]
    if wrong:
        problems.append('%s cannot be used with api_version v1: a classic backend is a listener, an address and a '
                        'server_id, and takes the listener\'s backend_port.' % ', '.join(wrong))
    address = params.get('address')
    if not address:
        problems.append('address is required: the backend ECS\'s private IP address.')
    else:
        try:
            ipaddress.ip_address(str(address).strip())
        except ValueError:
            problems.append('address is %r; it must be an IPv4 or IPv6 address.' % address)
    server_id = params.get('server_id')
    if state == PRESENT and not server_id:
        problems.append('server_id is required with api_version v1 and state: present: the id of the ECS behind '
                        'address (the classic API adds a backend by both).')
    elif server_id is not None and state != PRESENT:
        problems.append('server_id applies only with state: present.')
    elif server_id and len(server_id) > MAX_SERVER_ID:
        problems.append('server_id is %d characters long; at most %d are allowed.' % (len(server_id), MAX_SERVER_ID))
    if params.get('min_healthy') is not None and state != ABSENT:
        problems.append('min_healthy applies only with state: absent.')
    try:
        parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    return problems


def run_member_module(**module_kwargs):
    run_member_task_module(argument_spec(), BOUNDS, input_problems,
                           lambda family: Member if family.member_path else ClassicMember, module_kwargs)
