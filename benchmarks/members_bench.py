# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the emulator's health prober (a script, not a test).

Starts ``tests/emulator`` and a loopback TCP backend (a separate process with 100 listening ports that
accept and close), creates 2,000 v3 members across 20 pools (100 per pool, TCP monitors with delay 5,
timeout 3), and measures API request latency (sequential keep-alive ``GET`` of one member and of a
member list page, token auth) twice: with the background prober paused, and with it probing at
``probe_time_scale`` 0.05 (every member every 0.25 s as scheduled), in alternating blocks. Prints both figures side by side,
the slowdown, and the probes per second the prober achieved (it starts at most
``prober.MAX_PROBES_PER_S`` per second, so a schedule that asks for more runs late instead of
starving the API).

Standard library only: ``python3 benchmarks/members_bench.py [--requests 400] [--members 2000] [--pools 20]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import select
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR = os.path.join(ROOT, "tests", "emulator")
PROJECT = "0123456789abcdef0123456789abcdef"
MAX_SLOWDOWN = 0.20
BLOCKS = 4

BACKEND = r"""
import selectors, socket, sys
sel = selectors.DefaultSelector()
ports = []
for _ in range(int(sys.argv[1])):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    sock.setblocking(False)
    sel.register(sock, selectors.EVENT_READ)
    ports.append(sock.getsockname()[1])
print(" ".join(map(str, ports)), flush=True)
while True:
    for key, events in sel.select():
        try:
            conn, peer = key.fileobj.accept()
            conn.close()
        except OSError:
            pass
"""


def start(cmd):
    """Start a process that prints one line when ready; returns (process, line)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)  # pylint: disable=consider-using-with
    ready = select.select([proc.stdout], [], [], 15)[0]
    line = proc.stdout.readline().strip() if ready else ""
    if not line:
        proc.kill()
        raise SystemExit("%s did not start" % cmd[1])
    return proc, line


class Api:
    """One keep-alive connection with a token."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.token = None
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "demo", "password": "demo-password", "domain": {"name": "demo"}}}}, "scope": {"project": {"id": PROJECT}}}}
        status, _body, headers = self.call("POST", "/v3/auth/tokens", body, with_headers=True)
        assert status == 201
        self.token = headers["X-Subject-Token"]

    def call(self, method, path, body=None, with_headers=False):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["X-Auth-Token"] = self.token
        self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        parsed = json.loads(data) if data else None
        return (resp.status, parsed, resp.headers) if with_headers else (resp.status, parsed)


def latencies(api, paths, count):
    """Milliseconds of ``count`` sequential GETs cycling over ``paths``."""
    out = []
    for index in range(count):
        start_at = time.perf_counter()
        status, _body = api.call("GET", paths[index % len(paths)])
        out.append((time.perf_counter() - start_at) * 1000)
        assert status == 200, status
    return out


def summary(values):
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1], statistics.mean(ordered)


def measure(members=2000, pools=20, requests=400):
    """Run the benchmark; returns a dict of figures."""
    per_pool = members // pools
    backend, line = start([sys.executable, "-c", BACKEND, str(per_pool)])
    ports = [int(p) for p in line.split()]
    emulator, line = start([sys.executable, EMULATOR, "--host", "127.0.0.1", "--port", "0"])
    port = int(line.rsplit(":", 1)[1])
    try:
        api = Api(port)

        def admin(path, body=None):
            return api.call("POST" if body is not None else "GET", "/_emulator/" + path, body)
        admin("config", {"probe_background": False})
        status, made = admin("bulk", {"family": "v3", "count": pools, "protocol": "TCP", "name_prefix": "bench-",
                                      "monitor": {"type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}})
        assert status == 200, made
        member_paths = []
        for pool in made["ids"]:
            status, body = api.call("POST", "/v3/%s/elb/pools/%s/members/batch-add" % (PROJECT, pool), {
                "members": [{"address": "127.0.0.1", "protocol_port": p} for p in ports]})
            assert status == 200, body
            member_paths.append("/v3/%s/elb/pools/%s/members/%s" % (PROJECT, pool, body["members"][0]["id"]))
        paths = member_paths + ["/v3/%s/elb/members?limit=50&pool_id=%s" % (PROJECT, made["ids"][0])]
        status, body = admin("probe", {})
        assert status == 200 and body["probes"] == members, body
        latencies(api, paths, 50)  # warm up
        # Paused and running alternate in blocks, so a change of the machine's load hits both figures alike.
        idle, busy, probes, elapsed = [], [], 0, 0.0
        for _block in range(BLOCKS):
            admin("config", {"probe_background": False})
            time.sleep(0.3)
            idle += latencies(api, paths, requests // BLOCKS)
            admin("config", {"probe_background": True, "probe_time_scale": 0.05})
            time.sleep(0.5)
            before = admin("stats")[1]["probes"]["total"]
            began = time.monotonic()
            busy += latencies(api, paths, requests // BLOCKS)
            elapsed += time.monotonic() - began
            probes += admin("stats")[1]["probes"]["total"] - before
        online = api.call("GET", "/v3/%s/elb/members?operating_status=ONLINE&limit=1" % PROJECT)[1]
        admin("config", {"probe_background": False})
        return {"members": members, "pools": pools, "requests": requests, "idle_ms": summary(idle), "busy_ms": summary(busy),
                "probes_per_s": probes / elapsed, "scheduled_per_s": members / (5 * 0.05),
                "some_online": bool(online["members"])}
    finally:
        emulator.terminate()
        emulator.wait(timeout=15)
        backend.kill()
        backend.wait()


def report(result):
    """The printed table."""
    idle, busy = result["idle_ms"], result["busy_ms"]
    slowdown = busy[0] / idle[0] - 1
    lines = [
        "%d members in %d pools, TCP monitors (delay 5 s, timeout 3 s) at probe_time_scale 0.05" % (result["members"], result["pools"]),
        "%-28s %14s %14s" % ("API GET latency (ms)", "prober paused", "prober running"),
        "%-28s %14.2f %14.2f" % ("median", idle[0], busy[0]),
        "%-28s %14.2f %14.2f" % ("95th percentile", idle[1], busy[1]),
        "%-28s %14.2f %14.2f" % ("mean", idle[2], busy[2]),
        "probes/s achieved: %.0f (the schedule asks for %.0f); members ONLINE: %s" % (
            result["probes_per_s"], result["scheduled_per_s"], "yes" if result["some_online"] else "none"),
        "median slowdown: %+.0f %% (target: at most %+.0f %%)%s" % (
            slowdown * 100, MAX_SLOWDOWN * 100, "" if slowdown <= MAX_SLOWDOWN else "  <- over the target"),
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--pools", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    print(report(measure(args.members, args.pools, args.requests)))


if __name__ == "__main__":
    main()
