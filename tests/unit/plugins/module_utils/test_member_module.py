# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member module's options: what is refused before any call (v3, v2 and classic)."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_module
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES


def params(**given):
    values = dict((name, None) for name in _member_module.argument_spec())
    values.update(api_version='v3', state='present', wait=True, wait_for='healthy', wait_timeout=300, fail_fast=True)
    values.update(given)
    return values


def problems(**given):
    values = params(**given)
    return ' '.join(_member_module.input_problems(FAMILIES[values['api_version']], values))


ONE = dict(pool='web', address='10.0.0.1', protocol_port=80)


CLASSIC = dict(api_version='v1', listener='web-listener', address='10.0.0.1', server_id='srv-1')


def test_a_whole_classic_task_has_no_problem():
    assert problems(**CLASSIC) == ''
    assert problems(api_version='v1', listener='web-listener', address='10.0.0.1', state='absent',
                    min_healthy='50%') == ''


@pytest.mark.parametrize('given, expected', [
    (dict(CLASSIC, listener=None), 'listener is required with api_version v1'),
    (dict(CLASSIC, server_id=None), 'server_id is required with api_version v1 and state: present'),
    (dict(CLASSIC, state='absent'), 'server_id applies only with state: present'),
    (dict(CLASSIC, server_id='s' * 65), 'server_id is 65 characters long; at most 64'),
    (dict(CLASSIC, address='web-1'), "address is 'web-1'"),
    (dict(CLASSIC, address=None), 'address is required'),
    (dict(CLASSIC, state='disabled', server_id=None), 'classic (v1) backends have no admin state'),
    (dict(CLASSIC, state='enabled', server_id=None), 'state enabled: classic'),
    (dict(CLASSIC, protocol_port=80, weight=3), 'protocol_port, weight cannot be used with api_version v1'),
    (dict(CLASSIC, pool='web'), 'pool cannot be used with api_version v1'),
    (dict(CLASSIC, min_healthy='1'), 'min_healthy applies only with state: absent'),
    (dict(CLASSIC, server_id=None, state='absent', min_healthy='many'), "min_healthy is 'many'"),
])
def test_classic_bad_input(given, expected):
    assert expected in problems(**given)


def test_listener_and_server_id_are_classic_only():
    assert 'listener and server_id applies only with api_version v1' in problems(
        listener='l', server_id='s', **ONE)


@pytest.mark.parametrize('given, expected', [
    (dict(pool='web'), 'Name the member: address and protocol_port'),
    (dict(pool='web', address='10.0.0.1'), 'Name the member'),
    (dict(address='10.0.0.1', protocol_port=80), 'pool is required'),
    (dict(ONE, address='web-1'), "address is 'web-1'"),
    (dict(ONE, protocol_port=0), 'protocol_port is 0'),
    (dict(ONE, weight=101), 'weight is 101'),
    (dict(ONE, weight=-1), 'weight is -1'),
    (dict(ONE, name='n' * 256), 'name is 256 characters long'),
    (dict(ONE, subnet='s' * 37), 'subnet is 37 characters long'),
    (dict(ONE, state='absent', weight=3), 'weight applies only with state: present'),
    (dict(ONE, state='enabled', name='x'), 'name applies only with state: present'),
    (dict(pool='web', state='disabled', members=[dict(address='10.0.0.1', protocol_port=80, weight=2)]),
     'weight applies only with state: present'),
    (dict(ONE, min_healthy='1'), 'min_healthy applies only with state: absent or disabled'),
    (dict(ONE, state='enabled', drain_timeout=3), 'drain_timeout applies only'),
    (dict(ONE, state='absent', min_healthy='most'), 'min_healthy is'),
    (dict(pool='web', members=[]), 'members is an empty list'),
    (dict(ONE, members=[dict(address='10.0.0.2', protocol_port=80)]), 'and members are mutually exclusive'),
    (dict(pool='web', members=[dict(address='10.0.0.1', protocol_port=80), dict(address='10.0.0.1', protocol_port=80)]),
     'members[1].address 10.0.0.1 and protocol_port 80 name a member given before'),
    (dict(pool='web', members=[dict(address='::1', protocol_port=80), dict(address='0:0::1', protocol_port=80)]),
     'name a member given before'),
    (dict(pool='web', members=[dict(address='10.0.0.1', protocol_port=80, weight=200)]), 'members[0].weight is 200'),
])
def test_wrong_input_is_refused_before_any_call(given, expected):
    assert expected in problems(**given)


def test_valid_tasks_have_no_problem():
    assert problems(**ONE) == ''
    assert problems(weight=0, admin_state_up=False, name='web-1', subnet='s-1', **ONE) == ''
    assert problems(state='absent', min_healthy='50%', drain_timeout=0, **ONE) == ''
    assert problems(state='disabled', min_healthy='1', **ONE) == ''
    assert problems(pool='web', weight=4, members=[dict(address='10.0.0.1', protocol_port=80),
                                                   dict(address='10.0.0.1', protocol_port=81, weight=0)]) == ''
    assert problems(api_version='v2', **ONE) == ''


@pytest.mark.parametrize('given, expected', [
    (dict(ONE, api_version='v2'), 'diagnose applies only to dedicated (v3) load balancers: api_version v2 has no '
                                  'member check job'),
    (dict(CLASSIC), 'api_version v1 has no member check job'),
    (dict(ONE, wait_for='none'), 'diagnose applies only with state: present or enabled, wait: true and wait_for: '
                                 'healthy'),
    (dict(ONE, wait=False), 'diagnose applies only with state: present or enabled'),
    (dict(ONE, state='absent'), 'diagnose applies only with state: present or enabled'),
])
def test_diagnose_is_refused_where_no_wait_for_health_on_v3_can_fail(given, expected):
    assert expected in problems(diagnose=True, **given)


def test_diagnose_on_a_v3_wait_for_health_has_no_problem():
    assert problems(diagnose=True, **ONE) == ''
    assert problems(diagnose=True, state='enabled', **ONE) == ''
