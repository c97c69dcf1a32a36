# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""member_traffic's settle (rolling_update_settle): a restart shorter than the monitor's down threshold is never
marked unhealthy, so a restore that only waits for health gives the new process traffic while it still answers 503.
On the emulator's data plane (tests/utils/rolling_proof.py), docs/examples/rolling_update.yml restarts one of three
backends with its port closed 0.2 s and then 503 for 3 s - 3.2 s of errors, under the monitor's down threshold of
5 s (delay 1 x max_retries_down 5, probes every second) - under 50 requests a second: the same update with settle
off fails requests, with settle on (the role's default) none. (The 503s last 3 s, not the proof's 1 s: the role's
tasks between the restart and the restore take over a second, which alone hid a 1 s warm-up.)"""

from __future__ import annotations

import os
import sys

import pytest

from .conftest import ROOT
from .test_zero_downtime import explain, update

sys.path.insert(0, os.path.join(ROOT, 'tests', 'utils'))
import rolling_proof  # noqa: E402  pylint: disable=wrong-import-position,import-error

# Probes every second (no time scale: the role's up-threshold window, delay 1 x max_retries 3 = 3 s, is real time,
# as long as the warm-up); 5 failed probes in a row to go down, which 3.2 s of errors cannot give.
FAST_RESTART_MONITOR = dict(rolling_proof.MONITOR, delay=1, timeout=1, max_retries=3, max_retries_down=5)
FAST_DOWN, SLOW_WARMUP = 0.2, 3.0


@pytest.fixture(name='fast_restart')
def fast_restart_fixture(elb, tmp_path):
    with rolling_proof.Proof(elb.url, str(tmp_path), 'v3', monitor=FAST_RESTART_MONITOR, time_scale=1.0,
                             down=FAST_DOWN, warmup=SLOW_WARMUP) as proof:
        yield proof


@pytest.mark.parametrize('settle', [False, True])
def test_a_restart_faster_than_the_down_threshold_fails_no_request_with_settle(elb, fast_restart, settle):
    # Both runs update one host (issue 28): the settle happens per host, and one restart is enough to see requests
    # fail without it.
    run = update(elb, fast_restart, limit='web1', serial=1, group_vars={'rolling_update_settle': str(settle).lower()})
    assert run.returncode == 0, explain(run)
    # web1 really restarted, once; the others never
    assert fast_restart.starts() == dict((name, 2 if name == 'web1' else 1) for name in rolling_proof.HOSTS)
    assert run.weights_after == rolling_proof.WEIGHTS
    if settle:
        assert run.load['failed'] == 0, explain(run)
        assert run.load['backends']['web1']['releases'].get('2.0'), explain(run)  # the new process got traffic back
    else:
        # The control: without settle the restore gives traffic back at once, to a process answering 503.
        assert run.load['failed'] > 0, explain(run)
        assert run.load['statuses'].get('503'), explain(run)
