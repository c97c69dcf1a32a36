# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalisation, comparison and validation of fields."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import FAMILY
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v1 import FAMILY as V1
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v2 import FAMILY as V2
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import canonical_codes, check_codes

F = FAMILY.by_name


@pytest.mark.parametrize('a, b', [('200,202', '202, 200'), ('200-202', '200,201,202'), ('200', ' 200 '),
                                  ('200-201,202', '200-202')])
def test_expected_codes_compare_as_sets(a, b):
    assert F['expected_codes'].equal(a, b, 'HTTP')


def test_expected_codes_differ():
    assert not F['expected_codes'].equal('200', '200,202', 'HTTP')


def test_canonical_codes():
    assert canonical_codes('204, 200-202,203') == '200-204'
    assert canonical_codes('202,200') == '200,202'


@pytest.mark.parametrize('value', ['200;202', '2000', '', 'abc', '200-', '-200'])
def test_bad_codes(value):
    assert check_codes(value, 100, 599)


def test_code_range_depends_on_type():
    assert F['expected_codes'].problem('0', 'GRPC') is None
    assert 'codes from 200 to 599' in F['expected_codes'].problem('150', 'HTTP')
    assert F['expected_codes'].problem('204-200', 'HTTP')


def test_enums_any_case():
    assert F['type'].canonical('http') == 'HTTP'
    assert F['http_method'].equal('head', 'HEAD', 'HTTP')
    assert 'one of GET, HEAD, POST (any case)' in F['http_method'].problem('PUT', 'HTTP')


def test_unset_service_value_counts_as_the_default():
    assert F['max_retries_down'].equal(3, None, 'TCP')
    assert F['url_path'].equal('/', None, 'HTTP')
    assert F['expected_codes'].equal('0', None, 'GRPC')
    assert not F['expected_codes'].equal('200', None, 'GRPC')
    assert F['name'].equal('', None, 'TCP')


def test_false_and_zero_are_real_values():
    assert not F['admin_state_up'].equal(False, True, 'TCP')
    assert not F['admin_state_up'].equal(False, None, 'TCP')
    assert FAMILY.desired({'admin_state_up': False, 'delay': 0, 'name': None}) == {'admin_state_up': False, 'delay': 0}


@pytest.mark.parametrize('field, value, expected', [
    ('delay', 0, 'delay is 0; it must be a whole number from 1 to 50.'),
    ('max_retries', 11, 'max_retries is 11; it must be a whole number from 1 to 10.'),
    ('monitor_port', 70000, 'monitor_port is 70000; it must be a whole number from 1 to 65535.'),
    ('url_path', 'health', "url_path is 'health'; it must be a path starting with '/'"),
    ('url_path', '/a b', "url_path is '/a b'"),
    ('domain_name', '-bad.example', "domain_name is '-bad.example'; it must be letters, digits"),
    ('type', 'PING', "type is 'PING'; it must be one of TCP, UDP_CONNECT, HTTP, HTTPS, GRPC, TLS (any case)."),
    ('name', 'n' * 256, 'at most 255 characters (it has 256)'),
])
def test_problems_name_the_option_the_value_and_what_is_allowed(field, value, expected):
    assert expected in F[field].problem(value, 'HTTP')


def test_a_field_the_type_does_not_use():
    assert F['url_path'].problem('/x', 'TCP') == (
        'url_path is only used by monitors of type HTTP or HTTPS, not TCP; remove it or change the type.')


# -- found by make mutation (tests/mutation/mutations.py): each docstring names the mutants it kills ----------

def test_codes_the_service_holds_malformed_are_a_change():
    """Kills fields-equal-codes-invalid: a malformed held value must not compare equal to a valid wanted one."""
    assert not F['expected_codes'].equal('200', '200;202', 'HTTP')
    assert not F['expected_codes'].equal('200', 'abc', 'HTTP')


def test_numbers_the_service_answers_as_strings_compare_as_numbers():
    """Kills fields-canonical-int: "5" held by the service is the wanted 5, not a change."""
    assert F['delay'].equal(5, '5', 'TCP') and not F['delay'].equal(5, '6', 'TCP')
    assert F['delay'].canonical('7') == 7


def test_control_characters_are_refused_by_the_field_rules_too():
    """Kills fields-control-problem and fields-control-c1: the roles' filter validates through ``Field.problem``
    without the module's type checks, so the field rule itself refuses C0, DEL and C1 controls, naming the option."""
    for bad in ('/a\nb', '/a\x00', '/a\x7f', '/a\x85', '/a\x9f'):
        problem = F['url_path'].problem(bad, 'HTTP')
        assert problem and problem.startswith('url_path is ') and 'control character' in problem, bad


def test_enums_are_valid_in_any_case():
    """Kills fields-enum-case: the documented "(any case)" holds for validation, not only comparison."""
    assert F['type'].problem('http', 'HTTP') is None and F['http_method'].problem('head', 'HTTP') is None


@pytest.mark.parametrize('family, name, value, monitor_type', [
    (FAMILY, 'monitor_port', 8080, 'HTTP'), (FAMILY, 'domain_name', 'www.example.com', 'HTTP'),
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
