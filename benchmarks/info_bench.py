# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wall time and peak memory of one healthmonitor_info task over N v3 monitors on the emulator.

Run after `make stage`:  .venv/bin/python benchmarks/info_bench.py [--count 10000]
Aim: under 5 s and 150 MB. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile

import _bench
from _emulator import admin, emulator

PLAY = '''- hosts: localhost
  gather_facts: false
  tasks:
    - hwcloud.elb.healthmonitor_info:
      register: found
    - ansible.builtin.assert:
        that: found.healthmonitors | length == {count}
        quiet: true
'''


def populate(url, count):
    """The seed topology plus ``count`` TCP pools, each with a TCP monitor."""
    admin(url, 'reset', {'seed': True})
    admin(url, 'bulk', {'family': 'v3', 'count': count, 'protocol': 'TCP', 'name_prefix': 'bench-',
                        'monitor': {'type': 'TCP', 'delay': 5, 'timeout': 3, 'max_retries': 3}})


def measure_many(targets, rounds):
    """``targets``: (emulator url, monitors it holds) pairs. Runs the info playbook against each in turn, the
    order reversed every other round, so the machine's drifting load hits every size alike. One result each:
    median wall and CPU time of the whole ansible-playbook run, peak RSS of its largest process, calls."""
    os.makedirs(_bench.WORK, exist_ok=True)
    samples = dict((url, []) for url, _count in targets)
    calls = {}
    with tempfile.TemporaryDirectory(dir=_bench.WORK) as work:
        for index in range(rounds):
            for url, count in (targets if index % 2 == 0 else list(reversed(targets))):
                playbook = os.path.join(work, 'info-%d.yml' % count)
                with open(playbook, 'w', encoding='utf-8') as handle:
                    handle.write(PLAY.format(count=count))
                admin(url, 'stats/reset', {})
                run = _bench.Measured(_bench.playbook_command(playbook), _bench.base_env(url, auth='aksk'), cwd=work)
                if run.returncode:
                    raise SystemExit('healthmonitor_info over %d monitors failed (rc %d)' % (count, run.returncode))
                samples[url].append(run)
                calls[url] = admin(url, 'stats')['by_method']
    results = []
    for url, count in targets:
        runs = samples[url]
        results.append({'count': count, 'wall': _bench.median([r.wall for r in runs]), 'walls': [r.wall for r in runs],
                        'cpu': _bench.median([r.cpu for r in runs]), 'peak_mb': max(r.peak_mb for r in runs),
                        'spread': _bench.spread([r.wall for r in runs]), 'calls': calls[url]})
    return results


def measure(url, count, rounds):
    populate(url, count)
    return measure_many([(url, count)], rounds)[0]


def report(result):
    return ('healthmonitor_info over %d v3 monitors: wall %.2f s (whole ansible-playbook run, median of %d: %s), '
            'CPU %.2f s, peak RSS %.0f MB (largest process), calls %s' % (
                result['count'], result['wall'], len(result['walls']), ', '.join('%.2f' % w for w in result['walls']),
                result['cpu'], result['peak_mb'], ', '.join('%s %d' % item for item in sorted(result['calls'].items()))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--count', type=int, default=10000)
    parser.add_argument('--rounds', type=int, default=3, help='runs to take the median of')
    args = parser.parse_args()
    _bench.stage()
    with emulator() as url:
        result = measure(url, args.count, args.rounds)
    print(report(result))
    print('  aim: under 5 s and 150 MB')


if __name__ == '__main__':
    main()
