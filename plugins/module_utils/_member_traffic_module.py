# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of member_traffic: its options (with their bounds), their checks before any call, and run() - the
drain or restore of ``_member_traffic.py``."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._member_selection import parse_min_healthy, selection_problems
from ansible_collections.hwcloud.elb.plugins.module_utils._member_task import (
    MAX_DRAIN_TIMEOUT, MAX_WEIGHT, PORTS, diagnose_problems, location_spec, run_member_task_module)
from ansible_collections.hwcloud.elb.plugins.module_utils._member_traffic import (
    DRAINED, SERVING, MemberTraffic, selection, weight_value)
from ansible_collections.hwcloud.elb.plugins.module_utils._module import WAIT_BOUNDS

# The weight to restore starts at 1: weight 0 is what state: drained writes.
BOUNDS = dict(WAIT_BOUNDS, weight=(1, MAX_WEIGHT), drain_timeout=(0, MAX_DRAIN_TIMEOUT),
              protocol_port=PORTS)
CLASSIC_REFUSAL = ('api_version v1: classic load balancers cannot drain a backend - their members have no weight, '
                   'and a classic backend leaves rotation only by being removed from the listener. Use a dedicated '
                   '(v3) or shared (v2) load balancer, or remove and re-add the member yourself.')


def argument_spec():
    return dict(
        location_spec(),
        instance_id=dict(type='str'),
        member=dict(type='str', aliases=['member_id']),
        state=dict(type='str', choices=[DRAINED, SERVING], required=True),
        weight=dict(type='int'),
        weights=dict(type='dict'),
        min_healthy=dict(type='str'),
        batch=dict(type='list', elements='str'),
        wait=dict(type='bool', default=True),
        drain_timeout=dict(type='int'),
        wait_timeout=dict(type='int', default=300),
        fail_fast=dict(type='bool', default=True),
        diagnose=dict(type='bool', default=False),
        settle=dict(type='bool', default=False),
    )


def input_problems(family, params):
    """Everything wrong with the options, before any call (a list of sentences)."""
    if family.member_path is None:
        return [CLASSIC_REFUSAL]
    problems = []
    if not any(params.get(name) for name in ('address', 'instance_id', 'member')):
        problems.append('Name the member: give address (with protocol_port when several members share it), '
                        'instance_id or member.')
    if not params.get('pool') and not params.get('loadbalancer'):
        problems.append('Give pool or loadbalancer: the member is looked for in that pool, or in every pool of '
                        'that load balancer.')
    problems += selection_problems(family, dict(selection(params), min_healthy=None))
    serving_only = [name for name in ('weight', 'weights') if params.get(name) is not None]
    if serving_only and params['state'] != SERVING:
        problems.append('%s applies only with state: serving (the weight to restore).' % ' and '.join(serving_only))
    drained_only = [name for name in ('min_healthy', 'drain_timeout', 'batch') if params.get(name) is not None]
    if drained_only and params['state'] != DRAINED:
        problems.append('%s applies only with state: drained.' % ' and '.join(drained_only))
    try:
        parse_min_healthy(params.get('min_healthy'))
    except InputError as err:
        problems.append(str(err))
    problems += diagnose_problems(family, params, params['state'] == SERVING and params['wait'],
                                  'state: serving and wait: true')
    if params.get('settle') and (params['state'] != SERVING or not params['wait']):
        problems.append('settle applies only with state: serving and wait: true (it waits for health before the '
                        'weight is written).')
    if params.get('weight') is not None and not 1 <= params['weight'] <= MAX_WEIGHT:
        problems.append('weight is %r; the weight to restore must be a whole number from 1 to %d.' % (
            params['weight'], MAX_WEIGHT))
    for key, value in sorted((params.get('weights') or {}).items()):
        number = weight_value(value)
        if number is None or not 0 <= number <= MAX_WEIGHT:
            problems.append('weights[%s] is %r; a weight to restore must be a whole number from 0 to %d (0 keeps '
                            'the member out of traffic).' % (key, value, MAX_WEIGHT))
    return problems


def run_member_traffic_module(**module_kwargs):
    run_member_task_module(argument_spec(), BOUNDS, input_problems, lambda family: MemberTraffic, module_kwargs)
