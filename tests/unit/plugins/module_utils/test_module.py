# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generic layer's strict type checks: a YAML yes is a bool, never the number 1; text is text."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _module


@pytest.mark.parametrize('value', [True, False])
def test_a_yaml_boolean_is_not_a_whole_number_nor_a_number(value):
    """Kills module-strict-int-bool: without the bool test, True passes as the whole number 1."""
    with pytest.raises(TypeError, match='is a boolean'):
        _module._strict_int(value)
    with pytest.raises(TypeError, match='is a boolean'):
        _module._strict_float(value)


def test_numbers_pass_and_inf_fails_with_a_message():
    assert _module._strict_int('42') == 42 and _module._strict_float('1.5') == 1.5
    with pytest.raises(TypeError, match='cannot be converted'):
        _module._strict_int(float('inf'))


@pytest.mark.parametrize('value', [True, ['a'], {'a': 1}])
def test_what_is_not_text_is_no_string_nor_path(value):
    for check in (_module._strict_str, _module._strict_path):
        with pytest.raises(TypeError, match='not a (string|path)'):
            check(value)


def test_control_characters_are_refused_without_repeating_the_value():
    with pytest.raises(TypeError, match='control character') as caught:
        _module._strict_str('secret\x00value')
    assert 'secret' not in str(caught.value)
    assert _module._strict_str(200) == '200'


def test_bounds_name_the_option_the_value_and_both_ends():
    """Kills module-bound-upper: a value above the range must be refused as well as one below it."""
    bounds = dict(_module.WAIT_BOUNDS, weight=(1, 100))
    assert _module.bound_problems(dict(wait_timeout=3600, weight=1), bounds) == []
    assert _module.bound_problems(dict(wait_timeout=3601, weight=None), bounds) == [
        'wait_timeout is 3601; it must be a whole number from 0 to 3600.']
    assert _module.bound_problems(dict(wait_timeout=-1, weight=101), bounds) == [
        'wait_timeout is -1; it must be a whole number from 0 to 3600.',
        'weight is 101; it must be a whole number from 1 to 100.']
