# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The selection options: min_healthy (counts and percentages) and what is refused before any call."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_selection
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError


@pytest.mark.parametrize('value, total, expected', [
    (None, 4, 4), ('2', 4, 2), (3, 4, 3), ('50%', 3, 2), ('50%', 4, 2), ('100%', 3, 3), ('0%', 5, 0), ('1%', 200, 2)])
def test_min_healthy_counts_and_rounds_percentages_up(value, total, expected):
    assert _member_selection.needed(_member_selection.parse_min_healthy(value), total) == expected


@pytest.mark.parametrize('value', ['150%', '-1', 'most', '50 %', '1.5', '%'])
def test_min_healthy_refuses_what_is_not_a_count_or_percentage(value):
    with pytest.raises(InputError, match='min_healthy'):
        _member_selection.parse_min_healthy(value)


@pytest.mark.parametrize('params, message', [
    ({'pool': 'a', 'listener': 'b'}, 'mutually exclusive'),
    ({'listener': 'b'}, 'listener cannot select v3 members'),
    ({'min_healthy': '150%', 'wait_for': 'healthy'}, 'from 0% to 100%'),
    ({'min_healthy': '1'}, 'only with wait_for: healthy'),
])
def test_selection_problems(params, message):
    problems = _member_selection.selection_problems(FAMILIES['v3'], params)
    assert any(message in problem for problem in problems), problems
