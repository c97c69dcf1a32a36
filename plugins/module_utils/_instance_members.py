# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""v3 instance-type members named by the ECS behind them: ``pool`` + ``instance_id`` (+ ``protocol_port``) names
a member, as ``pool`` + ``address`` + ``protocol_port`` does. The member's ``instance_id`` is the service's (it
finds the ECS behind an address of a subnet), so a create still needs ``address``; absent, enabled, disabled and an
update of an existing member need only the instance.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError

IDENTITY_KEYS = ('instance_id', 'member_type')  # what a v3 member shows of the ECS behind it (null on v2)
MAX_INSTANCE_ID = 64  # ★ an ECS id is a UUID (36); the API states no length


def identity_fields(raw):
    """The member's instance_id and member_type as the service answers them (null where absent, as on v2)."""
    return dict((key, raw.get(key) or None) for key in IDENTITY_KEYS)


def instance_problems(family, params):
    """What is wrong with instance_id in these options, before any call (a list of sentences)."""
    instance_id = params.get('instance_id')
    if instance_id is None:
        return []
    problems = []
    if not family.member_api.instance_ids:
        problems.append('instance_id applies only with api_version v3: it names an instance-type member of a dedicated '
                        'pool (api_version %s members are named by address and protocol_port).' % family.name)
    if params.get('members') is not None:
        problems.append('instance_id names one member; with members, name each by address and protocol_port.')
    if not instance_id.strip() or len(instance_id) > MAX_INSTANCE_ID:
        problems.append('instance_id is %r; it must be the id of the ECS behind the member (1-%d characters).' % (
            instance_id, MAX_INSTANCE_ID))
    return problems


def plan_members(wanted, everyone, identity, pool_name, state):
    """``(item, member or None)`` for each wanted item: by ``identity`` (address and protocol_port), or for an item
    with ``instance_id`` by the ECS (and protocol_port when given), the item then completed with the member's address
    and port. Raises InputError, before any write, for an instance that names several members, disagrees with the
    address given, or has no member where one is needed."""
    current = dict((identity(member), member) for member in everyone)
    plan = []
    for item in wanted:
        if not item.get('instance_id'):
            plan.append((item, current.get(identity(item))))
        else:
            plan.append(by_instance(item, everyone, current, identity, pool_name, state))
    return plan


def by_instance(item, everyone, current, identity, pool_name, state):
    instance_id, port = item['instance_id'], item.get('protocol_port')
    found = [member for member in everyone
             if member.get('instance_id') == instance_id and port in (None, member.get('protocol_port'))]
    if len(found) > 1:
        raise InputError('instance_id %s has %d members in pool %s (protocol_port %s): give protocol_port too. Nothing '
                         'was written.' % (instance_id, len(found), pool_name,
                                           ', '.join(str(member.get('protocol_port')) for member in found)))
    if found:
        (member,) = found
        if item.get('address') and identity(dict(item, protocol_port=member.get('protocol_port'))) != identity(member):
            raise InputError('instance_id %s has its member in pool %s at address %s, not %s: give the address of the '
                             'member, or leave address out. Nothing was written.' % (
                                 instance_id, pool_name, member.get('address'), item['address']))
        return dict(item, address=member.get('address'), protocol_port=member.get('protocol_port')), member
    other = current.get(identity(item)) if item.get('address') and port is not None else None
    if other is not None:
        raise InputError('Pool %s has member %s:%s for instance %s, not %s: the service gives a member the instance '
                         'behind its address. Nothing was written.' % (
                             pool_name, other.get('address'), other.get('protocol_port'),
                             other.get('instance_id') or 'none (an IP-type member)', instance_id))
    if state == 'present' and not (item.get('address') and port is not None):
        raise InputError('instance_id %s has no member in pool %s: to register one, give address and protocol_port '
                         'too (and subnet, the subnet of the address). Nothing was written.' % (instance_id, pool_name))
    if state in ('enabled', 'disabled'):
        raise InputError('instance_id %s has no member in pool %s: state %s changes an existing member only. Nothing '
                         'was written.' % (instance_id, pool_name, state))
    return item, None
