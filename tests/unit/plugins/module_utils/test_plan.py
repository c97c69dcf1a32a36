# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan both runs share (single modules and healthmonitors): what a create needs, the rules, the changes."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _plan
from ansible_collections.hwcloud.elb.plugins.module_utils._family import ParentView
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import FAMILY

POOL = {'id': 'p1', 'protocol': 'HTTP', 'loadbalancers': [{'id': 'lb1'}]}
MONITOR = {'id': 'm1', 'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 3, 'expected_codes': '200,202',
           'monitor_port': 8080}


def view(pool):
    return ParentView(pool, lambda: {'id': 'lb1'})


def test_a_create_names_what_it_still_needs_and_left_out_values_are_not_asked_twice():
    assert _plan.missing_for_create(FAMILY, {'type': 'HTTP', 'delay': 5}) == ['timeout', 'max_retries']
    assert _plan.missing_for_create(FAMILY, {'type': 'HTTP', 'delay': 5}, left_out={'timeout'}) == ['max_retries']
    assert _plan.no_monitor_yet(FAMILY, POOL, {'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 3}) is None
    assert _plan.no_monitor_yet(FAMILY, POOL, {'type': 'HTTP'}) == (
        'pool p1 has no health check yet; creating one needs type, delay, timeout, max_retries '
        '(missing: delay, timeout, max_retries).')


def test_the_type_is_the_tasks_else_the_one_the_monitor_holds():
    assert _plan.monitor_type(FAMILY, {'type': 'TCP'}, MONITOR) == 'TCP'
    assert _plan.monitor_type(FAMILY, {'delay': 9}, MONITOR) == 'HTTP'
    assert _plan.monitor_type(FAMILY, {'delay': 9}, None) is None


def test_changes_are_the_fields_compared_the_familys_way():
    desired = {'type': 'http', 'expected_codes': '202, 200', 'delay': 9}
    assert _plan.changes(FAMILY, FAMILY.desired(desired), MONITOR) == {'delay': 9}


def test_a_field_the_write_clears_counts_for_the_parents_rules():
    """replaced sends monitor_port null: on a pool taking any port, the check must see the port go."""
    any_port = dict(POOL, any_port_enable=True)
    errors, _warnings = _plan.problems(FAMILY, {'delay': 5}, 'HTTP', view(any_port), MONITOR)
    assert errors == []
    errors, _warnings = _plan.problems(FAMILY, {'delay': 5, 'monitor_port': None}, 'HTTP', view(any_port), MONITOR)
    assert len(errors) == 1 and 'monitor_port is not set' in errors[0]


def test_field_rules_refuse_and_checks_warn():
    errors, warnings = _plan.problems(FAMILY, {'delay': 0, 'timeout': 9}, 'HTTP', view(POOL), MONITOR)
    assert len(errors) == 1 and errors[0].startswith('delay is 0')
    errors, warnings = _plan.problems(FAMILY, {'timeout': 9}, 'HTTP', view(POOL), MONITOR)
    assert errors == [] and len(warnings) == 1 and 'timeout (9) is not less than delay (5)' in warnings[0]


def test_a_create_is_predicted_with_the_service_defaults_and_the_keys_it_adds():
    predicted = _plan.predicted(FAMILY, {'pool_id': 'p1', 'type': 'HTTP', 'delay': 5})
    assert predicted['delay'] == 5 and predicted['http_method'] == 'GET' and predicted['max_retries_down'] == 3
    assert 'pool_id' not in predicted and predicted['pools'] == [{'id': 'p1'}]  # v3 answers the pool as a list
    assert 'id' in predicted and predicted['id'] is None
