# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: the emulator started as a subprocess on a free port, and small HTTP helpers."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

import pytest
import requests
import urllib3

from .signer import sign_headers

EMULATOR_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
P1 = "0123456789abcdef0123456789abcdef"
P2 = "fedcba9876543210fedcba9876543210"
DEMO = {"name": "demo", "domain": "demo", "password": "demo-password",
        "ak": "AKEXAMPLE0000000000", "sk": "SKEXAMPLE1111111111111111111111111111111", "project": P1}
OTHER = {"name": "other", "domain": "other", "password": "other-password",
         "ak": "AKOTHEREXAMPLE00000", "sk": "SKOTHEREXAMPLE22222222222222222222222222", "project": P2}

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


class EmulatorProcess:
    """One running emulator; ``stop()`` sends SIGTERM and returns the exit code."""

    def __init__(self, args=(), python=None):
        self.stderr = tempfile.TemporaryFile()
        cmd = [python or sys.executable, EMULATOR_DIR, "--host", "127.0.0.1", "--port", "0"] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.stderr)  # pylint: disable=consider-using-with
        self.base_url = self._read_ready()
        self.api = Api(self.base_url)

    def _read_ready(self, timeout=15):
        deadline = time.time() + timeout
        line = b""
        while time.time() < deadline:
            ready = select.select([self.proc.stdout], [], [], 0.1)[0]
            if ready:
                line = self.proc.stdout.readline()
                break
            if self.proc.poll() is not None:
                break
        text = line.decode().strip()
        if not text.startswith("ready "):
            self.stderr.seek(0)
            errors = self.stderr.read().decode()
            self.stop()
            raise RuntimeError("emulator did not start: %r %s" % (text, errors))
        return text.split(" ", 1)[1]

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """End the process; returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()
        self.api.session.close()
        return self.proc.returncode


class Api:
    """HTTP helpers: admin calls, AK/SK-signed calls, token calls."""

    def __init__(self, base_url, verify=False):
        self.base = base_url
        self.host = urlsplit(base_url).netloc
        self.session = requests.Session()
        # Passed on every call: REQUESTS_CA_BUNDLE would override session.verify.
        self.verify = verify

    def url(self, path):
        """Absolute URL of ``path``."""
        return self.base + path

    def admin(self, method, path, body=None):
        """Call the admin API; returns the response."""
        return self.session.request(method, self.url("/_emulator/" + path.lstrip("/")), json=body, timeout=30, verify=self.verify)

    def signed(self, method, path, query=None, body=None, user=None, project_id="default", headers=None,
               raw_body=None, date=None, signed=None, tamper=None, timeout=30):
        """A request signed with AK/SK (``tamper(headers, body) -> body`` may change it after signing)."""
        user = user or DEMO
        if project_id == "default":
            project_id = user["project"]
        pairs = list(query.items()) if isinstance(query, dict) else list(query or [])
        if raw_body is not None:
            data = raw_body
        elif body is not None:
            data = json.dumps(body).encode()
        else:
            data = b""
        hdrs, wire = sign_headers(method, self.host, path, pairs, data, user["ak"], user["sk"], project_id,
                                  date=date, extra_headers=headers, signed=signed)
        if tamper is not None:
            data = tamper(hdrs, data)
        url = self.url(path) + ("?" + wire if wire else "")
        return self.session.request(method, url, data=data or None, headers=hdrs, timeout=timeout, verify=self.verify)

    def token(self, user=None, project_name=None, project_id=None):
        """A token for ``user`` scoped to a project (by name or id; default the user's project)."""
        user = user or DEMO
        scope = {"project": {"name": project_name}} if project_name else {"project": {"id": project_id or user["project"]}}
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": user["name"], "password": user["password"], "domain": {"name": user["domain"]}}}}, "scope": scope}}
        resp = self.session.post(self.url("/v3/auth/tokens"), json=body, timeout=30, verify=self.verify)
        assert resp.status_code == 201, resp.text
        return resp.headers["X-Subject-Token"]

    def with_token(self, method, path, token, query=None, body=None, headers=None, timeout=30):
        """A request authenticated with ``X-Auth-Token``."""
        hdrs = {"X-Auth-Token": token, "Content-Type": "application/json"}
        hdrs.update(headers or {})
        return self.session.request(method, self.url(path), params=query, json=body, headers=hdrs, timeout=timeout, verify=self.verify)


@pytest.fixture(scope="session")
def emulator_session():
    """One emulator for the whole session (default identity, no state file)."""
    proc = EmulatorProcess()
    yield proc
    assert proc.stop() == 0


@pytest.fixture
def emu(emulator_session):  # pylint: disable=redefined-outer-name
    """The shared emulator, reset to the seed topology before the test."""
    resp = emulator_session.api.admin("POST", "reset")
    assert resp.status_code == 200
    return emulator_session


@pytest.fixture
def api(emu):  # pylint: disable=redefined-outer-name
    """Helpers bound to the freshly reset shared emulator."""
    return emu.api


@pytest.fixture
def start_emulator():
    """Factory: start extra emulators (custom flags); all are stopped after the test."""
    started = []

    def start(*args, python=None):
        proc = EmulatorProcess(args, python=python)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


def pytest_configure(config):
    """The SDK's signer calls datetime.utcnow(); that warning is not ours."""
    config.addinivalue_line("filterwarnings", "ignore:datetime.datetime.utcnow:DeprecationWarning")
    config.addinivalue_line("filterwarnings", "ignore::urllib3.exceptions.InsecureRequestWarning")
    # openstacksdk's own deprecation notices about its internals (test_openstacksdk.py, test_otcextensions.py).
    for message in ("Support for InfluxDB", "The _compute_attributes method", "The 'service_type' parameter",
                    "The ignore_missing parameter", "The 'http_status' parameter"):
        config.addinivalue_line("filterwarnings", "ignore:%s" % message)
