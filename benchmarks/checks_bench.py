# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API calls of hwcloud.elb.member_check (issue 30), from the emulator's stats, on real loopback backends:
a healthy member found by pool and address, the same by member id, a member whose health checks a security group
drops, five members at once.

Run after `make stage`:  .venv/bin/python benchmarks/checks_bench.py
The GETs of the job are polls (0.5 s at first, growing): their number depends on how long the job takes.
"""

from __future__ import annotations

import argparse
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import _bench
import calls_bench
from _emulator import PROJECT_ID, admin, emulator

V3 = '/v3/%s/elb' % PROJECT_ID
MEMBERS = 5


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self):  # pylint: disable=invalid-name
        self.send_response(200)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


def api(url, token, method, path, body=None):
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={'X-Auth-Token': token, 'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def setup(url, ports):
    """demo-http-pool behind an HTTP listener, an HTTP monitor, one member per backend port; the last one blocked."""
    token = _bench.token(url)
    pool = api(url, token, 'GET', V3 + '/pools?name=demo-http-pool')['pools'][0]
    api(url, token, 'POST', V3 + '/healthmonitors', {'healthmonitor': dict(
        pool_id=pool['id'], type='HTTP', delay=1, timeout=1, max_retries=1, max_retries_down=1)})
    api(url, token, 'POST', V3 + '/listeners', {'listener': dict(
        loadbalancer_id=pool['loadbalancers'][0]['id'], protocol='HTTP', protocol_port=80, default_pool_id=pool['id'])})
    members = [api(url, token, 'POST', '%s/pools/%s/members' % (V3, pool['id']), {'member': dict(
        address='127.0.0.1', protocol_port=port)})['member'] for port in ports]
    admin(url, 'config', {'probe_time_scale': 0.05, 'blocked_health_checks': [{'address': '127.0.0.1', 'port': ports[-1]}]})
    return members


def measure(url):
    servers = [ThreadingHTTPServer(('127.0.0.1', 0), _Ok) for _index in range(MEMBERS)]
    threads = [threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
               for server in servers]
    for thread in threads:
        thread.start()
    try:
        ports = [server.server_address[1] for server in servers]
        members = setup(url, ports)
        module = 'hwcloud.elb.member_check'
        steps = [
            ('member_check, pool and address (by name)',
             {module: dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=ports[0])}),
            ('member_check, member id', {module: dict(member=members[0]['id'])}),
            ('member_check, blocked member (security group)', {module: dict(member=members[-1]['id'])}),
            ('member_check, %d members of a pool' % MEMBERS, {module: dict(pool='demo-http-pool', address='127.0.0.1')}),
        ]
        rows = _bench.run_scenario(url, _bench.base_env(url, auth='aksk'), steps)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    for row in rows:
        row['job_gets'] = sum(1 for r in row['requests'] if '/check/jobs/' in r)
        row['posts'] = sum(1 for r in row['requests'] if r.startswith('POST'))
    return {'rows': rows}


def summary_rows(result):
    first = result['rows'][0]
    return [('member_check, one member by pool and address', '%d POST, %d GETs (%d of them job polls)' % (
        first['posts'], first['gets'], first['job_gets']), '', '')]


def table_rows(result):
    return [(row['label'], row['posts'], row['gets'] - row['job_gets'], row['job_gets'],
             '; '.join(calls_bench.short(r) for r in row['requests'])) for row in result['rows']]


TABLE_HEADER = ('task', 'POSTs (jobs)', 'GETs to find the member', 'GETs of the jobs', 'the calls')


def markdown(result):
    """The section of docs/performance.md."""
    lines = ['## Calls of member_check\n',
             '`benchmarks/checks_bench.py` (`--only checks`). `hwcloud.elb.member_check` on `demo-http-pool` behind an HTTP '
             'listener, %d loopback backends answering 200, the last one blocked by `blocked_health_checks` (its '
             'security group check fails); AK/SK signing, from the emulator\'s stats.\n' % MEMBERS]
    header = '| ' + ' | '.join(TABLE_HEADER) + ' |'
    lines += [header, '| ' + ' | '.join('---' for _column in TABLE_HEADER) + ' |']
    lines += ['| %s |' % ' | '.join(str(cell) for cell in row) for row in table_rows(result)]
    lines.append('\nFinding the member costs what `member_health_info` costs (a pool named by name: its list call; no '
                 'pool: the pools\' list; then one member list call); then one POST per member and one GET per member '
                 'and poll of its job (the first poll at once, then the shared backoff from 0.5 s). Nothing is read per '
                 'other member of the pool. A `diagnose: true` wait that fails adds the same POST and polls for each '
                 'failing member (at most 5) and no find: the wait has read them already.\n')
    return '\n'.join(lines)


def report(result):
    lines = ['%-48s %5s %6s %9s' % ('task', 'POSTs', 'finds', 'job GETs')]
    for label, posts, finds, polls, _calls in table_rows(result):
        lines.append('%-48s %5d %6d %9d' % (label, posts, finds, polls))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--json', help='also write the figures to this file')
    args = parser.parse_args()
    _bench.stage()
    with emulator() as url:
        result = measure(url)
    print(report(result))
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(result, handle, indent=1)


if __name__ == '__main__':
    main()
