# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""healthmonitor_info's options: which filters each API version takes, and how they are sent."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _monitor_query_module
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError


def params(**given):
    base = dict((name, None) for name in _monitor_query_module.query_argument_spec())
    base['api_version'] = 'v3'
    base.update(given)
    return base


def test_enum_filters_are_sent_upper_case_and_empty_lists_left_out():
    assert _monitor_query_module.given_filters(params(type=['http', 'Tcp'], http_method=['get'], name=[])) == {
        'type': ['HTTP', 'TCP'], 'http_method': ['GET']}


def test_false_is_a_filter():
    assert _monitor_query_module.given_filters(params(admin_state_up=False)) == {'admin_state_up': False}


@pytest.mark.parametrize('given, message', [
    (dict(api_version='v1', type=['TCP']), 'type cannot filter v1 health checks'),
    (dict(api_version='v2', enterprise_project_id=['e']), 'enterprise_project_id cannot filter v2'),
    (dict(api_version='v3', listener='l', loadbalancer='b'), 'listener cannot filter v3'),  # loadbalancer can (issue 27)
    (dict(api_version='v2', delay=['5', '6']), "delay is ['5', '6']: the v2 API filters on one value at a time"),
    (dict(api_version='v3', delay=['0']), 'delay is 0; it must be a whole number from 1 to 50'),
    (dict(api_version='v3', delay=['True']), "delay is 'True'; each value must be a whole number"),
    (dict(api_version='v3', type=['PING']), 'type is .PING.; it must be one of'),
    (dict(api_version='v1', id=['../x']), "id is '../x'; it is not a v1 health check id"),
])
def test_filters_a_version_does_not_take(given, message):
    with pytest.raises(InputError, match=message.replace('[', r'\[').replace(']', r'\]')):
        _monitor_query_module.check_filters(params(**given))


@pytest.mark.parametrize('given', [dict(api_version='v3', type=['TCP', 'http'], pool='p', timeout=3),
                                   dict(api_version='v2', name=['one'], pool='p'),
                                   dict(api_version='v1', listener='l', loadbalancer='b', id=['0123456789abcdef0123456789abcdef'])])
def test_filters_each_version_takes(given):
    family, filters = _monitor_query_module.check_filters(params(**given))
    assert family.name == given['api_version']
    # The parents become id filters by look-up (_query.py); the rest go to the list call as given.
    assert set(filters) == set(given) - {'api_version', 'pool', 'listener', 'loadbalancer'}
