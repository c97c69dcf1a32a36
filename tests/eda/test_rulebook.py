# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""End to end: ansible-rulebook runs the example rulebook (extensions/eda/rulebooks/backend_health.yml) against the
emulator; a real loopback backend answers 500, and the rulebook runs the playbook hwcloud.elb.backend_unhealthy on
that backend's host; back at 200, it logs the recovery.

The rulebook is the example as committed, with the source polling faster (``interval``, ``min_interval``). The
process gets no PYTHONPATH, as in a decision environment: the source finds the collection's module_utils from its
own path. It is stopped (SIGINT, then SIGKILL) on every exit path; every wait has a deadline.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import yaml

from integration.conftest import ROOT, connection_env
from integration.test_member_health import V3

from .test_member_health_source import add_member, http_pool, member_list_gets

RULEBOOK = os.path.join(ROOT, 'extensions', 'eda', 'rulebooks', 'backend_health.yml')
SOURCE = 'hwcloud.elb.member_health'
DEADLINE = 120  # seconds: the JVM and the rule engine start first, then a playbook runs


def rulebook_copy(path):
    """The example rulebook, polling every 0.2 s instead of every monitor delay (at least 5 s)."""
    with open(RULEBOOK, encoding='utf-8') as handle:
        rulesets = yaml.safe_load(handle)
    source = rulesets[0]['sources'][0][SOURCE]
    source.update(interval=0.2, min_interval=0.1)
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(rulesets, handle, sort_keys=False)
    return path


class Rulebook:
    """ansible-rulebook in the background, its output in a file (a pipe could fill up and block it)."""

    def __init__(self, tmp_path, env):
        self.log = tmp_path / 'rulebook.log'
        inventory = tmp_path / 'inventory.yml'
        inventory.write_text(yaml.safe_dump({'all': {'hosts': {'127.0.0.1': {
            'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}}))
        variables = tmp_path / 'vars.yml'
        variables.write_text(yaml.safe_dump({'elb_loadbalancer': 'demo-lb'}))
        command = [shutil.which('ansible-rulebook', path=env['PATH']), '--rulebook',
                   rulebook_copy(str(tmp_path / 'backend_health.yml')), '--inventory', str(inventory),
                   '--vars', str(variables)]
        with open(self.log, 'wb') as output:
            self.process = subprocess.Popen(command, cwd=str(tmp_path), env=env, stdout=output,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def output(self):
        return self.log.read_text(errors='replace')

    def wait_for(self, text, elb=None, count=1):
        """Until ``text`` appears ``count`` times in the output; fails if the process ends or the deadline passes."""
        ends = time.monotonic() + DEADLINE
        while time.monotonic() < ends:
            if self.output().count(text) >= count:
                return
            if self.process.poll() is not None:
                pytest.fail('ansible-rulebook ended (rc %s) before %r:\n%s'
                            % (self.process.returncode, text, self.output()))
            time.sleep(0.2)
        pytest.fail('no %r within %d s:\n%s' % (text, DEADLINE, self.output()))

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


def wait_until(condition, what):
    ends = time.monotonic() + DEADLINE
    while time.monotonic() < ends:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail('timed out waiting for %s' % what)


def rulebook_env(elb, **connection):
    """The staged collection, this environment's ansible-rulebook and ansible-playbook, HW_* for the emulator."""
    env = dict((name, value) for name, value in os.environ.items()
               if not name.startswith('HW_') and name != 'PYTHONPATH')
    env.update(connection_env(elb), PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH'],
               ANSIBLE_COLLECTIONS_PATH=os.path.dirname(os.path.dirname(os.path.dirname(ROOT))),
               ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_DEPRECATION_WARNINGS='false')
    env.update(connection)
    return env


def test_the_example_rulebook_runs_the_playbook_on_the_unhealthy_backend(elb, backends, tmp_path):
    pool = http_pool(elb)
    # Behind a listener, so the playbook's member_check (v3) can ask the load balancer why.
    elb.api('POST', V3 + '/listeners', {'listener': dict(loadbalancer_id=pool['loadbalancers'][0]['id'], protocol='HTTP',
                                                         protocol_port=80, default_pool_id=pool['id'])})
    web = backends.http(200)
    add_member(elb, pool, web.port)
    elb.admin('POST', 'probe', {'rounds': 1})
    elb.reset_stats()
    rulebook = Rulebook(tmp_path, rulebook_env(elb))
    try:
        wait_until(lambda: len(member_list_gets(elb)) >= 2, 'the source to poll')
        web.status = 500
        elb.admin('POST', 'probe', {'rounds': 1})
        rulebook.wait_for('PLAY RECAP')
        output = rulebook.output()
        assert 'TASK [Say why it fails]' in output
        assert ('127.0.0.1:%d in demo-http-pool is unhealthy (OFFLINE): RESPONSE_MISMATCH, expected 200-204, got 500'
                % web.port) in output, output
        # The member check job names the configuration cause and its fix.
        assert 'TASK [Say the cause and the fix]' in output
        assert ('GET / on 127.0.0.1:%d answered 500, which is not among the expected codes 200-204' % web.port) in output
        recap = output[output.index('PLAY RECAP'):]
        assert '127.0.0.1' in recap and 'failed=0' in recap, recap

        web.status = 200
        elb.admin('POST', 'probe', {'rounds': 1})
        rulebook.wait_for('Healthy again: 127.0.0.1:%d in pool demo-http-pool' % web.port)
        assert rulebook.output().count('PLAY RECAP') == 1  # the playbook ran for the one unhealthy event only
        assert rulebook.process.poll() is None
    finally:
        rulebook.stop()
    assert [path.rsplit('/', 1)[-1] for _method, path, _status in elb.writes()] == ['health-check']  # the check job only


def test_refused_credentials_stop_the_rulebook_with_a_clear_error(elb, tmp_path):
    secret = 'WRONG-secret-for-the-rulebook-0123456789'
    rulebook = Rulebook(tmp_path, rulebook_env(elb, HW_SECRET_KEY=secret))
    try:
        rulebook.process.wait(timeout=DEADLINE)
    finally:
        rulebook.stop()
    output = rulebook.output()
    assert rulebook.process.returncode != 0, output
    assert 'the service refused the credentials twice in a row' in output, output
    assert 'HTTP 401' in output and secret not in output
