# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the bundled emulator for a benchmark, and stop it whatever happens."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT_ID = '0123456789abcdef0123456789abcdef'
AKSK_ENV = {'HW_ACCESS_KEY': 'AKEXAMPLE0000000000', 'HW_SECRET_KEY': 'SKEXAMPLE1111111111111111111111111111111',
            'HW_PROJECT_ID': PROJECT_ID}


@contextlib.contextmanager
def emulator():
    """Yield the base URL of a fresh emulator on a free loopback port."""
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'emulator'), '--host', '127.0.0.1',
                                '--port', '0'], stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        if not line.startswith('ready '):
            raise SystemExit('the emulator did not start: %r' % line)
        yield line.split(' ', 1)[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def admin(url, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + '/_emulator/' + path, data=data, method='POST' if data is not None else 'GET',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)
