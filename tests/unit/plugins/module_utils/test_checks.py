# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of _checks.py, through the engine that applies them; each docstring names the mutants it kills."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._engine import InputError

from .fake_elb import FakeV3
from .test_engine import TCP, run_clocked


def test_a_timeout_equal_to_the_delay_warns():
    """Kills checks-timeout-delay: "not less than" includes equal."""
    warnings = []
    run_clocked(FakeV3(), dict(TCP, delay=5, timeout=5), warnings=warnings)
    assert warnings == ['timeout (5) is not less than delay (5); the service advises a timeout below the delay.']


def test_an_any_port_pool_needs_a_monitor_port():
    """Kills checks-any-port: a pool with any_port_enable refuses a monitor without monitor_port."""
    api = FakeV3()
    next(p for p in api.pools.values() if p['name'] == 'db')['any_port_enable'] = True
    with pytest.raises(InputError, match='monitor_port is not set, but pool .* accepts traffic on any port'):
        run_clocked(api, TCP)
    assert api.writes() == []
    assert run_clocked(api, dict(TCP, monitor_port=8080))['changed']
