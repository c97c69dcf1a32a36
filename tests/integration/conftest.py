# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration harness: the bundled emulator on a free loopback port, and real ansible-playbook runs.

Run from the staged collection (``make integration``): ANSIBLE_COLLECTIONS_PATH points at the copy.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import subprocess
import sys
import tempfile
from unittest import mock

import pytest
import requests
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROJECT_ID = '0123456789abcdef0123456789abcdef'
AK, SK = 'AKEXAMPLE0000000000', 'SKEXAMPLE1111111111111111111111111111111'
USER, DOMAIN, PASSWORD = 'demo', 'demo', 'demo-password'
WRITE_METHODS = ('POST', 'PUT', 'DELETE')


class Emulator:
    """A running emulator and its admin API."""

    def __init__(self, process, url):
        self.process = process
        self.url = url
        self.http = requests.Session()

    def admin(self, method, path, body=None):
        response = self.http.request(method, self.url + '/_emulator/' + path, json=body, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.admin('POST', 'reset')

    def reset_stats(self):
        self.admin('POST', 'stats/reset')

    def stats(self):
        return self.admin('GET', 'stats')

    def calls(self, methods=None, elb_only=True):
        """The requests since the last stats reset, as (method, path, status)."""
        calls = [(r['method'], r['path'], r['status']) for r in self.stats()['requests']]
        if elb_only:
            calls = [c for c in calls if not c[1].startswith('/v3/auth') and not c[1].startswith('/v3/projects')]
        return [c for c in calls if methods is None or c[0] in methods]

    def writes(self):
        return self.calls(WRITE_METHODS)

    def token(self, project_id=PROJECT_ID):
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
            'domain': {'name': DOMAIN}, 'name': USER, 'password': PASSWORD}}},
            'scope': {'project': {'id': project_id}}}}
        response = self.http.post(self.url + '/v3/auth/tokens', json=body, timeout=30)
        response.raise_for_status()
        return response.headers['X-Subject-Token']

    def api(self, method, path, body=None, token=None):
        """An authenticated ELB call (token auth), for setting up and checking state."""
        headers = {'X-Auth-Token': token or self.token()}
        response = self.http.request(method, self.url + path.format(project_id=PROJECT_ID), json=body,
                                     headers=headers, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def pool(self, name, family='v3'):
        path = {'v3': '/v3/{project_id}/elb/pools?name=' + name, 'v2': '/v2/{project_id}/elb/pools?name=' + name}[family]
        pools = self.api('GET', path)['pools']
        assert len(pools) == 1, pools
        return pools[0]

    def v3_monitor_of(self, pool_name):
        pool = self.pool(pool_name)
        if not pool.get('healthmonitor_id'):
            return None
        return self.api('GET', '/v3/{project_id}/elb/healthmonitors/' + pool['healthmonitor_id'])['healthmonitor']


@pytest.fixture(scope='session')
def emulator():
    process = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'emulator'), '--host', '127.0.0.1',
                                '--port', '0'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    if not line.startswith('ready '):
        process.kill()
        pytest.fail('the emulator did not start: %r %s' % (line, process.stderr.read()))
    yield Emulator(process, line.split(' ', 1)[1])
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def elb(emulator):
    """A fresh emulator state (seeded topology, no faults, default config) and empty stats."""
    emulator.reset()
    return emulator


def connection_env(emulator, method='aksk'):
    env = {'HW_ELB_ENDPOINT': emulator.url, 'HW_AUTH_URL': emulator.url + '/v3', 'HW_REGION_NAME': 'cn-north-4'}
    if method == 'aksk':
        env.update(HW_ACCESS_KEY=AK, HW_SECRET_KEY=SK, HW_PROJECT_ID=PROJECT_ID)
    elif method == 'password':
        env.update(HW_USER_NAME=USER, HW_USER_PASSWORD=PASSWORD, HW_DOMAIN_NAME=DOMAIN)
    elif method == 'token':
        env.update(HW_AUTH_TOKEN=emulator.token(), HW_PROJECT_ID=PROJECT_ID)
    return env


class PlaybookRun:
    """The outcome of one ansible-playbook run: exit code, output and each task's result."""

    def __init__(self, returncode, output, records):
        self.returncode = returncode
        self.output = output
        self.records = records

    @property
    def results(self):
        return [r['result'] for r in self.records]

    def result(self, index=-1):
        return self.records[index]['result']

    def changed_count(self):
        return sum(1 for r in self.records if r['result'].get('changed'))


def run_playbook(playbook, env=None, check=False, diff=False, extra_vars=None, verbosity=0, expect_rc=None,
                 inventory=None, limit=None):
    """Run a playbook file, or a list of plays, with ansible-playbook; return a PlaybookRun.

    ``inventory``: INI text for an inventory file (default: localhost only); ``limit``: ansible-playbook's --limit.
    """
    with tempfile.TemporaryDirectory() as work:
        if not isinstance(playbook, str):
            path = os.path.join(work, 'play.yml')
            with open(path, 'w', encoding='utf-8') as handle:
                yaml.safe_dump(playbook, handle, sort_keys=False)
            playbook = path
        log = os.path.join(work, 'results.jsonl')
        hosts = 'localhost,'
        if inventory is not None:
            hosts = os.path.join(work, 'inventory.ini')
            with open(hosts, 'w', encoding='utf-8') as handle:
                handle.write(inventory)
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), playbook, '-i', hosts,
                   '-c', 'local']
        command += ['--check'] if check else []
        command += ['--diff'] if diff else []
        command += ['-' + 'v' * verbosity] if verbosity else []
        command += ['--limit', limit] if limit else []
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        run_env = dict(os.environ, RESULT_LOG=log, ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
                       ANSIBLE_CALLBACKS_ENABLED='result_log', ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                       ANSIBLE_HOST_KEY_CHECKING='false', ANSIBLE_RETRY_FILES_ENABLED='false',
                       ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_DEPRECATION_WARNINGS='false',
                       # One process per module task instead of a temporary directory, a copy, a chmod and a
                       # clean-up (issue 28: about 15 % of each task's time); the module runs the same either way.
                       ANSIBLE_PIPELINING='true')
        for name in [n for n in run_env if n.startswith('HW_')]:
            del run_env[name]
        run_env.update(env or {})
        process = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=600, check=False)
        records = []
        if os.path.exists(log):
            with open(log, encoding='utf-8') as handle:
                records = [json.loads(line) for line in handle]
    run = PlaybookRun(process.returncode, process.stdout + process.stderr, records)
    if expect_rc is not None:
        assert run.returncode == expect_rc, run.output
    return run


def task_play(module, args, name='task', ignore_errors=False, **task_options):
    """A one-task play calling ``module`` with ``args`` on localhost."""
    task = {'name': name, module: args}
    if ignore_errors:
        task['ignore_errors'] = True
    task.update(task_options)
    return [{'name': 'test', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [task]}]


def busy_then_write(elb, busy, module, args, pending_seconds=1.0):
    """``busy()`` writes and leaves the balancer PENDING_UPDATE for ``pending_seconds``; then ``module`` runs with
    ``args`` in-process, milliseconds later, and meets that window (a 409), whatever TEST_END_TO_END says: an
    ansible-playbook start-up would outlast it (issue 28: it was two plays and 8 s, then one play and 4 s). Returns
    the module's result."""
    elb.admin('POST', 'config', {'pending_seconds': pending_seconds})
    elb.reset_stats()
    busy()
    return run_in_process(elb, module, args)


# The files whose tests take tens of seconds each (real traffic, rolling updates): run first. Under `--dist
# worksteal` the first half of the list goes to one worker, the rest to the other, and an idle worker steals from
# the end of the other's list: so the long tests are spread and neither worker ends waiting alone on one of them.
LONG_FIRST = ('test_zero_downtime.py', 'test_rolling_update.py', 'test_blue_green.py', 'test_settle.py',
              'test_healthmonitors.py', 'test_roles.py')


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.path.name not in LONG_FIRST)  # stable: the order within each group stays


def pytest_configure(config):
    config.addinivalue_line('markers', 'in_process: run_task runs the module in-process unless told end_to_end '
                                       '(see the run_task fixture)')


@pytest.fixture
def run_task(elb, request):
    """Run one module task against the emulator (AK/SK by default); return its result dict.

    Through ansible-playbook (1.5-2.5 s a run), or, in a test file marked ``pytestmark = pytest.mark.in_process``,
    in-process (milliseconds, issue 28): the module's main() with the same arguments, check and diff mode passed as
    ansible-playbook passes them (``_ansible_check_mode``, ``_ansible_diff``). What happens inside the module is the
    same either way; such a file keeps a few ``end_to_end=True`` runs (the packaging, ansible's own handling of
    check and diff mode), and another authentication than AK/SK or a verbosity always runs end to end. Only an
    end-to-end result has ``_output`` (what ansible-playbook printed). TEST_END_TO_END=1 runs every task end to end
    (``make floor`` does: the oldest ansible-core, end to end)."""
    in_process = request.node.get_closest_marker('in_process') is not None and not os.environ.get('TEST_END_TO_END')

    def run(module, args, check=False, diff=False, auth='aksk', expect_failure=False, verbosity=0, end_to_end=False):
        if in_process and not end_to_end and auth == 'aksk' and not verbosity:
            # The task's own options win over the connection, as they win over HW_* end to end.
            arguments = dict(connection_args(elb), **args)
            arguments.update(_ansible_check_mode=check, _ansible_diff=diff)
            result = run_module(importlib.import_module('ansible_collections.hwcloud.elb.plugins.modules.' + module),
                                arguments)
            text = json.dumps(result)
            assert bool(result.get('failed')) == expect_failure, text
            assert 'Traceback' not in text and 'MODULE FAILURE' not in text
            return result
        outcome = run_playbook(task_play('hwcloud.elb.' + module, args, ignore_errors=expect_failure),
                               env=connection_env(elb, auth), check=check, diff=diff, verbosity=verbosity)
        assert outcome.records, outcome.output
        result = outcome.result()
        assert (outcome.records[-1]['status'] == 'failed') == expect_failure, outcome.output
        result['_output'] = outcome.output
        return result
    return run


@pytest.fixture
def run_tasks(elb):
    """Run several module tasks in one play (AK/SK), one ansible-playbook start for all (issue 28): for queries,
    or tasks none of which changes what another reads. ``tasks``: (module, args) pairs; returns their results in
    order; each must succeed."""
    def run(tasks, check=False):
        play = [{'name': 'test', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
            {'name': 'task %d' % index, 'hwcloud.elb.' + module: args} for index, (module, args) in enumerate(tasks)]}]
        outcome = run_playbook(play, env=connection_env(elb), check=check)
        assert [r['status'] for r in outcome.records] == ['ok'] * len(tasks), outcome.output
        return outcome.results
    return run


# -- modules in-process (fast enough for sweeps of thousands of cases) -------------------------------------------

def connection_args(emulator):
    """The options of connection_env(emulator) (AK/SK), as module arguments."""
    return dict(elb_endpoint=emulator.url, auth_url=emulator.url + '/v3', region='cn-north-4', access_key=AK,
                secret_key=SK, project_id=PROJECT_ID)


@pytest.fixture
def refusal(elb, run_task):
    """Run a module task that must fail; return its result.

    In-process (milliseconds) rather than through ansible-playbook (1.5-2.5 s a run, issue 28): a refusal happens
    inside the module either way. ``end_to_end``: through ansible-playbook, for one case of each table."""
    def run(name, args, end_to_end=False):
        if end_to_end:
            return run_task(name, args, expect_failure=True, end_to_end=True)
        module = importlib.import_module('ansible_collections.hwcloud.elb.plugins.modules.' + name)
        result = run_module(module, dict(args, **connection_args(elb)))
        text = json.dumps(result)
        assert result.get('failed'), text
        assert 'Traceback' not in text and 'MODULE FAILURE' not in text
        return result
    return run


class _Captured(Exception):
    pass


def module_argument_spec(name):
    """A module of the collection and its whole argument spec (connection options included), without a run."""
    from ansible.module_utils import basic
    module = importlib.import_module('ansible_collections.hwcloud.elb.plugins.modules.' + name)
    captured = {}

    def capture(self, argument_spec, **kwargs):
        captured.update(argument_spec)
        raise _Captured()

    original = basic.AnsibleModule.__init__
    basic.AnsibleModule.__init__ = capture
    try:
        module.main()
    except _Captured:
        pass
    finally:
        basic.AnsibleModule.__init__ = original
    assert captured, 'module %s built no AnsibleModule' % name
    return module, captured


def run_in_process(elb, name, args=None, **more):
    """Module ``name`` run in-process against the emulator (AK/SK, one retry, no pauses to speak of): its result."""
    module = importlib.import_module('ansible_collections.hwcloud.elb.plugins.modules.' + name)
    return run_module(module, dict(connection_args(elb), api_retries=1, **dict(args or {}, **more)))


def run_module(module, args):
    """Run a module in-process with ``args``; return its result (it always exits).

    A module's warnings are kept for the run in a global of ansible's (one process a run, normally): emptied
    before and after, and returned as the text ansible-playbook shows. Once a test of this process has imported
    ansible's controller code, a module's warnings would go to the controller's display instead of its result:
    the run says it is no controller, as a module's own process is."""
    from ansible.module_utils import _internal
    from ansible.module_utils.common import warnings
    from ansible.module_utils.testing import patch_module_args
    kept = (warnings._global_warnings, warnings._global_deprecations)  # pylint: disable=protected-access
    for store in kept:
        store.clear()
    out = io.StringIO()
    try:
        with patch_module_args(args), contextlib.redirect_stdout(out), mock.patch.object(_internal, 'is_controller', False):
            with pytest.raises(SystemExit):
                module.main()
        result = json.loads(out.getvalue())
        if 'warnings' in result:
            result['warnings'] = list(warnings.get_warning_messages())
    finally:
        for store in kept:
            store.clear()
    return result
