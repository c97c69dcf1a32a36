# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A bounded HTTP load client for loopback listeners: what the users of a rolling update see (issue 26).

``LoadClient(port, rate=50)`` sends ``rate`` requests per second, on a fixed schedule, over keep-alive
connections to 127.0.0.1 (or ::1) only; every ``slow_every``-th request asks for ``/slow`` (a backend that
takes 0.5 s over it). It counts each request as served or failed - failed is a status of 500 or more, or a
connection error or timeout - per backend where the answer names one (``X-Backend``), and keeps the first
failures with their time. It stops by itself after ``max_requests`` requests or ``max_seconds`` seconds,
whichever comes first, or when ``stop()`` is called.

  python3 tests/utils/load_client.py PORT [--rate 50] [--seconds 10]     # prints the counts as JSON
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import select
import threading
import time

KEEP_FAILURES = 20


def loopback(host):
    """The host if it is a loopback address (127.0.0.0/8 or ::1); anything else is refused."""
    address = ipaddress.ip_address(host)
    if not (address.version == 4 and address in ipaddress.ip_network('127.0.0.0/8')) and str(address) != '::1':
        raise ValueError('the load client only connects to loopback addresses, not %s' % host)
    return host


class LoadClient:
    """Requests at a fixed rate from a few worker threads, each with its own keep-alive connection."""

    def __init__(self, port, host='127.0.0.1', rate=50.0, slow_every=5, workers=16, max_requests=6000,
                 max_seconds=120.0, timeout=10.0):
        self.host, self.port = loopback(host), int(port)
        self.interval = 1.0 / rate
        self.slow_every = slow_every
        self.max_requests, self.max_seconds, self.timeout = max_requests, max_seconds, timeout
        self.lock = threading.Lock()
        self.sent = 0
        self.served = 0
        self.failed = 0
        self.statuses = {}
        self.backends = {}          # name -> {'served', 'failed', 'first', 'last'} (seconds since the start)
        self.failures = []          # the first few: {'at', 'path', 'error' or 'status', 'backend'}
        self.started = None
        self.stopped = None
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._work, daemon=True) for _worker in range(workers)]

    def start(self):
        self.started = time.monotonic()
        for thread in self._threads:
            thread.start()
        return self

    def wait(self, timeout=None):
        """Wait until the client stopped by itself (its count or time reached)."""
        for thread in self._threads:
            thread.join(timeout)

    def stop(self):
        """Stop sending, wait for the requests in flight, and return the counts."""
        self._stop.set()
        for thread in self._threads:
            thread.join(self.timeout + 1)
        if self.stopped is None:
            self.stopped = time.monotonic()
        return self.counts()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _next_slot(self):
        """The index and time of the next request of the schedule, or None once a bound is reached."""
        with self.lock:
            if self._stop.is_set() or self.sent >= self.max_requests:
                return None
            at = self.started + self.sent * self.interval
            if at - self.started >= self.max_seconds:
                return None
            self.sent += 1
            return self.sent, at

    def _work(self):
        connection = None
        while True:
            slot = self._next_slot()
            if slot is None:
                break
            index, at = slot
            if self._stop.wait(max(0.0, at - time.monotonic())):
                with self.lock:
                    self.sent -= 1  # never sent
                break
            if connection is not None and _dropped(connection):
                connection.close()  # the listener closed an idle connection: open a new one, as any client does
                connection = None
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            path = '/slow' if self.slow_every and index % self.slow_every == 0 else '/'
            try:
                connection.request('GET', path)
                response = connection.getresponse()
                response.read()
                self._record(path, response.status, response.getheader('X-Backend'), response.getheader('X-Release'))
                if response.will_close:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as err:
                self._record(path, None, None, None, error='%s: %s' % (type(err).__name__, err))
                connection.close()
                connection = None
        if connection is not None:
            connection.close()
        if self._stop.is_set() or self.sent >= self.max_requests:
            with self.lock:
                self.stopped = self.stopped or time.monotonic()

    def _record(self, path, status, backend, release, error=None):
        failed = error is not None or status >= 500
        now = time.monotonic() - self.started
        with self.lock:
            key = str(status) if error is None else 'error'
            self.statuses[key] = self.statuses.get(key, 0) + 1
            if failed:
                self.failed += 1
                if len(self.failures) < KEEP_FAILURES:
                    self.failures.append({'at': round(now, 3), 'path': path, 'status': status, 'error': error,
                                          'backend': backend})
            else:
                self.served += 1
            if backend:
                counts = self.backends.setdefault(backend, {'served': 0, 'failed': 0, 'releases': {}, 'last': now,
                                                            'longest_gap': 0.0})
                counts['failed' if failed else 'served'] += 1
                if not failed:  # the longest time without an answer from it: how long it was out of rotation
                    counts['longest_gap'] = round(max(counts['longest_gap'], now - counts['last']), 3)
                    counts['last'] = now
                    counts['releases'][release or ''] = counts['releases'].get(release or '', 0) + 1

    def counts(self):
        with self.lock:
            return {'requests': self.served + self.failed, 'served': self.served, 'failed': self.failed,
                    'statuses': dict(self.statuses), 'backends': json.loads(json.dumps(self.backends)),
                    'failures': list(self.failures),
                    'seconds': round((self.stopped or time.monotonic()) - self.started, 3)}


def _dropped(connection):
    """True when the server closed this idle keep-alive connection (it reads as ready, with nothing to read)."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('port', type=int)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--rate', type=float, default=50.0)
    parser.add_argument('--seconds', type=float, default=10.0)
    args = parser.parse_args()
    client = LoadClient(args.port, host=args.host, rate=args.rate, max_seconds=args.seconds).start()
    try:
        client.wait()
    except KeyboardInterrupt:
        pass
    print(json.dumps(client.stop(), indent=1))


if __name__ == '__main__':
    main()
