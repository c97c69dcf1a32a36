# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A demo backend for `make demo`: HTTP on 127.0.0.1 (a free port, printed as "port N"), answering every request
with the status code written in STATUS_FILE (read on each request, so the demo can "fix" it by rewriting the file).

Usage: python3 demo_backend.py STATUS_FILE
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATUS_FILE = sys.argv[1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _answer(self):
        try:
            with open(STATUS_FILE, encoding='utf-8') as handle:
                status = int(handle.read().strip() or 200)
        except (OSError, ValueError):
            status = 503
        self.send_response(status)
        self.send_header('Content-Length', '0')
        self.send_header('Connection', 'close')
        self.end_headers()

    do_GET = do_HEAD = do_POST = _answer


def main():
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)  # loopback only
    server.daemon_threads = True
    print('port %d' % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == '__main__':
    main()
