# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Task cost against the floor: N no-op ``healthmonitor_v3`` tasks versus N ``ansible.builtin.uri`` GETs of
the same pool with the same IAM token, alternately in one ansible-playbook run, for several rounds.

Run after `make stage`:  .venv/bin/python benchmarks/floor_bench.py [--items 10] [--rounds 5]
Target: median ratio <= 1.5. ``ansible.builtin.ping`` (no HTTP at all) is timed too, as ansible-playbook's own
cost of a task, so the modules' own share can be told apart. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json

import _bench
from _emulator import PROJECT_ID, emulator

POOL = '4a95b500-f31e-5f26-bbe6-e2aeb4391406'      # demo-http-pool, seeded
MONITOR = {'pool': POOL, 'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 3}


def playbook(url, items, rounds):
    loop = '{{ range(%d) | list }}' % items
    v3 = {'hwcloud.elb.healthmonitor_v3': MONITOR, 'loop': loop}
    uri = {'ansible.builtin.uri': {'url': '%s/v3/%s/elb/pools/%s' % (url, PROJECT_ID, POOL),
                                   'headers': {'X-Auth-Token': "{{ lookup('env', 'HW_AUTH_TOKEN') }}"}},
           'loop': loop}
    ping = {'ansible.builtin.ping': {}, 'loop': loop}
    tasks = [dict({'hwcloud.elb.healthmonitor_v3': MONITOR}, name='setup: create the monitor')]
    for index in range(rounds):
        order = (('v3', v3), ('uri', uri)) if index % 2 == 0 else (('uri', uri), ('v3', v3))
        for key, task in order + (('ping', ping),):
            tasks.append(dict(task, name='%s %d' % (key, index)))
    return json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], indent=1)


def measure(url, items, rounds):
    env = _bench.base_env(url, auth='token')
    run = _bench.run_playbook(playbook(url, items, rounds), env)
    per = dict((key, [run.seconds('%s %d' % (key, i)) / items for i in range(rounds)]) for key in ('v3', 'uri', 'ping'))
    for key in ('v3', 'uri'):
        for index in range(rounds):
            task = run.task('%s %d' % (key, index))
            if task['changed'] or task['items'] != items:
                raise SystemExit('%s %d was not %d unchanged items: %r' % (key, index, items, task))
    ratios = [v / u for v, u in zip(per['v3'], per['uri'])]
    own = [(v - p) / (u - p) for v, u, p in zip(per['v3'], per['uri'], per['ping']) if u > p]
    return {'items': items, 'rounds': rounds, 'per_task': per, 'ratios': ratios, 'ratio': _bench.median(ratios),
            'own_ratio': _bench.median(own), 'spread': dict((k, _bench.spread(v)) for k, v in per.items()),
            'load': _bench.load_average()}


def report(results):
    per = results['per_task']
    lines = ['%d rounds of %d tasks each, alternating (ms per task, median; spread of rounds):'
             % (results['rounds'], results['items'])]
    for key, label in (('v3', 'healthmonitor_v3 no-op (2 GETs)'), ('uri', 'ansible.builtin.uri GET (1 GET)'),
                       ('ping', 'ansible.builtin.ping (no HTTP)')):
        lines.append('  %-34s %6.0f ms   (%.0f%%; rounds: %s)' % (
            label, _bench.median(per[key]) * 1000, results['spread'][key],
            ', '.join('%.0f' % (v * 1000) for v in per[key])))
    lines.append('  ratio v3 / uri: median %.2fx (target <= 1.5x); rounds: %s' % (
        results['ratio'], ', '.join('%.2f' % r for r in results['ratios'])))
    lines.append('  above ansible\'s own per-task cost (ping): v3 / uri = %.2fx' % results['own_ratio'])
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--items', type=int, default=10, help='tasks per batch (a loop of that many items)')
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--json', help='also write the figures to this file')
    args = parser.parse_args()
    _bench.stage()
    with emulator() as url:
        results = measure(url, args.items, args.rounds)
    print(report(results))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(results, handle, indent=1)


if __name__ == '__main__':
    main()
