# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rolling updates under load (issue 26): docs/examples/rolling_update.yml updates three loopback backends behind
an HTTP listener of the emulator's data plane while a client sends 50 requests a second; requests served and
failed per run, the time per host against its floor, and the API calls per host. The scenario is
tests/utils/rolling_proof.py, the one tests/integration/test_zero_downtime.py runs.

  .venv/bin/python benchmarks/rolling_bench.py        (or benchmarks/run.py --only rolling)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import _bench
from _emulator import ROOT, emulator

sys.path.insert(0, os.path.join(ROOT, 'tests', 'utils'))
import rolling_proof  # noqa: E402  pylint: disable=wrong-import-position,import-error

# (label, family, serial, faults, control)
RUNS = (('v3, serial 1', 'v3', 1, False, False),
        ('v3, serial 2', 'v3', 2, False, False),
        ('v2, serial 1', 'v2', 1, False, False),
        ('v2, serial 2', 'v2', 2, False, False),
        ('v3, serial 1, API faults', 'v3', 1, True, False),
        ('control: v3, serial 1, no drain and no wait', 'v3', 1, False, True))
TARGET_GETS, TARGET_WRITES = 10, 2  # per host, its member being in one pool (issue 26)


def timed_runner(url, timings):
    """ansible-playbook with the bench's collection copy and the bench_timer callback (per-task times)."""
    def run(playbook, inventory, extra_vars):
        env = _bench.base_env(url, BENCH_TIMINGS=timings, HW_REGION_NAME='cn-north-4')
        return rolling_proof.run_playbook(playbook, inventory, extra_vars, env)
    return run


def play_seconds(timings):
    """From the first task's start to the last result: the play without ansible-playbook's start-up."""
    with open(timings, encoding='utf-8') as handle:
        tasks = [t for t in json.load(handle) if t['end'] is not None]
    return max(t['end'] for t in tasks) - min(t['start'] for t in tasks)


def measure():
    results = []
    hosts = len(rolling_proof.HOSTS)
    for label, family, serial, faults, control in RUNS:
        with emulator() as url, tempfile.TemporaryDirectory(prefix='rolling-', dir=_bench.WORK) as work:
            timings = os.path.join(work, 'timings.json')
            with rolling_proof.Proof(url, work, family) as proof:
                run = proof.run(timed_runner(url, timings), serial=serial, faults=faults, control=control)
                if run.returncode:
                    raise SystemExit('%s: ansible-playbook failed (rc %d):\n%s' % (
                        label, run.returncode, run.output[-4000:]))
                batches = -(-hosts // serial)
                results.append({
                    'label': label, 'family': family, 'serial': serial, 'faults': faults, 'control': control,
                    'requests': run.load['requests'], 'served': run.load['served'], 'failed': run.load['failed'],
                    'statuses': run.load['statuses'], 'seconds': run.seconds,
                    'per_batch': play_seconds(timings) / batches, 'batches': batches,
                    'out_of_rotation': max(b['longest_gap'] for b in run.load['backends'].values()),
                    'gets_per_host': run.gets / float(hosts), 'writes_per_host': run.writes / float(hosts),
                    'failed_calls': run.failed_calls, 'most_drained': run.most_drained,
                    'failures': run.load['failures'], 'balancer_errors': run.balancer_errors,
                    'restored': run.weights_after == run.weights_before})
    return {'runs': results, 'floor': rolling_proof.FLOOR_PER_HOST, 'rate': rolling_proof.RATE,
            'monitor': rolling_proof.MONITOR, 'time_scale': rolling_proof.TIME_SCALE}


def _ok(run):
    if run['control']:
        return run['failed'] > 0
    return run['failed'] == 0 and run['restored']


def report(result):
    lines = ['%-44s %8s %6s %9s %9s %11s %s' % (
        'run', 'requests', 'failed', 's/host', 'floor s', 'GETs/host', 'writes/host')]
    for run in result['runs']:
        lines.append('%-44s %8d %6d %9.1f %9.1f %11.1f %.1f' % (
            run['label'], run['requests'], run['failed'], run['per_batch'], result['floor'], run['gets_per_host'],
            run['writes_per_host']))
    return '\n'.join(lines)


def summary_rows(result):
    """(what, figure, target, status) rows for the summary of docs/performance.md."""
    rows = []
    for run in result['runs']:
        target = 'some failed (the control)' if run['control'] else '0 failed'
        rows.append(('rolling update under load, %s' % run['label'], '%d requests, %d failed' % (
            run['requests'], run['failed']), target, 'met' if _ok(run) else '**not met**'))
    role = [run for run in result['runs'] if not run['control'] and not run['faults']]
    # Judged by tests/integration/test_rolling_update.py (10 GETs when the host is healthy at the first poll): a
    # real restart adds a poll or two, which these whole-run figures cannot tell apart.
    rows.append(('rolling update under load, calls per host (one pool)', 'at most %.1f GETs + %.1f writes' % (
        max(run['gets_per_host'] for run in role), max(run['writes_per_host'] for run in role)),
        '%d GETs + 1 per poll, %d writes' % (TARGET_GETS, TARGET_WRITES), ''))
    return rows


def markdown(result):
    """The section of docs/performance.md."""
    monitor = result['monitor']
    lines = ['## Rolling updates under load: requests served and failed\n',
             '`docs/examples/rolling_update.yml` updates three loopback backends (weights 5, 3 and 2) of pool `web-pool` '
             'behind an HTTP listener of the emulator\'s data plane, while a client sends %d requests a second over '
             'keep-alive connections, every fifth one to `/slow` (0.5 s). The update really restarts each backend: its '
             'port closes for %.0f s, and the new process answers 503 for its first %.0f s (`/healthz` too). The pool\'s '
             'HTTP monitor: delay %d, timeout %d, up after %d, down after %d, at the emulator\'s time scale %.1f (a probe '
             'every %.1f s); the role waits %d s after each drain (`rolling_update_drain_timeout`: the longest request '
             'is 0.5 s). The same scenario is `tests/integration/test_zero_downtime.py` '
             '(`tests/utils/rolling_proof.py`); one emulator per run. See also the [zero-downtime guide](zero-downtime.md).\n'
             % (result['rate'], rolling_proof.DOWN, rolling_proof.WARMUP, monitor['delay'], monitor['timeout'],
                monitor['max_retries'], monitor['max_retries_down'], result['time_scale'],
                monitor['delay'] * result['time_scale'], rolling_proof.DRAIN_WAIT),
             '| run | requests | served | failed | answers | most drained at once | weights restored | play s | '
             's per host (batch) | floor s | GETs per host | writes per host |',
             '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    for run in result['runs']:
        lines.append('| %s | %d | %d | %d | %s | %d | %s | %.1f | %.1f | %s | %.1f | %.1f |' % (
            run['label'], run['requests'], run['served'], run['failed'],
            ', '.join('%s: %d' % item for item in sorted(run['statuses'].items())), run['most_drained'],
            'yes' if run['restored'] else '**no**', run['per_batch'] * run['batches'], run['per_batch'],
            '-' if run['control'] else '%.1f' % result['floor'], run['gets_per_host'], run['writes_per_host']))
    lines.append('')
    faults = next((run for run in result['runs'] if run['faults']), None)
    lines.append(
        '- **Floor** of a host (or of a batch of hosts updated together): the drain wait (%d s) + the update (%.0f s '
        'closed, %.0f s of 503) + the monitor\'s up threshold x its scaled delay (%d x %.1f s) = %.1f s. The rest of '
        '*s per host* is the role\'s tasks (each costs an Ansible task time; see the floor section above) and its '
        'waits for the balancer and for health, which poll every second. The control has no floor: it neither '
        'drains nor waits.' % (
            rolling_proof.DRAIN_WAIT, rolling_proof.DOWN, rolling_proof.WARMUP, monitor['max_retries'],
            monitor['delay'] * result['time_scale'], result['floor']))
    lines.append(
        '- **Calls per host**: every ELB call of the run (the member is in one pool), over the three hosts. The target '
        'is at most %d GETs and %d writes per pool when the host is healthy at the first poll, plus one member list '
        'call per further poll (see the calls per host above); a restarted host is polled once or twice more while '
        'it comes back.%s' % (
            TARGET_GETS, TARGET_WRITES, '' if faults is None else ' Under faults the counts include the calls that '
            'failed and were retried (%d here).' % faults['failed_calls']))
    lines.append(
        '- **API faults**: 10 % of ELB calls answer 503 and 2 % are dropped unanswered (seeded), the balancer stays '
        'PENDING_UPDATE 0.5 s after each write, and the API takes 5 calls a second.')
    lines.append(
        '- **The control** runs the example\'s own update and restart, one host at a time, without the role: the '
        'clients get 502 from the moment a backend stops until its health check takes it out. That is what the '
        'drain and the wait for health prevent.\n')
    return '\n'.join(lines)


def main():
    os.makedirs(_bench.WORK, exist_ok=True)
    _bench.stage()
    print(report(measure()))


if __name__ == '__main__':
    main()
