# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many balancers as inventory hosts (docs/scale.md): one hwcloud.elb.healthmonitors task per balancer, the
balancers from the members inventory plugin with ``hosts: loadbalancers``, run with forks 1 and forks 5.

B balancers x P pools on the emulator (bulk call, no monitor), every monitor write answering after a fixed
latency (a stand-in for the service's); then, for each forks value: a creating run (one monitor per pool), a no-op
re-run, and a delete (state deleted, scope the balancer) to start the next one from the same state; and once more
with forks 5 under a rate limit (429s retried by the client's backoff). Each figure is a whole ansible-playbook run
(inventory read included). Bounded: the defaults are 10 x 200 (2,000 pools), about 3 minutes on 2 cores.

  .venv/bin/python benchmarks/balancers_bench.py [--balancers 10] [--pools 200] [--write-latency 0.02]
                                                 [--rate-limit 20] [--doc]
--doc rewrites the figures block of docs/scale.md (make bench does it too).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
import time

import _bench
from _emulator import ROOT, admin, emulator
from resource_bench import new_balancer

TCP = {'type': 'TCP', 'delay': 5, 'timeout': 3, 'max_retries': 3}
BLOCK = re.compile(r'(<!-- balancers_bench -->\n).*?(<!-- /balancers_bench -->)', re.S)

PLAY = '''- name: The health checks of each balancer, one task per balancer host
  hosts: elb_loadbalancers
  gather_facts: false
  tasks:
    - name: Health checks of this balancer's pools
      hwcloud.elb.healthmonitors:
        state: "{{ bench_state }}"
        scope: ["{{ hwcloud_elb_loadbalancer.id }}"]
        config: "{{ bench_config[inventory_hostname] if bench_state == 'merged' else [] }}"
      throttle: %d
'''


def run(url, work, forks, state, throttle=0, may_fail=False):
    """One ansible-playbook run over every balancer host; ``may_fail``: count the balancers whose task failed
    (under a rate limit) instead of stopping the benchmark."""
    admin(url, 'stats/reset', {})
    play = os.path.join(work, 'play.yml')
    with open(play, 'w', encoding='utf-8') as handle:
        handle.write(PLAY % throttle)
    command = [os.path.join(_bench.BINDIR, 'ansible-playbook'), '-i', os.path.join(work, 'lbs.hwcloud_elb.yml'),
               '--forks', str(forks), '-e', '@' + os.path.join(work, 'config.json'), '-e', 'bench_state=' + state,
               play]
    started = time.perf_counter()
    done = subprocess.run(command, env=_bench.base_env(url, auth='aksk'), cwd=work, capture_output=True, text=True,
                          timeout=1800, check=False)
    seconds = time.perf_counter() - started
    if done.returncode and not may_fail:
        raise SystemExit('forks %d, %s failed (rc %d): %s' % (forks, state, done.returncode, done.stdout[-3000:]))
    found = admin(url, 'stats')['requests']
    elb = [r for r in found if not _bench.is_iam(r['path'])]
    return {'forks': forks, 'state': state, 'seconds': seconds, 'throttle': throttle,
            'failed': len(re.findall(r'^\S+ +: .*failed=[1-9]', done.stdout, re.M)),
            'writes': sum(1 for r in elb if r['method'] in ('POST', 'PUT', 'DELETE') and r['status'] < 300),
            'gets': sum(1 for r in elb if r['method'] == 'GET' and r['status'] < 300),
            'throttled': sum(1 for r in found if r['status'] == 429)}


def measure(balancers=10, pools=200, latency=0.02, rate_limit=20):
    rows = []
    with emulator() as url, tempfile.TemporaryDirectory() as work:
        config = {}
        for number in range(balancers):
            name = 'scale-lb-%02d' % number
            ident = new_balancer(url, name)
            admin(url, 'bulk', {'family': 'v3', 'loadbalancer_id': ident, 'count': pools, 'monitor': None,
                                'name_prefix': name + '-pool-'})
            config[name] = [dict(TCP, pool='%s-pool-%d' % (name, n)) for n in range(pools)]
        with open(os.path.join(work, 'config.json'), 'w', encoding='utf-8') as handle:
            json.dump({'bench_config': config}, handle)
        with open(os.path.join(work, 'lbs.hwcloud_elb.yml'), 'w', encoding='utf-8') as handle:
            json.dump({'plugin': 'hwcloud.elb.members', 'hosts': 'loadbalancers', 'loadbalancers': sorted(config)},
                      handle)  # not the emulator's own seeded balancers
        admin(url, 'faults', {'rules': [{'path': 'healthmonitors', 'method': 'POST', 'delay_s': latency}]})
        for forks in (1, 5):
            rows += [run(url, work, forks, 'merged'), run(url, work, forks, 'merged'),
                     run(url, work, forks, 'deleted')]
        # Under a rate limit: forks 5 leaning on the client's retries, then throttled (each from no monitor).
        admin(url, 'config', {'rate_limit_per_s': rate_limit})
        for throttle in (0, 1):
            rows.append(dict(run(url, work, 5, 'merged', throttle, may_fail=True), rate_limit=rate_limit))
            admin(url, 'config', {'rate_limit_per_s': 0})
            run(url, work, 5, 'deleted')
            admin(url, 'config', {'rate_limit_per_s': rate_limit})
        admin(url, 'config', {'rate_limit_per_s': 0})
    return {'balancers': balancers, 'pools': pools, 'latency': latency, 'rows': rows, 'cores': os.cpu_count()}


def report(result):
    lines = ['| forks | throttle | run | API rate limit | wall s | writes | GETs | 429 answers | balancers failed |',
             '| --- | --- | --- | --- | --- | --- | --- | --- | --- |']
    seen = set()
    for row in result['rows']:
        kind = {'merged': 'create', 'deleted': 'delete'}[row['state']]
        key = (row['forks'], row['state'], row.get('rate_limit'), row['throttle'])
        if key in seen:
            kind = 'no-op re-run'
        seen.add(key)
        lines.append('| %d | %s | %s | %s | %.1f | %d | %d | %d | %d of %d |' % (
            row['forks'], row['throttle'] or '-', kind,
            '%d calls/s' % row['rate_limit'] if row.get('rate_limit') else 'none', row['seconds'], row['writes'],
            row['gets'], row['throttled'], row['failed'], result['balancers']))
    lines.append('')
    total = '{:,}'.format(result['balancers'] * result['pools'])
    lines.append('%d balancers x %d pools (%s pools), one monitor write answering after %.0f ms; %d cores, the '
                 'emulator on the same machine. Each row is a whole `ansible-playbook` run, the inventory read '
                 'included.' % (result['balancers'], result['pools'], total, result['latency'] * 1000,
                                result['cores']))
    return '\n'.join(lines)


def write_doc(text):
    path = os.path.join(ROOT, 'docs', 'scale.md')
    with open(path, encoding='utf-8') as handle:
        page = handle.read()
    if not BLOCK.search(page):
        raise SystemExit('docs/scale.md has no <!-- balancers_bench --> block')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(BLOCK.sub(lambda found: found.group(1) + text + '\n' + found.group(2), page))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--balancers', type=int, default=10)
    parser.add_argument('--pools', type=int, default=200)
    parser.add_argument('--write-latency', type=float, default=0.02)
    parser.add_argument('--rate-limit', type=int, default=20)
    parser.add_argument('--doc', action='store_true', help='rewrite the figures block of docs/scale.md')
    args = parser.parse_args()
    _bench.stage()
    text = report(measure(args.balancers, args.pools, args.write_latency, args.rate_limit))
    print(text)
    if args.doc:
        write_doc(text)


if __name__ == '__main__':
    main()
