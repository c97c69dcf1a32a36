# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The defects of the input and failure edge, each reproduced through ansible-playbook (YAML as users write it)
against the emulator: every one fails before any write with a message naming the option, or reports exactly
what was written. test_input_edge.py sweeps the same classes over every option in-process."""

from __future__ import annotations

import json
import os

import certifi
import pytest

from .conftest import connection_env, module_argument_spec, run_module, run_playbook, task_play
from .test_reliability import faults, tls_emulator  # noqa: F401  # pylint: disable=unused-import  # a fixture

V3, V2, V1 = 'hwcloud.elb.healthmonitor_v3', 'hwcloud.elb.healthmonitor_v2', 'hwcloud.elb.healthcheck_v1'
HTTP3 = dict(pool='demo-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3)
HTTP2 = dict(pool='shared-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3)
HTTP1 = dict(listener='classic-http-listener', healthcheck_protocol='HTTP')


def tasks_play(*tasks):
    """One play of several tasks, each allowed to fail, so one ansible-playbook run tries them all."""
    return [{'name': 'edge', 'hosts': 'localhost', 'gather_facts': False,
             'tasks': [dict(task, ignore_errors=True, name='task %d' % index) for index, task in enumerate(tasks)]}]


def role_play(role, targets):
    return [{'name': 'role', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'apply', 'ansible.builtin.include_role': {'name': 'hwcloud.elb.' + role},
         'vars': {role + '_targets': targets}}]}]


def assert_each_failed_naming(outcome, options):
    assert 'Traceback' not in outcome.output and 'MODULE FAILURE' not in outcome.output, outcome.output
    assert len(outcome.records) == len(options), outcome.output
    for record, option in zip(outcome.records, options):
        assert record['status'] == 'failed', record
        assert option in record['result']['msg'], (option, record['result']['msg'])


def test_yaml_booleans_are_not_numbers(elb):
    """Defect 1: ``delay: yes`` reached the service as 1 (bool is an int in Python)."""
    outcome = run_playbook(tasks_play(
        {V3: dict(HTTP3, delay=True)}, {V3: dict(HTTP3, max_retries=True)}, {V3: dict(HTTP3, monitor_port=True)},
        {V2: dict(HTTP2, max_retries_down=True)}, {V1: dict(HTTP1, healthcheck_interval=True)},
        {V3: dict(HTTP3, wait_timeout=False)}, {V3: dict(HTTP3, api_timeout=True)}),
        env=connection_env(elb), expect_rc=0)
    assert_each_failed_naming(outcome, ['delay', 'max_retries', 'monitor_port', 'max_retries_down',
                                        'healthcheck_interval', 'wait_timeout', 'api_timeout'])
    assert elb.writes() == []


def test_trailing_newlines_and_control_characters_are_refused(elb):
    """Defect 2: ``$`` let "/x\\n" through; every option refuses control characters, names included."""
    outcome = run_playbook(tasks_play(
        {V3: dict(HTTP3, url_path='/x\n')}, {V3: dict(HTTP3, domain_name='example.com\n')},
        {V1: dict(HTTP1, healthcheck_uri='/x\n')}, {V3: dict(HTTP3, name='web\x1b[31m')},
        {V3: dict(HTTP3, pool='demo-http-pool\r')}, {V3: dict(HTTP3, expected_codes='200,\n202')}),
        env=connection_env(elb), expect_rc=0)
    assert_each_failed_naming(outcome, ['url_path', 'domain_name', 'healthcheck_uri', 'name', 'pool',
                                        'expected_codes'])
    role = run_playbook(role_play('http_monitor', [{'pool': 'demo-http-pool', 'path': '/x\n'}]),
                        env=connection_env(elb), expect_rc=2)
    assert "path is '/x\\n'" in role.output and 'control character' in role.output, role.output
    assert elb.writes() == []


MALFORMED_ENDPOINTS = [
    ('HW_ELB_ENDPOINT', '127.0.0.1:1234'), ('HW_ELB_ENDPOINT', 'elb.example.internal'),
    ('HW_ELB_ENDPOINT', 'ftp://elb.example.internal'), ('HW_ELB_ENDPOINT', 'http://[::1'),
    ('HW_AUTH_URL', 'iam.example.internal/v3'), ('HW_AUTH_URL', 'http://[::1/v3'),
]


@pytest.mark.parametrize('variable, value', MALFORMED_ENDPOINTS)
def test_malformed_endpoints_fail_naming_the_option(elb, monkeypatch, variable, value):
    """Defect 3: a malformed endpoint ended in "No connection adapters" or a traceback. The first case through
    ansible-playbook, the others in-process with the same environment (issue 28: a playbook run costs 1.5-2.5 s)."""
    env = dict(connection_env(elb, 'password'), **{variable: value})
    if (variable, value) == MALFORMED_ENDPOINTS[0]:
        outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_info', {}, ignore_errors=True), env=env, expect_rc=0)
        result, output = outcome.result(), outcome.output
    else:
        for name in [n for n in os.environ if n.startswith('HW_')]:
            monkeypatch.delenv(name)
        for name, setting in env.items():
            monkeypatch.setenv(name, setting)
        result = run_module(module_argument_spec('healthmonitor_info')[0], {})
        output = json.dumps(result)
    message = result['msg']
    option = {'HW_ELB_ENDPOINT': 'elb_endpoint', 'HW_AUTH_URL': 'auth_url'}[variable]
    assert '%s (%s)' % (option, variable) in message and 'http' in message, message
    assert 'Traceback' not in output and 'MODULE FAILURE' not in output
    assert elb.calls() == []


def test_a_grpc_monitor_takes_a_partial_update_and_a_type_change_checks_what_it_keeps(elb, run_task):
    """Defect 4: the code range must come from the type the service holds when the task gives none."""
    grpc = dict(pool='demo-http-pool', type='GRPC', delay=5, timeout=3, max_retries=3, expected_codes='0')
    run_task('healthmonitor_v3', grpc)
    updated = run_task('healthmonitor_v3', dict(pool='demo-http-pool', expected_codes='0-5'))
    assert updated['changed'] and elb.v3_monitor_of('demo-http-pool')['expected_codes'] == '0-5'

    elb.reset_stats()
    refused = run_task('healthmonitor_v3', dict(pool='demo-http-pool', type='HTTP'), expect_failure=True)
    assert 'expected_codes' in refused['msg'] and "'0-5'" in refused['msg'] and elb.writes() == []
    switched = run_task('healthmonitor_v3', dict(pool='demo-http-pool', type='HTTP', expected_codes='200'))
    assert switched['changed'] and elb.v3_monitor_of('demo-http-pool')['type'] == 'HTTP'


def test_a_role_checks_every_target_against_the_service_before_the_first_write(elb):
    """Defect 5: the first target was written, then the second (a UDP pool for a TCP check) failed."""
    play = role_play('tcp_monitor', [{'pool': 'demo-tcp-pool'}, {'pool': 'demo-udp-pool'}])
    outcome = run_playbook(play, env=connection_env(elb), expect_rc=2)
    failed = [record for record in outcome.records if record['status'] == 'failed']
    assert failed and 'demo-udp-pool' in outcome.output and 'UDP' in outcome.output, outcome.output
    assert elb.writes() == [] and elb.v3_monitor_of('demo-tcp-pool') is None


def test_a_create_that_keeps_getting_5xx_backs_off_between_tries(elb, run_task):
    """Defect 6: six POSTs went out in half a second. Each try waits first (the time is not asserted: the count
    of tries is bounded by api_retries, and the pauses are unit-tested in test_engine)."""
    faults(elb, {'method': 'POST', 'path': '/elb/healthmonitors$', 'status': 503})
    result = run_task('healthmonitor_v3', dict(HTTP3, api_retries=2), expect_failure=True)
    assert 'HTTP 503' in result['msg'] and len(elb.calls(['POST'])) == 3


def test_a_failure_after_the_write_says_changed_and_what_was_written(elb, run_task):
    """Defect 7: the service went away while the module waited for ACTIVE; the result said changed: false."""
    faults(elb, {'method': 'GET', 'path': '/elb/loadbalancers/', 'drop': True})
    result = run_task('healthmonitor_v3', dict(HTTP3, api_retries=1), expect_failure=True)
    assert result['changed'] is True
    assert 'was written' in result['msg'] and 'waiting' in result['msg']
    written = elb.v3_monitor_of('demo-http-pool')
    assert result['healthmonitor']['id'] == written['id'] and written['delay'] == 5


def test_check_mode_predicts_a_create_in_the_shape_of_a_real_one(elb, run_task):
    """Defect 9: a check-mode create returned other keys than a real create; now the same keys, id null."""
    predicted = run_task('healthmonitor_v3', HTTP3, check=True)['healthmonitor']
    created = run_task('healthmonitor_v3', HTTP3)['healthmonitor']
    assert sorted(predicted) == sorted(created) and predicted['id'] is None and created['id']
    for module, args in (('healthmonitor_v2', HTTP2), ('healthcheck_v1', HTTP1)):
        key = 'healthcheck' if module == 'healthcheck_v1' else 'healthmonitor'
        predicted = run_task(module, args, check=True)[key]
        created = run_task(module, args)[key]
        assert sorted(predicted) == sorted(created) and predicted['id'] is None, (module, predicted, created)


BOUNDS = [
    ('wait_timeout', -5, 'from 0 to 3600'), ('api_retries', 1000, 'from 0 to 20'),
    ('api_timeout', 0, 'more than 0'), ('ca_path', '/nonexistent/ca.pem', 'PEM'),
]


@pytest.mark.parametrize('option, value, says', BOUNDS)
def test_bounds_of_the_connection_and_wait_options(elb, refusal, option, value, says):
    result = refusal('healthmonitor_v3', dict(HTTP3, **{option: value}), end_to_end=option == BOUNDS[0][0])
    assert option in result['msg'] and says in result['msg'] and elb.writes() == []


def test_tls_to_a_plain_http_port_says_so(elb, run_task):
    """Defect 9: the TLS hint talked of private CAs when the endpoint simply spoke plain HTTP."""
    env = dict(connection_env(elb), HW_ELB_ENDPOINT=elb.url.replace('http://', 'https://'))
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_info', {}, ignore_errors=True), env=env, expect_rc=0)
    assert 'plain HTTP' in outcome.result()['msg'], outcome.result()['msg']


def test_ca_path_trusts_a_private_ca(tls_emulator):
    emulator, ca = tls_emulator
    trusted = run_playbook(task_play('hwcloud.elb.healthmonitor_info', {'ca_path': ca}), env=connection_env(emulator),
                           expect_rc=0)
    assert trusted.result()['healthmonitors'] == []
    by_env = run_playbook(task_play('hwcloud.elb.healthmonitor_info', {}),
                          env=dict(connection_env(emulator, 'password'), HW_CA_BUNDLE=ca), expect_rc=0)
    assert by_env.result()['healthmonitors'] == []  # IAM (the password login) and ELB both trust it


def test_ca_path_does_not_trust_a_ca_it_was_not_given(tls_emulator):
    emulator, _ca = tls_emulator
    # the public CAs: real certificates, none of which signed the emulator's
    outcome = run_playbook(task_play('hwcloud.elb.healthmonitor_info', {'ca_path': certifi.where()}, ignore_errors=True),
                           env=connection_env(emulator), expect_rc=0)
    assert 'certificate verify failed' in outcome.result()['msg'].lower()


def test_shared_url_path_follows_its_own_seed(elb, run_task):
    """Defect 8: v2 took v3's character set; seed 003 asks only for a leading '/' (at most 80 characters), and
    a refusal states the rule actually broken."""
    created = run_task('healthmonitor_v2', dict(HTTP2, url_path='/health?check=1'))
    assert created['changed'] and created['healthmonitor']['url_path'] == '/health?check=1'
    elb.reset_stats()
    refused = run_task('healthmonitor_v2', dict(HTTP2, url_path='health'), expect_failure=True)
    assert "url_path is 'health'; it must be a path starting with '/'" in refused['msg'] and elb.writes() == []
    too_long = run_task('healthmonitor_v2', dict(HTTP2, url_path='/' + 'x' * 80), expect_failure=True)
    assert 'at most 80 characters' in too_long['msg'] and elb.writes() == []
