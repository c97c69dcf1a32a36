# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wall time and peak memory of one healthmonitor_info task over N v3 monitors on the emulator.

Run after `make stage`:  .venv/bin/python benchmarks/info_bench.py [--count 10000]
Aim: under 5 s and 150 MB. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from _emulator import AKSK_ENV, ROOT, admin, emulator

PLAY = '''- hosts: localhost
  gather_facts: false
  tasks:
    - hwcloud.elb.healthmonitor_info:
      register: found
    - ansible.builtin.debug:
        msg: "{{{{ found.healthmonitors | length }}}} monitors (expected {count})"
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--count', type=int, default=10000)
    parser.add_argument('--rounds', type=int, default=3, help='runs to take the median of')
    args = parser.parse_args()
    bindir = os.path.dirname(sys.executable)
    with emulator() as url, tempfile.TemporaryDirectory() as work:
        admin(url, 'bulk', {'family': 'v3', 'count': args.count, 'protocol': 'TCP', 'name_prefix': 'bench-',
                            'monitor': {'type': 'TCP', 'delay': 5, 'timeout': 3, 'max_retries': 3}})
        playbook = os.path.join(work, 'info.yml')
        with open(playbook, 'w', encoding='utf-8') as handle:
            handle.write(PLAY.format(count=args.count))
        env = dict(os.environ, HW_ELB_ENDPOINT=url, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, 'build'), ANSIBLE_LOCALHOST_WARNING='false', **AKSK_ENV)
        walls = []
        for _round in range(args.rounds):
            admin(url, 'stats/reset', {})
            start = time.perf_counter()
            subprocess.run([os.path.join(bindir, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - start)
        wall = statistics.median(walls)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
        calls = admin(url, 'stats')['by_method']
    print('healthmonitor_info over %d v3 monitors' % args.count)
    print('  wall time (whole ansible-playbook run, median of %d): %.2f s   (aim < 5 s; runs: %s)'
          % (len(walls), wall, ', '.join('%.2f' % w for w in walls)))
    print('  peak RSS of the largest process:        %.0f MB  (aim < 150 MB)' % peak_mb)
    print('  API calls in the last run: %s' % ', '.join('%s %d' % item for item in sorted(calls.items())))


if __name__ == '__main__':
    main()
