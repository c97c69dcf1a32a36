# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""v3 members named by instance_id: the option checks, and the plan that finds (or refuses) the member."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_pool
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._instance_members import (
    identity_fields, instance_problems, plan_members)

from .test_member_module import params, problems

ECS = 'ecs-1'
MEMBERS = [dict(id='m-80', address='10.0.0.8', protocol_port=80, instance_id=ECS),
           dict(id='m-81', address='10.0.0.8', protocol_port=81, instance_id=ECS),
           dict(id='m-ip', address='10.0.0.9', protocol_port=80, instance_id=None)]


def plan(state='present', **item):
    wanted = [dict(dict(address=None, protocol_port=None, instance_id=None), **item)]
    return plan_members(wanted, MEMBERS, _member_pool.identity, 'web', state)


def test_instance_id_alone_names_a_member_and_is_checked_before_any_call():
    assert problems(pool='web', instance_id=ECS, state='absent') == ''
    assert problems(pool='web', instance_id=ECS, protocol_port=80, state='disabled') == ''
    assert 'Name the member' in problems(pool='web', state='absent')
    assert 'instance_id applies only with api_version v3' in problems(
        api_version='v2', pool='web', instance_id=ECS, address='10.0.0.1', protocol_port=80)
    assert 'instance_id cannot be used with api_version v1' in problems(
        api_version='v1', listener='l', address='10.0.0.1', server_id='s', instance_id=ECS)
    assert 'instance_id names one member' in problems(pool='web', instance_id=ECS, members=[
        dict(address='10.0.0.1', protocol_port=80)])
    assert "instance_id is ''" in problems(pool='web', instance_id='', state='absent')
    assert 'at most' not in problems(pool='web', instance_id='x' * 64, state='absent')
    assert "instance_id is 'xxx" in problems(pool='web', instance_id='x' * 65, state='absent')
    assert 'protocol_port is 0' in problems(pool='web', instance_id=ECS, protocol_port=0, state='absent')
    assert instance_problems(FAMILIES['v3'], params(pool='web', address='10.0.0.1', protocol_port=80)) == []


def test_the_plan_finds_the_member_by_instance_and_completes_the_item():
    ((item, member),) = plan(instance_id=ECS, protocol_port=81, state='absent')
    assert member['id'] == 'm-81' and (item['address'], item['protocol_port']) == ('10.0.0.8', 81)
    ((item, member),) = plan(instance_id=ECS, protocol_port=80, address='10.0.0.8')
    assert member['id'] == 'm-80'
    ((item, member),) = plan(address='10.0.0.9', protocol_port=80)  # without instance_id: by address and port
    assert member['id'] == 'm-ip'
    assert plan(instance_id='gone', state='absent') == [(dict(address=None, protocol_port=None, instance_id='gone'), None)]
    ((item, member),) = plan(instance_id='new-ecs', address='10.0.0.10', protocol_port=80)
    assert member is None and item['address'] == '10.0.0.10'  # a create: the service finds the instance


@pytest.mark.parametrize('state, item, expected', [
    ('absent', dict(instance_id=ECS), 'instance_id ecs-1 has 2 members in pool web (protocol_port 80, 81)'),
    ('disabled', dict(instance_id=ECS, protocol_port=80, address='10.0.0.9'), 'at address 10.0.0.8, not 10.0.0.9'),
    ('present', dict(instance_id='ecs-2', address='10.0.0.9', protocol_port=80),
     'Pool web has member 10.0.0.9:80 for instance none (an IP-type member), not ecs-2'),
    ('present', dict(instance_id='ecs-2', address='10.0.0.8', protocol_port=80), 'for instance ecs-1, not ecs-2'),
    ('present', dict(instance_id='ecs-2', protocol_port=80), 'to register one, give address and protocol_port'),
    ('enabled', dict(instance_id='ecs-2'), 'state enabled changes an existing member only'),
])
def test_the_plan_refuses_what_it_cannot_decide(state, item, expected):
    with pytest.raises(InputError) as caught:
        plan(state, **item)
    assert expected in str(caught.value) and str(caught.value).endswith('Nothing was written.')


def test_identity_fields_are_null_where_the_service_has_none():
    shown = identity_fields(dict(instance_id='ecs-1', member_type='instance', address='10.0.0.1'))
    assert shown == dict(instance_id='ecs-1', member_type='instance')
    assert identity_fields(dict(instance_id='', subnet_id='s')) == dict(instance_id=None, member_type=None)
