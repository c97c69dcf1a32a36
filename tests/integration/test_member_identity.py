# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.member (issue 29): subnet by name (looked up in the emulator's VPC subnet list, on v3 and v2) and v3
instance-type members named by instance_id - check mode, idempotence (second run: no write, no VPC call), and
refusals before any write. The emulator checks member subnets here (check_subnets), so a name sent as an id, or
the VPC subnet's own id, would fail the create."""

from __future__ import annotations

import pytest

from emulator.seed import seed_subnet
from emulator.vpc import instance_id_of

from .conftest import PROJECT_ID
from .test_member_health import V2, V3, pool_member

WEB, APP = seed_subnet(PROJECT_ID, 'web-subnet'), seed_subnet(PROJECT_ID, 'app-subnet')
TWINS = (seed_subnet(PROJECT_ID, 'twin-subnet'), seed_subnet(PROJECT_ID, 'twin-subnet', 'other-vpc'))
SUBNETS = '/v1/%s/subnets' % PROJECT_ID


@pytest.fixture(name='strict')
def strict_subnets(elb):
    elb.admin('POST', 'config', {'check_subnets': True})
    return elb


def members_of(elb, base, pool_name, family='v3'):
    pool = elb.pool(pool_name, family)
    return elb.api('GET', '%s/pools/%s/members' % (base, pool['id']))['members']


def vpc_calls(elb):
    return [call for call in elb.calls() if call[1] == SUBNETS]


def test_v3_create_by_subnet_name_is_checked_idempotent_and_an_instance_member(strict, run_task):
    elb = strict
    task = dict(pool='demo-http-pool', address='127.0.0.5', protocol_port=8080, subnet='web-subnet')
    elb.reset_stats()
    checked = run_task('member', task, check=True)
    assert checked['changed'] and elb.writes() == [] and len(vpc_calls(elb)) == 1  # names are checked in check mode
    elb.reset_stats()
    made = run_task('member', task)
    assert made['changed'] and len(elb.writes()) == 1 and len(vpc_calls(elb)) == 1
    (member,) = made['members']
    assert (member['member_type'], member['instance_id']) == ('instance', instance_id_of(PROJECT_ID, WEB, '127.0.0.5'))
    (held,) = members_of(elb, V3, 'demo-http-pool')
    assert held['subnet_cidr_id'] == WEB and held['id'] == member['id']
    elb.reset_stats()
    again = run_task('member', task)
    assert not again['changed'] and elb.writes() == [] and vpc_calls(elb) == []  # an existing member keeps its subnet
    assert again['members'][0]['instance_id'] == member['instance_id']


def test_v2_create_by_subnet_name_sends_the_neutron_subnet_id(strict, run_task):
    elb = strict
    task = dict(api_version='v2', pool='shared-http-pool', subnet='app-subnet', wait_for='none',
                members=[dict(address='127.0.1.5', protocol_port=80), dict(address='127.0.1.6', protocol_port=80)])
    elb.reset_stats()
    made = run_task('member', task)
    assert made['changed'] and len(elb.writes()) == 2 and len(vpc_calls(elb)) == 1  # one lookup for both
    assert [m['subnet_id'] for m in members_of(elb, V2, 'shared-http-pool', 'v2')] == [APP, APP]
    assert [m['instance_id'] for m in made['members']] == [None, None]  # v2 members have no instance
    elb.reset_stats()
    assert not run_task('member', task)['changed'] and elb.writes() == [] and vpc_calls(elb) == []


@pytest.mark.parametrize('args, expected', [
    (dict(subnet='twin-subnet'), ["subnet is 'twin-subnet'; 2 subnets have that name"] + [
        '%s (127.0.%d.0/24 in VPC ' % (twin, n) for n, twin in zip((2, 3), TWINS)]),
    (dict(subnet='no-such-subnet'), ["subnet is 'no-such-subnet'; no subnet of the project has that name"]),
    (dict(subnet='web-subnet', members=[dict(address='127.0.0.5', protocol_port=80),
                                        dict(address='127.0.0.6', protocol_port=80, subnet='gone')]),
     ["members[1].subnet is 'gone'"]),
    (dict(api_version='v2', pool='shared-http-pool', subnet='twin-subnet'), ["2 subnets have that name"]),
])
def test_ambiguous_and_unknown_subnet_names_are_refused_before_any_write(elb, refusal, args, expected):
    task = dict(dict(pool='demo-http-pool', address='127.0.0.5', protocol_port=80), **args)
    if 'members' in args:
        task.pop('address'), task.pop('protocol_port')
    elb.reset_stats()
    refused = refusal('member', task)
    assert all(text in refused['msg'] for text in expected) and 'Nothing was written' in refused['msg'], refused['msg']
    assert elb.writes() == [] and len(vpc_calls(elb)) == 1


def test_an_instance_member_is_disabled_and_deleted_by_its_instance_id(strict, run_task):
    elb = strict
    made = run_task('member', dict(pool='demo-http-pool', address='127.0.0.7', protocol_port=8080, subnet='web-subnet'))
    instance_id = made['members'][0]['instance_id']
    assert instance_id == instance_id_of(PROJECT_ID, WEB, '127.0.0.7')
    by_instance = dict(pool='demo-http-pool', instance_id=instance_id)
    elb.reset_stats()
    disabled = run_task('member', dict(by_instance, state='disabled', drain_timeout=0))
    assert disabled['changed'] and len(elb.writes()) == 1
    assert (disabled['members'][0]['address'], disabled['members'][0]['protocol_port']) == ('127.0.0.7', 8080)
    assert members_of(elb, V3, 'demo-http-pool')[0]['admin_state_up'] is False
    elb.reset_stats()
    assert not run_task('member', dict(by_instance, state='disabled'))['changed'] and elb.writes() == []
    weighted = run_task('member', dict(by_instance, weight=4))  # an update needs no address either
    assert weighted['changed'] and members_of(elb, V3, 'demo-http-pool')[0]['weight'] == 4
    elb.reset_stats()
    checked = run_task('member', dict(by_instance, protocol_port=8080, state='absent'), check=True, diff=True)
    assert checked['changed'] and elb.writes() == [] and checked['diff']['after']['members'] == [{}]
    assert checked['diff']['before']['members'][0]['instance_id'] == instance_id
    gone = run_task('member', dict(by_instance, protocol_port=8080, state='absent', drain_timeout=0))
    assert gone['changed'] and gone['members'][0]['weight_before'] == 4 and members_of(elb, V3, 'demo-http-pool') == []
    elb.reset_stats()
    assert not run_task('member', dict(by_instance, state='absent'))['changed'] and elb.writes() == []


def test_instance_id_that_names_several_members_or_disagrees_is_refused(elb, refusal):
    pool = elb.pool('demo-http-pool')
    for port in (80, 81):
        pool_member(elb, V3, pool['id'], port, address='127.0.0.8', subnet_cidr_id=WEB)
    pool_member(elb, V3, pool['id'], 82, address='127.0.0.9')  # an IP-type member
    instance_id = instance_id_of(PROJECT_ID, WEB, '127.0.0.8')
    base = dict(pool='demo-http-pool', instance_id=instance_id)
    cases = [
        (dict(base, state='absent'), 'has 2 members in pool demo-http-pool (protocol_port 80, 81): give protocol_port'),
        (dict(base, protocol_port=80, address='127.0.0.9', state='disabled'), 'at address 127.0.0.8, not 127.0.0.9'),
        (dict(base, instance_id='other-ecs', address='127.0.0.9', protocol_port=82),
         'has member 127.0.0.9:82 for instance none (an IP-type member), not other-ecs'),
        (dict(base, instance_id='other-ecs', weight=3), 'to register one, give address and protocol_port'),
        (dict(base, instance_id='other-ecs', state='enabled'), 'state enabled changes an existing member only'),
        (dict(base, api_version='v2', pool='shared-http-pool', address='127.0.0.1', protocol_port=80, subnet=APP),
         'instance_id applies only with api_version v3'),
        (dict(base, members=[dict(address='127.0.0.8', protocol_port=80)]), 'instance_id names one member'),
    ]
    elb.reset_stats()
    for args, expected in cases:
        refused = refusal('member', args)
        assert expected in refused['msg'], (args, refused['msg'])
    assert elb.writes() == []
