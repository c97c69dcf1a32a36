# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data plane: every v3/v2 HTTP or TCP listener becomes a real load balancer on loopback (api-notes §10).

Off by default: nothing runs and no socket is open until ``POST /_emulator/config {"data_plane": true}``
(or ``--data-plane``).  Then one control thread accepts on every listener's socket and, every
``TICK_S`` (and on demand), follows the listeners in the store and cuts the TCP connections whose
member went away or OFFLINE (at once, or when the pool's ``connection_drain`` timeout ends).  Each
admitted client connection gets one thread; at most ``MAX_CLIENTS`` per listener and ``MAX_THREADS``
in all, more are refused at accept.

Which member: weighted round robin (the smooth kind: exact shares, interleaved) over the *eligible*
members of the listener's default pool: ``admin_state_up``, weight above 0, the prober's verdict
ONLINE or NO_MONITOR, and an address in 127.0.0.0/8 or ::1.  The verdict is read per request, so a
weight 0 or an OFFLINE member gets no new request at once; what is in flight finishes.  Slow start
ramps a member's weight from 0 to its own over the pool's ``slow_start.duration`` after it became
ONLINE.  Every duration and timeout here is scaled by ``probe_time_scale``, like the monitors'.

Safety: :func:`open_member_socket` refuses any address but loopback before it opens a socket, and
every member socket is opened through this module's ``socket`` name (the safety test replaces it
with a recorder); the listening sockets use ``create_server`` imported on its own.
"""

from __future__ import annotations

import http.client
import select
import selectors
import socket
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler
from socket import IPPROTO_TCP, SHUT_RDWR, TCP_NODELAY, create_server, socketpair

from .members import health_since
from .prober import NO_MONITOR, OFFLINE, ONLINE, is_probeable

PROTOCOLS = ("HTTP", "TCP")       # listener protocols that get a socket
HOST = "127.0.0.1"
MAX_CLIENTS = 256                 # open client connections per listener (more: refused at accept)
MAX_THREADS = 1024                # connection threads in all (one per open client connection) ★
TICK_S = 0.2                      # listeners and drains are followed this often
MEMBER_TIMEOUT_S = 60             # ★ a member's answer is awaited this long (x probe_time_scale): the v3 member_timeout default
IDLE_S = {"HTTP": 60, "TCP": 300}  # an idle client connection is closed after this (listener keepalive_timeout defaults)
MIN_RAMP = 0.01                   # slow start: the smallest share of its weight a ramping member gets
HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
                        "te", "trailer", "transfer-encoding", "upgrade", "content-length"))
REASONS = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


def open_member_socket(address, port, timeout):
    """A TCP connection to a member; never to anything outside 127.0.0.0/8 and ::1."""
    if not is_probeable(address):
        raise ValueError("refusing to connect to %s: only 127.0.0.0/8 and ::1 are connected" % address)
    sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


def smooth_pick(state, candidates):
    """Smooth weighted round robin: ``candidates`` are (member id, ..., weight) tuples; ``state`` persists between picks."""
    total = 0.0
    best = None
    for cand in candidates:
        current = state.get(cand[0], 0.0) + cand[-1]
        state[cand[0]] = current
        total += cand[-1]
        if best is None or current > state[best[0]]:
            best = cand
    state[best[0]] -= total
    if len(state) > len(candidates):  # forget members that left the choice
        keep = {cand[0] for cand in candidates}
        for stale in [key for key in state if key not in keep]:
            del state[stale]
    return best


def _listener_int(record, key, default, lo, hi):
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        return default
    return value


class Counters:
    """Per listener ``{requests, connections, failed: {502, 503, 504, reset}}``, per member ``{requests, connections, active}``."""

    def __init__(self):
        self._lock = threading.Lock()
        self._active = {}  # member id -> requests and connections open now (a gauge: a reset keeps it)
        self.reset()

    def reset(self):
        """Zero the counts (the open listeners stay listed)."""
        with self._lock:
            self.listeners = {}
            self.members = {}

    def _listener(self, listener_id):
        found = self.listeners.get(listener_id)
        if found is None:
            found = self.listeners[listener_id] = {"requests": 0, "connections": 0,
                                                   "failed": {"502": 0, "503": 0, "504": 0, "reset": 0}}
        return found

    def _member(self, member_id):
        found = self.members.get(member_id)
        if found is None:
            found = self.members[member_id] = {"requests": 0, "connections": 0}
        return found

    def listener_add(self, listener_id, key):
        """One more request or connection on a listener."""
        with self._lock:
            self._listener(listener_id)[key] += 1

    def failed(self, listener_id, kind):
        """One more failure (``"502"``, ``"503"``, ``"504"``, ``"reset"``) on a listener."""
        with self._lock:
            self._listener(listener_id)["failed"][kind] += 1

    def member_open(self, member_id, key):
        """A request or connection handed to a member (it is active until :meth:`member_close`)."""
        with self._lock:
            self._member(member_id)[key] += 1
            self._active[member_id] = self._active.get(member_id, 0) + 1

    def member_close(self, member_id):
        """A request answered or a connection closed."""
        with self._lock:
            self._active[member_id] -= 1
            if not self._active[member_id]:
                del self._active[member_id]

    def snapshot(self):
        """The ``GET /_emulator/data-plane/stats`` body."""
        with self._lock:
            members = {mid: dict(counts, active=self._active.get(mid, 0)) for mid, counts in self.members.items()}
            for mid, active in self._active.items():
                members.setdefault(mid, {"requests": 0, "connections": 0, "active": active})
            return {"listeners": {lid: dict(c, failed=dict(c["failed"])) for lid, c in self.listeners.items()},
                    "members": members}


class _Listener:
    """One listener's socket and the client connections it holds."""

    def __init__(self, family, listener_id, protocol, sock):
        self.family = family
        self.id = listener_id
        self.protocol = protocol
        self.sock = sock
        self.port = sock.getsockname()[1]
        self.clients = set()
        self.rr_state = {}


class _Choice:
    """The member picked for one request or connection, and the listener's timeouts."""

    __slots__ = ("member_id", "address", "port", "pool_id", "timeout", "idle")

    def __init__(self, member_id, address, port, pool_id, timeout, idle):
        self.member_id = member_id
        self.address = address
        self.port = port
        self.pool_id = pool_id
        self.timeout = timeout
        self.idle = idle


class _Connection:
    """One client connection; for TCP also the member side (watched for drains)."""

    def __init__(self, listener, client):
        self.listener = listener
        self.client = client
        self.backend = None
        self.member_id = None
        self.pool_id = None
        self.drain_until = None

    def cut(self):
        """Shut both sides down (the serving thread then closes them)."""
        for sock in (self.client, self.backend):
            if sock is not None:
                try:
                    sock.shutdown(SHUT_RDWR)
                except OSError:
                    pass


class _Failure(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class DataPlane:
    """The data plane of one emulator (``app``); see the module docstring."""

    def __init__(self, app, enabled_at_start=False):
        self.app = app
        self.enabled_at_start = enabled_at_start
        self.counters = Counters()
        self._lock = threading.Lock()      # listeners, their clients and round-robin state, thread count
        self._listeners = {}
        self._threads = 0
        self._control = None
        self._stop = None
        self._wake = None                  # (reader, writer) socket pair that interrupts the control thread's select
        self._sync = threading.Condition()
        self._asked = 0                    # reconcile requests made ...
        self._done = 0                     # ... and served

    @property
    def enabled(self):
        """True while the data plane runs."""
        return self._control is not None

    # -- lifecycle ---------------------------------------------------------------------

    def configure(self, enabled):
        """Turn the data plane on or off."""
        if enabled:
            self.start()
        else:
            self.stop()

    def start(self):
        """Start the control thread and open the listeners' sockets (returns when they are open)."""
        with self._lock:
            if self._control is not None:
                return
            self._stop = threading.Event()
            self._wake = socketpair()
            self._control = threading.Thread(target=self._run, args=(self._stop, self._wake[0]), name="data-plane", daemon=True)
            self._control.start()
        self.sync()

    def stop(self):
        """Close every socket of the data plane and stop its threads."""
        with self._lock:
            control, stop, wake = self._control, self._stop, self._wake
            self._control = self._stop = self._wake = None
        if control is None:
            return
        stop.set()
        self._poke(wake)
        control.join(timeout=5)
        wake[1].close()

    def reset(self):
        """``POST /_emulator/reset``: counters zeroed, on or off as at start."""
        self.counters.reset()
        self.configure(self.enabled_at_start)

    @staticmethod
    def _poke(wake):
        try:
            wake[1].send(b"x")
        except OSError:
            pass

    def sync(self, timeout=5.0):
        """Have the control thread follow the store now, and wait until it has."""
        with self._lock:
            wake = self._wake
        if wake is None:
            return
        with self._sync:
            self._asked += 1
            ticket = self._asked
        self._poke(wake)
        with self._sync:
            self._sync.wait_for(lambda: self._done >= ticket or not self.enabled, timeout)

    # -- admin views --------------------------------------------------------------------

    def view(self):
        """``GET /_emulator/data-plane``: ``{"enabled", "listeners": {id: {host, port, protocol, pool_id, family}}}``."""
        self.sync()
        with self._lock:
            listeners = list(self._listeners.values())
        out = {}
        with self.app.store.lock:
            for item in listeners:
                rec = self.app.store.coll(item.family, "listeners").get(item.id) or {}
                out[item.id] = {"host": HOST, "port": item.port, "protocol": item.protocol,
                                "pool_id": rec.get("default_pool_id") or None, "family": item.family}
        return {"enabled": self.enabled, "listeners": out}

    # -- the control thread -------------------------------------------------------------

    def _run(self, stop, wake_reader):
        selector = selectors.DefaultSelector()
        wake_reader.setblocking(False)
        selector.register(wake_reader, selectors.EVENT_READ, None)
        next_tick = 0.0
        try:
            while not stop.is_set():
                for key, _events in selector.select(TICK_S):
                    if key.data is None:
                        try:
                            wake_reader.recv(4096)
                        except OSError:
                            pass
                    else:
                        self._accept(key.data)
                with self._sync:
                    ticket = self._asked
                now = time.monotonic()
                if stop.is_set():
                    break
                if now >= next_tick or ticket > self._done:
                    try:
                        self._follow_store(selector)
                        self._watch_members()
                    except Exception:  # pylint: disable=broad-except
                        traceback.print_exc()  # keep serving; the next turn tries again
                    next_tick = now + TICK_S
                    with self._sync:
                        self._done = max(self._done, ticket)
                        self._sync.notify_all()
        finally:
            with self._lock:
                listeners = list(self._listeners.values())
                self._listeners.clear()
            for item in listeners:
                self._close_listener(item, selector)
            selector.close()
            wake_reader.close()
            with self._sync:
                self._sync.notify_all()

    def _follow_store(self, selector):
        """Open a socket for each new HTTP/TCP listener, close those of deleted ones."""
        wanted = {}
        store = self.app.store
        with store.lock:
            for family in ("v3", "v2"):
                for rec in store.coll(family, "listeners").values():
                    if rec.get("protocol") in PROTOCOLS:
                        wanted[rec["id"]] = (family, rec["protocol"])
        with self._lock:
            gone = [item for lid, item in self._listeners.items() if wanted.get(lid) != (item.family, item.protocol)]
            for item in gone:
                del self._listeners[item.id]
            new = [(lid, spec) for lid, spec in wanted.items() if lid not in self._listeners]
        for item in gone:
            self._close_listener(item, selector)
        for lid, (family, protocol) in new:
            try:
                sock = create_server((HOST, 0), backlog=MAX_CLIENTS + 64)
            except OSError:
                continue  # out of sockets: tried again at the next turn
            sock.setblocking(False)
            item = _Listener(family, lid, protocol, sock)
            selector.register(sock, selectors.EVENT_READ, item)
            with self._lock:
                self._listeners[lid] = item

    def _close_listener(self, item, selector):
        try:
            selector.unregister(item.sock)
        except (KeyError, ValueError):
            pass
        item.sock.close()
        with self._lock:
            clients = list(item.clients)
        for conn in clients:
            conn.cut()

    def _accept(self, item):
        """Admit every waiting connection within the bounds; refuse (close) the others."""
        while True:
            try:
                client, _address = item.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            client.setblocking(True)
            conn = _Connection(item, client)
            with self._lock:
                admitted = len(item.clients) < MAX_CLIENTS and self._threads < MAX_THREADS
                if admitted:
                    item.clients.add(conn)
                    self._threads += 1
            if not admitted:
                client.close()
                self.counters.failed(item.id, "reset")
                continue
            self.counters.listener_add(item.id, "connections")
            threading.Thread(target=self._serve, args=(conn,), name="data-plane-conn", daemon=True).start()

    def _watch_members(self):
        """Cut TCP connections whose member was removed or went OFFLINE: at once, or after the pool's drain timeout."""
        with self._lock:
            watched = [c for item in self._listeners.values() for c in item.clients if c.member_id is not None]
        if not watched:
            return
        now = time.monotonic()
        scale = self.app.prober.config["probe_time_scale"]
        to_cut = []
        store = self.app.store
        with store.lock:
            for conn in watched:
                family = conn.listener.family
                member = store.coll(family, "members").get(conn.member_id)
                if member is not None and health_since(self.app, family, member)[0] != OFFLINE:
                    conn.drain_until = None  # back in health before its drain ended: it keeps its connections ★
                    continue
                drain = (store.coll(family, "pools").get(conn.pool_id) or {}).get("connection_drain") or {}
                if drain.get("enable") is True:
                    if conn.drain_until is None:
                        conn.drain_until = now + drain.get("timeout", 0) * scale
                    if now < conn.drain_until:
                        continue
                to_cut.append(conn)
        for conn in to_cut:
            self.counters.failed(conn.listener.id, "reset")
            conn.cut()

    # -- choosing a member ----------------------------------------------------------------

    def pick(self, item):
        """The member for a new request or connection on listener ``item`` (a :class:`_Choice`), or None."""
        app = self.app
        store = app.store
        now = time.monotonic()
        scale = app.prober.config["probe_time_scale"]
        with store.lock:
            listener = store.coll(item.family, "listeners").get(item.id)
            if listener is None:
                return None
            pool = store.coll(item.family, "pools").get(listener.get("default_pool_id") or "")
            if pool is None or pool.get("admin_state_up") is False:
                return None
            slow = pool.get("slow_start") or {}
            ramp_s = slow.get("duration", 0) * scale if slow.get("enable") is True else 0
            candidates = []
            for member in store.coll(item.family, "members").values():
                if member["_"]["pool"] != pool["id"] or not member["admin_state_up"] or not member["weight"] \
                        or not member["protocol_port"] or not is_probeable(member["address"]):
                    continue
                status, since = health_since(app, item.family, member)
                if status not in (ONLINE, NO_MONITOR):
                    continue
                weight = float(member["weight"])
                if ramp_s and status == ONLINE and since is not None and now - since < ramp_s:
                    weight *= max((now - since) / ramp_s, MIN_RAMP)
                candidates.append((member["id"], member["address"], member["protocol_port"], weight))
            timeout = _listener_int(listener, "member_timeout", MEMBER_TIMEOUT_S, 1, 300) * scale
            idle = _listener_int(listener, "keepalive_timeout", IDLE_S[item.protocol], 1, 4000)
            pool_id = pool["id"]
        if not candidates:
            return None
        with self._lock:
            member_id, address, port, _weight = smooth_pick(item.rr_state, candidates)
        return _Choice(member_id, address, port, pool_id, timeout, idle)

    # -- serving a connection -----------------------------------------------------------

    def _serve(self, conn):
        try:
            try:
                conn.client.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)
            except OSError:
                pass
            if conn.listener.protocol == "HTTP":
                _HttpProxy(conn, self)
            else:
                self._splice(conn)
        except (OSError, ValueError):
            pass  # the client or the member went away; nothing to answer
        finally:
            for sock in (conn.backend, conn.client):
                if sock is not None:
                    try:
                        sock.close()
                    except OSError:
                        pass
            with self._lock:
                conn.listener.clients.discard(conn)
                self._threads -= 1

    def _splice(self, conn):
        """TCP: one eligible member for the whole connection, both directions, until either side closes."""
        listener_id = conn.listener.id
        choice = self.pick(conn.listener)
        if choice is None:
            self.counters.failed(listener_id, "reset")
            return
        self.counters.member_open(choice.member_id, "connections")
        try:
            try:
                backend = open_member_socket(choice.address, choice.port, choice.timeout)
            except OSError:
                self.counters.failed(listener_id, "reset")
                return
            backend.settimeout(None)
            with self._lock:
                conn.backend, conn.pool_id, conn.member_id = backend, choice.pool_id, choice.member_id
            _pump(conn.client, backend, choice.idle)
        finally:
            self.counters.member_close(choice.member_id)

    def forward(self, handler, body):
        """HTTP: send one request to an eligible member; answers the member's answer, or 502/503/504."""
        item = handler.conn.listener
        self.counters.listener_add(item.id, "requests")
        choice = self.pick(item)
        if choice is None:
            self.counters.failed(item.id, "503")
            return _error_answer(503)
        self.counters.member_open(choice.member_id, "requests")
        try:
            return _exchange(choice, handler, body)
        except _Failure as failure:
            self.counters.failed(item.id, str(failure.code))
            return _error_answer(failure.code)
        finally:
            self.counters.member_close(choice.member_id)


def _pump(client, backend, idle):
    """Copy bytes both ways until either side closes, fails or stays silent for ``idle`` seconds."""
    poller = select.poll()
    poller.register(client, select.POLLIN)
    poller.register(backend, select.POLLIN)
    peer = {client.fileno(): (client, backend), backend.fileno(): (backend, client)}
    while True:
        events = poller.poll(idle * 1000)
        if not events:
            return
        for fileno, _mask in events:
            source, sink = peer[fileno]
            data = source.recv(65536)
            if not data:
                return
            sink.sendall(data)


def _exchange(choice, handler, body):
    """(status, reason, headers, data) of the member's answer; raises :class:`_Failure` 502 or 504."""
    try:
        sock = open_member_socket(choice.address, choice.port, choice.timeout)
    except TimeoutError:
        raise _Failure(504) from None
    except OSError:
        raise _Failure(502) from None
    try:
        sock.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass
    member = http.client.HTTPConnection(choice.address, choice.port, timeout=choice.timeout)
    member.sock = sock
    try:
        member.putrequest(handler.command, handler.path, skip_host=True, skip_accept_encoding=True)
        for name, value in handler.headers.items():
            if name.lower() not in HOP_BY_HOP:
                member.putheader(name, value)
        member.putheader("X-Forwarded-For", handler.client_address[0])
        member.putheader("Connection", "close")  # ★ one member connection per request
        if body or handler.command in ("POST", "PUT", "PATCH"):
            member.putheader("Content-Length", str(len(body)))
        member.endheaders(body or None)
        answer = member.getresponse()
        data = answer.read()
        return answer.status, answer.reason, answer.getheaders(), data
    except TimeoutError:
        raise _Failure(504) from None
    except (OSError, http.client.HTTPException):
        raise _Failure(502) from None
    finally:
        member.close()


def _error_answer(code):
    """The balancer's own answer ★: a short text body with the standard reason."""
    text = ("%d %s\n" % (code, REASONS[code])).encode()
    return code, REASONS[code], [("Content-Type", "text/plain; charset=utf-8")], text


def _read_body(handler):
    """The request body (Content-Length or chunked); b"" when there is none."""
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


class _HttpProxy(BaseHTTPRequestHandler):
    """The client side of an HTTP listener: HTTP/1.1 keep-alive, each request forwarded on its own."""

    protocol_version = "HTTP/1.1"

    def __init__(self, conn, plane):
        self.conn = conn
        self.plane = plane
        with plane.app.store.lock:
            rec = plane.app.store.coll(conn.listener.family, "listeners").get(conn.listener.id) or {}
            self.timeout = _listener_int(rec, "keepalive_timeout", IDLE_S["HTTP"], 1, 4000)  # idle keep-alive, not scaled
        super().__init__(conn.client, conn.client.getpeername(), None)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _proxy(self):
        try:
            body = _read_body(self)
        except (ValueError, OSError):
            self.close_connection = True
            return
        status, reason, headers, data = self.plane.forward(self, body)
        self.send_response_only(status, reason)
        head = self.command == "HEAD"
        for name, value in headers:
            lower = name.lower()
            if lower in HOP_BY_HOP and not (head and lower == "content-length"):
                continue
            self.send_header(name, value)
        if not head:
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self._headers_buffer.append(b"\r\n")
        if not head:
            self._headers_buffer.append(data)
        self.wfile.write(b"".join(self._headers_buffer))
        self._headers_buffer.clear()

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _proxy
