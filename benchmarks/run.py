# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench`: every benchmark in turn, a summary table on stdout, and docs/performance.md rewritten with the
method and the figures. Prints figures; asserts nothing about time (it fails only when a benchmark cannot run).

  .venv/bin/python benchmarks/run.py [--only calls,floor,profile,scale,peer,resource,dataplane,rolling,checks,balancers]
                                    [--no-doc] [--pools 200] [--rerun] [--doc-only]
  --only members runs the emulator prober benchmark (benchmarks/members_bench.py); it is not in the default set.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import traceback

import _bench
import balancers_bench
import calls_bench
import checks_bench
import dataplane_bench
import floor_bench
import members_bench
import peer_bench
import report_doc
import resource_bench
import rolling_bench
import scale_bench
import startup_profile
from _emulator import emulator

SECTIONS = ('calls', 'floor', 'profile', 'scale', 'peer', 'resource', 'dataplane', 'rolling', 'checks', 'balancers')


def environment():
    version = subprocess.run([os.path.join(_bench.BINDIR, 'ansible'), '--version'], capture_output=True,
                             text=True, check=False).stdout.splitlines()[0]
    cpu = ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            cpu = next((line.split(':', 1)[1].strip() for line in handle if line.startswith('model name')), '')
    except OSError:
        pass
    return {'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), 'python': platform.python_version(),
            'ansible': version, 'cores': os.cpu_count(), 'cpu': cpu, 'platform': platform.platform(),
            'load_start': _bench.load_average()}


def run_section(name, args, log):
    if name == 'calls':
        with emulator() as url:
            result = calls_bench.measure(url)
        return result, calls_bench.report(result)
    if name == 'floor':
        with emulator() as url:
            result = floor_bench.measure(url, args.items, args.rounds)
        return result, floor_bench.report(result)
    if name == 'profile':
        with emulator() as url:
            result = startup_profile.measure(url, args.profile_rounds)
        return result, startup_profile.report(result)
    if name == 'scale':
        result = scale_bench.measure([1000, 10000], args.pools, 3, args.rerun)
        return result, scale_bench.report(result)
    if name == 'peer':
        try:
            version = peer_bench.setup(log=log)
        except Exception as err:  # no network, no PyPI: say what stopped it, measure the rest
            result = {'unavailable': str(err)}
            return result, 'the peer could not be installed: %s' % err
        with emulator() as url:
            result = peer_bench.measure(url, args.peer_rounds)
        result['version'] = version
        return result, peer_bench.report(result, version)
    if name == 'resource':  # hwcloud.elb.healthmonitors: no-op and create over 1,000 pools, the full-size soak
        result = resource_bench.measure(args.resource_pools)
        return result, resource_bench.report(result)
    if name == 'dataplane':  # the emulator's data plane: requests/s through a listener, added latency per request
        result = dataplane_bench.measure(args.dataplane_requests, args.dataplane_clients)
        return result, dataplane_bench.report(result)
    if name == 'checks':  # hwcloud.elb.member_check: its calls on loopback backends
        with emulator() as url:
            result = checks_bench.measure(url)
        return result, checks_bench.report(result)
    if name == 'rolling':  # rolling updates under load through the emulator's data plane (issue 26)
        result = rolling_bench.measure()
        return result, rolling_bench.report(result)
    if name == 'balancers':  # many balancers as inventory hosts: its figures go to docs/scale.md
        result = balancers_bench.measure()
        text = balancers_bench.report(result)
        if not args.no_doc:
            balancers_bench.write_doc(text)
        return result, text
    if name == 'members':  # opt-in (--only members): the emulator's prober, not the collection; not in the doc
        result = members_bench.measure()
        return result, members_bench.report(result)
    raise ValueError(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', default=','.join(SECTIONS), help='comma-separated sections to run')
    parser.add_argument('--no-doc', action='store_true', help='do not rewrite docs/performance.md')
    parser.add_argument('--items', type=int, default=8, help='floor: tasks per batch')
    parser.add_argument('--rounds', type=int, default=5, help='floor: rounds')
    parser.add_argument('--profile-rounds', type=int, default=11)
    parser.add_argument('--pools', type=int, default=200, help='scale: pools the role configures')
    parser.add_argument('--rerun', action='store_true', help='scale: also time a no-op re-run of the role')
    parser.add_argument('--peer-rounds', type=int, default=3)
    parser.add_argument('--resource-pools', type=int, default=1000, help='resource: pools of the no-op and create')
    parser.add_argument('--dataplane-requests', type=int, default=2000, help='dataplane: sequential GETs per path')
    parser.add_argument('--dataplane-clients', type=int, default=8, help='dataplane: keep-alive clients of the throughput run')
    parser.add_argument('--json', default=os.path.join(_bench.WORK, 'results.json'))
    parser.add_argument('--doc-only', action='store_true',
                        help='measure nothing: rewrite docs/performance.md from the figures of the last run (--json)')
    args = parser.parse_args()
    if args.doc_only:
        with open(args.json, encoding='utf-8') as handle:
            results = json.load(handle)
        print(report_doc.summary_table(results))
        with open(os.path.join(_bench.ROOT, 'docs', 'performance.md'), 'w', encoding='utf-8') as handle:
            handle.write(report_doc.document(results))
        return
    wanted = [name for name in args.only.split(',') if name]
    started = time.perf_counter()

    def log(message):
        print('[%5.0f s] %s' % (time.perf_counter() - started, message), flush=True)

    log('staging the collection into %s' % _bench.COLLECTIONS)
    _bench.stage()
    results = {'environment': environment(), 'sections': {}, 'seconds': {}, 'errors': {}}
    texts = {}
    for name in wanted:
        log('%s ...' % name)
        begun = time.perf_counter()
        try:
            result, text = run_section(name, args, log)
        except (Exception, SystemExit) as err:  # keep going: the other sections still tell something
            results['errors'][name] = '%s\n%s' % (err, traceback.format_exc()[-3000:])
            log('%s FAILED: %s' % (name, err))
            continue
        results['sections'][name] = result
        results['seconds'][name] = time.perf_counter() - begun
        texts[name] = text
        print(text, flush=True)
    results['environment']['load_end'] = _bench.load_average()
    results['environment']['total_seconds'] = time.perf_counter() - started
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, 'w', encoding='utf-8') as handle:
        json.dump(results, handle, indent=1, default=str)
    print()
    print(report_doc.summary_table(results))
    if not args.no_doc and set(wanted) == set(SECTIONS):
        path = os.path.join(_bench.ROOT, 'docs', 'performance.md')
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(report_doc.document(results))
        log('wrote %s (figures also in %s)' % (os.path.relpath(path, _bench.ROOT),
                                               os.path.relpath(args.json, _bench.ROOT)))
    log('done in %.0f s' % (time.perf_counter() - started))
    if results['errors']:
        for name, error in results['errors'].items():
            print('section %s failed:\n%s' % (name, error), file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
