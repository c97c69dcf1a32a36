# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A peer, side by side: the same create / re-run / update / delete scenario with
``openstack.cloud.lb_health_monitor`` (openstacksdk, the ``/v2.0/lbaas`` form) and ``hwcloud.elb.healthmonitor_v2``
against the emulator; calls and time of each step, median of alternating rounds.

Run after `make stage`:  .venv/bin/python benchmarks/peer_bench.py [--rounds 3]
The first run installs, under build/bench/ only: a virtual environment with openstacksdk (from PyPI), and the
openstack.cloud collection taken out of the ``ansible`` package on PyPI (Galaxy is not needed).

How openstacksdk reaches the emulator without any change to it: keystone v3 password authentication
(``auth_type: v3password``) against the emulator's IAM, whose token answer has an empty catalog, plus
``load_balancer_endpoint_override: <url>/v2.0`` and ``load_balancer_api_version: '2'``. Both modules therefore
log in once per task (one POST /v3/auth/tokens each).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import zipfile

import _bench
from _emulator import PROJECT_ID, emulator

ANSIBLE_PACKAGE = 'ansible==14.5.0'          # bundles openstack.cloud 2.6.0
OPENSTACKSDK = 'openstacksdk==4.22.0'
PEER_VENV = os.path.join(_bench.WORK, 'peer-venv')
PEER_PYTHON = os.path.join(PEER_VENV, 'bin', 'python')
CACHE = os.path.join(_bench.WORK, 'cache')
PEER_COLLECTION = os.path.join(_bench.COLLECTIONS, 'ansible_collections', 'openstack', 'cloud')
POOL = 'shared-http-pool'


def pip(args):
    """Run pip quietly; its output only when it fails."""
    done = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if done.returncode:
        raise RuntimeError('%s failed:\n%s' % (' '.join(args[2:5]), done.stdout[-3000:]))


def setup(log=print):
    """Install openstacksdk and the openstack.cloud collection once; returns the collection's version."""
    marker = os.path.join(PEER_VENV, '.bench-installed')
    if not os.path.exists(marker):
        log('peer: installing %s into %s' % (OPENSTACKSDK, PEER_VENV))
        subprocess.run([_bench.PYTHON, '-m', 'venv', '--clear', PEER_VENV], check=True)
        pip([PEER_PYTHON, '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', OPENSTACKSDK])
        open(marker, 'w').close()
    manifest = os.path.join(PEER_COLLECTION, 'MANIFEST.json')
    if not os.path.exists(manifest):
        log('peer: taking openstack.cloud out of the %s wheel (PyPI)' % ANSIBLE_PACKAGE)
        os.makedirs(CACHE, exist_ok=True)
        wheels = [name for name in os.listdir(CACHE) if name.startswith('ansible-') and name.endswith('.whl')]
        if not wheels:
            pip([_bench.PYTHON, '-m', 'pip', 'download', '--quiet', '--no-deps', '--disable-pip-version-check',
                 '--only-binary', ':all:', '-d', CACHE, ANSIBLE_PACKAGE])
            wheels = [name for name in os.listdir(CACHE) if name.startswith('ansible-') and name.endswith('.whl')]
        with zipfile.ZipFile(os.path.join(CACHE, wheels[0])) as wheel:
            for name in wheel.namelist():
                if name.startswith('ansible_collections/openstack/cloud/'):
                    wheel.extract(name, _bench.COLLECTIONS)
    with open(manifest, encoding='utf-8') as handle:
        return json.load(handle)['collection_info']['version']


def peer_cloud(url):
    return {'auth_type': 'v3password',
            'auth': {'auth_url': url + '/v3', 'username': 'demo', 'password': 'demo-password',
                     'user_domain_name': 'demo', 'project_id': PROJECT_ID},
            'load_balancer_endpoint_override': url + '/v2.0', 'load_balancer_api_version': '2'}


def peer_steps(url, tag):
    """The scenario with openstack.cloud.lb_health_monitor; ``wait: false`` (see wait_probe)."""
    base = {'cloud': peer_cloud(url), 'name': 'bench-peer', 'wait': False}
    created = dict(base, pool=POOL, type='HTTP', delay=5, health_monitor_timeout=3, max_retries=3,
                   url_path='/health')
    updated = dict(created, url_path='/ready')
    interpreter = {'ansible_python_interpreter': PEER_PYTHON}
    module = 'openstack.cloud.lb_health_monitor'
    return [('peer create %s' % tag, {module: created, 'vars': interpreter}),
            ('peer no-op re-run %s' % tag, {module: created, 'vars': interpreter}),
            ('peer update %s' % tag, {module: updated, 'vars': interpreter}),
            ('peer delete %s' % tag, {module: dict(base, state='absent'), 'vars': interpreter})]


def our_steps(tag):
    created = {'pool': POOL, 'name': 'bench-ours', 'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 3,
               'url_path': '/health'}
    module = 'hwcloud.elb.healthmonitor_v2'
    return [('ours create %s' % tag, {module: created}),
            ('ours no-op re-run %s' % tag, {module: created}),
            ('ours update %s' % tag, {module: dict(created, url_path='/ready')}),
            ('ours delete %s' % tag, {module: {'pool': POOL, 'state': 'absent'}})]


STEPS = ('create', 'no-op re-run', 'update', 'delete')


def wait_probe(url, env):
    """What the peer does with its default ``wait: true`` here: one create with a 6-second timeout."""
    cloud = peer_cloud(url)
    steps = [('probe create, wait true', {
        'openstack.cloud.lb_health_monitor': {'cloud': cloud, 'name': 'bench-probe', 'pool': POOL, 'type': 'HTTP',
                                              'delay': 5, 'health_monitor_timeout': 3, 'max_retries': 3,
                                              'wait': True, 'timeout': 6},
        'vars': {'ansible_python_interpreter': PEER_PYTHON}, 'ignore_errors': True, 'register': 'probe'}),
        ('probe message', {'ansible.builtin.copy': {'content': '{{ probe.msg | default("") }}',
                                                    'dest': os.path.join(_bench.WORK, 'peer-wait-probe.txt')}}),
        ('probe cleanup', {'openstack.cloud.lb_health_monitor': {'cloud': cloud, 'name': 'bench-probe',
                                                                 'state': 'absent', 'wait': False},
                           'vars': {'ansible_python_interpreter': PEER_PYTHON}})]
    rows = _bench.run_scenario(url, env, steps)
    with open(os.path.join(_bench.WORK, 'peer-wait-probe.txt'), encoding='utf-8') as handle:
        message = handle.read().strip()
    return {'seconds': rows[0]['seconds'], 'gets': rows[0]['gets'], 'message': message}


def direct(url, env, rounds):
    """The module processes alone: one round of both scenarios is run keeping its AnsiballZ payloads, which are
    then run again directly, scenario after scenario (the order alternating each round): wall and CPU per step."""
    text = json.dumps([{'hosts': 'localhost', 'gather_facts': False,
                        'tasks': [dict(task, name=label) for label, task in peer_steps(url, 'k') + our_steps('k')]}])
    payloads = _bench.keep_payloads(text, env, 'peer')
    if len(payloads) != 2 * len(STEPS):
        raise SystemExit('expected %d payloads, found %d' % (2 * len(STEPS), len(payloads)))
    scenarios = {'peer': payloads[:len(STEPS)], 'ours': payloads[len(STEPS):]}
    samples = dict(((who, step), []) for who in scenarios for step in STEPS)
    for index in range(rounds):
        for who in (('peer', 'ours') if index % 2 == 0 else ('ours', 'peer')):
            for step, (path, interpreter) in zip(STEPS, scenarios[who]):
                wall, cpu, result = _bench.run_payload(path, interpreter, env)
                if result.get('failed') or bool(result.get('changed')) != (step != 'no-op re-run'):
                    raise SystemExit('%s %s did not do its step: %s' % (who, step, json.dumps(result)[:500]))
                samples[(who, step)].append((wall, cpu))
    return dict(('%s %s' % key, {'wall': _bench.median([w for w, _c in values]),
                                 'cpu': _bench.median([c for _w, c in values])})
                for key, values in samples.items())


def import_cpu(python, statement, rounds=5):
    """Median CPU seconds of a fresh interpreter running ``statement``."""
    samples = []
    for _round in range(rounds):
        before = os.times()
        subprocess.run([python, '-c', statement], check=True)
        after = os.times()
        samples.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return _bench.median(samples)


def measure(url, rounds):
    env = _bench.base_env(url, auth='password')
    steps = []
    for index in range(rounds):
        tag = 'r%d' % index
        pair = (peer_steps(url, tag), our_steps(tag))
        steps += pair[0] + pair[1] if index % 2 == 0 else pair[1] + pair[0]
    rows = dict((row['label'], row) for row in _bench.run_scenario(url, env, steps))
    table = {}
    for who in ('peer', 'ours'):
        for step in STEPS:
            found = [rows['%s %s r%d' % (who, step, index)] for index in range(rounds)]
            first = found[0]
            table[(who, step)] = {
                'seconds': _bench.median([row['seconds'] for row in found]),
                'spread': _bench.spread([row['seconds'] for row in found]),
                'writes': first['writes'], 'gets': first['gets'], 'iam': first['iam'],
                'changed': [row['changed'] for row in found],
                'requests': first['requests'],
                'same_calls_every_round': all(row['requests'] == first['requests'] for row in found)}
    probe = wait_probe(url, env)
    return {'rounds': rounds, 'table': dict(('%s %s' % key, value) for key, value in table.items()),
            'wait_probe': probe, 'direct': direct(url, env, max(rounds, 5)),
            'import_cpu': {'openstack': import_cpu(PEER_PYTHON, 'import openstack'),
                           'requests': import_cpu(_bench.PYTHON, 'import requests')}}


def report(results, version=None):
    table = results['table']
    lines = ['%s vs hwcloud.elb.healthmonitor_v2, %d alternating rounds (time: median):' % (
        'openstack.cloud.lb_health_monitor' + (' %s' % version if version else ''), results['rounds'])]
    direct_rows = results['direct']
    lines.append('  %-13s| %-58s| %-58s' % ('step', 'openstack.cloud (wait: false)', 'hwcloud.elb'))
    legend = 'task ms / module CPU ms / writes, GETs, IAM / changed'
    lines.append('  %-13s| %-58s| %-58s' % ('', legend, legend))
    for step in STEPS:
        cells = []
        for who in ('peer', 'ours'):
            row = table['%s %s' % (who, step)]
            cpu = direct_rows['%s %s' % (who, step)]['cpu']
            cells.append('%5.0f / %4.0f / %d, %d, %d / %s' % (
                row['seconds'] * 1000, cpu * 1000, row['writes'], row['gets'], row['iam'], row['changed'][0]))
        lines.append('  %-13s| %-58s| %-58s' % (step, cells[0], cells[1]))
    for step in STEPS:
        lines.append('  peer %-12s calls: %s' % (step, '; '.join(table['peer %s' % step]['requests'])))
    lines.append('  import CPU in a fresh interpreter: openstack %.0f ms, requests %.0f ms' % (
        results['import_cpu']['openstack'] * 1000, results['import_cpu']['requests'] * 1000))
    probe = results['wait_probe']
    lines.append('  peer with its default wait: true: %.1f s, %d GETs, then: %s' % (
        probe['seconds'], probe['gets'], probe['message'][:200] or '(no failure)'))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--json', help='also write the figures to this file')
    args = parser.parse_args()
    _bench.stage()
    version = setup()
    with emulator() as url:
        results = measure(url, args.rounds)
    results['version'] = version
    print(report(results, version))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(results, handle, indent=1)


if __name__ == '__main__':
    main()
