# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.healthmonitors at scale: a no-op over 1,000 pools side by side with one single-module task, the
old role loop and a Terraform-style refresh; a create over 1,000 pools on 10 balancers at several max_parallel;
and the full-size soak (500 pools on 5 balancers under the emulator's faults).

Run after `make stage`:  .venv/bin/python benchmarks/resource_bench.py [--pools 1000] [--loop-sample 20]
                                       [--balancers 10] [--write-latency 0.02] [--soak-pools 500] [--no-soak]
The old role loop (one check-mode module task per pool) is timed over --loop-sample pools and scaled to the
whole set (its cost is linear: one task per pool); the refresh model is computed, not run: one GET per monitor
at parallelism 10, from the GET latency measured here.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
import time
import urllib.request

import _bench
from _emulator import PROJECT_ID, admin, emulator

TCP = {'type': 'TCP', 'delay': 5, 'timeout': 3, 'max_retries': 3}  # what the emulator's bulk call creates
REFRESH_PARALLELISM = 10  # terraform's default -parallelism


def play(*tasks):
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}])


def run(url, work, name, text):
    """One whole ansible-playbook run in a wrapper (wall, CPU of the tree, peak RSS) and the calls it made."""
    playbook = os.path.join(work, name + '.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        handle.write(text)
    admin(url, 'stats/reset', {})
    done = _bench.Measured(_bench.playbook_command(playbook), _bench.base_env(url, auth='aksk'), cwd=work)
    if done.returncode:
        raise SystemExit('%s failed (rc %d)' % (name, done.returncode))
    calls = _bench.calls(url)
    return {'seconds': done.wall, 'cpu': done.cpu, 'peak_mb': done.peak_mb, 'writes': calls['writes'],
            'gets': calls['gets'], 'calls': calls['writes'] + calls['gets']}


def new_balancer(url, name):
    token = _bench.token(url)
    body = json.dumps({'loadbalancer': {'name': name}}).encode()
    request = urllib.request.Request(url + '/v3/%s/elb/loadbalancers' % PROJECT_ID, data=body, method='POST',
                                     headers={'Content-Type': 'application/json', 'X-Auth-Token': token})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)['loadbalancer']['id']


def v3_monitors(url):
    """Every v3 monitor of the project, through the API (pages of 2,000)."""
    token = _bench.token(url)
    found, marker = [], None
    while True:
        query = '?limit=2000' + ('&marker=' + marker if marker else '')
        request = urllib.request.Request(url + '/v3/%s/elb/healthmonitors%s' % (PROJECT_ID, query),
                                         headers={'X-Auth-Token': token})
        with urllib.request.urlopen(request, timeout=60) as response:
            page = json.load(response)['healthmonitors']
        found += page
        if len(page) < 2000:
            return found
        marker = page[-1]['id']


def get_latency(url, ident, rounds=50):
    """Median seconds of one monitor GET (token auth, a kept connection): what a refresh pays per resource."""
    token = _bench.token(url)
    path = url + '/v3/%s/elb/healthmonitors/%s' % (PROJECT_ID, ident)
    times = []
    for _round in range(rounds):
        started = time.perf_counter()
        request = urllib.request.Request(path, headers={'X-Auth-Token': token})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        times.append(time.perf_counter() - started)
    return _bench.median(times)


def noop(url, work, pools, loop_sample):
    admin(url, 'reset', {'seed': True})
    admin(url, 'bulk', {'family': 'v3', 'count': pools, 'protocol': 'HTTP', 'monitor': TCP, 'name_prefix': 'noop-'})
    names = ['noop-%d' % n for n in range(pools)]
    config = [dict(TCP, pool=name) for name in names]
    resource = run(url, work, 'resource-noop', play({'hwcloud.elb.healthmonitors': {'config': config}}))
    scoped = run(url, work, 'resource-noop-scoped',
                 play({'hwcloud.elb.healthmonitors': {'config': config, 'scope': ['demo-lb']}}))
    single = run(url, work, 'single-noop', play({'hwcloud.elb.healthmonitor_v3': dict(TCP, pool=names[0])}))
    sample = names[:loop_sample]
    loop = run(url, work, 'loop-noop', play({'hwcloud.elb.healthmonitor_v3': dict(TCP, pool='{{ item }}'),
                                             'loop': sample, 'check_mode': True}))
    loop['sample'] = len(sample)
    # one ansible-playbook start (the single task's run) plus one task per pool at the rate the sample shows
    per_task = max(loop['seconds'] - single['seconds'], 0.0) / max(len(sample) - 1, 1)
    loop['seconds_all'] = single['seconds'] + per_task * (pools - 1)
    loop['task_ms'] = per_task * 1000.0
    loop['calls_all'] = loop['calls'] * pools // len(sample)
    latency = get_latency(url, v3_monitors(url)[0]['id'])
    refresh = {'gets': pools, 'latency_ms': latency * 1000.0,
               'seconds': math.ceil(pools / REFRESH_PARALLELISM) * latency}
    return {'pools': pools, 'resource': resource, 'scoped': scoped, 'single': single, 'loop': loop,
            'refresh': refresh}


def create(url, work, pools, balancers, latency, parallels):
    results = []
    for max_parallel in parallels:
        admin(url, 'reset', {'seed': True})
        names = []
        for n in range(balancers):
            ident = new_balancer(url, 'bench-lb-%d' % n)
            admin(url, 'bulk', {'family': 'v3', 'loadbalancer_id': ident, 'count': pools // balancers,
                                'monitor': None, 'name_prefix': 'bench-%d-' % n})
            names += ['bench-%d-%d' % (n, k) for k in range(pools // balancers)]
        # the write latency: every monitor write answers after `latency` seconds
        admin(url, 'faults', {'rules': [{'path': 'healthmonitors', 'method': 'POST', 'delay_s': latency}]})
        config = [dict(TCP, pool=name) for name in names]
        row = run(url, work, 'create-%d' % max_parallel, play({'hwcloud.elb.healthmonitors': {
            'config': config, 'max_parallel': max_parallel}}))
        row.update(max_parallel=max_parallel, pools=len(names), balancers=balancers, latency=latency)
        results.append(row)
    return results


def soak(url, work, pools, balancers, seed=20):
    """pools on balancers; 10 % 503, 2 % dropped, 2 % lost answers after apply, pending 0.2 s; up to two runs to
    converge, then a third that must be a no-op."""
    admin(url, 'reset', {'seed': True})
    names = []
    for n in range(balancers):
        ident = new_balancer(url, 'soak-lb-%d' % n)
        admin(url, 'bulk', {'family': 'v3', 'loadbalancer_id': ident, 'count': pools // balancers, 'monitor': None,
                            'name_prefix': 'soak-%d-' % n})
        names += ['soak-%d-%d' % (n, k) for k in range(pools // balancers)]
    admin(url, 'config', {'seed': seed, 'pending_seconds': 0.2})
    admin(url, 'faults', {'rules': [
        {'path': '/elb/', 'status': 503, 'probability': 0.10},
        {'path': '/elb/', 'drop': True, 'probability': 0.02},
        {'path': '/elb/healthmonitors', 'method': 'POST', 'after_apply': True, 'probability': 0.02}]})
    task = {'hwcloud.elb.healthmonitors': {'config': [dict(TCP, pool=name) for name in names],
                                           'wait_timeout': 600}, 'ignore_errors': True, 'register': 'soak'}
    runs = []
    for attempt in (1, 2):
        row = run(url, work, 'soak-%d' % attempt, play(task, {'ansible.builtin.copy': {
            'content': '{{ soak.failed | default(false) }}', 'dest': os.path.join(work, 'soak-failed')}}))
        with open(os.path.join(work, 'soak-failed'), encoding='utf-8') as handle:
            row['failed'] = handle.read().strip() == 'True'
        runs.append(row)
        if not row['failed']:
            break
    _clear_faults(url)
    monitors = v3_monitors(url)
    per_pool = {}
    for monitor in monitors:
        for pool in monitor.get('pools') or []:
            per_pool[pool['id']] = per_pool.get(pool['id'], 0) + 1
    third = run(url, work, 'soak-3', play(dict(task, ignore_errors=False)))
    return {'pools': len(names), 'balancers': balancers, 'runs': runs, 'monitors': len(monitors),
            'most_per_pool': max(per_pool.values()) if per_pool else 0, 'third': third}


def _clear_faults(url):
    request = urllib.request.Request(url + '/_emulator/faults', method='DELETE')
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def measure(pools=1000, loop_sample=20, balancers=10, latency=0.02, parallels=(1, 4, 10), soak_pools=500,
            soak_balancers=5, with_soak=True):
    os.makedirs(_bench.WORK, exist_ok=True)
    with emulator() as url, tempfile.TemporaryDirectory(dir=_bench.WORK) as work:
        results = {'noop': noop(url, work, pools, loop_sample),
                   'create': create(url, work, pools, balancers, latency, parallels)}
        if with_soak:
            results['soak'] = soak(url, work, soak_pools, soak_balancers)
    results['load'] = _bench.load_average()
    return results


def report(results):
    lines = []
    n = results['noop']
    pools = n['pools']
    r, s, lp, rf = n['resource'], n['single'], n['loop'], n['refresh']
    lines.append('no-op over %d pools:' % pools)
    lines.append('  healthmonitors, one task        %6.2f s  %3d calls  CPU %5.2f s  peak %4.0f MB' % (
        r['seconds'], r['calls'], r['cpu'], r['peak_mb']))
    lines.append('  healthmonitors, scope given     %6.2f s  %3d calls  CPU %5.2f s  peak %4.0f MB' % (
        n['scoped']['seconds'], n['scoped']['calls'], n['scoped']['cpu'], n['scoped']['peak_mb']))
    lines.append('  one healthmonitor_v3 task (1 pool) %6.2f s  %3d calls  (healthmonitors / single: x%.2f)' % (
        s['seconds'], s['calls'], r['seconds'] / s['seconds']))
    lines.append('  old role loop (check-mode task per pool, %.0f ms each; %d timed, scaled) %7.1f s  %5d calls' % (
        lp['task_ms'], lp['sample'], lp['seconds_all'], lp['calls_all']))
    lines.append('  refresh model (%d GETs at parallelism %d, GET %.1f ms) %6.2f s' % (
        rf['gets'], REFRESH_PARALLELISM, rf['latency_ms'], rf['seconds']))
    for row in results['create']:
        lines.append('create over %d pools on %d balancers, write latency %.0f ms, max_parallel %2d: %6.1f s, '
                     '%d writes, %d GETs, peak %3.0f MB' % (row['pools'], row['balancers'], row['latency'] * 1000,
                                                            row['max_parallel'], row['seconds'], row['writes'],
                                                            row['gets'], row['peak_mb']))
    soak_result = results.get('soak')
    if soak_result:
        runs = ', '.join('run %d %s in %.0f s (%d write attempts)' % (
            i + 1, 'failed' if x['failed'] else 'converged', x['seconds'], x['writes'])
            for i, x in enumerate(soak_result['runs']))
        lines.append('soak %d pools on %d balancers (10%% 503, 2%% dropped, 2%% lost after apply, pending 0.2 s): '
                     '%s; %d monitors, at most %d per pool; third run %d writes, %d calls' % (
                         soak_result['pools'], soak_result['balancers'], runs, soak_result['monitors'],
                         soak_result['most_per_pool'], soak_result['third']['writes'], soak_result['third']['calls']))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--pools', type=int, default=1000)
    parser.add_argument('--loop-sample', type=int, default=20)
    parser.add_argument('--balancers', type=int, default=10)
    parser.add_argument('--write-latency', type=float, default=0.02)
    parser.add_argument('--parallel', default='1,4,10')
    parser.add_argument('--soak-pools', type=int, default=500)
    parser.add_argument('--no-soak', action='store_true')
    parser.add_argument('--json', help='also write the figures to this file')
    args = parser.parse_args()
    _bench.stage()
    results = measure(args.pools, args.loop_sample, args.balancers, args.write_latency,
                      [int(p) for p in args.parallel.split(',')], args.soak_pools, 5, not args.no_soak)
    print(report(results))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(results, handle, indent=1)


if __name__ == '__main__':
    main()


def summary_rows(results):
    """(what, figure, target, status) rows for the summary of docs/performance.md."""
    n = results['noop']
    r, s = n['resource'], n['single']
    ratio = r['seconds'] / s['seconds']
    rows = [('healthmonitors no-op over {:,} pools: calls (scope given)'.format(n['pools']),
             '%d (%d)' % (r['calls'], n['scoped']['calls']), '<= 4', 'met' if max(r['calls'], n['scoped']['calls']) <= 4
             else '**not met**'),
            ('healthmonitors no-op over {:,} pools / one single-module task'.format(n['pools']),
             '%.2f / %.2f s (x%.2f)' % (r['seconds'], s['seconds'], ratio), '<= 2x',
             'met' if ratio <= 2 else '**not met**')]
    soak_result = results.get('soak')
    if soak_result:
        ok = (len(soak_result['runs']) <= 2 and not soak_result['runs'][-1]['failed'] and soak_result['most_per_pool'] == 1
              and soak_result['monitors'] == soak_result['pools'] and soak_result['third']['writes'] == 0)
        rows.append(('soak: {} pools on {} balancers under faults'.format(soak_result['pools'], soak_result['balancers']),
                     '%d run(s) to converge, %d monitors, third run %d writes' % (
                         len(soak_result['runs']), soak_result['monitors'], soak_result['third']['writes']),
                     '<= 2 runs, 1 per pool, 0 writes', 'met' if ok else '**not met**'))
    return rows


def markdown(results):
    """The section of docs/performance.md."""
    n = results['noop']
    pools = n['pools']
    r, sc, s, lp, rf = n['resource'], n['scoped'], n['single'], n['loop'], n['refresh']
    lines = ['## The resource module: hwcloud.elb.healthmonitors\n',
             '`benchmarks/resource_bench.py` (`--only resource`). {:,} v3 pools, each with a TCP monitor (the emulator\'s '
             'bulk call), all named in one `config`; each figure is a whole `ansible-playbook` run in a wrapper that '
             'reports wall time, the CPU time of its process tree and the peak RSS of its largest process.\n'.format(pools),
             '| no-op over {:,} pools | wall s | calls | CPU s | peak RSS MB |'.format(pools),
             '| --- | --- | --- | --- | --- |',
             '| `healthmonitors`, one task | %.2f | %d | %.2f | %.0f |' % (r['seconds'], r['calls'], r['cpu'], r['peak_mb']),
             '| `healthmonitors`, `scope` given | %.2f | %d | %.2f | %.0f |' % (
                 sc['seconds'], sc['calls'], sc['cpu'], sc['peak_mb']),
             '| one `healthmonitor_v3` task (one pool) | %.2f | %d | %.2f | %.0f |' % (
                 s['seconds'], s['calls'], s['cpu'], s['peak_mb']),
             '| old role loop: a check-mode task per pool (%d timed at %.0f ms a task, scaled) | %.0f | %d | | |' % (
                 lp['sample'], lp['task_ms'], lp['seconds_all'], lp['calls_all']),
             '| Terraform-style refresh: one GET per monitor at parallelism %d (GET measured at %.1f ms) | %.2f | %d | | |'
             % (REFRESH_PARALLELISM, rf['latency_ms'], rf['seconds'], rf['gets']),
             '',
             'The no-op reads the pools and the monitors by list calls (2,000 a page) and compares; with `scope` one more '
             'call resolves the balancer names. Its cost over a single-module task is x%.2f, and it is what the roles '
             '`http_monitor` / `tcp_monitor` now run once per role run instead of a task per target. The refresh model '
             'counts only the GETs against a local emulator (no Terraform start, no plan): it says how the call count '
             'grows (one per resource), not what Terraform takes.\n' % (r['seconds'] / s['seconds']),
             '| create over pools on balancers | write latency ms | max_parallel | wall s | write attempts | GETs | peak RSS MB |',
             '| --- | --- | --- | --- | --- | --- | --- |']
    for row in results['create']:
        lines.append('| {:,} on {} | {:.0f} | {} | {:.1f} | {} | {} | {:.0f} |'.format(
            row['pools'], row['balancers'], row['latency'] * 1000, row['max_parallel'], row['seconds'], row['writes'],
            row['gets'], row['peak_mb']))
    lines.append('')
    lines.append('Each monitor write answers after the write latency (an emulator fault rule with `delay_s`). One '
                 'balancer\'s writes go one after another; different balancers are written in parallel, at most '
                 '`max_parallel` at a time, so the time falls with `max_parallel` until the balancers run out. The GETs '
                 'are the two listings and one read of each balancer to see it ACTIVE after its last write.\n')
    soak_result = results.get('soak')
    if soak_result:
        lines.append('Soak: {} pools on {} balancers, emulator faults 10 % 503, 2 % dropped connections, 2 % lost answers '
                     'after apply (seeded), `pending_seconds` 0.2:\n'.format(soak_result['pools'], soak_result['balancers']))
        for index, run_ in enumerate(soak_result['runs']):
            lines.append('- run %d: %s in %.0f s, %d write attempts, %d GETs' % (
                index + 1, 'failed (some writes left for the next run)' if run_['failed'] else 'converged',
                run_['seconds'], run_['writes'], run_['gets']))
        lines.append('- afterwards: %d monitors, at most %d per pool; a third run (faults off): %d writes, %d calls\n' % (
            soak_result['monitors'], soak_result['most_per_pool'], soak_result['third']['writes'],
            soak_result['third']['calls']))
        lines.append('Most of the soak\'s time is the PENDING window: each write sets its balancer PENDING for 0.2 s, so '
                     'the next write to it meets a 409 and waits the engine\'s busy pause (1 to 2 s, the same policy '
                     'as the single modules) before it is retried; the balancers run in parallel, so the run takes '
                     'about the writes of one balancer times that pause. The GETs are those 409s\' balancer reads, the '
                     'look-ups after lost answers, and the listings.\n')
    return '\n'.join(lines)
