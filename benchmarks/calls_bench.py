# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API calls per task of every module and role, from the emulator's stats: create, no-op re-run,
update (check mode and real), delete, delete again; and the queries.

Run after `make stage`:  .venv/bin/python benchmarks/calls_bench.py
Targets: a no-op run makes 0 writes and at most 2 GETs. AK/SK signing, so no IAM call, except in the
row that shows what password authentication adds.
"""

from __future__ import annotations

import argparse
import json
import os

import _bench
from _emulator import admin, emulator

MONITOR_V3 = {'pool': 'demo-http-pool', 'type': 'HTTP', 'delay': 5, 'timeout': 3, 'max_retries': 3,
              'url_path': '/health'}
MONITOR_V2 = dict(MONITOR_V3, pool='shared-http-pool')
CHECK_V1 = {'listener': 'classic-http-listener', 'healthcheck_protocol': 'HTTP', 'healthcheck_interval': 5,
            'healthcheck_timeout': 3, 'healthy_threshold': 3, 'unhealthy_threshold': 3, 'healthcheck_uri': '/health'}


def lifecycle(module, args, changed_key, changed_value, identity):
    """The five steps of a monitor module's life: create, re-run, update (check mode), update, delete, delete."""
    fqcn = 'hwcloud.elb.' + module
    updated = dict(args, **{changed_key: changed_value})
    return [
        ('%s create' % module, {fqcn: args}),
        ('%s no-op re-run' % module, {fqcn: args}),
        ('%s update, check mode' % module, {fqcn: updated, 'check_mode': True}),
        ('%s update' % module, {fqcn: updated}),
        ('%s no-op after update' % module, {fqcn: updated}),
        ('%s delete' % module, {fqcn: dict(identity, state='absent')}),
        ('%s delete again (no-op)' % module, {fqcn: dict(identity, state='absent')}),
    ]


def module_steps():
    return (lifecycle('healthmonitor_v3', MONITOR_V3, 'url_path', '/ready', {'pool': 'demo-http-pool'})
            + lifecycle('healthmonitor_v2', MONITOR_V2, 'url_path', '/ready', {'pool': 'shared-http-pool'})
            + lifecycle('healthcheck_v1', CHECK_V1, 'healthcheck_uri', '/ready',
                        {'listener': 'classic-http-listener'}))


def query_steps():
    setup = [('setup v3', {'hwcloud.elb.healthmonitor_v3': MONITOR_V3}),
             ('setup v2', {'hwcloud.elb.healthmonitor_v2': MONITOR_V2}),
             ('setup v1', {'hwcloud.elb.healthcheck_v1': CHECK_V1})]
    return setup + [
        ('healthmonitor_info v3, every monitor', {'hwcloud.elb.healthmonitor_info': {}}),
        ('healthmonitor_info v3, pool by name', {'hwcloud.elb.healthmonitor_info': {'pool': 'demo-http-pool'}}),
        ('healthmonitor_info v3, filter type=HTTP', {'hwcloud.elb.healthmonitor_info': {'type': ['HTTP']}}),
        ('healthmonitor_info v2, every monitor', {'hwcloud.elb.healthmonitor_info': {'api_version': 'v2'}}),
        ('healthmonitor_info v1, balancer by name',
         {'hwcloud.elb.healthmonitor_info': {'api_version': 'v1', 'loadbalancer': 'classic-lb'}}),
        ('healthmonitor_facts v3, every monitor', {'hwcloud.elb.healthmonitor_facts': {}}),
    ]


def role_available(name):
    return os.path.exists(os.path.join(_bench.COLLECTIONS, 'ansible_collections', 'hwcloud', 'elb', 'roles', name,
                                       'tasks', 'main.yml'))


def role_steps(pools):
    """The HTTP and TCP roles over ``pools`` (names): the creating run, the re-run, the delete."""
    steps = []
    for role, prefix in (('http_monitor', 'http_monitor'), ('tcp_monitor', 'tcp_monitor')):
        targets = [{'pool': name} for name in pools]
        for label, state in (('create', 'present'), ('no-op re-run', 'present'), ('delete', 'absent')):
            steps.append(('role %s %s (%d pools)' % (role, label, len(pools)), {
                'ansible.builtin.include_role': {'name': 'hwcloud.elb.' + role},
                'vars': {prefix + '_targets': targets, prefix + '_state': state}}))
    return steps


def measure(url):
    results = {}
    env = _bench.base_env(url, auth='aksk')
    results['modules'] = _bench.run_scenario(url, env, module_steps())
    results['queries'] = [row for row in _bench.run_scenario(url, env, query_steps())
                          if not row['label'].startswith('setup')]
    # What password authentication adds to a task: the IAM token request.
    password = _bench.base_env(url, auth='password')
    rows = _bench.run_scenario(url, password, [
        ('healthmonitor_v3 no-op re-run, password auth', {'hwcloud.elb.healthmonitor_v3': MONITOR_V3})])
    results['password'] = rows
    pools = ['role-pool-%d' % n for n in range(5)]
    admin(url, 'bulk', {'family': 'v3', 'count': len(pools), 'protocol': 'HTTP', 'monitor': None,
                        'name_prefix': 'role-pool-'})
    if role_available('http_monitor') and role_available('tcp_monitor'):
        rows = _bench.run_scenario(url, env, role_steps(pools))
        for row in rows:
            row['per_pool'] = {'writes': row['writes'] / len(pools), 'gets': row['gets'] / len(pools)}
        results['roles'] = rows
    else:
        results['roles'] = None
    return results


def check_targets(results):
    """Whether every no-op run made no write and at most 2 GETs."""
    misses = []
    for row in results['modules'] + results['password']:
        if 'no-op' in row['label'] and (row['writes'] or row['gets'] > 2):
            misses.append(row['label'])
        if 'no-op' in row['label'] and row['changed']:
            misses.append(row['label'] + ' (reported changed)')
    for row in results['roles'] or []:
        if 'no-op' in row['label'] and (row['writes'] or row['per_pool']['gets'] > 2):
            misses.append(row['label'])
    return misses


def report(results):
    lines = ['%-52s %7s %6s %5s %4s  %s' % ('task', 'changed', 'writes', 'GETs', 'IAM', 'calls')]
    for row in results['modules'] + results['queries'] + results['password']:
        calls = '; '.join(short(r) for r in row['requests'])
        lines.append('%-52s %7s %6d %5d %4d  %s' % (row['label'], row['changed'], row['writes'], row['gets'], row['iam'],
                                                    calls))
    if results['roles'] is None:
        lines.append('roles: hwcloud.elb.http_monitor / tcp_monitor are not in this checkout yet')
    else:
        for row in results['roles']:
            lines.append('%-52s %7s %6d %5d %4d  per pool: %.1f writes, %.1f GETs' % (
                row['label'], row['changed'], row['writes'], row['gets'], row['iam'],
                row['per_pool']['writes'], row['per_pool']['gets']))
    misses = check_targets(results)
    lines.append('target (no-op: 0 writes, <= 2 GETs, not changed): %s' % (
        'met by every module and role' if not misses else 'MISSED by ' + ', '.join(misses)))
    return '\n'.join(lines)


def short(request):
    """'GET /v3/<project>/elb/pools 200' -> 'GET pools 200'; ids shortened."""
    method, path, status = request.split(' ')
    parts = [p for p in path.split('/') if p]
    keep = []
    for part in parts:
        if part in ('v3', 'v2', 'v2.0', 'v1.0', 'elb', 'lbaas', 'elbaas') or len(part) >= 32:
            if len(part) >= 32 and keep:
                keep.append('{id}')
            continue
        keep.append(part)
    return '%s %s %s' % (method, '/'.join(keep) or path, status)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--json', help='also write the figures to this file')
    args = parser.parse_args()
    _bench.stage()
    with emulator() as url:
        results = measure(url)
    print(report(results))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(results, handle, indent=1)


if __name__ == '__main__':
    main()
