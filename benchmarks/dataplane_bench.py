# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the emulator's data plane (a script, not a test).

Starts ``tests/emulator --data-plane`` and two loopback HTTP backends (a separate process, HTTP/1.1
keep-alive, 200 with a 13-byte body), creates a v3 HTTP listener whose pool holds both, and measures:

* the added latency: sequential keep-alive GETs straight to a backend and through the listener, in
  alternating blocks (so a change of the machine's load hits both alike); median and 99th percentile
  of each, and the difference;
* requests per second through the listener with N keep-alive clients (threads) for D seconds.

Everything is on 127.0.0.1 and bounded in count and time. Standard library only:
``python3 benchmarks/dataplane_bench.py [--requests 2000] [--clients 8] [--duration 3]``.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time

from members_bench import EMULATOR, PROJECT, Api, start

BLOCKS = 4

BACKENDS = r"""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall on keep-alive
    def log_message(self, *args):
        pass
    def do_GET(self):
        body = b"hello, world\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(2)]
for server in servers:
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
print(" ".join(str(s.server_address[1]) for s in servers), flush=True)
threading.Event().wait()  # until killed
"""


def timed_gets(port, count):
    """Milliseconds of ``count`` sequential keep-alive GETs to 127.0.0.1:``port``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out = []
    try:
        for _request in range(count):
            began = time.perf_counter()
            conn.request("GET", "/")
            resp = conn.getresponse()
            resp.read()
            out.append((time.perf_counter() - began) * 1000)
            assert resp.status == 200, resp.status
    finally:
        conn.close()
    return out


def throughput(port, clients, duration):
    """Requests per second through 127.0.0.1:``port`` with ``clients`` keep-alive clients for ``duration`` s."""
    done = [0] * clients
    failed = [0] * clients
    stop_at = time.monotonic() + duration

    def client(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < stop_at:
                conn.request("GET", "/")
                resp = conn.getresponse()
                resp.read()
                if resp.status == 200:
                    done[index] += 1
                else:
                    failed[index] += 1
        finally:
            conn.close()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - began), sum(failed)


def percentiles(values):
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.99) - 1, 0)]


def measure(requests=2000, clients=8, duration=3.0):
    """Run the benchmark; returns a dict of figures."""
    backends, line = start([sys.executable, "-c", BACKENDS])
    ports = [int(p) for p in line.split()]
    emulator, line = start([sys.executable, EMULATOR, "--host", "127.0.0.1", "--port", "0", "--data-plane"])
    try:
        api = Api(int(line.rsplit(":", 1)[1]))
        base = "/v3/%s/elb" % PROJECT
        status, body = api.call("GET", base + "/loadbalancers?name=demo-lb")
        lb_id = body["loadbalancers"][0]["id"]
        status, body = api.call("POST", base + "/listeners", {"listener": {"loadbalancer_id": lb_id, "protocol": "HTTP",
                                                                           "protocol_port": 80, "name": "bench"}})
        assert status == 201, body
        listener_id = body["listener"]["id"]
        status, body = api.call("POST", base + "/pools", {"pool": {"listener_id": listener_id, "protocol": "HTTP",
                                                                   "lb_algorithm": "ROUND_ROBIN"}})
        assert status == 201, body
        for port in ports:
            status, made = api.call("POST", "%s/pools/%s/members" % (base, body["pool"]["id"]),
                                    {"member": {"address": "127.0.0.1", "protocol_port": port}})
            assert status == 201, made
        listener_port = api.call("GET", "/_emulator/data-plane")[1]["listeners"][listener_id]["port"]
        timed_gets(ports[0], 100)  # warm up both paths
        timed_gets(listener_port, 100)
        direct, through = [], []
        for _block in range(BLOCKS):
            direct += timed_gets(ports[0], requests // BLOCKS)
            through += timed_gets(listener_port, requests // BLOCKS)
        rate, failed = throughput(listener_port, clients, duration)
        counters = api.call("GET", "/_emulator/data-plane/stats")[1]
        served = sorted(m["requests"] for m in counters["members"].values())
        return {"requests": requests, "clients": clients, "duration_s": duration, "direct_ms": percentiles(direct),
                "through_ms": percentiles(through), "requests_per_s": rate, "failed": failed, "served": served}
    finally:
        emulator.terminate()
        emulator.wait(timeout=15)
        backends.kill()
        backends.wait()


def summary_rows(result):
    """(what, figure, target, status) rows for the make bench summary (report_doc.py)."""
    direct, through = result["direct_ms"], result["through_ms"]
    return [("emulator data plane: HTTP requests/s, %d clients" % result["clients"], "%.0f" % result["requests_per_s"], "", ""),
            ("emulator data plane: added latency, median / p99",
             "%+.2f / %+.2f ms" % (through[0] - direct[0], through[1] - direct[1]), "", "")]


def report(result):
    """The printed table."""
    direct, through = result["direct_ms"], result["through_ms"]
    lines = [
        "HTTP listener -> 2 loopback backends; %d sequential keep-alive GETs per path, alternating blocks" % result["requests"],
        "%-24s %12s %12s %12s" % ("latency (ms)", "direct", "listener", "added"),
        "%-24s %12.3f %12.3f %+12.3f" % ("median", direct[0], through[0], through[0] - direct[0]),
        "%-24s %12.3f %12.3f %+12.3f" % ("99th percentile", direct[1], through[1], through[1] - direct[1]),
        "throughput through the listener: %.0f requests/s (%d keep-alive clients, %.0f s), %d failed" % (
            result["requests_per_s"], result["clients"], result["duration_s"], result["failed"]),
        "requests per member (the two backends, weight 1 each): %s" % " / ".join(str(n) for n in result["served"]),
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=3.0)
    args = parser.parse_args()
    print(report(measure(args.requests, args.clients, args.duration)))


if __name__ == "__main__":
    main()
