# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP server, routing and the request pipeline of the emulator.

Pipeline of an IAM/ELB request: fault rule (delay, then status or drop unless
``after_apply``) -> rate limit -> route -> authentication and project check ->
handler -> ``after_apply`` fault -> answer.  Every answer has a Content-Length
and an ``X-Request-Id``; connections are HTTP/1.1 keep-alive.
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import ssl
import sys
import threading
import time
import traceback
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import admin, auth, elb_v1, elb_v2, elb_v3, member_check, members, vpc
from .dataplane import DataPlane
from .common import (FAMILY_ADMIN, JSON_CONTENT_TYPE, ApiError, Request, error_response, family_of_path,
                     new_request_id, request_id_headers)
from .faults import Faults, RateLimiter, throttled_response
from .prober import Prober
from .seed import seed_project
from .store import Store

DROP = object()  # a handler result meaning: close the connection without an answer


class Route:
    """One route: method, anchored path regex, handler, family and auth needs."""

    __slots__ = ("method", "regex", "handler", "family", "auth", "project")

    def __init__(self, method, pattern, handler, family, auth_needed, project):
        self.method = method
        self.regex = re.compile("^" + pattern + "/?$")
        self.handler = handler
        self.family = family
        self.auth = auth_needed
        self.project = project


class Router:
    """Routes matched in registration order."""

    def __init__(self):
        self.routes = []

    def add(self, method, pattern, handler, family, auth=True, project=True):  # pylint: disable=redefined-outer-name
        """Register a route (``auth``: needs a token or signature; ``project``: checks the project)."""
        self.routes.append(Route(method, pattern, handler, family, auth, project))

    def match(self, method, path):
        """(route, path groups) or (None, None)."""
        for route in self.routes:
            if route.method != method:
                continue
            found = route.regex.match(path)
            if found:
                return route, found.groupdict()
        return None, None


class Emulator:
    """Everything a request handler needs: identity, tokens, state, faults, config, stats."""

    def __init__(self, identity, state_path=None, data_plane=False):
        self.identity = identity
        self.store = Store(state_path, seeder=seed_project)
        self.store.open([p["id"] for p in identity.projects])
        self.tokens = auth.TokenService(self.store.secret)
        self.faults = Faults()
        self.limiter = RateLimiter()
        self.stats = admin.Stats()
        self.config = dict(admin.CONFIG_DEFAULTS)
        self.router = Router()
        self.admin_router = Router()
        admin.register(self.admin_router)
        auth.register(self.router)
        elb_v3.API.register(self.router)
        elb_v2.API.register(self.router)
        elb_v1.register(self.router)
        members.register(self.router)
        member_check.register(self.router)
        vpc.register(self.router)
        self.member_checks = member_check.Jobs()  # the v3 member check jobs, in memory only
        # Health checks of the members on loopback (prober.py); started by main(), stopped by close().
        self.prober = Prober(partial(members.probe_targets, self))
        # Real traffic through the v3/v2 listeners (dataplane.py): off unless --data-plane or the config turns it on.
        self.dataplane = DataPlane(self, enabled_at_start=data_plane)

    def close(self):
        """Stop the data plane and the prober; persist the state one last time."""
        self.dataplane.stop()
        self.prober.stop()
        self.store.close()

    # -- pipeline ---------------------------------------------------------------

    def handle_admin(self, req):
        """Serve an ``/_emulator/`` request."""
        req.family = FAMILY_ADMIN
        route = self.admin_router.match(req.method, req.path)[0]
        if route is None:
            return error_response(FAMILY_ADMIN, ApiError(404, "EMU.0404", "no admin route %s %s" % (req.method, req.path)), req.request_id)
        try:
            return route.handler(self, req)
        except ApiError as err:
            return error_response(FAMILY_ADMIN, err, req.request_id)

    def handle(self, req):
        """Serve an IAM or ELB request; returns a :class:`Response` or :data:`DROP`."""
        rule = self.faults.take(req.method, req.path)
        if rule is not None:
            if rule.delay_s:
                time.sleep(rule.delay_s)
            if not rule.after_apply:
                if rule.drop:
                    return DROP
                if rule.status:
                    return rule.response(family_of_path(req.path), req.request_id)
        limit = self.config.get("rate_limit_per_s")
        if limit and not self.limiter.allow(limit):
            return throttled_response(limit, req.request_id)
        resp = self.dispatch(req)
        if rule is not None and rule.after_apply:
            if rule.status:
                return rule.response(family_of_path(req.path), req.request_id)
            return DROP
        return resp

    def dispatch(self, req):
        """Route, authenticate, check the project and run the handler; errors become family bodies."""
        route, groups = self.router.match(req.method, req.path)
        if route is None:
            req.family = family_of_path(req.path)
            err = ApiError(404, "APIGW.0101", "The API does not exist or has not been published in the environment.")
            if req.family == "iam":
                err = ApiError(404, "IAM.404", "Could not find the requested resource.")
            return error_response(req.family, err, req.request_id)
        req.family = route.family
        try:
            if route.auth:
                req.principal = self._authenticate(req)
                if route.project:
                    req.project_id = self._project(req, groups.pop("project_id", None))
            groups.pop("project_id", None)
            return route.handler(self, req, **groups)
        except ApiError as err:
            return error_response(req.family, err, req.request_id)

    def _authenticate(self, req):
        try:
            return auth.authenticate(self, req)
        except ApiError as err:
            if req.family == "iam":
                raise ApiError(err.status, "IAM.%d" % err.status, err.message) from None
            raise

    def _project(self, req, path_project):
        """The project of the request, which the caller must be allowed to use (else 403)."""
        principal = req.principal
        header_project = (req.header("X-Project-Id") or "").strip() or None
        if path_project is None:
            project = principal.token_project if principal.method == "token" else header_project
            if not project:
                raise ApiError(403, "ELB.1102", "No project: use a project-scoped token or send X-Project-Id with AK/SK.")
        else:
            project = path_project
            if principal.method == "aksk" and header_project and header_project != project:
                raise ApiError(403, "ELB.1102", "X-Project-Id %s does not match the project %s of the path." % (header_project, project))
        if project not in principal.allowed or project not in self.identity.project_ids:
            raise ApiError(403, "ELB.1102", "Forbidden: the caller may not use project %s." % project)
        return project


class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler; every answer is written in one piece."""

    protocol_version = "HTTP/1.1"
    server_version = "hwcloud-elb-emulator/1.0"

    def version_string(self):
        return self.server_version

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), format % args))

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self):
        app = self.server.app
        request_id = new_request_id()
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        req = Request(self.command, self.path, self.headers, body, self.server.scheme, request_id)
        if req.path.startswith("/_emulator/") or req.path == "/_emulator":
            self._send(app.handle_admin(req), request_id)
            return
        entry = app.stats.arrive(req.method, req.raw_path)
        status = 500
        try:
            try:
                result = app.handle(req)
            except Exception:  # pylint: disable=broad-except
                traceback.print_exc()
                result = error_response("gateway", ApiError(500, "ELB.8906", "Internal server error."), request_id)
            if result is DROP:
                status = 0
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            status = result.status
            self._send(result, request_id)
        finally:
            app.stats.done(entry, status)

    def _send(self, resp, request_id):
        payload = resp.encode()
        self.send_response(resp.status)
        headers = {"Content-Type": JSON_CONTENT_TYPE, **request_id_headers(self.path, request_id)}
        headers.update(resp.headers)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(payload)
        self.wfile.write(b"".join(self._headers_buffer))
        self._headers_buffer.clear()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve


class EmulatorServer(ThreadingHTTPServer):
    """Threading HTTP(S) server bound to one :class:`Emulator`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app, tls_context=None, verbose=False):
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.app = app
        self.verbose = verbose
        self.tls_context = tls_context
        self.scheme = "https" if tls_context else "http"
        super().__init__(address, Handler)

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls_context is not None:
            sock = self.tls_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def finish_request(self, request, client_address):
        if self.tls_context is not None:
            try:
                request.settimeout(30)
                request.do_handshake()
                request.settimeout(None)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def parse_args(argv):
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python3 tests/emulator", description="Huawei Cloud ELB + IAM emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443, help="0 picks a free port")
    parser.add_argument("--identity", help="identity JSON file (default: the built-in demo identity)")
    parser.add_argument("--state", help="state file: loaded at start, written after changes and at exit")
    parser.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--data-plane", action="store_true",
                        help="give every v3/v2 HTTP and TCP listener a loopback socket that carries traffic to its pool")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    return args


def main(argv=None):
    """Run the emulator until SIGTERM or SIGINT; prints ``ready <base-url>`` once serving."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        identity = auth.Identity.load(args.identity) if args.identity else auth.Identity.default()
    except (OSError, ValueError) as exc:
        sys.stderr.write("emulator: cannot load identity %s: %s\n" % (args.identity, exc))
        return 2
    try:
        app = Emulator(identity, args.state, data_plane=args.data_plane)
    except (OSError, ValueError) as exc:
        sys.stderr.write("emulator: cannot load state %s: %s\n" % (args.state, exc))
        return 2
    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    server = EmulatorServer((args.host, args.port), app, context, args.verbose)
    stop = threading.Event()

    def on_signal(signum, frame):  # pylint: disable=unused-argument
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="http", daemon=True)
    thread.start()
    app.prober.start()
    if args.data_plane:
        app.dataplane.start()
    host = args.host if ":" not in args.host else "[%s]" % args.host
    sys.stdout.write("ready %s://%s:%d\n" % (server.scheme, host, server.server_address[1]))
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
