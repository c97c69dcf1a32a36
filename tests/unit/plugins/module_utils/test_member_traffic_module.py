# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""member_traffic's options: what is refused before any call."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_traffic_module
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES


def params(**given):
    values = dict((name, None) for name in _member_traffic_module.argument_spec())
    values.update(api_version='v3', wait=True, wait_timeout=300, fail_fast=True)
    values.update(given)
    return values


def problems(**given):
    values = params(**given)
    return ' '.join(_member_traffic_module.input_problems(FAMILIES[values['api_version']], values))


def test_classic_is_refused_with_the_reason():
    text = problems(api_version='v1', loadbalancer='lb', address='10.0.0.1', state='drained')
    assert 'classic load balancers cannot drain a backend' in text and 'no weight' in text


@pytest.mark.parametrize('given, expected', [
    (dict(pool='web', state='drained'), 'Name the member'),
    (dict(address='10.0.0.1', state='drained'), 'Give pool or loadbalancer'),
    (dict(pool='web', address='10.0.0.1', state='drained', weight=3), 'weight applies only with state: serving'),
    (dict(pool='web', address='10.0.0.1', state='serving', min_healthy='1'), 'min_healthy applies only with state: drained'),
    (dict(pool='web', address='10.0.0.1', state='serving', drain_timeout=5), 'drain_timeout applies only'),
    (dict(pool='web', address='10.0.0.1', state='drained', min_healthy='most'), 'min_healthy is'),
    (dict(pool='web', address='10.0.0.1', state='serving', weights={'m1': 101}), 'weights[m1] is 101'),
    (dict(pool='web', address='10.0.0.1', state='serving', weights={'m1': 'ten'}), "weights[m1] is 'ten'"),
    (dict(pool='web', address='10.0.0.1', state='serving', weight=0), 'weight is 0'),
    (dict(pool='web', address='10.0.0.1', state='serving', batch=['10.0.0.2']), 'batch applies only'),
    (dict(pool='web', address='10.0.0.1', state='serving', weights={'m1': True}), 'weights[m1] is True'),
    (dict(api_version='v2', pool='web', instance_id='i-1', state='drained'), 'instance_id cannot select v2'),
])
def test_wrong_combinations_are_refused_before_any_call(given, expected):
    assert expected in problems(**given)


def test_a_valid_task_has_no_problem():
    assert problems(loadbalancer='lb', address='10.0.0.1', protocol_port=80, state='drained', min_healthy='50%') == ''
    assert problems(pool='web', member='m1', state='serving', weights={'m1': 7}) == ''
    # A saved weight of 0 (a member deliberately out) and a weight given as a string, as O(weight) takes it.
    assert problems(pool='web', member='m1', state='serving', weights={'m1': 0, 'web': '10'}) == ''
    assert problems(pool='web', address='10.0.0.1', state='drained', batch=['10.0.0.2', '10.0.0.3:80']) == ''


def test_settle_is_refused_where_it_cannot_apply():
    assert 'settle applies only with state: serving and wait: true' in problems(
        pool='web', address='10.0.0.1', state='drained', settle=True)
    assert 'settle applies only' in problems(pool='web', address='10.0.0.1', state='serving', wait=False, settle=True)
    assert problems(pool='web', address='10.0.0.1', state='serving', settle=True) == ''
