# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults, lost answers, busy balancers, credentials, secrets and TLS, through the emulator's admin API.

docs/reliability.md lists each fault tried here, what the modules do, and the bounds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from .conftest import Emulator, connection_env, run_playbook, task_play

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process

POOL = 'demo-tcp-pool'
TCP = dict(pool=POOL, type='TCP', delay=5, timeout=3, max_retries=3)
FAST = dict(api_retries=3)  # keeps backoff pauses short in tests


def faults(elb, *rules):
    elb.admin('POST', 'faults', {'rules': list(rules)})


def statuses(elb, method=None, path_part=''):
    return [c[2] for c in elb.calls([method] if method else None) if path_part in c[1]]


def monitors_of_pool(elb):
    return [m for m in elb.api('GET', '/v3/{project_id}/elb/healthmonitors')['healthmonitors']
            if m['pools'] == [{'id': elb.pool(POOL)['id']}]]


# -- transient faults: each task still succeeds ---------------------------------------------------

@pytest.mark.parametrize('rules, seen', [
    ([{'method': 'GET', 'path': '/elb/pools', 'status': 503, 'times': 2},
      {'method': 'GET', 'path': '/elb/pools', 'status': 502, 'times': 1}], [503, 503, 502, 200]),
    ([{'method': 'GET', 'path': '/elb/pools', 'status': 504, 'times': 1}], [504, 200]),
    ([{'method': 'GET', 'path': '/elb/pools', 'status': 429, 'times': 2, 'retry_after': 1}], [429, 429, 200]),
    ([{'method': 'GET', 'path': '/elb/pools', 'status': 429, 'times': 3}], [429, 429, 429, 200]),
    ([{'method': 'GET', 'path': '/elb/pools', 'drop': True, 'times': 1}], [0, 200]),
    ([{'method': 'POST', 'path': '/elb/healthmonitors', 'status': 429, 'times': 2}], None),
])
def test_transient_faults_are_retried(elb, run_task, rules, seen):
    faults(elb, *rules)
    result = run_task('healthmonitor_v3', dict(TCP, **FAST))
    if seen:
        assert statuses(elb, 'GET', '/elb/pools') == seen
    else:
        assert statuses(elb, 'POST') == [429, 429, 201]
    assert result['changed'] and len(monitors_of_pool(elb)) == 1


def test_throttling_by_rate_limit(elb, run_task):
    """Throttled (429 seen) and still done: kills dropping 429 from the client's RETRY_STATUSES."""
    elb.admin('POST', 'config', {'rate_limit_per_s': 2})
    assert run_task('healthmonitor_v3', dict(TCP, **FAST))['changed']
    assert 429 in statuses(elb), statuses(elb)  # the limit really bit
    elb.admin('POST', 'config', {'rate_limit_per_s': 0})
    assert len(monitors_of_pool(elb)) == 1


def test_slow_answers_near_api_timeout(elb, run_task):
    faults(elb, {'method': 'GET', 'path': '/elb/pools', 'delay_s': 1.5, 'times': 1})
    assert run_task('healthmonitor_v3', dict(TCP, api_timeout=3, **FAST))['changed']
    assert statuses(elb, 'GET', '/elb/pools') == [200]          # slow but in time: no retry
    elb.reset_stats()
    faults(elb, {'method': 'GET', 'path': '/elb/pools', 'delay_s': 3, 'times': 1})
    assert not run_task('healthmonitor_v3', dict(TCP, api_timeout=1, **FAST))['changed']
    # Too slow: timed out and asked again. The emulator logs the slow request once its sleep ends.
    for _wait in range(50):
        if len(statuses(elb, 'GET', '/elb/pools')) == 2:
            break
        time.sleep(0.1)
    assert len(statuses(elb, 'GET', '/elb/pools')) == 2


# -- lost answers: nothing twice, everything converges --------------------------------------------

@pytest.mark.parametrize('rule', [{'drop': True}, {'status': 503}, {'status': 502}])
def test_a_lost_create_answer_leaves_exactly_one_monitor(elb, run_task, rule):
    faults(elb, dict(rule, method='POST', path='/elb/healthmonitors$', after_apply=True, times=1))
    result = run_task('healthmonitor_v3', dict(TCP, **FAST))
    assert result['changed'] and result['healthmonitor']['delay'] == 5
    assert len(monitors_of_pool(elb)) == 1
    assert len(elb.calls(['POST'])) == 1  # looked, found it, did not create again


def test_a_create_dropped_before_it_applied_is_made_once(elb, run_task):
    faults(elb, {'method': 'POST', 'path': '/elb/healthmonitors$', 'drop': True, 'times': 1})
    assert run_task('healthmonitor_v3', dict(TCP, **FAST))['changed']
    assert len(monitors_of_pool(elb)) == 1 and statuses(elb, 'POST') == [0, 201]


@pytest.mark.parametrize('method', ['PUT', 'DELETE'])
def test_lost_update_and_delete_answers_converge(elb, run_task, method):
    run_task('healthmonitor_v3', TCP)
    faults(elb, {'method': method, 'path': '/elb/healthmonitors/', 'drop': True, 'after_apply': True, 'times': 1})
    args = dict(TCP, delay=9, **FAST) if method == 'PUT' else dict(pool=POOL, state='absent', **FAST)
    assert run_task('healthmonitor_v3', args)['changed']
    expected = [9] if method == 'PUT' else []
    assert [m['delay'] for m in monitors_of_pool(elb)] == expected
    elb.reset_stats()
    assert not run_task('healthmonitor_v3', args)['changed'] and elb.writes() == []


# -- busy balancers ------------------------------------------------------------------------------

def test_eight_forks_write_monitors_of_eight_pools_on_one_balancer(elb):
    pools = elb.admin('POST', 'bulk', {'family': 'v3', 'count': 8, 'protocol': 'TCP', 'monitor': None,
                                       'name_prefix': 'fork-'})['ids']
    elb.admin('POST', 'config', {'pending_seconds': 0.3})
    inventory = '[workers]\n' + '\n'.join('w%d pool=fork-%d' % (i, i) for i in range(8)) + \
        '\n[workers:vars]\nansible_connection=local\n'
    play = [{'name': 'eight at once', 'hosts': 'workers', 'gather_facts': False, 'tasks': [
        {'name': 'monitor', 'hwcloud.elb.healthmonitor_v3': dict(TCP, pool='{{ pool }}'),
         'environment': connection_env(elb)}]}]
    outcome = run_playbook(play, env={'ANSIBLE_FORKS': '8'}, inventory=inventory, expect_rc=0)
    assert outcome.changed_count() == 8
    assert 409 in statuses(elb, 'POST')  # they did get in each other's way
    for pool_id in pools:
        assert elb.api('GET', '/v3/{project_id}/elb/pools/' + pool_id)['pool']['healthmonitor_id']


# -- persistent failure: a clear message, no hang ------------------------------------------------

def test_a_service_that_keeps_failing_ends_the_task_with_status_code_and_request_id(elb, run_task):
    faults(elb, {'method': 'GET', 'path': '/elb/pools', 'status': 503, 'error_code': 'APIGW.0203',
                 'error_msg': 'Backend unavailable'})
    result = run_task('healthmonitor_v3', dict(TCP, api_retries=2), expect_failure=True)
    assert 'HTTP 503 APIGW.0203: Backend unavailable (request id ' in result['msg']
    # The emulator's request ids are hyphenated UUIDs, as in the v3 seed examples.
    assert (result['status'], result['error_code']) == (503, 'APIGW.0203') and len(result['request_id']) == 36
    assert statuses(elb, 'GET', '/elb/pools') == [503, 503, 503]  # 1 + api_retries


def test_a_create_that_keeps_failing_is_bounded_and_creates_nothing(elb, run_task):
    faults(elb, {'method': 'POST', 'path': '/elb/healthmonitors$', 'status': 503})
    result = run_task('healthmonitor_v3', dict(TCP, api_retries=2), expect_failure=True)
    assert 'HTTP 503' in result['msg'] and monitors_of_pool(elb) == []
    assert len(elb.calls(['POST'])) == 3  # each try only after looking that nothing was created


# -- credentials: one line that says which ------------------------------------------------------

def test_wrong_keys(elb, run_task):
    env = connection_env(elb)
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_v3', TCP, ignore_errors=True),
                           env=dict(env, HW_SECRET_KEY='SK-wrong-wrong-wrong'), expect_rc=0)
    message = outcome.result()['msg']
    assert 'HTTP 401' in message and 'the credentials were refused' in message and '\n' not in message


def test_wrong_password(elb):
    env = dict(connection_env(elb, 'password'), HW_USER_PASSWORD='not-the-password')
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_v3', TCP, ignore_errors=True), env=env, expect_rc=0)
    assert 'auth/tokens HTTP 401: The username or password is wrong.' in outcome.result()['msg']


def test_expired_token(elb):
    elb.admin('POST', 'config', {'token_ttl_s': 0.5})
    token = elb.token()
    time.sleep(1)
    env = dict(connection_env(elb, 'aksk'), HW_AUTH_TOKEN=token)
    del env['HW_ACCESS_KEY'], env['HW_SECRET_KEY']
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_v3', TCP, ignore_errors=True), env=env, expect_rc=0)
    assert 'the token has expired' in outcome.result()['msg']


def test_a_project_the_user_may_not_use(elb):
    env = dict(connection_env(elb), HW_PROJECT_ID='fedcba9876543210fedcba9876543210')
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_v3', TCP, ignore_errors=True), env=env, expect_rc=0)
    message = outcome.result()['msg']
    assert 'HTTP 403' in message and 'may not use this project' in message


# -- secrets -------------------------------------------------------------------------------------

@pytest.mark.parametrize('auth', ['aksk', 'password', 'token'])
def test_secrets_appear_nowhere(elb, auth):
    """Not in results, warnings or errors, not at -vvvv, not in what reaches the service's request log."""
    env = connection_env(elb, auth)
    secret_names = ('HW_SECRET_KEY', 'HW_USER_PASSWORD', 'HW_AUTH_TOKEN')
    secrets = [env[name] for name in secret_names if name in env]
    if auth == 'aksk':
        env['HW_SECURITY_TOKEN'] = 'security-token-value-0001'
        secrets.append(env['HW_SECURITY_TOKEN'])
    plays = task_play('hwcloud.elb.healthmonitor_v3', dict(TCP, delay=3), ignore_errors=True)  # warns
    plays[0]['tasks'].append({'name': 'fail', 'hwcloud.elb.healthmonitor_v3': dict(TCP, pool='nope'),
                              'ignore_errors': True})
    # Arguments echoed (ansible-core 2.21 does so only when asked): no_log is then all that hides a secret.
    outcome = run_playbook(plays, env=dict(env, ANSIBLE_INJECT_INVOCATION='1'), verbosity=4, expect_rc=0)
    assert '"module_args"' in outcome.output
    texts = [outcome.output, json.dumps(outcome.records), json.dumps(elb.stats())]
    for secret in secrets:
        assert all(secret not in text for text in texts)
    assert outcome.records[0]['result'].get('warnings') and outcome.records[1]['status'] == 'failed'


# -- TLS -----------------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def tls_emulator(tmp_path_factory):
    if not shutil.which('openssl'):
        pytest.skip('the openssl command is needed to make a test certificate authority')
    work = tmp_path_factory.mktemp('tls')
    ca_key, ca, key, csr, cert = (str(work / n) for n in ('ca.key', 'ca.pem', 'server.key', 'server.csr', 'server.pem'))
    ext = work / 'san.ext'
    ext.write_text('subjectAltName=IP:127.0.0.1,DNS:localhost\n')

    def run(*args):
        subprocess.run(['openssl'] + list(args), check=True, capture_output=True)

    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', ca_key, '-out', ca, '-days', '2', '-subj', '/CN=test CA',
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1')
    run('x509', '-req', '-in', csr, '-CA', ca, '-CAkey', ca_key, '-CAcreateserial', '-out', cert, '-days', '2',
        '-extfile', str(ext))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    process = subprocess.Popen([sys.executable, os.path.join(root, 'tests', 'emulator'), '--host', '127.0.0.1',
                                '--port', '0', '--tls-cert', cert, '--tls-key', key], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    assert line.startswith('ready https://'), line
    emulator = Emulator(process, line.split(' ', 1)[1])
    emulator.http.verify = ca
    yield emulator, ca
    process.terminate()
    process.wait(timeout=10)


def test_tls_is_verified_by_default(tls_emulator):
    emulator, _ca = tls_emulator
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_info', {}, ignore_errors=True),
                           env=connection_env(emulator), expect_rc=0)
    message = outcome.result()['msg']
    assert 'CERTIFICATE_VERIFY_FAILED' in message or 'certificate verify failed' in message
    assert 'REQUESTS_CA_BUNDLE' in message and 'validate_certs' in message


@pytest.mark.parametrize('how', ['validate_certs false', 'HW_INSECURE', 'REQUESTS_CA_BUNDLE'])
def test_tls_can_be_trusted_or_skipped(tls_emulator, how):
    emulator, ca = tls_emulator
    env, args = connection_env(emulator), {}
    if how == 'validate_certs false':
        args['validate_certs'] = False
    elif how == 'HW_INSECURE':
        env['HW_INSECURE'] = 'true'
    else:
        env['REQUESTS_CA_BUNDLE'] = ca
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_info', args), env=env, expect_rc=0)
    assert outcome.result()['healthmonitors'] == []
