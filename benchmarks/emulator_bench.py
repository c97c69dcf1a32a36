# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the ELB emulator (a script, not a test).

Starts ``tests/emulator`` on a free loopback port and prints:

* requests/s with N concurrent clients (threads, each with its own keep-alive
  connection) doing ``GET /v3/{project}/elb/healthmonitors/{id}``, with token
  auth and with AK/SK signatures;
* the time to list v3 monitors when 10,000 are stored: one call (the API caps a
  page at ``limit=2000``), the whole 10,000 walked with ``marker`` (5 full pages and the empty one that ends it), and
  10,000 in a single ``/v2.0/lbaas`` call (v2 has no page cap).

Standard library only: ``python3 benchmarks/emulator_bench.py [--duration 3] [--clients 8]``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import hmac
import http.client
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR = os.path.join(ROOT, "tests", "emulator")
PROJECT = "0123456789abcdef0123456789abcdef"
AK, SK = "AKEXAMPLE0000000000", "SKEXAMPLE1111111111111111111111111111111"
TARGET_RPS = 500
TARGET_LIST_MS = 200


def start(python):
    """Start the emulator; returns (process, host, port)."""
    proc = subprocess.Popen([python, EMULATOR, "--host", "127.0.0.1", "--port", "0"],  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE)
    ready = select.select([proc.stdout], [], [], 15)[0]
    line = proc.stdout.readline().decode().strip() if ready else ""
    if not line.startswith("ready http://"):
        proc.kill()
        raise SystemExit("emulator did not start: %r" % line)
    host, port = line.split("//", 1)[1].rsplit(":", 1)
    return proc, host, int(port)


class Client:
    """One keep-alive connection."""

    def __init__(self, host, port):
        self.host = "%s:%d" % (host, port)
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def call(self, method, path, body=None, headers=None):
        """(status, decoded JSON or None)."""
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json"}
        hdrs.update(headers or {})
        self.conn.request(method, path, body=data, headers=hdrs)
        resp = self.conn.getresponse()
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw else None)

    def signed_headers(self, method, path, body=b""):
        """AK/SK headers for a request without a query string."""
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        headers = {"content-type": "application/json", "host": self.host, "x-project-id": PROJECT, "x-sdk-date": date}
        names = sorted(headers)
        canonical = "\n".join([method, path if path.endswith("/") else path + "/", "",
                               "".join("%s:%s\n" % (n, headers[n]) for n in names), ";".join(names),
                               hashlib.sha256(body).hexdigest()])
        to_sign = "SDK-HMAC-SHA256\n%s\n%s" % (date, hashlib.sha256(canonical.encode()).hexdigest())
        sig = hmac.new(SK.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        return {"X-Sdk-Date": date, "X-Project-Id": PROJECT, "Host": self.host,
                "Authorization": "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (AK, ";".join(names), sig)}


def token(client):
    """An IAM token of the demo user."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "password": "demo-password", "domain": {"name": "demo"}}}}, "scope": {"project": {"id": PROJECT}}}}
    client.conn.request("POST", "/v3/auth/tokens", body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    resp = client.conn.getresponse()
    resp.read()
    return resp.getheader("X-Subject-Token")


def throughput(host, port, clients, duration, path, auth_token):
    """(requests/s, requests, errors) of ``clients`` threads GETting ``path`` for ``duration`` s."""
    counts = [0] * clients
    errors = [0] * clients
    go = threading.Event()
    deadline = [0.0]

    def worker(index):
        client = Client(host, port)
        while not go.is_set():
            time.sleep(0.001)
        while time.monotonic() < deadline[0]:
            headers = {"X-Auth-Token": auth_token} if auth_token else client.signed_headers("GET", path)
            status = client.call("GET", path, headers=headers)[0]
            counts[index] += 1
            if status != 200:
                errors[index] += 1
        client.conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    deadline[0] = started + duration
    go.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return sum(counts) / elapsed, sum(counts), sum(errors)


def timed(func, repeat=3):
    """Best wall time of ``repeat`` runs, in ms, and the last result."""
    best, result = None, None
    for _round in range(repeat):
        begin = time.perf_counter()
        result = func()
        spent = (time.perf_counter() - begin) * 1000
        best = spent if best is None else min(best, spent)
    return best, result


def main():
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per throughput run")
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs the emulator")
    args = parser.parse_args()

    proc, host, port = start(args.python)
    try:
        admin = Client(host, port)
        version = subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        print("emulator: http://%s:%d (python %s), %d clients, keep-alive, loopback" % (host, port, version, args.clients))
        auth_token = token(admin)
        status, body = admin.call("POST", "/_emulator/bulk", {"family": "v3", "count": 1, "name_prefix": "bench-"})
        pool = body["ids"][0]
        status, body = admin.call("GET", "/v3/%s/elb/pools/%s" % (PROJECT, pool), headers={"X-Auth-Token": auth_token})
        path = "/v3/%s/elb/healthmonitors/%s" % (PROJECT, body["pool"]["healthmonitor_id"])

        rps, count, errors = throughput(host, port, args.clients, args.duration, path, auth_token)
        print("throughput, token auth, GET one v3 monitor:  %7.0f req/s  (%d requests, %d errors; target >= %d)" % (rps, count, errors, TARGET_RPS))
        rps_sig, count, errors = throughput(host, port, args.clients, args.duration, path, None)
        print("throughput, AK/SK-signed, GET one v3 monitor: %7.0f req/s  (%d requests, %d errors)" % (rps_sig, count, errors))

        admin.call("POST", "/_emulator/reset", {})
        auth_token = token(admin)
        begin = time.perf_counter()
        status, body = admin.call("POST", "/_emulator/bulk", {"family": "v3", "count": 10000,
                                                              "monitor": {"type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3}})
        print("bulk-create 10,000 v3 pools each with a monitor: %.0f ms" % ((time.perf_counter() - begin) * 1000))
        admin.call("POST", "/_emulator/bulk", {"family": "v2", "count": 10000, "protocol": "TCP",
                                               "monitor": {"type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}})
        headers = {"X-Auth-Token": auth_token}
        base = "/v3/%s/elb/healthmonitors" % PROJECT

        one_ms, (status, body) = timed(lambda: admin.call("GET", base + "?limit=2000", headers=headers))
        assert status == 200 and len(body["healthmonitors"]) == 2000
        print("list v3 monitors, one call, limit=2000 (API maximum) of 10,000 stored: %6.1f ms" % one_ms)

        def walk():
            seen, marker = [], None
            while True:
                url = base + "?limit=2000" + ("&marker=" + marker if marker else "")
                page = admin.call("GET", url, headers=headers)[1]
                seen.extend(page["healthmonitors"])
                marker = page["page_info"].get("next_marker")
                # Every page names a next_marker (the v3 list seed), so the end is a short page.
                if len(page["healthmonitors"]) < 2000 or not marker:
                    return seen

        walk_ms, seen = timed(walk)
        assert len(seen) == 10000
        print("list all 10,000 v3 monitors (6 calls of 2000 with marker):      %6.1f ms  (target < %d ms)" % (walk_ms, TARGET_LIST_MS))
        v2_ms, (status, body) = timed(lambda: admin.call("GET", "/v2.0/lbaas/healthmonitors", headers=headers))
        assert status == 200 and len(body["healthmonitors"]) == 10000
        print("list all 10,000 v2 monitors in one call (/v2.0/lbaas, no limit): %6.1f ms" % v2_ms)
        filt_ms, (status, body) = timed(lambda: admin.call("GET", base + "?type=HTTP&delay=5&limit=10", headers=headers))
        print("filtered v3 list over 10,000 monitors (type, delay, limit=10):   %6.1f ms" % filt_ms)
        ok = rps >= TARGET_RPS and walk_ms < TARGET_LIST_MS
        print("result: %s" % ("targets met" if ok else "TARGETS MISSED"))
        return 0 if ok else 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
