# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A loopback web application that a rolling update really restarts (the zero-downtime proof, issue 26).

  rolling_backend.py start   --state FILE --name NAME [--port 0] [--release-file F] [--warmup 1] [--slow 0.5]
  rolling_backend.py restart --state FILE [--down 2]
  rolling_backend.py stop    --state FILE

``start`` runs the application in a new process, on 127.0.0.1 only (by default on a free port below the kernel's
ephemeral range, so that no outgoing connection can hold it while a restart has it closed), and returns once it
listens; the state file (JSON) keeps its pid, port and arguments. Every answer names the process in ``X-Backend`` (NAME) and
``X-Release`` (the content of the release file when the process started). A new process answers 503 on every
path, ``/healthz`` included, for its first ``--warmup`` seconds (an application still loading), then 200;
``/slow`` takes ``--slow`` seconds. ``restart`` is what the update does: it stops the process - SIGTERM closes
the port and cuts the requests in flight, as a process that dies does - keeps the port closed for ``--down``
seconds, starts a new process on the same port and returns once it listens. ``stop`` ends it. A process ends
by itself after ``--lifetime`` seconds (default 900), so none outlives a test that was killed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = '127.0.0.1'  # loopback only


def make_handler(name, release, started, warmup, slow):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'  # keep-alive: the balancer may reuse its connections

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            pass

        def do_GET(self):  # pylint: disable=invalid-name
            warming = time.monotonic() - started < warmup  # decided when the request arrives
            if self.path.startswith('/slow') and not warming:
                time.sleep(slow)
            body = b'warming up\n' if warming else b'ok\n'
            self.send_response(503 if warming else 200)
            self.send_header('X-Backend', name)
            self.send_header('X-Release', release)
            self.send_header('Content-Type', 'text/plain')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_HEAD = do_GET

    return Handler


def serve(args):
    started = time.monotonic()
    release = ''
    if args.release_file and os.path.exists(args.release_file):
        with open(args.release_file, encoding='utf-8') as handle:
            release = handle.read().strip()
    server = ThreadingHTTPServer((HOST, args.port), make_handler(args.name, release, started, args.warmup, args.slow))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    print('port %d' % server.server_address[1], flush=True)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    stopping.wait(args.lifetime)
    server.socket.close()  # the port closes at once; _exit below drops every open connection with it
    os._exit(0)


def spawn(state_path, settings):
    """Start ``serve`` with ``settings`` in a new session; wait until it listens; record it in the state file."""
    command = [sys.executable, os.path.abspath(__file__), 'serve', '--name', settings['name'],
               '--port', str(settings['port'] or free_port()), '--warmup', str(settings['warmup']), '--slow', str(settings['slow']),
               '--lifetime', str(settings['lifetime'])]
    if settings.get('release_file'):
        command += ['--release-file', settings['release_file']]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               start_new_session=True)  # pylint: disable=consider-using-with
    line = process.stdout.readline().strip()
    process.stdout.close()
    if not line.startswith('port '):
        process.kill()
        process.wait()
        raise SystemExit('the backend %s did not start' % settings['name'])
    settings = dict(settings, port=int(line.split()[1]), pid=process.pid, starts=settings.get('starts', 0) + 1)
    write_state(state_path, settings)
    return settings


def write_state(path, settings):
    temporary = path + '.tmp'
    with open(temporary, 'w', encoding='utf-8') as handle:
        json.dump(settings, handle)
    os.replace(temporary, path)


def read_state(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def terminate(pid, timeout=10.0):
    """SIGTERM ``pid`` and wait until it is gone (after a restart it is not our child: poll it)."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            if not running(pid):
                return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)


def running(pid):
    """False once ``pid`` has exited (a zombie waiting for its parent to reap it counts as exited)."""
    try:
        with open('/proc/%d/stat' % pid, encoding='utf-8') as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def free_port():
    """A free loopback port below the kernel's ephemeral range: an outgoing connection (the prober, the balancer,
    the load client) never takes it as its own port while the backend is down, so the restart can bind it again."""
    try:
        with open('/proc/sys/net/ipv4/ip_local_port_range', encoding='utf-8') as handle:
            ephemeral = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral = 32768
    for _attempt in range(200):
        port = random.randint(10000, ephemeral - 1)
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise SystemExit('no free port between 10000 and %d' % ephemeral)


def port_open(port):
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((HOST, port)) == 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest='command', required=True)
    for name in ('serve', 'start'):
        sub = commands.add_parser(name)
        sub.add_argument('--name', required=True)
        sub.add_argument('--port', type=int, default=0, help='default: a free one below the ephemeral range')
        sub.add_argument('--release-file')
        sub.add_argument('--warmup', type=float, default=1.0, help='seconds of 503 after a start')
        sub.add_argument('--slow', type=float, default=0.5, help='seconds /slow takes')
        sub.add_argument('--lifetime', type=float, default=900.0, help='the process ends by itself after this')
        if name == 'start':
            sub.add_argument('--state', required=True)
    restart = commands.add_parser('restart')
    restart.add_argument('--state', required=True)
    restart.add_argument('--down', type=float, default=2.0, help='seconds the port stays closed')
    stop = commands.add_parser('stop')
    stop.add_argument('--state', required=True)
    args = parser.parse_args(argv)
    if args.command == 'serve':
        serve(args)
    elif args.command == 'start':
        settings = spawn(args.state, {'name': args.name, 'port': args.port, 'release_file': args.release_file,
                                      'warmup': args.warmup, 'slow': args.slow, 'lifetime': args.lifetime})
        print('port %d' % settings['port'])
    elif args.command == 'restart':
        settings = read_state(args.state)
        terminate(settings['pid'])
        deadline = time.monotonic() + 5
        while port_open(settings['port']):  # closed once the process is gone; never seen open for long
            if time.monotonic() > deadline:
                raise SystemExit('port %d still open 5 s after the stop of pid %d (%s)' % (
                    settings['port'], settings['pid'], 'still running' if running(settings['pid']) else 'gone'))
            time.sleep(0.05)
        time.sleep(args.down)
        settings = spawn(args.state, settings)
        print('restarted %s on port %d (start %d)' % (settings['name'], settings['port'], settings['starts']))
    else:
        terminate(read_state(args.state)['pid'])


if __name__ == '__main__':
    main()
