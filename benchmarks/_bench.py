# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every benchmark shares: its own staged copy of the collection, a clean environment for
ansible-playbook, playbooks run with per-task timings, IAM tokens and the emulator's call counts."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from _emulator import AKSK_ENV, PROJECT_ID, ROOT, admin

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(ROOT, 'build', 'bench')             # everything the benchmarks make (under the ignored build/)
COLLECTIONS = os.path.join(WORK, 'collections')          # its own copy: `make stage` elsewhere cannot pull it away
BINDIR = os.path.dirname(sys.executable)
PYTHON = sys.executable
USER = {'domain': {'name': 'demo'}, 'name': 'demo', 'password': 'demo-password'}


def stage():
    """Copy the working tree's collection to WORK/collections (as `make stage` does into build/)."""
    subprocess.run([PYTHON, os.path.join(ROOT, 'tests', 'utils', 'stage_collection.py'), COLLECTIONS],
                   check=True, stdout=subprocess.DEVNULL)
    return os.path.join(COLLECTIONS, 'ansible_collections', 'hwcloud', 'elb')


def base_env(url=None, auth='aksk', **extra):
    """The environment of an ansible-playbook run: nothing inherited that could change what is measured."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('HW_', 'ANSIBLE_', 'OS_', 'REQUESTS_CA_BUNDLE')))
    env.update(ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_PYTHON_INTERPRETER=PYTHON,
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false',
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(BENCH_DIR, 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='bench_timer', ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH='ignore',
               PATH=BINDIR + os.pathsep + env.get('PATH', ''))
    if url:
        env['HW_ELB_ENDPOINT'] = url
        env['HW_AUTH_URL'] = url + '/v3'
        if auth == 'aksk':
            env.update(AKSK_ENV)
        elif auth == 'password':
            env.update(HW_USER_NAME='demo', HW_USER_PASSWORD='demo-password', HW_DOMAIN_NAME='demo',
                       HW_PROJECT_ID=PROJECT_ID)
        elif auth == 'token':
            env.update(HW_AUTH_TOKEN=token(url), HW_PROJECT_ID=PROJECT_ID)
    env.update(extra)
    return env


def token(url):
    """A password token of the built-in demo user, scoped to the default project."""
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': USER}},
                     'scope': {'project': {'id': PROJECT_ID}}}}
    request = urllib.request.Request(url + '/v3/auth/tokens', data=json.dumps(body).encode(), method='POST',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers['X-Subject-Token']


class Run:
    """One finished ansible-playbook run: wall time, per-task timings, output."""

    def __init__(self, wall, tasks, stdout, returncode):
        self.wall = wall
        self.tasks = tasks
        self.stdout = stdout
        self.returncode = returncode

    def task(self, name):
        found = [task for task in self.tasks if task['name'] == name]
        if len(found) != 1:
            raise KeyError('%d tasks named %r' % (len(found), name))
        return found[0]

    def seconds(self, name):
        return self.task(name)['seconds']


def run_playbook(text, env, check=True, extra_args=()):
    """Write ``text`` to a playbook and run it on localhost; returns a Run."""
    os.makedirs(WORK, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='bench-', dir=WORK) as work:
        path = os.path.join(work, 'play.yml')
        timings = os.path.join(work, 'timings.json')
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)
        start = time.perf_counter()
        done = subprocess.run([os.path.join(BINDIR, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', path]
                              + list(extra_args), env=dict(env, BENCH_TIMINGS=timings), cwd=work,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        wall = time.perf_counter() - start
        tasks = []
        if os.path.exists(timings):
            with open(timings, encoding='utf-8') as handle:
                tasks = json.load(handle)
    if check and (done.returncode or any(task['failed'] for task in tasks)):
        raise SystemExit('ansible-playbook failed (rc %d):\n%s' % (done.returncode, done.stdout[-4000:]))
    return Run(wall, tasks, done.stdout, done.returncode)


def is_iam(path):
    return path.startswith(('/v3/auth/', '/v3/projects'))


def calls(url):
    """The emulator's calls since the last reset: ELB writes, ELB GETs, IAM calls, total and the list."""
    found = admin(url, 'stats')['requests']
    elb = [r for r in found if not is_iam(r['path'])]
    return {'writes': sum(1 for r in elb if r['method'] in ('POST', 'PUT', 'DELETE', 'PATCH')),
            'gets': sum(1 for r in elb if r['method'] == 'GET'), 'iam': len(found) - len(elb),
            'total': len(found), 'requests': ['%s %s %s' % (r['method'], r['path'], r['status']) for r in found]}


def median(values):
    return statistics.median(values) if values else float('nan')


def spread(values):
    """(max - min) / median, as a percentage: how noisy the rounds were."""
    if len(values) < 2:
        return 0.0
    return 100.0 * (max(values) - min(values)) / statistics.median(values)


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float('nan')


STEP = 'bench: '   # the prefix of a scenario's own tasks; other tasks (a role's) belong to the step before them


def run_scenario(url, env, steps, play_vars=None):
    """Run ``steps`` (label, task dict) in order in one ansible-playbook; returns one dict per step: label,
    writes, gets, iam, total, requests, changed, seconds, tasks. The callback clears the emulator's stats as
    each task starts and reads them when it ends; a role's tasks count towards the step that included it."""
    tasks = [dict(task, name=STEP + label) for label, task in steps]
    text = json.dumps([{'hosts': 'localhost', 'gather_facts': False, 'vars': play_vars or {}, 'tasks': tasks}],
                      indent=1)
    run = run_playbook(text, dict(env, BENCH_EMULATOR=url))
    results = []
    current = None
    for task in run.tasks:
        if task['name'].startswith(STEP):
            current = {'label': task['name'][len(STEP):], 'found': [], 'changed': False, 'seconds': 0.0,
                       'tasks': 0, 'items': 0}
            results.append(current)
        elif current is None:
            continue
        current['found'].extend(task.get('requests') or [])
        current['changed'] = current['changed'] or task['changed']
        current['seconds'] += task['seconds'] or 0.0
        current['tasks'] += 1
        current['items'] += task['items']
    for row in results:
        found = row.pop('found')
        elb = [r for r in found if not is_iam(r['path'])]
        row.update(writes=sum(1 for r in elb if r['method'] in ('POST', 'PUT', 'DELETE', 'PATCH')),
                   gets=sum(1 for r in elb if r['method'] == 'GET'), iam=len(found) - len(elb), total=len(found),
                   requests=['%s %s %s' % (r['method'], r['path'], r['status']) for r in found])
    return results


PEAK_WRAPPER = ('import resource, subprocess, sys, time\n'
                'start = time.perf_counter()\n'
                'code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n'
                'wall = time.perf_counter() - start\n'
                'usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n'
                'print(code, wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n')


class Measured:
    """One command run in a wrapper process of its own (so each run has its own peak, not the largest of the
    whole benchmark): return code, wall seconds, CPU seconds (user + system) of its whole process tree, and the
    peak RSS in MB of the largest process in it."""

    def __init__(self, args, env, cwd=None):
        done = subprocess.run([PYTHON, '-c', PEAK_WRAPPER] + list(args), env=env, cwd=cwd, check=True,
                              stdout=subprocess.PIPE, text=True)
        code, wall, peak_kb, cpu = done.stdout.split()
        self.returncode = int(code)
        self.wall = float(wall)
        self.peak_mb = int(peak_kb) / 1024.0
        self.cpu = float(cpu)


def playbook_command(path):
    return [os.path.join(BINDIR, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', path]


def keep_payloads(text, env, name='kept'):
    """Run a playbook keeping the AnsiballZ files ansible-playbook sends; returns, in the order they ran, one
    (payload path, interpreter) pair per module execution. Running them again directly repeats the same work
    with none of ansible-playbook's own per-task cost."""
    remote = os.path.join(WORK, 'remote-tmp', name)
    subprocess.run(['rm', '-rf', remote], check=True)
    os.makedirs(remote)
    run_playbook(text, dict(env, ANSIBLE_KEEP_REMOTE_FILES='1', ANSIBLE_REMOTE_TMP=remote))
    found = []
    for folder in os.listdir(remote):
        for name in os.listdir(os.path.join(remote, folder)):
            if name.startswith('AnsiballZ_') and name.endswith('.py'):
                found.append(os.path.join(remote, folder, name))
    found.sort(key=os.path.getmtime)
    pairs = []
    for path in found:
        with open(path, encoding='utf-8') as handle:
            interpreter = handle.readline()[2:].strip()
        pairs.append((path, interpreter))
    return pairs


def run_payload(path, interpreter, env):
    """Run one kept payload directly: (wall seconds, CPU seconds of its process, its JSON result)."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run([interpreter, path], env=env, capture_output=True, text=True, cwd=WORK, check=False)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    try:
        result = json.loads(done.stdout)
    except ValueError:
        raise SystemExit('%s gave no JSON (rc %d): %s %s' % (path, done.returncode, done.stdout[-500:],
                                                             done.stderr[-2000:]))
    return wall, cpu, result


PROFILE_WRAPPER = r'''
import cProfile, json, pstats, runpy, sys
path, names = sys.argv[1], json.loads(sys.argv[2])
sys.argv = [path]
profile = cProfile.Profile()
profile.enable()
try:
    runpy.run_path(path, run_name='__main__')
except SystemExit:
    pass
profile.disable()
found = dict((name, 0.0) for name in names)
for (filename, _line, function), row in pstats.Stats(profile).stats.items():
    if function in found:
        found[function] = max(found[function], row[3])
total = sum(row[2] for row in pstats.Stats(profile).stats.values())
sys.stderr.write('BENCH-PROFILE ' + json.dumps({'cumulative': found, 'total': total}) + '\n')
'''


def profile_payload(path, interpreter, env, functions):
    """Run a kept payload once under cProfile: cumulative seconds in each named function, and the total."""
    done = subprocess.run([interpreter, '-c', PROFILE_WRAPPER, path, json.dumps(list(functions))], env=env,
                          capture_output=True, text=True, cwd=WORK, check=False)
    for line in done.stderr.splitlines():
        if line.startswith('BENCH-PROFILE '):
            return json.loads(line[len('BENCH-PROFILE '):])
    raise SystemExit('profiling %s failed: %s' % (path, done.stderr[-2000:]))
