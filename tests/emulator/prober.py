# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The health prober: runs each pool's monitor against its members' real sockets, on loopback only.

One scheduler thread hands due probes to a few daemon worker threads (at most
``MAX_CONCURRENT`` probes at once, at most ``MAX_PROBES_PER_S`` started per
second) and folds the results into a per-member state machine: ``max_retries``
consecutive successes make a member ONLINE, ``max_retries_down`` consecutive
failures OFFLINE, INITIAL until one of them happens.  The health lives only in
memory (never in the state file), so it is re-learnt after a restart.

Safety: :func:`is_probeable` admits 127.0.0.0/8 and ::1 only; any other address
is never handed to a worker, and :func:`probe` refuses it again before opening
a socket.  Every socket is opened through this module's ``socket`` name (the
safety test replaces it with a recorder).

Locks: the store lock is held only while the targets are collected (never
while probing); the prober's own lock guards the health table and is held for
microseconds, so API requests that show health never wait for a probe.
"""

from __future__ import annotations

import heapq
import ipaddress
import queue
import re
import socket
import ssl
import threading
import time

MAX_CONCURRENT = 8         # worker threads, i.e. probes running at once
MAX_QUEUED = 256           # background probes handed out and not finished yet, at most
MAX_PROBES_PER_S = 2000    # background probes started per second, at most (the synchronous round ignores it)
TICK_S = 0.02              # how often the scheduler looks for due probes
REFRESH_S = 0.5            # the target list is rebuilt this often (and after member writes)
CONFIG_DEFAULTS = {"probe_time_scale": 1.0, "probe_background": True, "blocked_health_checks": []}

ONLINE, OFFLINE, INITIAL, NO_MONITOR, UNKNOWN = "ONLINE", "OFFLINE", "INITIAL", "NO_MONITOR", "UNKNOWN"
_STATUS_LINE = re.compile(rb"^HTTP/\d(?:\.\d)? (\d{3})(?: |\r?$)")


def is_probeable(address):
    """True only for an IP literal in 127.0.0.0/8 or ::1 (nothing else is ever contacted)."""
    try:
        ip = ipaddress.ip_address(address)
    except (TypeError, ValueError):
        return False
    if ip.version == 4:
        return ip in ipaddress.ip_network("127.0.0.0/8")
    return ip == ipaddress.IPv6Address("::1")


def codes_match(expected, code):
    """Is ``code`` in an expected-codes string such as ``200``, ``200,202`` or ``200-204``?"""
    for part in (expected or "200").split(","):
        bounds = [int(p) for p in part.split("-")]
        if bounds[0] <= code <= bounds[-1]:
            return True
    return False


def _reason(code, expected=None, received=None):
    return {"reason_code": code, "expected_response": expected, "healthcheck_response": received}


class Target:
    """What one probe of one member needs (collected under the store lock, used without it)."""

    __slots__ = ("key", "signature", "kind", "address", "port", "timeout", "delay", "rise", "fall",
                 "method", "path", "host", "expected")

    def __init__(self, key, monitor_id, kind, address, port, timeout, delay, rise, fall,
                 method="GET", path="/", host="", expected="200"):
        self.key = key
        # A change of monitor, type, address or port starts the member over at INITIAL.
        self.signature = (monitor_id, kind, address, port)
        self.kind = kind
        self.address = address
        self.port = port
        self.timeout = timeout
        self.delay = delay
        self.rise = rise
        self.fall = fall
        self.method = method
        self.path = path
        self.host = host
        self.expected = expected


class _Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()


def _connect(target, deadline):
    """A connected TCP socket, or a failure reason."""
    family = socket.AF_INET6 if ":" in target.address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(max(deadline.left(), 0.001))
        sock.connect((target.address, target.port))
        return sock, None
    except ConnectionRefusedError:
        sock.close()
        return None, _reason("CONNECT_REFUSED")
    except (socket.timeout, TimeoutError):
        sock.close()
        return None, _reason("CONNECT_TIMEOUT")
    except OSError:
        sock.close()
        return None, _reason("CONNECT_FAILED")


def _tls_wrap(sock, deadline):
    """A TLS connection over ``sock`` (certificate not verified, as the service does not), or a reason."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        sock.settimeout(max(deadline.left(), 0.001))
        return context.wrap_socket(sock), None
    except (ssl.SSLError, OSError):
        sock.close()
        return None, _reason("SSL_HANDSHAKE_ERROR")


def _http_exchange(sock, target, deadline):
    """Send the request, read the status line; None when the code is expected, else a reason."""
    host = target.host or target.address
    if ":" in host and not host.startswith("["):
        host = "[%s]" % host
    request = "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: hwcloud-elb-emulator-healthcheck\r\nAccept: */*\r\nConnection: close\r\n\r\n" % (
        target.method, target.path, host)
    try:
        sock.settimeout(max(deadline.left(), 0.001))
        sock.sendall(request.encode("latin-1"))
    except (socket.timeout, TimeoutError):
        return _reason("SEND_REQUEST_TIMEOUT")
    except OSError:
        return _reason("SEND_REQUEST_FAILED")
    data = b""
    while b"\n" not in data and len(data) < 4096:
        left = deadline.left()
        if left <= 0:
            return _reason("RECV_RESPONSE_TIMEOUT")
        try:
            sock.settimeout(left)
            chunk = sock.recv(4096)
        except (socket.timeout, TimeoutError):
            return _reason("RECV_RESPONSE_TIMEOUT")
        except OSError:
            return _reason("RECV_RESPONSE_FAILED")
        if not chunk:
            return _reason("RECV_RESPONSE_FAILED" if not data else "RESPONSE_FORMAT_ERROR")
        data += chunk
    found = _STATUS_LINE.match(data.split(b"\n", 1)[0])
    if not found:
        return _reason("RESPONSE_FORMAT_ERROR")
    code = int(found.group(1))
    if not codes_match(target.expected, code):
        return _reason("RESPONSE_MISMATCH", target.expected or "200", str(code))
    return None


def _udp(target, deadline):
    """A datagram; an ICMP port-unreachable (ECONNREFUSED on a connected socket) fails, silence passes."""
    family = socket.AF_INET6 if ":" in target.address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    try:
        sock.connect((target.address, target.port))
        sock.send(b"hwcloud-elb-emulator-healthcheck")
        sock.settimeout(max(deadline.left(), 0.001))
        sock.recv(2048)
        return None
    except ConnectionRefusedError:
        return _reason("CONNECT_REFUSED")
    except (socket.timeout, TimeoutError):
        return None  # nothing came back, not even an ICMP error: the port is taken to be open
    except OSError:
        return _reason("CONNECT_FAILED")
    finally:
        sock.close()


def probe(target):
    """Run one probe; returns None on success, else a reason dict ``{reason_code, expected_response, healthcheck_response}``."""
    if not is_probeable(target.address):
        raise ValueError("refusing to probe %s: only 127.0.0.0/8 and ::1 are probed" % target.address)
    deadline = _Deadline(target.timeout)
    if target.kind == "UDP_CONNECT":
        return _udp(target, deadline)
    sock, failure = _connect(target, deadline)
    if failure:
        return failure
    try:
        if target.kind in ("HTTPS", "TLS"):
            sock, failure = _tls_wrap(sock, deadline)
            if failure:
                return failure
        if target.kind in ("HTTP", "HTTPS"):
            return _http_exchange(sock, target, deadline)
        return None  # TCP, TLS, and GRPC (checked as a TCP connect)
    finally:
        if sock is not None:
            sock.close()


class Health:
    """The state machine of one member."""

    __slots__ = ("signature", "status", "successes", "failures", "reason", "probes", "since")

    def __init__(self, signature):
        self.signature = signature
        self.status = INITIAL
        self.successes = 0
        self.failures = 0
        self.reason = None
        self.probes = 0
        self.since = time.monotonic()  # when the status last changed (the data plane's slow start reads it)

    def record(self, failure, rise, fall):
        """Fold one probe result in."""
        self.probes += 1
        if failure is None:
            self.failures = 0
            self.successes += 1
            if self.status != ONLINE and self.successes >= rise:
                self.status = ONLINE
                self.reason = None
                self.since = time.monotonic()
        else:
            self.successes = 0
            self.failures += 1
            if self.status != OFFLINE and self.failures >= fall:
                self.status = OFFLINE
                self.since = time.monotonic()
            if self.status == OFFLINE:
                self.reason = failure


class Prober:
    """The background prober of one emulator; ``targets`` is a callable returning the current targets."""

    def __init__(self, targets):
        self._targets = targets
        self._lock = threading.Lock()
        self._round_lock = threading.Lock()
        self.health = {}
        self.counts = {}
        self.total = 0
        self.config = dict(CONFIG_DEFAULTS)
        self._queue = queue.Queue()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._scheduler = None
        self._workers = []
        self._in_flight = set()
        self._cache_at = 0.0
        self._reschedule = False

    # -- lifecycle ------------------------------------------------------------------

    def start(self):
        """Start the scheduler and the workers (daemon threads)."""
        if self._scheduler is not None:
            return
        for index in range(MAX_CONCURRENT):
            worker = threading.Thread(target=self._work, name="probe-%d" % index, daemon=True)
            worker.start()
            self._workers.append(worker)
        self._scheduler = threading.Thread(target=self._schedule, name="prober", daemon=True)
        self._scheduler.start()

    def stop(self):
        """Stop scheduling; workers finish their probe (each bounded by its timeout) and exit."""
        self._stop.set()
        self._wake.set()
        for _worker in self._workers:  # one stop mark each
            self._queue.put(None)
        if self._scheduler is not None:
            self._scheduler.join(timeout=5)

    def reset(self):
        """Forget all health and counts; config back to the defaults."""
        with self._lock:
            self.health.clear()
            self.counts.clear()
            self.total = 0
            self.config = dict(CONFIG_DEFAULTS)
        self._reschedule = True
        self.invalidate()

    def invalidate(self):
        """The targets changed (a member write): rebuild them at the next tick."""
        self._cache_at = 0.0
        self._wake.set()

    # -- config and stats -----------------------------------------------------------

    def configure(self, body):
        """Take the prober's keys out of a ``POST /_emulator/config`` body; returns an error text or None."""
        if "probe_time_scale" in body:
            value = body.pop("probe_time_scale")
            if value is None:
                value = CONFIG_DEFAULTS["probe_time_scale"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 100:
                return "probe_time_scale must be a number above 0 and at most 100"
            self.config["probe_time_scale"] = float(value)
            self._reschedule = True  # the new pace applies at once
        if "blocked_health_checks" in body:
            blocked, problem = _blocked_entries(body.pop("blocked_health_checks"))
            if problem:
                return problem
            self.config["blocked_health_checks"] = blocked
        if "probe_background" in body:
            value = body.pop("probe_background")
            if value is None:
                value = True
            if not isinstance(value, bool):
                return "probe_background must be true or false"
            self.config["probe_background"] = value
        self._wake.set()
        return None

    def stats(self):
        """``{"total", "by_member": {member_id: probes}}`` for ``GET /_emulator/stats``."""
        with self._lock:
            return {"total": self.total, "by_member": {key[1]: count for key, count in self.counts.items()}}

    def reset_stats(self):
        """Zero the probe counts."""
        with self._lock:
            self.counts.clear()
            self.total = 0

    def blocked(self, address, port):
        """Does a ``blocked_health_checks`` entry drop the health checks to ``address:port`` (the probed port)?"""
        try:
            ip = ipaddress.ip_address(address)
        except (TypeError, ValueError):
            return False
        return any(ipaddress.ip_address(entry["address"]) == ip and entry.get("port") in (None, port)
                   for entry in self.config["blocked_health_checks"])

    # -- reading health ---------------------------------------------------------------

    def state(self, target):
        """(status, reason) of a probeable target: INITIAL until the probes decide."""
        return self.state_since(target)[:2]

    def state_since(self, target):
        """(status, reason, since): ``since`` is the ``time.monotonic()`` of the last change of status (None while INITIAL)."""
        with self._lock:
            health = self.health.get(target.key)
            if health is None or health.signature != target.signature or health.status == INITIAL:
                return INITIAL, None, None
            return health.status, health.reason, health.since

    # -- probing ------------------------------------------------------------------------

    def _record(self, target, failure):
        with self._lock:
            health = self.health.get(target.key)
            if health is None or health.signature != target.signature:
                health = self.health[target.key] = Health(target.signature)
            health.record(failure, target.rise, target.fall)
            self.counts[target.key] = self.counts.get(target.key, 0) + 1
            self.total += 1

    def _run(self, target):
        if self.blocked(target.address, target.port):
            # A security group that drops the health-check source: nothing answers until the timeout.
            self._stop.wait(target.timeout)
            self._record(target, _reason("CONNECT_TIMEOUT"))
            return
        try:
            failure = probe(target)
        except Exception as exc:  # pylint: disable=broad-except
            failure = _reason("CONNECT_FAILED", None, str(exc)[:200])
        self._record(target, failure)

    def _work(self):
        while True:
            item = self._queue.get()
            if item is None:
                return
            target, done = item
            try:
                self._run(target)
            finally:
                done()

    def _scaled(self, target):
        """The target with its timeout scaled by ``probe_time_scale``."""
        target.timeout = target.timeout * self.config["probe_time_scale"]
        return target

    def run_round(self, rounds=1):
        """Probe every probeable member ``rounds`` times, synchronously; returns how many probes ran."""
        ran = 0
        with self._round_lock:
            for _round in range(rounds):
                targets = [self._scaled(t) for t in self._targets()]
                if not targets:
                    continue
                if self._scheduler is None or self._stop.is_set():
                    for target in targets:  # not started (in-process use): probe here, one by one
                        self._run(target)
                else:
                    countdown = _Countdown(len(targets))
                    for target in targets:
                        self._queue.put((target, countdown.done))
                    countdown.finished.wait()
                ran += len(targets)
        return ran

    def _schedule(self):
        heap = []       # (due, sequence, key): the next probe of each known member
        known = set()
        sequence = 0
        cache = {}
        while not self._stop.is_set():
            self._wake.wait(TICK_S)
            self._wake.clear()
            if self._stop.is_set():
                return
            if not self.config["probe_background"]:
                continue
            now = time.monotonic()
            if self._reschedule:
                self._reschedule = False
                heap, known, self._cache_at = [], set(), 0.0
            if now - self._cache_at >= REFRESH_S:
                try:
                    cache = {t.key: t for t in self._targets()}
                except Exception:  # pylint: disable=broad-except
                    cache = {}  # a state being replaced under us: try again at the next tick
                self._cache_at = now
                with self._lock:
                    for key in [k for k in self.health if k not in cache]:
                        del self.health[key]
                for key in cache:
                    if key not in known:
                        known.add(key)
                        sequence += 1
                        heapq.heappush(heap, (now, sequence, key))
            scale = self.config["probe_time_scale"]
            budget = max(1, int(MAX_PROBES_PER_S * TICK_S))
            while heap and heap[0][0] <= now and budget > 0 and len(self._in_flight) < MAX_QUEUED:
                _due, _seq, key = heapq.heappop(heap)
                target = cache.get(key)
                if target is None:
                    known.discard(key)
                    continue
                sequence += 1
                heapq.heappush(heap, (now + target.delay * scale, sequence, key))
                if key in self._in_flight:
                    continue  # still probing from the last time (a long timeout): skip this turn
                self._in_flight.add(key)
                budget -= 1
                self._queue.put((_copy(target, scale), lambda key=key: self._in_flight.discard(key)))


def _blocked_entries(value):
    """``[{"address", "port"?}]`` checked and normalised; (entries, None) or (None, problem)."""
    problem = 'blocked_health_checks must be a list of {"address": <IP>, "port": <1-65535, optional>}'
    if value is None:
        return [], None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return None, problem
    entries = []
    for item in value:
        port = item.get("port")
        if set(item) - {"address", "port"} or (port is not None and (
                isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535)):
            return None, problem
        try:
            address = str(ipaddress.ip_address(item.get("address")))
        except (TypeError, ValueError):
            return None, problem
        entries.append({"address": address, "port": port})
    return entries, None


class _Countdown:
    """Wakes the synchronous round when its last probe is done."""

    def __init__(self, count):
        self.left = count
        self.finished = threading.Event()
        self._lock = threading.Lock()

    def done(self):
        with self._lock:
            self.left -= 1
            if self.left == 0:
                self.finished.set()


def _copy(target, scale):
    clone = Target.__new__(Target)
    for name in Target.__slots__:
        setattr(clone, name, getattr(target, name))
    clone.timeout = target.timeout * scale
    return clone
