# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The zero-downtime proof of issue 26, shared by tests/integration/test_zero_downtime.py, `make bench`
(benchmarks/rolling_bench.py) and `make demo` (tests/utils/demo_rolling.py).

On an emulator with its data plane on, ``Proof`` builds a load balancer ``web-lb`` (v3 or v2) with an HTTP
listener whose pool ``web-pool`` has an HTTP monitor on ``/healthz`` and three members: real loopback backends
(tests/utils/rolling_backend.py), one per inventory host of group ``web``. ``Proof.run`` puts the load client
(tests/utils/load_client.py) on the listener while ``docs/examples/rolling_update.yml`` - the example itself,
with this inventory around it - updates every host: the example's update installs a release and its handler
restarts the backend (port closed 2 s, then 503 for its first second). It returns what the clients saw, the
weights as they were while it ran (the batch rule), the weights after, the calls made and the time it took.
Standard library only; every socket is on loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import load_client  # noqa: E402  pylint: disable=wrong-import-position
import rolling_backend  # noqa: E402  pylint: disable=wrong-import-position

ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(ROOT, 'docs', 'examples', 'rolling_update.yml')
PROJECT_ID = '0123456789abcdef0123456789abcdef'
CONNECTION_ENV = {'HW_ACCESS_KEY': 'AKEXAMPLE0000000000', 'HW_SECRET_KEY': 'SKEXAMPLE1111111111111111111111111111111',
                  'HW_PROJECT_ID': PROJECT_ID, 'HW_REGION_NAME': 'cn-north-4'}
PASSWORD_AUTH = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
    'domain': {'name': 'demo'}, 'name': 'demo', 'password': 'demo-password'}}},
    'scope': {'project': {'id': PROJECT_ID}}}}
SUBNET = 'web-subnet'  # the emulator's seeded subnet: a name the member module looks up; raw v2 calls keep it as is
BASES = {'v3': '/v3/%s/elb' % PROJECT_ID, 'v2': '/v2/%s/elb' % PROJECT_ID}
HOSTS = ('web1', 'web2', 'web3')
WEIGHTS = {'web1': 5, 'web2': 3, 'web3': 2}  # unequal, so a restore to the wrong weight shows
# The smallest monitor that stays steady on a busy 2-core machine: a probe every 0.2 s (delay 1, the API's minimum,
# x 0.2) that may take 0.4 s (timeout 2: with 0.2 s, a CPU-starved backend serving alone in a batch of 2 failed 3
# probes in a row and the pool answered 503), 2 good answers to come up, 3 bad ones to go down. The role reads
# the unscaled figures: it polls every second and gives up on a member unhealthy for 3 s (fail_fast).
TIME_SCALE = 0.2
MONITOR = {'type': 'HTTP', 'delay': 1, 'timeout': 2, 'max_retries': 2, 'max_retries_down': 3, 'url_path': '/healthz',
           'expected_codes': '200'}
RATE = 50           # requests a second the client sends, a fifth of them to /slow
DRAIN_WAIT = 1      # seconds the role waits after the drain: the longest request (/slow) takes 0.5 s
DOWN, WARMUP = 2.0, 1.0  # the update: the port closed for 2 s, then 503 for the new process's first second
# The least a host (or a batch of hosts) can take: the drain wait, the update, and the monitor's up threshold once the
# new process answers 200.
FLOOR_PER_HOST = DRAIN_WAIT + DOWN + WARMUP + MONITOR['max_retries'] * MONITOR['delay'] * TIME_SCALE
# Issue 26: 10 % of ELB calls answer 503, 2 % are dropped, PENDING 0.5 s after each write, 5 calls a second.
FAULTS = {'rules': [{'path': '/elb/|/lbaas/', 'status': 503, 'probability': 0.10},
                    {'path': '/elb/|/lbaas/', 'drop': True, 'probability': 0.02}]}
FAULT_CONFIG = {'seed': 26, 'pending_seconds': 0.5, 'rate_limit_per_s': 5}


class ProofError(Exception):
    pass


class Api:
    """The emulator's admin API and its ELB API (a password token), over urllib."""

    def __init__(self, url):
        self.url = url
        self.token = None

    def _call(self, method, path, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers=dict({'Content-Type': 'application/json'}, **(headers or {})))
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.headers, json.loads(response.read() or b'null')
        except urllib.error.HTTPError as err:
            raise ProofError('%s %s: HTTP %d %s' % (method, path, err.code, err.read()[:500])) from None

    def admin(self, method, path, body=None):
        return self._call(method, '/_emulator/' + path, body)[1]

    def elb(self, method, path, body=None):
        if self.token is None:
            self.token = self._call('POST', '/v3/auth/tokens', PASSWORD_AUTH)[0]['X-Subject-Token']
        return self._call(method, path, body, {'X-Auth-Token': self.token})[1]


def wait_until(what, check, timeout=30.0, pause=0.1):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise ProofError('timed out after %.0f s waiting for %s' % (timeout, what))
        time.sleep(pause)


class Run:
    """What one update run did: the playbook's outcome, the clients' counts, the weights and the calls."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


class Proof:
    """The balancer, its three backends and the inventory; ``run`` updates them under load."""

    def __init__(self, url, workdir, family='v3', monitor=None, time_scale=TIME_SCALE, down=DOWN, warmup=WARMUP):
        """``monitor``, ``time_scale``, ``down`` (the restart's closed port) and ``warmup`` (the new process's 503s),
        in seconds, change the set-up: the settle test (tests/integration/test_settle.py) restarts faster than the
        monitor's down threshold."""
        self.warmup = warmup
        self.monitor = monitor or MONITOR
        self.time_scale = time_scale
        self.down = down
        self.api = Api(url)
        self.url = url
        self.workdir = workdir
        self.family = family
        self.base = BASES[family]
        self.hosts = {}
        self.listener_port = None

    # -- set-up and tear-down ---------------------------------------------------------------------------------

    def __enter__(self):
        try:
            self.setup()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def setup(self):
        self.api.admin('POST', 'config', {'data_plane': True, 'probe_background': True, 'probe_time_scale': self.time_scale})
        lb_body = {'name': 'web-lb'}
        if self.family == 'v2':
            lb_body['vip_subnet_id'] = SUBNET
        balancer = self.api.elb('POST', self.base + '/loadbalancers', {'loadbalancer': lb_body})['loadbalancer']
        listener = self.api.elb('POST', self.base + '/listeners', {'listener': {
            'name': 'web-http', 'loadbalancer_id': balancer['id'], 'protocol': 'HTTP', 'protocol_port': 80}})['listener']
        pool = self.api.elb('POST', self.base + '/pools', {'pool': {
            'name': 'web-pool', 'listener_id': listener['id'], 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN'}})['pool']
        self.api.elb('POST', self.base + '/healthmonitors', {'healthmonitor': dict(self.monitor, pool_id=pool['id'])})
        for name in HOSTS:
            app_dir = os.path.join(self.workdir, name)
            os.makedirs(app_dir, exist_ok=True)
            state = os.path.join(app_dir, 'backend.json')
            settings = rolling_backend.spawn(state, {'name': name, 'port': 0, 'warmup': 0, 'slow': 0.5,
                                                     'lifetime': 900, 'release_file': os.path.join(app_dir, 'release')})
            # Restarts (the update) get the 1 s warm-up; the first start is ready at once.
            rolling_backend.write_state(state, dict(settings, warmup=self.warmup))
            body = {'name': name, 'address': '127.0.0.1', 'protocol_port': settings['port'], 'weight': WEIGHTS[name]}
            if self.family == 'v2':
                body['subnet_id'] = SUBNET  # required on v2
            member = self.api.elb('POST', '%s/pools/%s/members' % (self.base, pool['id']), {'member': body})
            self.hosts[name] = {'dir': app_dir, 'state': state, 'port': settings['port'], 'member': member['member']}
        self.pool_id = pool['id']
        self.listener_id = listener['id']
        wait_until('every backend ONLINE', lambda: all(m['operating_status'] == 'ONLINE' for m in self.members()))
        self.listener_port = wait_until('the listener on the data plane', self._listener_port, timeout=10)

    def _listener_port(self):
        found = self.api.admin('GET', 'data-plane').get('listeners', {}).get(self.listener_id)
        return found and found['port']

    def close(self):
        for host in self.hosts.values():
            try:
                rolling_backend.terminate(rolling_backend.read_state(host['state'])['pid'])
            except (OSError, ValueError, KeyError):
                pass

    # -- reading ------------------------------------------------------------------------------------------------

    def members(self):
        return self.api.elb('GET', '%s/pools/%s/members' % (self.base, self.pool_id))['members']

    def weights(self):
        return dict((m['name'], m['weight']) for m in self.members())

    def starts(self):
        """How many times each backend process was started (1 = never restarted)."""
        return dict((name, rolling_backend.read_state(host['state'])['starts']) for name, host in self.hosts.items())

    def releases(self):
        """The release each backend serves now (asked directly, on loopback)."""
        found = {}
        for name, host in self.hosts.items():
            with urllib.request.urlopen('http://127.0.0.1:%d/healthz' % host['port'], timeout=10) as response:
                found[name] = response.headers['X-Release']
        return found

    def _drained_now(self):
        """The hosts whose member is at weight 0 now, read from the emulator's raw state (admin: never counted,
        never throttled)."""
        members = self.api.admin('GET', 'state')[self.family]['members']
        ids = dict((host['member']['id'], name) for name, host in self.hosts.items())
        return sorted(ids[i] for i, m in members.items() if i in ids and m.get('weight') == 0)

    # -- the run ------------------------------------------------------------------------------------------------

    def inventory(self, release='2.0', group_vars=None):
        lines = ['[web]']
        for name, host in self.hosts.items():
            restart = '%s %s restart --state %s --down %s' % (sys.executable, rolling_backend.__file__, host['state'], self.down)
            lines.append('%s ansible_host=127.0.0.1 app_port=%d app_dir=%s app_release=%s rolling_update_state_dir=%s '
                         'app_restart_command="%s"' % (name, host['port'], host['dir'], release, host['dir'], restart))
        lines += ['', '[web:vars]', 'rolling_update_api_version=%s' % self.family,
                  'rolling_update_drain_timeout=%d' % DRAIN_WAIT]
        lines += ['%s=%s' % item for item in sorted((group_vars or {}).items())]
        return '\n'.join(lines) + '\n'

    def control_playbook(self):
        """The example with the role taken out: the same update (its tasks and handler), no drain and no wait."""
        with open(EXAMPLE, encoding='utf-8') as handle:
            plays = yaml.safe_load(handle)
        for play in plays:
            play['tasks'] = [{'name': 'Update this host without taking it out of the pool',
                              'ansible.builtin.include_tasks': os.path.join(os.path.dirname(EXAMPLE),
                                                                            'rolling_update_app.yml')}]
        path = os.path.join(self.workdir, 'control.yml')
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(plays, handle, sort_keys=False)
        return path

    def run(self, runner=None, serial=1, control=False, faults=False, rate=RATE, group_vars=None):
        """Update every host under load; ``runner(playbook, inventory_text, extra_vars)`` runs ansible-playbook
        and returns an object with ``returncode`` and ``output`` (default: ``run_playbook`` below). ``group_vars``:
        more variables of group web (the role's, such as rolling_update_settle)."""
        runner = runner or (lambda *args: run_playbook(*args, env=dict(os.environ, **connection_env(self.url))))
        playbook = self.control_playbook() if control else EXAMPLE
        self.api.admin('POST', 'stats/reset')
        self.api.admin('POST', 'data-plane/stats/reset')
        if faults:
            self.api.admin('POST', 'faults', FAULTS)
            self.api.admin('POST', 'config', FAULT_CONFIG)
        drained, sampling = [], threading.Event()

        def sample():
            while not sampling.wait(0.05):
                drained.append(self._drained_now())

        sampler = threading.Thread(target=sample, daemon=True)
        client = load_client.LoadClient(self.listener_port, rate=rate, max_seconds=300, max_requests=int(rate * 300))
        began = time.monotonic()
        try:
            with client:
                sampler.start()
                outcome = runner(playbook, self.inventory(group_vars=group_vars), {'web_serial': serial})
                seconds = time.monotonic() - began
                time.sleep(0.5)  # the requests sent as the play ended still count
        finally:
            sampling.set()
            sampler.join(5)
            if faults:
                self.api.admin('DELETE', 'faults')
                self.api.admin('POST', 'config', {'pending_seconds': 0, 'rate_limit_per_s': 0})
        stats = self.api.admin('GET', 'stats')['requests']
        elb = [r for r in stats if '/elb/' in r['path'] or '/lbaas/' in r['path']]
        return Run(returncode=outcome.returncode, output=outcome.output, load=client.counts(), seconds=seconds,
                   serial=serial, family=self.family, control=control, faults=faults,
                   most_drained=max([len(d) for d in drained] or [0]), drained_samples=len(drained),
                   weights_after=self.weights(), weights_before=dict(WEIGHTS),
                   gets=sum(1 for r in elb if r['method'] == 'GET'),
                   writes=sum(1 for r in elb if r['method'] in ('POST', 'PUT', 'DELETE')),
                   failed_calls=sum(1 for r in elb if r['status'] is not None and (r['status'] == 0 or r['status'] >= 400)),
                   # The balancer's own errors (503: no eligible member), apart from the backends' answers.
                   balancer_errors=self.api.admin('GET', 'data-plane/stats')['listeners'].get(self.listener_id, {}).get('failed'))


class Outcome:
    def __init__(self, returncode, output):
        self.returncode = returncode
        self.output = output


def run_playbook(playbook, inventory, extra_vars, env):
    """ansible-playbook from this Python's bin directory, in the environment ``env`` (its collection path, the
    HW_* connection settings); returns its exit code and output."""
    with tempfile.TemporaryDirectory(prefix='rolling-proof-') as work:
        hosts = os.path.join(work, 'inventory.ini')
        with open(hosts, 'w', encoding='utf-8') as handle:
            handle.write(inventory)
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), playbook, '-i', hosts,
                   '-c', 'local', '-e', json.dumps(extra_vars)]
        run_env = dict(env, ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='false',
                       ANSIBLE_RETRY_FILES_ENABLED='false')
        done = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=900, check=False)
    return Outcome(done.returncode, done.stdout + done.stderr)


def connection_env(url):
    return dict(CONNECTION_ENV, HW_ELB_ENDPOINT=url, HW_AUTH_URL=url + '/v3')
