# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real backends on loopback for the member health tests, and the fixture that stops them all."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class HttpBackend:
    """An HTTP(S) server on 127.0.0.1 answering ``status`` after ``delay`` seconds; records what it was asked."""

    def __init__(self, status=200, delay=0.0, tls_context=None):
        self.status = status
        self.delay = delay
        self.health_status = None  # when set, "/health" answers this status (the rest still answers ``status``)
        self.body = b""
        self.requests = []  # (method, path, Host header)
        self._release = threading.Event()
        backend = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # pylint: disable=redefined-builtin
                pass

            def _answer(self):
                backend.requests.append((self.command, self.path, self.headers.get("Host")))
                length = int(self.headers.get("Content-Length") or 0)
                received = self.rfile.read(length) if length else b""
                if backend.delay:
                    backend._release.wait(backend.delay)  # pylint: disable=protected-access
                health = self.path == "/health" and backend.health_status is not None
                self.send_response(backend.health_status if health else backend.status)
                payload = backend.body + received
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("X-Backend-Port", str(backend.port))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_HEAD = do_POST = do_PUT = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls_context is not None:
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self):
        """Release slow answers, stop serving, close the socket."""
        self._release.set()
        self.server.shutdown()
        self.server.server_close()


class TcpBackend:
    """A listening TCP socket that accepts connections (and does nothing else)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]

    def stop(self):
        """Close the listening socket."""
        self.sock.close()


class EchoBackend:
    """A TCP server on 127.0.0.1 that echoes what it receives, one thread per connection; counts its connections."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._open = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _address = self.sock.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                self._open.add(conn)
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    def _echo(self, conn):
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data)
        except OSError:
            return
        finally:
            with self._lock:
                self._open.discard(conn)
            conn.close()

    def stop(self):
        """Close the listening socket and every open connection."""
        self.sock.close()
        with self._lock:
            open_now = list(self._open)
        for conn in open_now:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class UdpBackend:
    """A bound UDP socket that never answers (so no ICMP port-unreachable comes back)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]

    def stop(self):
        """Close the socket."""
        self.sock.close()


def closed_port(kind=socket.SOCK_STREAM):
    """A loopback port nothing listens on (bound, then closed)."""
    sock = socket.socket(socket.AF_INET, kind)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def tls_context(tmp_path):
    """A server TLS context with a fresh self-signed certificate (skips the test without openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed, so no test certificate can be made")
    cert, key = str(tmp_path / "backend-cert.pem"), str(tmp_path / "backend-key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture(name="backends")
def backends_fixture():
    """Factory of loopback backends: ``backends.http(status=500)``, ``.tcp()``, ``.echo()``, ``.udp()``; all stopped afterwards."""
    started = []

    class Factory:
        @staticmethod
        def http(status=200, delay=0.0, tls=None):
            backend = HttpBackend(status, delay, tls)
            started.append(backend)
            return backend

        @staticmethod
        def tcp():
            backend = TcpBackend()
            started.append(backend)
            return backend

        @staticmethod
        def echo():
            backend = EchoBackend()
            started.append(backend)
            return backend

        @staticmethod
        def udp():
            backend = UdpBackend()
            started.append(backend)
            return backend

    try:
        yield Factory
    finally:
        for backend in started:
            backend.stop()
