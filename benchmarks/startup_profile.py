# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a module's own process spends its time: AnsiballZ payload size, process wall and CPU time,
imports (``python -X importtime``) and the phases of a no-op run, for ``healthmonitor_v3`` and the
``ansible.builtin.uri`` floor.

Run after `make stage`:  .venv/bin/python benchmarks/startup_profile.py [--rounds 15]
The payloads are the ones ansible-playbook really sends (kept with ANSIBLE_KEEP_REMOTE_FILES) and are
run directly, alternately, with the same environment; nothing of ansible-playbook's own per-task work
is in these figures (see floor_bench.py for that).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import time

import _bench
from _emulator import PROJECT_ID, admin, emulator

POOL = '4a95b500-f31e-5f26-bbe6-e2aeb4391406'      # demo-http-pool, seeded
MONITOR = '{pool: %s, type: HTTP, delay: 5, timeout: 3, max_retries: 3}' % POOL

PLAY = '''- hosts: localhost
  gather_facts: false
  tasks:
    - name: create
      hwcloud.elb.healthmonitor_v3: %(monitor)s
    - name: keep-v3
      hwcloud.elb.healthmonitor_v3: %(monitor)s
    - name: keep-uri
      ansible.builtin.uri:
        url: "%(url)s/v3/%(project)s/elb/pools/%(pool)s"
        headers: {X-Auth-Token: "{{ lookup('env', 'HW_AUTH_TOKEN') }}"}
'''

# Phases of one no-op healthmonitor_v3 run, timed in one fresh interpreter (PYTHONPATH = the staged copy).
PHASES = r'''
import json, sys, time
marks = [('start', time.perf_counter())]
def mark(name):
    marks.append((name, time.perf_counter()))
import ansible.module_utils.basic
mark('import ansible.module_utils.basic')
import requests
mark('import requests (and urllib3, idna, charset_normalizer, certifi)')
from ansible_collections.hwcloud.elb.plugins.module_utils import _module, _family_v3
mark('import the collection\'s module_utils')
from ansible_collections.hwcloud.elb.plugins.module_utils._client import ElbClient
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import Reconciler
params = json.loads(sys.argv[1])
client = ElbClient(ConnectionSettings(params))
mark('build the client (requests.Session)')
pool = client.get('/v3/{project_id}/elb/pools/' + params['pool'])
mark('first GET (new connection)')
client.get('/v3/{project_id}/elb/healthmonitors/' + pool['pool']['healthmonitor_id'])
mark('second GET (kept-alive connection)')
params.update(state='present', wait=True, wait_timeout=300)
Reconciler(_family_v3.FAMILY, client, params).run()
mark('a whole no-op reconcile on the warm client (2 GETs)')
print(json.dumps([(name, (t - marks[i][1]) * 1000) for i, (name, t) in enumerate(marks[1:])]))
'''


# What each transport costs to import in a module process, on top of what every module imports anyway.
IMPORT_SETS = (
    ('ansible.module_utils.basic alone', 'import ansible.module_utils.basic'),
    ('+ requests (what _client.py imports)', 'import ansible.module_utils.basic, requests, email.utils'),
    ('+ ansible.module_utils.urls (what uri imports)', 'import ansible.module_utils.basic, ansible.module_utils.urls'),
    ('+ http.client, ssl (the standard library only)', 'import ansible.module_utils.basic, http.client, ssl, email.utils'),
)


def import_costs(rounds):
    """Median CPU ms of a fresh interpreter importing each set (alternating the order each round)."""
    samples = dict((label, []) for label, _stmt in IMPORT_SETS)
    for index in range(rounds):
        order = IMPORT_SETS if index % 2 == 0 else tuple(reversed(IMPORT_SETS))
        for label, statement in order:
            before = os.times()
            subprocess.run([_bench.PYTHON, '-c', statement], check=True)
            after = os.times()
            samples[label].append(1000.0 * ((after.children_user - before.children_user)
                                            + (after.children_system - before.children_system)))
    return [(label, _bench.median(samples[label])) for label, _stmt in IMPORT_SETS]


def keep_payloads(url, env):
    """Run the playbook keeping the AnsiballZ files; returns {'v3': path, 'uri': path}."""
    remote = os.path.join(_bench.WORK, 'remote-tmp', 'profile')
    subprocess.run(['rm', '-rf', remote], check=True)
    os.makedirs(remote)
    _bench.run_playbook(PLAY % {'monitor': MONITOR, 'url': url, 'project': PROJECT_ID, 'pool': POOL},
                        dict(env, ANSIBLE_KEEP_REMOTE_FILES='1', ANSIBLE_REMOTE_TMP=remote))
    found = sorted(glob.glob(os.path.join(remote, '*', 'AnsiballZ_*.py')), key=os.path.getmtime)
    return {'v3': [p for p in found if p.endswith('healthmonitor_v3.py')][-1],
            'uri': [p for p in found if p.endswith('_uri.py')][-1]}


def run_once(path, env):
    """Run a payload directly once; it must answer a no-op read (not changed, not failed)."""
    done = subprocess.run([_bench.PYTHON, path], env=env, capture_output=True, text=True, cwd=_bench.WORK,
                          check=False)
    if done.returncode:
        raise SystemExit('%s failed: %s %s' % (path, done.stdout[-500:], done.stderr[-2000:]))
    result = json.loads(done.stdout)
    if result.get('failed') or result.get('changed'):
        raise SystemExit('%s did not run as a no-op read: %s' % (path, done.stdout[:500]))


def timed(path, env):
    """Wall and CPU seconds of one direct run (CPU from the child's rusage)."""
    before = os.times()
    start = time.perf_counter()
    run_once(path, env)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def importtime(path, env):
    """Import microseconds from ``python -X importtime``: the total, cumulative by top-level import, and two
    groups by name: the collection's own files (self time: compiling them from the zip and running them) and
    the HTTP library (``requests`` or ``ansible.module_utils.urls``, cumulative, with what it pulls in)."""
    done = subprocess.run([_bench.PYTHON, '-X', 'importtime', path], env=env, capture_output=True, text=True,
                          cwd=_bench.WORK, check=False)
    tops = {}
    total = 0
    groups = {'collection': 0, 'http library': 0}
    for line in done.stderr.splitlines():
        match = re.match(r'import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)', line)
        if not match:
            continue
        self_us, cumulative, indent, name = int(match.group(1)), int(match.group(2)), match.group(3), match.group(4)
        total += self_us
        if name.startswith('ansible_collections.hwcloud.'):
            groups['collection'] += self_us
        if name in ('requests', 'ansible.module_utils.urls'):
            groups['http library'] += cumulative
        if len(indent) == 1:  # a top-level import of the run
            key = name.split('.')[0] if not name.startswith(('ansible.', 'ansible_collections.')) else name
            tops[key] = tops.get(key, 0) + cumulative
    tops.update(('group: ' + name, value) for name, value in groups.items())
    return total, tops


def payload_modules(path):
    """The files inside a payload's zip, with their sizes."""
    import base64
    import io
    import zipfile
    text = open(path, encoding='utf-8').read()
    data = re.search(r"zip_data='([^']+)'", text) or re.search(r'ZIPDATA = """(.*?)"""', text, re.S)
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(data.group(1))))
    return [(info.filename, info.file_size, info.compress_size) for info in archive.infolist()]


def measure(url, rounds):
    env = _bench.base_env(url, auth='token')
    paths = keep_payloads(url, env)
    direct_env = dict(env)
    results = {'payload_bytes': dict((k, os.path.getsize(p)) for k, p in paths.items())}
    contents = dict((k, payload_modules(p)) for k, p in paths.items())
    results['payload_files'] = dict((k, len(v)) for k, v in contents.items())
    results['payload_source_bytes'] = dict((k, sum(s for _n, s, _c in v)) for k, v in contents.items())
    ours = [(n, s) for n, s, _c in contents['v3'] if n.startswith('ansible_collections/')]
    results['collection_source_bytes'] = sum(s for _n, s in ours)
    results['collection_files'] = [n for n, _s in ours]
    only_v3 = sorted(set(n for n, _s, _c in contents['v3']) - set(n for n, _s, _c in contents['uri']))
    only_uri = sorted(set(n for n, _s, _c in contents['uri']) - set(n for n, _s, _c in contents['v3']))
    results['only_in_v3'] = only_v3
    results['only_in_uri'] = only_uri
    # Warm-up, then alternate: v3, uri, uri, v3, ... so drift in the machine's load hits both alike.
    for key in ('v3', 'uri'):
        timed(paths[key], direct_env)
    samples = {'v3': [], 'uri': [], 'python': []}
    for index in range(rounds):
        order = ('v3', 'uri') if index % 2 == 0 else ('uri', 'v3')
        for key in order:
            samples[key].append(timed(paths[key], direct_env))
        start = time.perf_counter()
        before = os.times()
        subprocess.run([_bench.PYTHON, '-c', 'pass'], check=True)
        after = os.times()
        samples['python'].append((time.perf_counter() - start, (after.children_user - before.children_user)
                                  + (after.children_system - before.children_system)))
    results['direct'] = dict((key, {'wall': _bench.median([w for w, _c in values]),
                                    'cpu': _bench.median([c for _w, c in values]),
                                    'wall_spread': _bench.spread([w for w, _c in values])})
                             for key, values in samples.items())
    results['direct_ratio'] = _bench.median([v[0] / u[0] for v, u in zip(samples['v3'], samples['uri'])])
    results['direct_cpu_ratio'] = _bench.median([v[1] / u[1] for v, u in zip(samples['v3'], samples['uri'])
                                                 if u[1] > 0])
    imports = {}
    for key in ('v3', 'uri'):
        runs = [importtime(paths[key], direct_env) for _round in range(5)]
        tops = {}
        for _total, found in runs:
            for name, value in found.items():
                tops.setdefault(name, []).append(value)
        imports[key] = {'total_ms': _bench.median([t for t, _f in runs]) / 1000.0,
                        'collection_ms': _bench.median(tops.pop('group: collection')) / 1000.0,
                        'http_library_ms': _bench.median(tops.pop('group: http library')) / 1000.0,
                        'top': sorted(((n, _bench.median(v) / 1000.0) for n, v in tops.items()),
                                      key=lambda item: -item[1])[:12]}
    results['imports'] = imports
    phase_env = dict(direct_env, PYTHONPATH=_bench.COLLECTIONS)
    params = json.dumps({'pool': POOL, 'auth_token': env['HW_AUTH_TOKEN'], 'project_id': PROJECT_ID,
                         'elb_endpoint': url, 'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 3})
    phase_runs = []
    for _round in range(7):
        done = subprocess.run([_bench.PYTHON, '-c', PHASES, params], env=phase_env, capture_output=True, text=True,
                              check=True)
        phase_runs.append(json.loads(done.stdout))
    results['phases'] = [(name, _bench.median([run[i][1] for run in phase_runs]))
                         for i, (name, _v) in enumerate(phase_runs[0])]
    results['import_costs'] = import_costs(max(rounds, 9))
    admin(url, 'stats/reset', {})
    run_once(paths['v3'], direct_env)
    results['v3_calls'] = _bench.calls(url)['requests']
    return results


def report(results):
    lines = []
    d = results['direct']
    lines.append('module process, run directly (median of rounds; wall spread %.0f%% / %.0f%%):'
                 % (d['v3']['wall_spread'], d['uri']['wall_spread']))
    lines.append('  %-34s %8s %8s' % ('', 'wall ms', 'CPU ms'))
    for key, label in (('v3', 'healthmonitor_v3 no-op (2 GETs)'), ('uri', 'uri GET (1 GET)'),
                       ('python', 'python -c pass')):
        lines.append('  %-34s %8.0f %8.0f' % (label, d[key]['wall'] * 1000, d[key]['cpu'] * 1000))
    lines.append('  ratio v3/uri: wall %.2fx, CPU %.2fx' % (results['direct_ratio'], results['direct_cpu_ratio']))
    lines.append('AnsiballZ payload: v3 %d bytes (%d files, %d bytes of source, %d of them the collection\'s), '
                 'uri %d bytes (%d files)' % (
                     results['payload_bytes']['v3'], results['payload_files']['v3'],
                     results['payload_source_bytes']['v3'], results['collection_source_bytes'],
                     results['payload_bytes']['uri'], results['payload_files']['uri']))
    for key in ('v3', 'uri'):
        imp = results['imports'][key]
        lines.append('imports of %s: %.0f ms in all; the collection\'s own files %.0f ms; the HTTP library %.0f ms; '
                     'largest top-level: %s' % (key, imp['total_ms'], imp['collection_ms'], imp['http_library_ms'],
                                                ', '.join('%s %.0f' % item for item in imp['top'][:5])))
    lines.append('phases of a no-op v3 run in one interpreter (ms, median of 7):')
    for name, ms in results['phases']:
        lines.append('  %-55s %7.1f' % (name, ms))
    lines.append('import cost in a fresh interpreter (CPU ms, median; site-packages have their .pyc):')
    for label, ms in results['import_costs']:
        lines.append('  %-55s %7.0f' % (label, ms))
    lines.append('calls of one no-op v3 run: %s' % ', '.join(results['v3_calls']))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=15)
    parser.add_argument('--json', help='also write the figures to this file')
    args = parser.parse_args()
    _bench.stage()
    with emulator() as url:
        results = measure(url, args.rounds)
    print(report(results))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(results, handle, indent=1)


if __name__ == '__main__':
    main()
