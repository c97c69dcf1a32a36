# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit-level guards for holes a mutation probe found (issue 22); each docstring names the mutation it kills.

The integration twins (tests/integration/test_mutation_holes.py) check the same against the emulator.
"""

from __future__ import annotations

import itertools

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._engine import InputError, Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v1 import FAMILY as V1
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v2 import FAMILY as V2
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import FAMILY as V3

from .fake_elb import FakeV3
from .fake_elb_v1 import FakeV1
from .fake_elb_v2 import FakeV2

BASE = dict(state='present', wait=True, wait_timeout=30)
V3_HTTP = dict(pool='web', type='HTTP', delay=5, timeout=3, max_retries=3)


def run(family, api, **params):
    return Reconciler(family, api, dict(BASE, **params)).run()


@pytest.mark.parametrize('family, name, value, monitor_type', [
    (V3, 'monitor_port', 8080, 'HTTP'), (V3, 'domain_name', 'www.example.com', 'HTTP'),
    (V2, 'monitor_port', 8080, 'HTTP'), (V2, 'domain_name', 'www.example.com', 'HTTP'),
    (V1, 'healthcheck_connect_port', 8080, 'TCP'),
])
def test_a_value_against_null_is_a_change(family, name, value, monitor_type):
    """Kills: ``Field.equal`` returning ``wanted != current`` (or True) when the service holds null and the
    field has no default: setting monitor_port or domain_name on an existing monitor would never be written."""
    field = family.by_name[name]
    assert field.server_default(monitor_type) is None
    assert not field.equal(value, None, monitor_type)
    assert field.equal(None, None, monitor_type)


def test_v1_setting_a_port_the_service_holds_as_null_writes_it():
    """Kills the same ``Field.equal`` inversion through the engine, on the classic family."""
    api = FakeV1()
    listener = api.listener('db', 'private-lb')
    created = run(V1, api, listener=listener['id'], healthcheck_protocol='TCP')['healthcheck']
    api.checks[created['id']]['healthcheck_connect_port'] = None  # as a service holding it unset answers
    api.calls.clear()
    result = run(V1, api, listener=listener['id'], healthcheck_connect_port=3306)
    assert result['changed'] and [c[0] for c in api.writes()] == ['PUT']
    assert api.checks[created['id']]['healthcheck_connect_port'] == 3306


def test_expected_codes_are_sent_normalised():
    """Kills: skipping the normalisation before sending (``Family.desired`` without ``Field.canonical``, or
    ``canonical`` returning a codes string as given): the POST body holds the folded, sorted form."""
    api = FakeV3()
    result = run(V3, api, expected_codes='204, 200-202,203', **V3_HTTP)
    monitor = api.monitors[result['healthmonitor']['id']]
    assert monitor['expected_codes'] == '200-204'
    run(V3, api, pool='web', expected_codes=' 202 , 200')
    assert monitor['expected_codes'] == '200,202'


def test_a_409_while_active_is_raised_after_one_write():
    """Kills: ``Reconciler.write`` retrying every 409 as if the balancer were busy; with the balancer ACTIVE the
    409 (a quota error, a conflicting create) is the task's failure, after one POST."""
    api = FakeV3()
    api.pending_writes = 1  # the fake's 409, answered while the balancer reads ACTIVE
    with pytest.raises(ApiError) as caught:
        run(V3, api, **V3_HTTP)
    assert caught.value.status == 409
    assert [c[0] for c in api.writes()] == ['POST'] and not api.monitors


def test_a_409_on_update_while_active_is_raised_after_one_write():
    """Kills the retry-every-409 mutation on the PUT path."""
    api = FakeV3()
    run(V3, api, **V3_HTTP)
    api.calls.clear()
    api.pending_writes = 1
    with pytest.raises(ApiError):
        run(V3, api, pool='web', delay=9)
    assert [c[0] for c in api.writes()] == ['PUT']


@pytest.mark.parametrize('protocol, old, new', [
    (protocol, old, new) for protocol, (old, new) in itertools.product(
        ('TCP', 'HTTP', 'UDP'), itertools.permutations(('TCP', 'HTTP', 'UDP_CONNECT'), 2))])
def test_v2_type_changes_the_module_allows_are_the_ones_the_service_takes(protocol, old, new):
    """The product's ELB.9899 rule (``_family_v2._type_change_refused``) against the service's, for every
    protocol and type pair: a change the module lets through must be accepted (no 400 from the service model),
    and one it refuses must be refused before any write. Kills: the rule dropped, or TYPE_CHANGEABLE widened.

    (Replaces a test that called the fake directly and so asserted only the fake's behaviour.)
    """
    api = FakeV2({'p': protocol})
    pool_id = next(iter(api.pools))
    monitor_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
    api.monitors[monitor_id] = dict(id=monitor_id, pool_id=pool_id, type=old, delay=5, timeout=3, max_retries=3,
                                    max_retries_down=3, admin_state_up=True, name='', url_path='/', http_method='GET',
                                    expected_codes='200')
    api.pools[pool_id]['healthmonitor_id'] = monitor_id
    service_takes_it = old in ('TCP', 'HTTP') and new in ('TCP', 'HTTP') and protocol in ('TCP', 'HTTP')
    try:
        result = run(V2, api, pool='p', type=new)
    except InputError as err:
        assert not service_takes_it, 'the module refused a change the service takes: %s' % err
        assert 'type cannot change from %s to %s' % (old, new) in str(err) or 'cannot use' in str(err)
        assert api.writes() == []
    else:
        assert service_takes_it, 'the module let through a change the service refuses'
        assert result['changed'] and api.monitors[monitor_id]['type'] == new
