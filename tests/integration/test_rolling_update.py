# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rolling_update role and docs/examples/rolling_update.yml: a serial play over three inventory hosts whose
"application" is a real loopback HTTP server per host, registered in demo-http-pool and probed by the emulator."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .conftest import ROOT, connection_env, run_playbook
from .test_member_health import V3, pool_member, pool_monitor

EXAMPLE = os.path.join(ROOT, 'docs', 'examples', 'rolling_update.yml')
HOSTS = ('host1', 'host2', 'host3')
# The example's handler runs app_restart_command; these hosts' App restarts on POST /restart.
RESTART = ('%s -c "import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], method=\'POST\'))" '
           'http://127.0.0.1:{{ app_port }}/restart' % sys.executable)

# The update tasks the test runs: the example's own update, then a look at the pool from inside it.
CHECKED_UPDATE = '''---
- name: The example's update
  ansible.builtin.include_tasks: "{{ playbook_dir }}/rolling_update_app.yml"

- name: Read the pool while this host is being updated
  hwcloud.elb.member_health_info:
    loadbalancer: "{{ rolling_update_loadbalancer }}"
  delegate_to: localhost
  register: during_update

- name: This host takes no new traffic, the others serve
  ansible.builtin.assert:
    that:
      - mine | map(attribute='weight') | list == [0]
      - others | length == 2
      - others | map(attribute='weight') | select('gt', 0) | list | length == 2
      - others | map(attribute='health') | unique | list == ['healthy']
  vars:
    mine: "{{ during_update.members | selectattr('protocol_port', 'equalto', app_port | int) }}"
    others: "{{ during_update.members | rejectattr('protocol_port', 'equalto', app_port | int) }}"
'''

# The same look from inside the update, on a pool of two hosts: the other one serves.
PAIR_UPDATE = CHECKED_UPDATE.replace('others | length == 2', 'others | length == 1').replace(
    "select('gt', 0) | list | length == 2", "select('gt', 0) | list | length == 1")
assert PAIR_UPDATE.count('== 1') == 2


class App:
    """A host's application: answers 200 (500 when its release is "broken"); POST /restart loads the installed
    release from app_dir/release, as a restarted service would."""

    def __init__(self, app_dir):
        self.app_dir = app_dir
        self.release = 'old'
        self.restarts = 0
        app = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, format, *args):  # pylint: disable=redefined-builtin
                pass

            def do_GET(self):  # pylint: disable=invalid-name
                self._answer(500 if app.release == 'broken' else 200)

            def do_POST(self):  # pylint: disable=invalid-name
                with open(os.path.join(app.app_dir, 'release'), encoding='utf-8') as handle:
                    app.release = handle.read().strip()
                app.restarts += 1
                self._answer(200)

            def _answer(self, status):
                self.send_response(status)
                self.send_header('Content-Length', '0')
                self.send_header('Connection', 'close')
                self.end_headers()

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self._thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def hosts_in_pool(elb, tmp_path, names):
    """Each host an App registered in demo-http-pool with weight 5; background probing, fast."""
    # Probes every 0.2 s with a 0.2 s timeout, two failures to go down: fast, yet not flapping on a busy machine.
    elb.admin('POST', 'config', {'probe_background': True, 'probe_time_scale': 0.2})
    pool = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, pool['id'], max_retries_down=2)
    hosts = {}
    try:
        for name in names:
            app_dir = tmp_path / name
            app_dir.mkdir()
            app = App(str(app_dir))
            member = pool_member(elb, V3, pool['id'], app.port, weight=5, name=name)
            hosts[name] = dict(app=app, dir=app_dir, member=member)
        yield dict(pool=pool, hosts=hosts, tmp=tmp_path)
    finally:
        for host in hosts.values():
            host['app'].stop()


@pytest.fixture(name='web')
def web_fixture(elb, tmp_path):
    """Three hosts in demo-http-pool."""
    with hosts_in_pool(elb, tmp_path, HOSTS) as web:
        yield web


@pytest.fixture(name='pair')
def pair_fixture(elb, tmp_path):
    """Two hosts: the whole of demo-http-pool."""
    with hosts_in_pool(elb, tmp_path, HOSTS[:2]) as web:
        yield web


def inventory(web, releases=None):
    lines = ['[web]']
    for name, host in web['hosts'].items():
        lines.append('%s ansible_host=127.0.0.1 app_port=%d app_dir=%s rolling_update_state_dir=%s app_release=%s' % (
            name, host['app'].port, host['dir'], host['dir'], (releases or {}).get(name, '2.0')))
    return '\n'.join(lines) + '\n'


def run_example(elb, web, releases=None, expect_rc=None, update_tasks=CHECKED_UPDATE, playbook=EXAMPLE):
    tasks = web['tmp'] / 'update.yml'
    tasks.write_text(update_tasks, encoding='utf-8')
    extra = dict(rolling_update_loadbalancer='demo-lb', rolling_update_tasks=str(tasks),
                 rolling_update_wait_timeout=60, app_restart_command=RESTART)
    return run_playbook(playbook, env=connection_env(elb), inventory=inventory(web, releases), extra_vars=extra,
                        expect_rc=expect_rc)


def weight(elb, web, name):
    member = web['hosts'][name]['member']
    return elb.api('GET', '%s/pools/%s/members/%s' % (V3, web['pool']['id'], member['id']))['member']


def stopped(run):
    """The hosts the role stopped at the drain (each with the reason), after judging the whole batch."""
    return [r for r in run.records if r['status'] == 'failed' and r['task'].endswith(
        'Stop when the batch could not be drained as a whole')]


def wait_for_members(elb, status='ONLINE', names=HOSTS):
    """The members ``names`` of demo-http-pool at ``status``, read from the emulator: set-up, so no ansible-playbook
    run (issue 28; member_health_info's own wait has its tests)."""
    path = '%s/pools/%s/members' % (V3, elb.pool('demo-http-pool')['id'])
    deadline = time.monotonic() + 30
    while not all(m['operating_status'] == status for m in elb.api('GET', path)['members'] if m['name'] in names):
        assert time.monotonic() < deadline, elb.api('GET', path)['members']
        time.sleep(0.1)


def test_serial_play_drains_updates_and_restores_each_host(elb, web):
    wait_for_members(elb)
    run = run_example(elb, web, expect_rc=0)
    checks = [r for r in run.records if r['task'].endswith('This host takes no new traffic, the others serve')]
    assert [r['host'] for r in checks] == list(HOSTS) and all(r['status'] == 'ok' for r in checks), run.output
    # The role's loops over "every pool" are labelled so (issue 27 item 6), never "(item=None)".
    assert '(item=None)' not in run.output and '(item=every pool of demo-lb)' in run.output, run.output
    for name, host in web['hosts'].items():
        member = weight(elb, web, name)
        assert member['weight'] == 5 and member['operating_status'] == 'ONLINE', member
        assert host['app'].restarts == 1 and host['app'].release == '2.0'
        assert not [f for f in os.listdir(host['dir']) if f.startswith('hwcloud_elb_rolling_update')]


def test_a_host_that_does_not_come_back_stops_the_play_before_the_next(elb, pair):
    """Two hosts are enough (issue 28): the first never comes back, the second is never touched; that a host
    updated before a failing one keeps its weight is the serial test's."""
    wait_for_members(elb)
    run = run_example(elb, pair, releases={'host1': 'broken'}, update_tasks=PAIR_UPDATE, expect_rc=2)
    failed = [r for r in run.records if r['status'] == 'failed']
    assert [r['host'] for r in failed] == ['host1'], run.output
    message = failed[0]['result']['results'][0]['msg']
    assert '127.0.0.1:%d in pool demo-http-pool: RESPONSE_MISMATCH' % pair['hosts']['host1']['app'].port in message
    # Never healthy, so settle (the role's default) never gave it its weight back: still drained, the play stopped.
    assert weight(elb, pair, 'host1')['weight'] == 0 and 'nothing was written' in message
    second = pair['hosts']['host2']
    assert weight(elb, pair, 'host2')['weight'] == 5 and second['app'].restarts == 0
    assert not (second['dir'] / 'release').exists()
    assert 'host2' not in set(r['host'] for r in run.records)


def test_refuses_to_drain_the_last_healthy_member(elb, web):
    for name in ('host2', 'host3'):
        web['hosts'][name]['app'].release = 'broken'
    wait_for_members(elb, status='OFFLINE', names=('host2', 'host3'))
    elb.reset_stats()
    run = run_example(elb, web, expect_rc=2)
    failed = stopped(run)
    assert [r['host'] for r in failed] == ['host1'], run.output
    assert 'Refusing to drain 127.0.0.1:%d' % web['hosts']['host1']['app'].port in failed[0]['result']['msg']
    assert elb.writes() == [] and weight(elb, web, 'host1')['weight'] == 5
    assert web['hosts']['host1']['app'].restarts == 0


def test_restores_the_saved_weight_after_a_play_that_died_between_drain_and_restore(elb, pair):
    wait_for_members(elb)
    dying = PAIR_UPDATE + '''
- name: The update dies here
  ansible.builtin.fail:
    msg: the host lost power
  when: inventory_hostname == 'host1'
'''
    run_example(elb, pair, update_tasks=dying, expect_rc=2)
    assert weight(elb, pair, 'host1')['weight'] == 0  # left drained
    saved = [f for f in os.listdir(pair['hosts']['host1']['dir']) if f.startswith('hwcloud_elb_rolling_update')]
    assert len(saved) == 1
    # The next run drains again (nothing to write), keeps the saved weight over the 0 it reads, and restores it.
    run_example(elb, pair, update_tasks=PAIR_UPDATE, expect_rc=0)
    for name in HOSTS[:2]:
        assert weight(elb, pair, name)['weight'] == 5
    assert not [f for f in os.listdir(pair['hosts']['host1']['dir']) if f.startswith('hwcloud_elb_rolling_update')]


def test_tasks_from_drain_then_restore_in_separate_plays(elb, web):
    """The entry points alone: a play that only drained (and ended) is put back by a play that only restores."""
    wait_for_members(elb)

    def play(entry):
        return [{'name': entry, 'hosts': 'host1', 'gather_facts': False, 'tasks': [{
            'name': entry, 'ansible.builtin.include_role': {'name': 'hwcloud.elb.rolling_update', 'tasks_from': entry},
            'vars': {'rolling_update_port': '{{ app_port }}'}}]}]

    extra = dict(rolling_update_loadbalancer='demo-lb', rolling_update_wait_timeout=60)
    run_playbook(play('drain'), env=connection_env(elb), inventory=inventory(web), extra_vars=extra, expect_rc=0)
    assert weight(elb, web, 'host1')['weight'] == 0 and weight(elb, web, 'host2')['weight'] == 5
    run_playbook(play('restore'), env=connection_env(elb), inventory=inventory(web), extra_vars=extra, expect_rc=0)
    member = weight(elb, web, 'host1')
    assert member['weight'] == 5 and member['operating_status'] == 'ONLINE'


def test_check_mode_writes_nothing(elb, pair):
    """Two hosts (issue 28): check mode writes nothing whatever the number of hosts."""
    web = pair
    wait_for_members(elb)
    tasks = web['tmp'] / 'update.yml'
    tasks.write_text("---\n- name: The example's update\n  ansible.builtin.include_tasks: "
                     "\"{{ playbook_dir }}/rolling_update_app.yml\"\n", encoding='utf-8')
    elb.reset_stats()
    run_playbook(EXAMPLE, env=connection_env(elb), inventory=inventory(web), check=True, expect_rc=0,
                 extra_vars=dict(rolling_update_loadbalancer='demo-lb', rolling_update_tasks=str(tasks),
                                 app_restart_command=RESTART))
    assert elb.writes() == []
    for name, host in web['hosts'].items():
        assert weight(elb, web, name)['weight'] == 5 and host['app'].restarts == 0
        assert os.listdir(host['dir']) == []


# -- issue 26: min_healthy whatever runs at once, deliberate weights, calls ------------------------------------

QUICK_UPDATE = '''---
- name: The update takes a moment
  ansible.builtin.wait_for:
    timeout: 1
'''

# The other member must serve while this one is out; a drain that met another run's drain puts its own weight
# back at once, so a moment with both out is allowed (the retries), a host left out is not.
WATCHED_UPDATE = '''---
- name: The other member serves while this one is out
  hwcloud.elb.member_health_info:
    loadbalancer: demo-lb
  delegate_to: localhost
  register: during_update
  until: >-
    (during_update.members | selectattr('protocol_port', 'equalto', app_port | int) | map(attribute='weight')
     | list == [0]) and (during_update.members | rejectattr('protocol_port', 'equalto', app_port | int)
     | selectattr('weight', 'gt', 0) | list | length == 1)
  retries: 8
  delay: 1

- name: The update takes a moment
  ansible.builtin.wait_for:
    timeout: 2
'''


def role_play(web, hosts='web', serial=1, update=QUICK_UPDATE, name='update.yml'):
    tasks = web['tmp'] / name
    tasks.write_text(update, encoding='utf-8')
    return [{'name': 'Roll the hosts', 'hosts': hosts, 'serial': serial, 'max_fail_percentage': 0,
             'gather_facts': False, 'tasks': [{
                 'name': 'Drain, update, restore', 'ansible.builtin.include_role': {'name': 'hwcloud.elb.rolling_update'},
                 'vars': {'rolling_update_port': '{{ app_port }}', 'rolling_update_tasks': str(tasks)}}]}]


def run_role(elb, web, expect_rc=None, **play):
    extra = dict(rolling_update_loadbalancer='demo-lb', rolling_update_wait_timeout=60)
    return run_playbook(role_play(web, **play), env=connection_env(elb), inventory=inventory(web), extra_vars=extra,
                        expect_rc=expect_rc)


def test_a_serial_batch_that_would_empty_the_pool_fails_in_every_host_before_any_write(elb, pair):
    """Item 1: serial 2 on a pool of two, balancer writes PENDING 0.3 s: today both members end at weight 0 and
    the play succeeds. Every host of the batch must fail before any write, saying what to change."""
    wait_for_members(elb)
    elb.admin('POST', 'config', {'pending_seconds': 0.3})
    elb.reset_stats()
    run = run_role(elb, pair, serial=2, expect_rc=2)
    elb.admin('POST', 'config', {'pending_seconds': 0})
    assert elb.writes() == [], run.output
    failed = stopped(run)
    assert sorted(r['host'] for r in failed) == ['host1', 'host2'], run.output
    for record in failed:
        message = record['result']['msg']
        assert 'pool demo-http-pool has 2 member(s); draining 2 of them' in message, message
        assert 'Lower serial (this batch drains 2 members at once) or min_healthy' in message, message
    for name in ('host1', 'host2'):
        assert weight(elb, pair, name)['weight'] == 5 and pair['hosts'][name]['app'].restarts == 0


def test_every_host_of_a_batch_judges_every_pool_the_batch_drains(elb, web):
    """Item 1, serial 2 over host1 and host3: demo-http-pool can spare both, but host3 is also the only member of
    demo-tcp-pool. host1 alone would find its own pool fine, drain, and be abandoned when host3 is refused; it
    judges host3's pool too, so both fail before any write."""
    wait_for_members(elb)
    pool_member(elb, V3, elb.pool('demo-tcp-pool')['id'], web['hosts']['host3']['app'].port, weight=5)
    elb.reset_stats()
    run = run_role(elb, web, hosts='host1:host3', serial=2, expect_rc=2)
    assert elb.writes() == [], run.output
    failed = stopped(run)
    assert sorted(r['host'] for r in failed) == ['host1', 'host3'], run.output
    for record in failed:
        assert 'pool demo-tcp-pool has 1 member(s); draining 1 of them' in record['result']['msg'], record


def test_a_host_of_the_batch_that_fails_to_drain_leaves_no_other_drained(elb, web):
    """No refusal leaves another host drained and abandoned: ghost has no member (its drain fails), host1's drain
    goes through; the role puts host1 back before the batch stops."""
    wait_for_members(elb)
    extra = dict(rolling_update_loadbalancer='demo-lb', rolling_update_wait_timeout=60)
    lines = inventory(web) + 'ghost ansible_host=127.0.0.1 app_port=1 app_dir=%s rolling_update_state_dir=%s\n' % (
        web['tmp'], web['tmp'])
    elb.reset_stats()
    run = run_playbook(role_play(web, hosts='host1:ghost', serial=2), env=connection_env(elb), inventory=lines,
                       extra_vars=extra, expect_rc=2)
    failed = dict((r['host'], r['result']['msg']) for r in stopped(run))
    assert sorted(failed) == ['ghost', 'host1'], run.output
    assert 'No member matches' in failed['ghost']
    assert failed['host1'] == 'Another host of this batch could not be drained (ghost); this host was put back.'
    assert [method for method, _path, _status in elb.writes()] == ['PUT', 'PUT']  # drained, then put back
    member = weight(elb, web, 'host1')
    assert member['weight'] == 5 and web['hosts']['host1']['app'].restarts == 0
    assert not [f for f in os.listdir(web['hosts']['host1']['dir']) if f.startswith('hwcloud_elb_rolling_update')]


def test_a_serial_batch_the_pool_can_spare_is_drained_together(elb, web):
    """serial 2 on three members with min_healthy 1: the batch leaves one serving, so it goes ahead."""
    wait_for_members(elb)
    run_role(elb, web, hosts='host1:host2', serial=2, expect_rc=0)  # one batch: host3 serves meanwhile
    for name in HOSTS:
        assert weight(elb, web, name)['weight'] == 5


def test_two_independent_runs_on_one_pool_never_leave_it_empty(elb, pair):
    """Item 1 between runs: two ansible-playbook processes, one per host of a pool of two, started together; the
    first two weight writes are held 5 s, so both drains pass their check before either write lands. Today both
    members stay at 0 through both updates. Now the drain that finds the pool below min_healthy after its write
    puts its weight back and waits for the other host to come back: each update sees the other member serving."""
    wait_for_members(elb)
    elb.admin('POST', 'faults', {'rules': [{'method': 'PUT', 'path': '/members/', 'delay_s': 5, 'times': 2}]})
    outcomes = {}

    def run(host):
        outcomes[host] = run_role(elb, pair, hosts=host, update=WATCHED_UPDATE, name='update-%s.yml' % host)

    threads = [threading.Thread(target=run, args=(host,)) for host in ('host1', 'host2')]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for host, outcome in outcomes.items():
        assert outcome.returncode == 0, outcome.output
        watched = [r for r in outcome.records if r['task'].endswith('The other member serves while this one is out')]
        assert [r['status'] for r in watched] == ['ok'], outcome.output
    assert sorted(outcomes) == ['host1', 'host2']
    assert [status for _m, _p, status in elb.writes()].count(200) >= 4  # the drains and restores, maybe put-backs
    for name in ('host1', 'host2'):
        assert weight(elb, pair, name)['weight'] == 5 and pair['hosts'][name]['app'].restarts == 0


def test_a_member_deliberately_at_weight_0_stays_at_0(elb, web):
    """Item 4: host1's member is also in demo-tcp-pool, drained there by hand. The role drains it from
    demo-http-pool and restores that one; the deliberate 0 is saved as 0 and stays 0."""
    wait_for_members(elb)
    tcp = elb.pool('demo-tcp-pool')
    kept_out = pool_member(elb, V3, tcp['id'], web['hosts']['host1']['app'].port, weight=0)
    run = run_role(elb, web, hosts='host1', expect_rc=0)
    assert weight(elb, web, 'host1')['weight'] == 5
    held = elb.api('GET', '%s/pools/%s/members/%s' % (V3, tcp['id'], kept_out['id']))['member']['weight']
    assert held == 0, run.output
    assert 'has weight 0 and no weight to restore' not in run.output


def test_drain_and_restore_cost_at_most_10_gets_and_2_writes_per_pool(elb, web):
    """docs/performance.md: the role's calls for one host in one pool (today 21 GETs), one list call per poll.
    With settle (the role's default) the restore's last wait is replaced by one monitors list and the polls through
    the monitor's up threshold (delay 1 x max_retries 1 = 1 s; pauses of 0.5 to 1 s: at most 2 polls)."""
    wait_for_members(elb)
    elb.reset_stats()
    run_role(elb, web, hosts='host1', expect_rc=0)
    calls = elb.calls()
    gets = [path for method, path, _status in calls if method == 'GET']
    assert len([path for path in gets if path.endswith('/healthmonitors')]) == 1, gets
    assert len(gets) <= 10 + 2, gets
    assert [method for method, _path, _status in calls if method != 'GET'] == ['PUT', 'PUT']
    assert not [path for path in gets if '/members/' in path]  # never one GET per member
