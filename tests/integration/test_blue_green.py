# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The blue/green proof of issue 29: docs/examples/blue_green.yml replaces three real loopback backends (blue)
with three new ones (green) behind an HTTP listener of the emulator's data plane while a bounded client sends 50
requests a second (a fifth of them taking 0.5 s), and no request fails. A control run that takes the old
backends down without the drain - stopped, then deleted - shows failed requests, so the proof can fail.

The balancer, its pool (HTTP monitor on /healthz) and the three blue backends are tests/utils/rolling_proof.py's
(the zero-downtime proof of issue 26); the green backends and the load client are its helpers too."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time

import pytest
import yaml

from .conftest import ROOT, connection_env, run_playbook

sys.path.insert(0, os.path.join(ROOT, 'tests', 'utils'))
import load_client  # noqa: E402  pylint: disable=wrong-import-position,import-error
import rolling_backend  # noqa: E402  pylint: disable=wrong-import-position,import-error
import rolling_proof  # noqa: E402  pylint: disable=wrong-import-position,import-error

EXAMPLE = os.path.join(ROOT, 'docs', 'examples', 'blue_green.yml')
GREEN = ('green1', 'green2', 'green3')
RATE = 50
DRAIN = 1  # seconds: the longest request (/slow) takes 0.5 s


@pytest.fixture(name='swap', params=['v3'])
def swap_fixture(elb, tmp_path, request):
    """The proof's balancer (v3, or the family of an indirect parameter) with its three blue backends, and three
    green backends started (not registered); every backend stops on every exit path."""
    with contextlib.ExitStack() as stack:
        proof = stack.enter_context(rolling_proof.Proof(elb.url, str(tmp_path), request.param))
        green = {}
        for name in GREEN:
            state = str(tmp_path / ('%s.json' % name))
            green[name] = rolling_backend.spawn(state, {'name': name, 'port': 0, 'warmup': 0, 'slow': 0.5,
                                                        'lifetime': 900})
            stack.callback(rolling_backend.terminate, green[name]['pid'])
        yield proof, green


def extra_vars(proof, green, drain):
    blue = [dict(address='127.0.0.1', protocol_port=host['port']) for host in proof.hosts.values()]
    retire = ['%s %s stop --state %s' % (sys.executable, rolling_backend.__file__, host['state'])
              for host in proof.hosts.values()]
    return dict(pool='web-pool', green=[dict(address='127.0.0.1', protocol_port=g['port']) for g in green.values()],
                blue=blue, retire_commands=retire, drain_timeout=drain, api_version=proof.family,
                subnet=rolling_proof.SUBNET)


def control_playbook(path):
    """The example without the drain: the blue hosts retired first, then deleted with no drain wait."""
    with open(EXAMPLE, encoding='utf-8') as handle:
        (play,) = yaml.safe_load(handle)
    register, deregister, _say, retire = play['tasks']
    play['tasks'] = [register, retire, deregister]
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump([play], handle, sort_keys=False)
    return path


def swap_under_load(elb, proof, green, playbook, drain, faults=False):
    client = load_client.LoadClient(proof.listener_port, rate=RATE, max_seconds=240, max_requests=RATE * 240)
    elb.admin('POST', 'data-plane/stats/reset')
    elb.reset_stats()
    with client:
        time.sleep(1)  # the blue backends serve before the swap
        if faults:
            elb.admin('POST', 'faults', rolling_proof.FAULTS)
            elb.admin('POST', 'config', rolling_proof.FAULT_CONFIG)
        try:
            outcome = run_playbook(playbook, env=connection_env(elb), extra_vars=extra_vars(proof, green, drain))
        finally:
            if faults:
                elb.admin('DELETE', 'faults')
                elb.admin('POST', 'config', {'pending_seconds': 0, 'rate_limit_per_s': 0})
        time.sleep(1)  # and the green ones after it
    return outcome, client.counts()


def explain(outcome, counts):
    return 'rc %d, clients: %s\n%s' % (outcome.returncode, json.dumps(counts, indent=1), outcome.output[-6000:])


def test_blue_green_swap_drops_no_request_under_api_faults(elb, swap):
    """10 % of ELB calls answer 503, 2 % are dropped, the balancer is PENDING 0.5 s after each write and the API
    takes 5 calls a second (rolling_proof.FAULTS, seeded). The swap without faults is the v2 test's below (issue 28:
    a v3 run without faults repeated it)."""
    proof, green = swap
    outcome, counts = swap_under_load(elb, proof, green, EXAMPLE, DRAIN, faults=True)
    assert [c for c in elb.calls() if c[2] in (0, None, 503, 429)], 'no fault fired: the run proves nothing'
    assert outcome.returncode == 0, explain(outcome, counts)
    assert counts['failed'] == 0, explain(outcome, counts)
    # The blue backends served before the swap, the green ones after; the pool holds the green ones only.
    for name in list(proof.hosts) + list(GREEN):
        assert counts['backends'][name]['served'] > 0, explain(outcome, counts)
    assert sorted(m['protocol_port'] for m in proof.members()) == sorted(g['port'] for g in green.values())
    deregistered = [r for r in outcome.results if r.get('members') and not r['members'][0]['present']]
    assert [m['weight_before'] for m in deregistered[0]['members']] == [rolling_proof.WEIGHTS[n] for n in proof.hosts]


@pytest.mark.parametrize('swap', ['v2'], indirect=True)
def test_v2_blue_green_swap_drops_no_request(elb, swap):
    proof, green = swap
    outcome, counts = swap_under_load(elb, proof, green, EXAMPLE, DRAIN)
    assert outcome.returncode == 0 and counts['failed'] == 0, explain(outcome, counts)
    assert sorted(m['protocol_port'] for m in proof.members()) == sorted(g['port'] for g in green.values())


def test_the_same_swap_without_the_drain_fails_requests(elb, swap, tmp_path):
    proof, green = swap
    outcome, counts = swap_under_load(elb, proof, green, control_playbook(str(tmp_path / 'control.yml')), 0)
    assert outcome.returncode == 0, explain(outcome, counts)
    assert counts['failed'] > 0, explain(outcome, counts)
