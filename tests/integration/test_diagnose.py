# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""diagnose: true on failed waits (issue 30), (in-process, a few runs through ansible-playbook: conftest.run_task) on real loopback backends: member_health_info
(and _facts), member_traffic state: serving, and the rolling_update role's restore (rolling_update_diagnose) end
their failure with the member check's cause and fix; off by default; refused on shared (v2) load balancers."""

from __future__ import annotations

import pytest

from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import

from .conftest import connection_env, run_playbook
from .test_member_check import SOURCE, http_listener, member_at
from .test_member_health import V3, manual, probe
from .test_rolling_update import CHECKED_UPDATE, EXAMPLE, HOSTS, RESTART, hosts_in_pool, inventory

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process


@pytest.fixture(name='web')
def web_fixture(elb):
    manual(elb)
    pool = elb.pool('demo-http-pool')
    return dict(pool=pool, listener=http_listener(elb, pool))


def health_checks_posted(elb):
    return [path for method, path, _status in elb.calls(['POST']) if path.endswith('/health-check')]


def test_a_failed_wait_names_the_security_group_and_the_fix(elb, run_task, backends, web):
    backend = backends.http(200)
    member = member_at(elb, web, backend.port)
    elb.admin('POST', 'config', {'blocked_health_checks': [{'address': '127.0.0.1', 'port': backend.port}]})
    probe(elb, 2)
    task = dict(pool='demo-http-pool', wait_for='healthy', wait_timeout=0)
    elb.reset_stats()
    plain = run_task('member_health_info', task, expect_failure=True, end_to_end=True)
    assert 'CONNECT_TIMEOUT' in plain['msg'] and 'Diagnosis' not in plain['msg'] and 'diagnosis' not in plain
    assert health_checks_posted(elb) == []  # off by default: no check job
    line = ('127.0.0.1:%d (security group): The security group of backend 127.0.0.1 does not allow TCP %d from %s. '
            'Fix: add an inbound rule allowing TCP %d from %s to the security group of 127.0.0.1.' % (
                backend.port, backend.port, SOURCE, backend.port, SOURCE))
    for module in ('member_health_info', 'member_health_facts'):
        failed = run_task(module, dict(task, diagnose=True), expect_failure=True)
        assert failed['msg'].startswith('Timed out after 0 s')
        assert failed['msg'].endswith(' Diagnosis (member check): ' + line)
        assert failed['diagnosis']['summary'] == [line]
        assert [check['id'] for check in failed['diagnosis']['checks']] == [member['id']]
        assert failed['members'][0]['reason']['code'] == 'CONNECT_TIMEOUT'


def test_a_failed_restore_names_the_path_and_the_code(elb, run_task, backends, web):
    backend = backends.http(404)
    member = member_at(elb, web, backend.port, url_path='/healthz')
    elb.api('PUT', '%s/pools/%s/members/%s' % (V3, web['pool']['id'], member['id']), {'member': {'weight': 0}})
    probe(elb)
    failed = run_task('member_traffic', dict(pool='demo-http-pool', member=member['id'], state='serving', weight=5,
                                             wait_timeout=30, diagnose=True), expect_failure=True)
    assert failed['changed'] and failed['msg'].startswith('The member weight was written, but')
    assert ('Diagnosis (member check): 127.0.0.1:%d (configuration): GET /healthz on 127.0.0.1:%d answered 404, '
            'expected 200: the backend does not serve that path.' % (backend.port, backend.port)) in failed['msg']
    assert failed['diagnosis']['checks'][0]['results']['config']['check_result'] is False


def test_diagnose_is_refused_where_it_cannot_work_before_any_call(elb, run_task):
    elb.reset_stats()
    shared = run_task('member_health_info', dict(api_version='v2', pool='shared-http-pool', wait_for='healthy',
                                                 diagnose=True), expect_failure=True)
    assert 'diagnose applies only to dedicated (v3) load balancers: api_version v2 has no member check job' in shared['msg']
    unwaited = run_task('member_health_info', dict(pool='demo-http-pool', diagnose=True), expect_failure=True)
    assert 'diagnose applies only with wait_for: healthy' in unwaited['msg']
    traffic = run_task('member_traffic', dict(api_version='v2', pool='shared-http-pool', address='127.0.0.1',
                                              state='serving', diagnose=True), expect_failure=True)
    assert 'api_version v2 has no member check job' in traffic['msg']
    drained = run_task('member_traffic', dict(pool='demo-http-pool', address='127.0.0.1', state='drained',
                                              diagnose=True), expect_failure=True)
    assert 'diagnose applies only with state: serving and wait: true' in drained['msg']
    assert elb.calls() == []


def test_a_failed_rolling_update_restore_carries_the_diagnosis(elb, run_task, tmp_path):
    with hosts_in_pool(elb, tmp_path, HOSTS) as web:
        http_listener(elb, web['pool'])
        run_task('member_health_info', {'pool': 'demo-http-pool', 'wait_for': 'healthy', 'wait_timeout': 30})
        tasks = tmp_path / 'update.yml'
        tasks.write_text(CHECKED_UPDATE, encoding='utf-8')
        extra = dict(rolling_update_loadbalancer='demo-lb', rolling_update_tasks=str(tasks),
                     rolling_update_wait_timeout=60, rolling_update_diagnose=True, app_restart_command=RESTART)
        run = run_playbook(EXAMPLE, env=connection_env(elb), inventory=inventory(web, {'host2': 'broken'}),
                           extra_vars=extra, expect_rc=2)
        failed = [r for r in run.records if r['status'] == 'failed']
        assert [r['host'] for r in failed] == ['host2'], run.output
        message = failed[0]['result']['results'][0]['msg']
        port = web['hosts']['host2']['app'].port
        assert '127.0.0.1:%d in pool demo-http-pool: RESPONSE_MISMATCH' % port in message
        assert message.endswith("Diagnosis (member check): 127.0.0.1:%d (configuration): GET / on 127.0.0.1:%d "
                                "answered 500, which is not among the expected codes 200. Fix: add 500 to the "
                                "monitor's expected_codes if that answer means healthy, or make the backend answer "
                                "200." % (port, port)), message
        assert 'host3' not in set(r['host'] for r in run.records)


def test_the_role_refuses_diagnose_on_a_shared_balancer_before_any_write(elb, tmp_path):
    with hosts_in_pool(elb, tmp_path, HOSTS[:1]) as web:
        elb.reset_stats()
        play = [{'name': 'drain', 'hosts': 'host1', 'gather_facts': False, 'tasks': [{
            'name': 'drain', 'ansible.builtin.include_role': {'name': 'hwcloud.elb.rolling_update', 'tasks_from': 'drain'}}]}]
        extra = dict(rolling_update_loadbalancer='shared-lb', rolling_update_api_version='v2',
                     rolling_update_diagnose=True)
        run = run_playbook(play, env=connection_env(elb), inventory=inventory(web), extra_vars=extra, expect_rc=2)
        assert 'rolling_update_diagnose needs v3' in run.output
        assert elb.writes() == []
