# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`'s rolling update: docs/examples/rolling_update.yml updates three loopback backends behind an HTTP
listener of the emulator while a client sends 50 requests a second, and one line says how many failed (none).
The scenario is tests/utils/rolling_proof.py (also run by tests/integration/test_zero_downtime.py).

Usage: python3 demo_rolling.py EMULATOR_URL WORK_DIR   (ansible-playbook and the collection from the environment)
"""

from __future__ import annotations

import os
import sys

import rolling_proof


def main():
    url, work = sys.argv[1], os.path.join(sys.argv[2], 'rolling')
    os.makedirs(work, exist_ok=True)
    with rolling_proof.Proof(url, work) as proof:
        run = proof.run()
        restarted = sum(1 for starts in proof.starts().values() if starts == 2)
        restored = run.weights_after == run.weights_before
    with open(os.path.join(work, 'playbook.log'), 'w', encoding='utf-8') as handle:
        handle.write(run.output)
    hosts = len(rolling_proof.HOSTS)
    print('rolling update of %d backends, one at a time, under %d requests a second: %d requests, %d failed '
          '(%d of %d backends restarted, weights %s)' % (hosts, rolling_proof.RATE, run.load['requests'], run.load['failed'],
                                                         restarted, hosts, 'restored' if restored else 'NOT restored'))
    if run.returncode or run.load['failed'] or restarted != hosts or not restored:
        print(run.output[-4000:], file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
