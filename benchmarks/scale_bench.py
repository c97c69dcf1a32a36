# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scale: healthmonitor_info over 1,000 and 10,000 monitors (time, peak memory), and the hwcloud.elb.http_monitor
role over 200 pools (time per pool) in a project holding 1,000 and then 10,000 pools.

Run after `make stage`:  .venv/bin/python benchmarks/scale_bench.py [--sizes 1000,10000] [--pools 200] [--rerun]
The role's targets are pool names, so each pool is looked up by name among all the project's pools (a
server-side filter); the role creates 200 monitors, and with --rerun runs again as a no-op. When the role is
not in the checkout, the same module loop is measured instead (and the report says so).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile

import _bench
import info_bench
from _emulator import admin, emulator

ROLE_VARS = 'http_monitor_targets'


def role_available():
    return os.path.exists(os.path.join(_bench.COLLECTIONS, 'ansible_collections', 'hwcloud', 'elb', 'roles',
                                       'http_monitor', 'tasks', 'main.yml'))


def role_play(names):
    if role_available():
        task = {'ansible.builtin.include_role': {'name': 'hwcloud.elb.http_monitor'},
                'vars': {ROLE_VARS: [{'pool': name} for name in names]}}
    else:
        # The role's work without the role: the standard HTTP profile, one module task per pool.
        task = {'hwcloud.elb.healthmonitor_v3': {'pool': '{{ item }}', 'type': 'HTTP', 'delay': 5, 'timeout': 3,
                                                 'max_retries': 3, 'max_retries_down': 3, 'url_path': '/',
                                                 'http_method': 'GET', 'expected_codes': '200'},
                'loop': names}
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [task]}])


def role_names(size, pools):
    """Targets spread over the whole store, so the name lookups are not all near its start."""
    step = max(1, size // pools)
    return ['scale-%d' % (n * step) for n in range(pools)]


def role_measure_many(targets, pools, rerun):
    """``targets``: (emulator url, pools it holds, without monitors). The role (or the module loop) puts monitors
    on ``pools`` of them: the creating runs alternate between the sizes, then the re-runs in the other order."""
    for url, size in targets:
        admin(url, 'reset', {'seed': True})
        admin(url, 'bulk', {'family': 'v3', 'count': size, 'protocol': 'HTTP', 'monitor': None,
                            'name_prefix': 'scale-'})
    results = dict((url, {'size': size, 'pools': pools, 'role': role_available()}) for url, size in targets)
    passes = [('create', targets)]
    if rerun:
        passes.append(('rerun', list(reversed(targets))))
    os.makedirs(_bench.WORK, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=_bench.WORK) as work:
        for key, order in passes:
            for url, size in order:
                playbook = os.path.join(work, 'role-%d.yml' % size)
                with open(playbook, 'w', encoding='utf-8') as handle:
                    handle.write(role_play(role_names(size, pools)))
                admin(url, 'stats/reset', {})
                run = _bench.Measured(_bench.playbook_command(playbook), _bench.base_env(url, auth='aksk'), cwd=work)
                if run.returncode:
                    raise SystemExit('the role over %d pools of %d failed (rc %d)' % (pools, size, run.returncode))
                calls = _bench.calls(url)
                results[url][key] = {'seconds': run.wall, 'cpu': run.cpu, 'peak_mb': run.peak_mb,
                                     'per_pool_ms': run.wall * 1000.0 / pools, 'cpu_per_pool_ms': run.cpu * 1000.0 / pools,
                                     'writes': calls['writes'], 'gets': calls['gets']}
    return [results[url] for url, _size in targets]


def measure(sizes, pools, rounds, rerun):
    """One emulator per size, so the sizes can be measured alternately."""
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(emulator()) for _size in sizes]
        targets = list(zip(urls, sizes))
        for url, size in targets:
            info_bench.populate(url, size)
        info = info_bench.measure_many(targets, rounds)
        inside = info_inside(*targets[-1])
        roles = role_measure_many(targets, pools, rerun)
    return {'info': info, 'info_inside': inside, 'role': roles, 'load': _bench.load_average()}


def info_inside(url, count):
    """Where the info task's time goes at ``count`` monitors: its module process alone (kept payload run directly,
    median of 3), and under cProfile the share of ansible-core's exit_json and its no_log sweep (remove_values)."""
    env = _bench.base_env(url, auth='aksk')
    text = json.dumps([{'hosts': 'localhost', 'gather_facts': False,
                        'tasks': [{'hwcloud.elb.healthmonitor_info': {}, 'register': 'found'}]}])
    path, interpreter = _bench.keep_payloads(text, env, 'info')[0]
    runs = [_bench.run_payload(path, interpreter, env)[:2] for _round in range(3)]
    profile = _bench.profile_payload(path, interpreter, env, ('exit_json', 'remove_values', 'run_query_module'))
    return {'count': count, 'wall': _bench.median([w for w, _c in runs]), 'cpu': _bench.median([c for _w, c in runs]),
            'profile': profile}


def growth(first, last):
    return last / first if first else float('nan')


def report(results):
    lines = []
    info = results['info']
    for row in info:
        calls = ', '.join('%s %d' % item for item in sorted(row['calls'].items()))
        lines.append('healthmonitor_info over %6d monitors: %5.2f s (median of %d; spread %.0f%%), CPU %.2f s, '
                     'peak RSS %4.0f MB, calls %s' % (row['count'], row['wall'], len(row['walls']), row['spread'],
                                                      row['cpu'], row['peak_mb'], calls))
    if len(info) > 1:
        lines.append('  x%d monitors: time x%.2f, peak memory x%.2f' % (
            info[-1]['count'] // info[0]['count'], growth(info[0]['wall'], info[-1]['wall']),
            growth(info[0]['peak_mb'], info[-1]['peak_mb'])))
    inside = results.get('info_inside')
    if inside:
        cumulative = inside['profile']['cumulative']
        lines.append('  inside the %d-monitor task: its module process alone %.2f s (CPU %.2f s); under cProfile, of '
                     'the module\'s %.2f s, exit_json %.2f s, of which remove_values (no_log sweep) %.2f s' % (
                         inside['count'], inside['wall'], inside['cpu'], cumulative['run_query_module'],
                         cumulative['exit_json'], cumulative['remove_values']))
    roles = results['role']
    what = 'role hwcloud.elb.http_monitor' if roles[0]['role'] else 'healthmonitor_v3 loop (the role is not here)'
    for row in roles:
        for key, label in (('create', 'creating run'), ('rerun', 'no-op re-run')):
            if key in row:
                r = row[key]
                lines.append('%s over %d pools of %6d: %s %6.1f s, %4.0f ms per pool (CPU %3.0f ms), '
                             '%d writes, %d GETs' % (what, row['pools'], row['size'], label, r['seconds'],
                                                     r['per_pool_ms'], r['cpu_per_pool_ms'], r['writes'], r['gets']))
    if len(roles) > 1:
        lines.append('  x%d pools in the project: time per pool x%.2f, CPU per pool x%.2f (creating run)' % (
            roles[-1]['size'] // roles[0]['size'],
            growth(roles[0]['create']['per_pool_ms'], roles[-1]['create']['per_pool_ms']),
            growth(roles[0]['create']['cpu_per_pool_ms'], roles[-1]['create']['cpu_per_pool_ms'])))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='1000,10000')
    parser.add_argument('--pools', type=int, default=200)
    parser.add_argument('--rounds', type=int, default=3, help='runs of the info task to take the median of')
    parser.add_argument('--rerun', action='store_true', help='also time a no-op re-run of the role')
    parser.add_argument('--json', help='also write the figures to this file')
    args = parser.parse_args()
    _bench.stage()
    sizes = [int(size) for size in args.sizes.split(',')]
    results = measure(sizes, args.pools, args.rounds, args.rerun)
    print(report(results))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(results, handle, indent=1)


if __name__ == '__main__':
    main()
