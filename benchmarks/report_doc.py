# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The summary table `make bench` prints, and docs/performance.md (method + figures), from run.py's results."""

from __future__ import annotations

import calls_bench
import checks_bench
import dataplane_bench
import resource_bench
import rolling_bench

# Not measured by make bench: the figures come from tests/integration/test_rolling_update.py and test_member_traffic.py
# (issues 19, 26); the rolling section (benchmarks/rolling_bench.py) measures the calls of whole runs.
ROLLING_UPDATE_CALLS = (
    '## Calls per host of a rolling update\n'
    '\n'
    "The `rolling_update` role on a dedicated (v3) balancer whose pool holds the host's member, measured in\n"
    '`tests/integration/test_rolling_update.py` (`test_drain_and_restore_cost_at_most_10_gets_and_2_writes_per_pool`)\n'
    'and `tests/integration/test_member_traffic.py` (`test_calls_per_task_do_not_grow_with_the_other_members`, which\n'
    'also checks that six more members in the pool change none of these numbers). No call is made per other member:\n'
    "members are read with the project-wide member list, filtered by balancer; one read gives the host's own members\n"
    'and the rest of each pool (for `min_healthy`).\n'
    '\n'
    '| step | writes | GETs |\n'
    '| --- | --- | --- |\n'
    '| drain | 1 per pool holding the host | 5: balancer, pools, members; 1 for the balancer to be ACTIVE; the members '
    'again (`min_healthy` after the write) |\n'
    '| restore, with the wait for health | 1 per pool holding the host | 5: balancer, pools, members; 1 for ACTIVE; then '
    '1 member list call per poll (the monitors are read once, only if a member is seen unhealthy) |\n'
    '\n'
    '10 GETs and 2 writes per pool per host when the host is healthy at the first poll (issue 26; 21 GETs before),\n'
    'plus one member list call per further poll while the host comes back (the polls follow the monitor\'s interval).\n'
    'v2 reads each balancer\'s status tree per poll and each pool\'s member list once per task instead of the\n'
    'project-wide list.\n'
)

# Not measured by make bench either: the figures come from tests/integration/test_member.py and test_blue_green.py (issue 29).
MEMBER_CALLS = (
    '## Calls of hwcloud.elb.member: one member and 100\n'
    '\n'
    'Measured in `tests/integration/test_member.py` (`test_calls_for_one_and_for_100_members`, v3, a pool without a\n'
    'monitor, so the health wait ends at its first poll): 100 members given as `members` cost exactly the calls of one\n'
    'member, because the writes go to the batch endpoints (`batch-add`, `batch-update`, `batch-delete`, up to 200\n'
    "members a call) and the pool's members are read with one list call.\n"
    '\n'
    '| task | writes | GETs |\n'
    '| --- | --- | --- |\n'
    '| register (`present`), 1 or 100 members | 1 (`POST members` or `batch-add`) | 4: pools, members; the balancer ACTIVE; one health poll |\n'
    '| re-run, nothing to change | 0 | 3: pools, members; one health poll |\n'
    '| deregister (`absent`), 1 or 100 members | 2 (weight 0, then the delete) | 4: pools, members; the balancer ACTIVE after each write |\n'
    '\n'
    "v2 has no batch endpoints: one write per member and kind of write, and its reads are the balancer's status tree\n"
    "and the pool's member list.\n"
    '\n'
    'Time per blue/green swap (`tests/integration/test_blue_green.py`, three backends replaced by three under 50\n'
    'requests a second): 11.3 s for the whole `ansible-playbook` run of `docs/examples/blue_green.yml` (four tasks,\n'
    'its start-up included; two runs, load average 5 on the shared 2-core machine), against a floor of 1.4 s - the\n'
    "monitor's up threshold x delay (2 x 0.2 s, the emulator's time scale) plus the drain (`drain_timeout: 1`). The\n"
    "rest is ansible-playbook's own cost per task and the health wait's first pause (1 s), not API calls.\n"
)


def _row(rows, label):
    return next((row for row in rows if row['label'] == label), None)


def _calls(row):
    if row is None:
        return 'n/a'
    text = '%d write%s + %d GET%s' % (row['writes'], '' if row['writes'] == 1 else 's', row['gets'],
                                      '' if row['gets'] == 1 else 's')
    if row.get('iam'):
        text += ' + %d IAM' % row['iam']
    return text


def _met(ok):
    return 'met' if ok else '**not met**'


def summary_rows(results):
    """(what, figure, target, status) rows."""
    sections = results['sections']
    rows = []
    calls = sections.get('calls')
    if calls:
        modules = calls['modules']
        noop = [r for r in modules if r['label'].endswith('no-op re-run')]
        ok = all(r['writes'] == 0 and r['gets'] <= 2 and not r['changed'] for r in noop)
        rows.append(('calls, no-op re-run (v3 / v2 / v1)', ' / '.join(_calls(r) for r in noop),
                     '0 writes, <= 2 GETs', _met(ok)))
        for step in ('create', 'update', 'delete'):
            found = [_row(modules, '%s %s' % (module, step))
                     for module in ('healthmonitor_v3', 'healthmonitor_v2', 'healthcheck_v1')]
            rows.append(('calls, %s (v3 / v2 / v1)' % step, ' / '.join(_calls(r) for r in found), '', ''))
        if calls.get('roles'):
            role = _row(calls['roles'], 'role http_monitor no-op re-run (5 pools)')
            if role:
                rows.append(('calls, HTTP role no-op re-run, per pool', '%.0f writes + %.0f GETs' % (
                    role['per_pool']['writes'], role['per_pool']['gets']), '0 writes, <= 2 GETs',
                    _met(role['writes'] == 0 and role['per_pool']['gets'] <= 2)))
        misses = calls_bench.check_targets(calls)
        if misses:
            rows.append(('calls, misses', ', '.join(misses), '', '**not met**'))
    floor = sections.get('floor')
    if floor:
        rows.append(('task cost: no-op healthmonitor_v3 / uri GET', '%.2fx (%.0f vs %.0f ms per task)' % (
            floor['ratio'], _median(floor['per_task']['v3']) * 1000, _median(floor['per_task']['uri']) * 1000),
            '<= 1.5x', _met(floor['ratio'] <= 1.5)))
    profile = sections.get('profile')
    if profile:
        d = profile['direct']
        rows.append(('module process alone: v3 no-op / uri GET', 'CPU %.0f / %.0f ms (%.2fx), wall %.0f / %.0f ms' % (
            d['v3']['cpu'] * 1000, d['uri']['cpu'] * 1000, profile['direct_cpu_ratio'], d['v3']['wall'] * 1000,
            d['uri']['wall'] * 1000), '', ''))
        rows.append(('AnsiballZ payload: v3 / uri', '%.0f / %.0f KB' % (
            profile['payload_bytes']['v3'] / 1024.0, profile['payload_bytes']['uri'] / 1024.0), '', ''))
    scale = sections.get('scale')
    if scale:
        info = scale['info']
        big = info[-1]
        rows.append(('healthmonitor_info over {:,} monitors'.format(big['count']), '%.2f s, %.0f MB peak' % (
            big['wall'], big['peak_mb']), '< 5 s, < 150 MB', _met(big['wall'] < 5 and big['peak_mb'] < 150)))
        if len(info) > 1:
            rows.append(('healthmonitor_info, {:,} -> {:,} monitors'.format(info[0]['count'], big['count']),
                         'time x%.2f, CPU x%.2f, peak memory x%.2f' % (
                             big['wall'] / info[0]['wall'], big['cpu'] / info[0]['cpu'],
                             big['peak_mb'] / info[0]['peak_mb']), '', ''))
        roles = scale['role']
        what = 'HTTP role' if roles[0]['role'] else 'v3 module loop (no role yet)'
        for row in roles:
            rows.append(('{} over {:,} pools, project of {:,} pools'.format(what, row['pools'], row['size']),
                         '%.0f ms per pool (CPU %.0f ms)%s' % (
                             row['create']['per_pool_ms'], row['create']['cpu_per_pool_ms'],
                             '; re-run %.0f ms' % row['rerun']['per_pool_ms'] if 'rerun' in row else ''), '', ''))
    if sections.get('resource'):
        rows.extend(resource_bench.summary_rows(sections['resource']))
    if sections.get('rolling'):
        rows.extend(rolling_bench.summary_rows(sections['rolling']))
    if sections.get('dataplane'):
        rows.extend(dataplane_bench.summary_rows(sections['dataplane']))
    if sections.get('checks'):
        rows.extend(checks_bench.summary_rows(sections['checks']))
    peer = sections.get('peer')
    if peer and 'unavailable' not in peer:
        table = peer['table']
        direct = peer['direct']
        for step in ('create', 'no-op re-run'):
            theirs, ours = table['peer %s' % step], table['ours %s' % step]
            rows.append(('peer %s: openstack.cloud / hwcloud.elb v2' % step,
                         'calls %s / %s; module CPU %.0f / %.0f ms' % (
                             _calls(theirs), _calls(ours), direct['peer %s' % step]['cpu'] * 1000,
                             direct['ours %s' % step]['cpu'] * 1000), '', ''))
    elif peer:
        rows.append(('peer (openstack.cloud)', 'not run: %s' % peer['unavailable'][:120], '', ''))
    return rows


def _median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2.0


def summary_table(results):
    rows = summary_rows(results)
    width = max([len(r[0]) for r in rows] + [4])
    fig = max([len(r[1]) for r in rows] + [6])
    lines = ['%-*s  %-*s  %-20s  %s' % (width, 'what', fig, 'figure', 'target', 'status'),
             '%s  %s  %s  %s' % ('-' * width, '-' * fig, '-' * 20, '-' * 6)]
    for what, figure, target, status in rows:
        lines.append('%-*s  %-*s  %-20s  %s' % (width, what, fig, figure, target, status.replace('*', '')))
    env = results['environment']
    lines.append('(%s; %s cores; load average %.1f at the start, %.1f at the end; %.0f s in all)' % (
        env['ansible'], env['cores'], env['load_start'], env.get('load_end', float('nan')),
        env.get('total_seconds', 0)))
    return '\n'.join(lines)


def _md_table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |', '| ' + ' | '.join('---' for _column in header) + ' |']
    for row in rows:
        lines.append('| ' + ' | '.join(str(cell).replace('|', '\\|') for cell in row) + ' |')
    return '\n'.join(lines)


def _calls_section(calls):
    out = []
    rows = []
    for row in calls['modules'] + calls['queries'] + calls['password']:
        rows.append((row['label'], 'yes' if row['changed'] else 'no', row['writes'], row['gets'], row['iam'],
                     '; '.join(calls_bench.short(r) for r in row['requests'])))
    out.append(_md_table(('task', 'changed', 'writes', 'GETs', 'IAM', 'the calls'), rows))
    if calls.get('roles'):
        out.append('')
        out.append(_md_table(('role run', 'changed', 'writes', 'GETs', 'per pool'), [
            (row['label'], 'yes' if row['changed'] else 'no', row['writes'], row['gets'],
             '%.1f writes, %.1f GETs' % (row['per_pool']['writes'], row['per_pool']['gets']))
            for row in calls['roles']]))
    else:
        out.append('\nThe roles were not in the checkout when this ran.')
    return '\n'.join(out)


def document(results):
    env = results['environment']
    s = results['sections']
    calls, floor, profile, scale, peer = (s.get(k) for k in ('calls', 'floor', 'profile', 'scale', 'peer'))
    parts = []
    add = parts.append
    add('# Performance\n')
    add('What a user of `hwcloud.elb` waits for and what its tasks cost the API, measured against the bundled '
        'emulator, beside the cheapest thing Ansible can do (`ansible.builtin.uri`) and beside a peer '
        '(`openstack.cloud.lb_health_monitor`). `make bench` (not part of `make test`) runs everything below, '
        'prints the summary and rewrites this page; every figure here comes from its last run.\n')
    add('## Summary\n')
    add(_md_table(('what', 'figure', 'target', 'status'), summary_rows(results)))
    add('')
    add('## How to reproduce\n')
    add('```\nmake bench                                   # everything: %.0f s on the run below, plus building .venv '
        'on a fresh clone\n'
        '.venv/bin/python benchmarks/run.py --only floor,profile    # some sections (does not rewrite this page)\n'
        '.venv/bin/python benchmarks/run.py --rerun   # also time a no-op re-run of the role over the 200 pools\n'
        '```\n' % env.get('total_seconds', 0))
    add('Each section also runs alone (`calls_bench.py`, `floor_bench.py`, `startup_profile.py`, '
        '`scale_bench.py`, `peer_bench.py`, `info_bench.py`, `resource_bench.py`, `rolling_bench.py`, all under `benchmarks/`, each with `--help`).\n')
    add('Everything is made under `build/bench/`: a staged copy of the collection of its own (so a concurrent '
        '`make stage` cannot pull it away), the peer\'s virtual environment and collection, the raw figures '
        '(`build/bench/results.json`). Each section starts its own emulator on a free loopback port. Timings come '
        'from a small callback (`benchmarks/callback_plugins/bench_timer.py`) that notes when each task starts and '
        'when its result arrives, and, for the call counts, clears the emulator\'s stats as each task starts and reads '
        'them when it ends (admin calls are never counted). No figure is asserted: the targets are reported as met '
        'or not.\n')
    add('## The machine, and how noisy it was\n')
    busy = max(env['load_start'], env.get('load_end', 0)) > 1.0
    add('%s, %s cores (%s), Python %s, %s. Load average %.1f when the run started and %.1f when it ended%s. '
        '%s: every comparison alternates the compared runs (A B, B A, ...) in the same '
        'process tree and takes medians, and CPU time (user + system of the processes involved), which contention '
        'disturbs far less than wall time, is given beside wall time wherever it can be measured. Spreads ((max - '
        'min) / median of the rounds) are given with each figure.\n' % (
            env['platform'], env['cores'], env['cpu'] or 'unknown CPU', env['python'], env['ansible'],
            env['load_start'], env.get('load_end', float('nan')),
            ' (a load above 2 on 2 cores means other work was waiting for the CPU)'
            if max(env['load_start'], env.get('load_end', 0)) > 2 else '',
            'Other processes shared the two cores during the run (a load average above 1), so single timings swing by '
            'up to tens of per cent' if busy else
            'The machine was otherwise quiet, but single timings still swing'))
    if calls:
        add('## Calls per task\n')
        add('Each module\'s life on the seeded pools and listener (v3 `demo-http-pool`, v2 `shared-http-pool`, v1 '
            '`classic-http-listener`, named, not by id), AK/SK signing (no IAM call), from the emulator\'s stats. '
            'Targets: a no-op run makes no write and at most 2 GETs. The last row shows what password '
            'authentication adds: one IAM token request per task.\n')
        add(_calls_section(calls))
        add('')
        add('A no-op run reads the parent (by name: one list call with a `name` filter; by id: one GET) and the '
            'monitor it links to, and stops. A write adds the write and one read of the balancer to see it ACTIVE '
            'again (`wait: true`, the default). `healthmonitor_info` needs one call per 2,000 v3 monitors (the '
            'API\'s page cap), and one more, which comes back empty, when the last page is full (v3 names a next '
            'marker on every page); for classic (v1) listeners, which have no list call for health checks, one GET per '
            'listener that has a check.\n')
        if calls.get('roles'):
            add('The roles run one `hwcloud.elb.healthmonitors` task for all their targets (one more for the targets '
                'of state absent): it reads the pools and the monitors by list calls, checks every target before any '
                'write, and writes only what differs, then reads each balancer it wrote once, to see it ACTIVE. A '
                'no-op re-run costs the two list calls whatever the number of targets; the per-pool figures above '
                'shrink as the targets grow.\n')
    if floor:
        per = floor['per_task']
        add('## Task cost against the floor\n')
        add('%d rounds; in each, a loop of %d no-op `hwcloud.elb.healthmonitor_v3` tasks (pool by id, token '
            'authentication: 2 GETs each) and a loop of %d `ansible.builtin.uri` GETs of the same pool with the same '
            'IAM token (1 GET each), the order swapped every round, all in one `ansible-playbook` run; then a loop of '
            '`ansible.builtin.ping` (no HTTP at all) as ansible-playbook\'s own cost of a task. Time per task = the '
            'loop task\'s time / its items.\n' % (floor['rounds'], floor['items'], floor['items']))
        add(_md_table(('task', 'ms per task (median)', 'rounds (ms)', 'spread'), [
            (label, '%.0f' % (_median(per[key]) * 1000), ', '.join('%.0f' % (v * 1000) for v in per[key]),
             '%.0f%%' % floor['spread'][key])
            for key, label in (('v3', 'healthmonitor_v3, no-op'), ('uri', 'uri GET'), ('ping', 'ping'))]))
        add('')
        add('**Ratio v3 / uri: %.2fx** (median of the rounds\' ratios %s; target <= 1.5x: %s). Above ping, i.e. the '
            'modules\' own share of a task: %.2fx.\n' % (
                floor['ratio'], ', '.join('%.2f' % r for r in floor['ratios']),
                'met' if floor['ratio'] <= 1.5 else 'not met', floor['own_ratio']))
    if profile:
        d = profile['direct']
        imp = profile['imports']
        add('## Module start-up profile\n')
        add('The AnsiballZ payloads ansible-playbook really sends (kept with `ANSIBLE_KEEP_REMOTE_FILES`) run again '
            'directly, alternately, with the same environment: the module\'s own process, without ansible-playbook\'s '
            'per-task work (`benchmarks/startup_profile.py`).\n')
        add(_md_table(('process', 'wall ms', 'CPU ms', 'wall spread'), [
            ('healthmonitor_v3 no-op (2 GETs)', '%.0f' % (d['v3']['wall'] * 1000), '%.0f' % (d['v3']['cpu'] * 1000),
             '%.0f%%' % d['v3']['wall_spread']),
            ('uri GET (1 GET)', '%.0f' % (d['uri']['wall'] * 1000), '%.0f' % (d['uri']['cpu'] * 1000),
             '%.0f%%' % d['uri']['wall_spread']),
            ('python -c pass', '%.0f' % (d['python']['wall'] * 1000), '%.0f' % (d['python']['cpu'] * 1000),
             '%.0f%%' % d['python']['wall_spread'])]))
        add('')
        add('- **Payload size**: v3 %.0f KB (%d files, %.0f KB of source of which %.0f KB are the collection\'s '
            '%d files), uri %.0f KB (%d files). Both are mostly `ansible.module_utils` (`basic.py` and what it '
            'needs); ours carries no file it does not import (`_family_v1/_v2`, `_query`, `_profiles` stay out).' % (
                profile['payload_bytes']['v3'] / 1024.0, profile['payload_files']['v3'],
                profile['payload_source_bytes']['v3'] / 1024.0, profile['collection_source_bytes'] / 1024.0,
                len(profile['collection_files']), profile['payload_bytes']['uri'] / 1024.0,
                profile['payload_files']['uri']))
        add('- **Imports** (`python -X importtime` on the payload, median of 5): v3 %.0f ms in all, of which the '
            'collection\'s own files %.0f ms (compiled from source on every run: a payload has no `.pyc`) and '
            '`requests` with what it pulls in %.0f ms; uri %.0f ms, of which `ansible.module_utils.urls` %.0f ms. '
            'The rest, common to both, is `ansible.module_utils.basic` and the AnsiballZ loader.' % (
                imp['v3']['total_ms'], imp['v3']['collection_ms'], imp['v3']['http_library_ms'],
                imp['uri']['total_ms'], imp['uri']['http_library_ms']))
        phases = dict(profile['phases'])
        add('- **Phases** of a no-op run in one interpreter (median of 7, from site-packages with `.pyc`): %s.' % (
            '; '.join('%s %.1f ms' % (name, ms) for name, ms in profile['phases'])))
        costs = dict(profile['import_costs'])
        base = costs.get('ansible.module_utils.basic alone', 0)
        req = costs.get('+ requests (what _client.py imports)', 0)
        urls = costs.get('+ ansible.module_utils.urls (what uri imports)', 0)
        std = costs.get('+ http.client, ssl (the standard library only)', 0)
        add('- **Import cost of the transport**, CPU ms of a fresh interpreter (median): `basic` alone %.0f; with '
            '`requests` %.0f (+%.0f); with `ansible.module_utils.urls` %.0f (+%.0f); with `http.client` and `ssl` '
            'only %.0f (+%.0f).' % (base, req, req - base, urls, urls - base, std, std - base))
        add('- Session set-up is not a cost: building the client takes %.1f ms, a first GET on a new connection '
            '%.1f ms, the second on the kept-alive one %.1f ms.\n' % (
                phases.get('build the client (requests.Session)', 0), phases.get('first GET (new connection)', 0),
                phases.get('second GET (kept-alive connection)', 0)))
        add('### What could still be cut\n')
        add('The module already sits at the floor: its process costs what `uri`\'s does (CPU %.2fx) although it makes '
            'two calls to uri\'s one and validates and diffs. The collection\'s own code is about %.0f ms of a '
            '%.0f ms process; the reconcile itself (2 GETs on a warm client) %.1f ms. The payload is the size of '
            'uri\'s, and session set-up costs nothing worth naming. The one cost above what a module must pay is '
            'the HTTP library: `requests` costs about %.0f ms of CPU more to import than `http.client` + `ssl`.\n' % (
                profile['direct_cpu_ratio'], imp['v3']['collection_ms'], d['v3']['cpu'] * 1000,
                phases.get('a whole no-op reconcile on the warm client (2 GETs)', 0), req - std))
        add('We keep `requests`: a transport of our own on `http.client` would save that import (about a seventh '
            'of a no-op task) but trade a well-kept library for code we would have to maintain - proxies, CA bundles, '
            'connection reuse - and the task already costs what `uri` costs.\n')
    if scale:
        add('## Scale\n')
        add('`healthmonitor_info` listing every v3 monitor of a project holding 1,000 and 10,000 (TCP pools, each with '
            'a monitor, made by the emulator\'s bulk call), and the `hwcloud.elb.http_monitor` role creating monitors '
            'on %d pools (named, so each is looked up by name among all the project\'s pools) of a project holding '
            '1,000 and 10,000 pools. One emulator per size, so the sizes are measured alternately; each figure is a '
            'whole `ansible-playbook` run, in a wrapper process that reports its wall time, the CPU time of its whole '
            'process tree and the peak RSS of its largest process.\n' % scale['role'][0]['pools'])
        add(_md_table(('info over', 'wall s (median)', 'runs (s)', 'CPU s', 'peak RSS MB', 'calls'), [
            ('{:,}'.format(row['count']), '%.2f' % row['wall'], ', '.join('%.2f' % w for w in row['walls']),
             '%.2f' % row['cpu'], '%.0f' % row['peak_mb'],
             ', '.join('%s %d' % item for item in sorted(row['calls'].items()))) for row in scale['info']]))
        add('')
        inside = scale.get('info_inside')
        if inside:
            big = scale['info'][-1]
            cumulative = inside['profile']['cumulative']
            add('Inside the %s-monitor run (%.2f s of CPU in all): its module process alone takes %.2f s of CPU (run '
                'directly from its kept payload), so about %.1f s is ansible-playbook itself: starting, and taking '
                'in, tagging and registering a %s-item result. Under cProfile (which inflates many small calls) the '
                'module spends %.0f%% of its time in ansible-core\'s `exit_json`, most of it in `remove_values`, the '
                'no_log sweep over every value of the result; the calls and the collection\'s own listing and '
                'normalising are the rest. Neither part is the collection\'s to cut.\n' % (
                    '{:,}'.format(inside['count']), big['cpu'], inside['cpu'], big['cpu'] - inside['cpu'],
                    '{:,}'.format(inside['count']),
                    100.0 * cumulative['exit_json'] / cumulative['run_query_module']
                    if cumulative['run_query_module'] else 0))
        rows = []
        for row in scale['role']:
            for key, label in (('create', 'creating run'), ('rerun', 'no-op re-run')):
                if key in row:
                    r = row[key]
                    rows.append(('{:,}'.format(row['size']), label, '%.1f' % r['seconds'], '%.0f' % r['per_pool_ms'],
                                 '%.0f' % r['cpu_per_pool_ms'], r['writes'], r['gets'], '%.0f' % r['peak_mb']))
        add(_md_table(('pools in the project', 'run', 'wall s', 'ms per pool', 'CPU ms per pool', 'writes', 'GETs',
                       'peak RSS MB'), rows))
        add('')
        info = scale['info']
        roles = scale['role']
        if len(info) > 1 and len(roles) > 1:
            role_growth = roles[-1]['create']['cpu_per_pool_ms'] / roles[0]['create']['cpu_per_pool_ms']
            add('From %s to %s: the info task\'s time grows x%.2f (CPU x%.2f) and its peak memory x%.2f, far below '
                'x%d: a run\'s fixed cost (Python, Ansible, the module start) is a large part of it, the list is read '
                'in pages of 2,000 and each monitor is kept once. The role\'s time per pool changes x%.2f (CPU x%.2f)%s: '
                'its work per pool is the same few calls whatever the project holds; only the service\'s '
                'side grows (its name filter, and the balancer read after each write, whose body lists every pool of '
                'the balancer).%s\n' % (
                    '{:,}'.format(info[0]['count']), '{:,}'.format(info[-1]['count']),
                    info[-1]['wall'] / info[0]['wall'], info[-1]['cpu'] / info[0]['cpu'],
                    info[-1]['peak_mb'] / info[0]['peak_mb'], info[-1]['count'] // info[0]['count'],
                    roles[-1]['create']['per_pool_ms'] / roles[0]['create']['per_pool_ms'], role_growth,
                    ', within the noise' if abs(role_growth - 1) < 0.15 else '',
                    '' if roles[0]['role'] else ' (The role was not in the checkout: the same module loop was timed.)'))
        add('The role is one `hwcloud.elb.healthmonitors` task for all its targets: its time per pool is that of '
            'the writes (a create each, one after another on a balancer, each setting it PENDING for a moment) and '
            'of the list calls, shared by every pool; running it over 1,000 to 10,000 *target* pools takes about '
            '%.0f s per 1,000 pools here. The growth measured is that of the project the pools live in; '
            '[scale](scale.md) says how to spread many balancers over forks and execution nodes.\n' % (
                roles[0]['create']['per_pool_ms']))
    if peer:
        add('## A peer, side by side: openstack.cloud.lb_health_monitor\n')
        if 'unavailable' in peer:
            add('It could not be installed on this run: `%s`.\n' % peer['unavailable'])
        else:
            table = peer['table']
            direct = peer['direct']
            add('`openstack.cloud` %s (taken from the `ansible` package on PyPI, which bundles it; Galaxy is not '
                'needed) with openstacksdk in a virtual environment of its own (`build/bench/peer-venv`). It speaks '
                'the `/v2.0/lbaas` form, so it is set beside `hwcloud.elb.healthmonitor_v2` on the same pool '
                '(`shared-http-pool`): create, re-run, update (`url_path`), delete; %d rounds, the two scenarios '
                'alternating in one `ansible-playbook` run; then the kept payloads of both run again directly, '
                'alternately, 5 rounds, for the module processes\' CPU.\n' % (peer.get('version', '?'), peer['rounds']))
            add('**How it reaches the emulator, with no change to the emulator**: token authentication with an '
                'endpoint override does not work (`auth_type: admin_token` makes keystoneauth look for a version '
                'document at the endpoint, finds none, and fails: "Unable to find a version discovery document ... '
                'version hack disabled"). Keystone v3 password authentication does: `cloud: {auth_type: v3password, '
                'auth: {auth_url: <emulator>/v3, username, password, user_domain_name, project_id}, '
                'load_balancer_endpoint_override: <emulator>/v2.0, load_balancer_api_version: "2"}`. The override '
                'makes the token\'s catalog irrelevant. Both modules therefore log '
                'in once per task (password for ours too), so the IAM call is the same on both sides.\n')
            rows = []
            for step in peer_steps():
                theirs, ours = table['peer %s' % step], table['ours %s' % step]
                rows.append((step, '%.0f' % (theirs['seconds'] * 1000), '%.0f' % (direct['peer %s' % step]['cpu'] * 1000),
                             _calls(theirs), '%.0f' % (ours['seconds'] * 1000),
                             '%.0f' % (direct['ours %s' % step]['cpu'] * 1000), _calls(ours)))
            add(_md_table(('step', 'peer task ms', 'peer module CPU ms', 'peer calls', 'ours task ms',
                           'ours module CPU ms', 'ours calls'), rows))
            add('')
            add('The peer\'s calls, one run of each step:\n')
            for step in peer_steps():
                add('- %s: %s' % (step, '; '.join(table['peer %s' % step]['requests'])))
            probe = peer['wait_probe']
            add('')
            add('What the figures say:\n')
            discovery = next((r.split()[-1] for r in table['peer no-op re-run']['requests']
                              if r.startswith('GET /v2.0 ')), '?')
            add('- Calls: the peer asks for a version document (`GET /v2.0`, %s here) on every task, looks its '
                'monitor up by name with two calls (`GET healthmonitors/<name>` 404, then a list), and the pool the '
                'same way, even on a no-op run: 5 GETs and an IAM login where ours makes 2 GETs and the login. It '
                'also identifies a monitor by its name, so renaming one makes a second monitor; ours identifies it '
                'by its pool.' % discovery)
            imports = peer.get('import_cpu') or {}
            add('- CPU: the peer\'s module process costs about %.0f ms against ours %.0f ms on a no-op run; '
                '`import openstack` alone costs %.0f ms of CPU in a fresh interpreter, `import requests` %.0f ms. The '
                'task times add ansible-playbook\'s own per-task cost (see ping above) to both sides and are noisier '
                'on a shared machine than the CPU figures.' % (
                    direct['peer no-op re-run']['cpu'] * 1000, direct['ours no-op re-run']['cpu'] * 1000,
                    imports.get('openstack', float('nan')) * 1000, imports.get('requests', float('nan')) * 1000))
            add('- Waiting: the peer\'s default `wait: true` waits for the monitor\'s `provisioning_status` to become '
                'ACTIVE; the emulator\'s shared (v2) monitor has no such field (`api-notes.md` lists none for it; whether '
                'the real shared service sends one is unverified), so the peer never sees it and fails after its `timeout` (default 180 '
                's). Measured with `timeout: 6`: %.1f s, %d GETs, then "%s". The peer was therefore timed with '
                '`wait: false`; ours waits for the balancer, which has the field.\n' % (
                    probe['seconds'], probe['gets'], probe['message'][:160]))
    add(ROLLING_UPDATE_CALLS)
    if s.get('rolling'):
        add(rolling_bench.markdown(s['rolling']))
    add(MEMBER_CALLS)
    add('## What was left out, and why\n')
    add('- The role is timed over 200 pools, not over 1,000 to 10,000 of them: each pool is one or two Ansible tasks '
        '(each about the floor\'s time), so 10,000 would take over an hour; the growth measured is that of the '
        'project holding the pools (1,000 to 10,000), which is what changes the API\'s side.')
    add('- Real-cloud latency is not in these figures: on loopback a call costs a millisecond or two, so they show '
        'the client side. Against the real service each call adds tens of milliseconds, which makes the call '
        'counts above (2 GETs for a no-op, the peer\'s 5 + version discovery) matter more, not less.')
    if results.get('errors'):
        add('- Sections that failed on this run: %s.' % ', '.join(sorted(results['errors'])))
    add('')
    if s.get('resource'):
        add(resource_bench.markdown(s['resource']))
    if s.get('checks'):
        add(checks_bench.markdown(s['checks']))
    return '\n'.join(parts)


def peer_steps():
    return ('create', 'no-op re-run', 'update', 'delete')
