# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every secret option stays hidden at -vvvv with the module's arguments echoed back (issue 22, hole 4).

ansible-core 2.21 echoes a module's arguments (``invocation``) only with ANSIBLE_INJECT_INVOCATION on; older
cores (the floor, 2.16, see ``make floor``) always do at -vvv and more. With the arguments echoed, ``no_log`` is
the only thing that keeps a secret out of the output, so these runs fail when it is removed from any option.
The secret options are the ones the modules' argument specs mark ``no_log``, read from the specs themselves.

Kills: ``no_log=True`` removed from (or set False on) any option in ``_connection.CONNECTION_ARGUMENT_SPEC``
or a module's own spec (each such mutation fails ``test_a_secret_given_as_a_task_argument_is_never_echoed``).
"""

from __future__ import annotations

import json
import os

import yaml

from .conftest import AK, DOMAIN, PASSWORD, PROJECT_ID, SK, USER, connection_env, module_argument_spec, run_playbook


def _collection_modules():
    """Every module of the collection: the action group `all` lists them (meta/runtime.yml)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        return tuple(yaml.safe_load(handle)['action_groups']['all'])


MODULES = _collection_modules()
ECHO = {'ANSIBLE_INJECT_INVOCATION': '1'}
SECURITY_TOKEN = 'security-token-value-0001'


def argument_spec(name):
    """A module's full argument spec, captured from the AnsibleModule it builds (no run)."""
    return module_argument_spec(name)[1]


def secret_options():
    """Every option any module hides with no_log, and the modules that take it."""
    found = {}
    for name in MODULES:
        for option, spec in argument_spec(name).items():
            if spec.get('no_log'):
                found.setdefault(option, []).append(name)
    return found


SECRETS = secret_options()
# What each authentication method proves itself with. Tested whatever the specs say, so that a no_log removed
# from one of them (which also drops it from SECRETS) shows up as the leak it is, not only as a missing name.
CREDENTIALS = ('secret_key', 'security_token', 'auth_token', 'password')


def test_the_specs_do_mark_the_credentials_secret():
    """The derivation is not vacuous: the options every method authenticates with are among them."""
    assert set(CREDENTIALS) <= set(SECRETS), sorted(SECRETS)


def task_args(elb, option):
    """Options for one task giving ``option`` as a task argument (so it is echoed), and the secret value."""
    if option == 'secret_key':
        return dict(access_key=AK, secret_key=SK, project_id=PROJECT_ID), SK
    if option == 'security_token':
        return dict(access_key=AK, secret_key=SK, security_token=SECURITY_TOKEN, project_id=PROJECT_ID), SECURITY_TOKEN
    if option == 'auth_token':
        token = elb.token()
        return dict(auth_token=token, project_id=PROJECT_ID), token
    if option == 'password':
        return dict(user=USER, password=PASSWORD, user_domain=DOMAIN, project_id=PROJECT_ID), PASSWORD
    # A secret option added later: the task may fail, but its arguments are echoed all the same.
    value = 'never-shown-%s-0123456789' % option
    return {option: value}, value


def secret_tasks(elb, option):
    """The tasks giving ``option`` as a task argument, named after it; the secret value and a marker that is
    echoed verbatim."""
    credentials, secret = task_args(elb, option)
    credentials.update(elb_endpoint=elb.url, auth_url=elb.url + '/v3')
    marker = 'echo-marker-' + option
    tasks = [
        {'name': option + ' read', 'hwcloud.elb.healthmonitor_info': dict(credentials, api_version='v3', name=[marker]),
         'ignore_errors': True},
        {'name': option + ' fail', 'ignore_errors': True,
         'hwcloud.elb.healthmonitor_v3': dict(credentials, pool='nope', type='TCP', delay=5, timeout=3, max_retries=3,
                                              name=marker)}]
    # A secret every module takes is a connection option, declared alike everywhere (test_input_edge.py): the two
    # tasks above show how all modules echo it. A module-specific one is given to each module that takes it.
    takers = SECRETS.get(option, ())
    for module in takers if len(takers) < len(MODULES) else ():
        if module not in ('healthmonitor_info', 'healthmonitor_v3'):
            tasks.append({'name': option + ' ' + module, 'hwcloud.elb.' + module: dict(credentials),
                          'ignore_errors': True})
    return tasks, secret, marker


def test_a_secret_given_as_a_task_argument_is_never_echoed(elb):
    """Every secret option in one -vvvv play (issue 28: a play each cost a start-up each), its tasks named after it."""
    options = sorted(set(SECRETS) | set(CREDENTIALS))
    tasks, secrets = [], {}
    for option in options:
        option_tasks, secrets[option], marker = secret_tasks(elb, option)
        tasks += option_tasks
    play = [{'name': 'secrets', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}]
    outcome = run_playbook(play, env=dict(ECHO), verbosity=4, expect_rc=0)
    records = dict((record['task'], record) for record in outcome.records)
    # The arguments really are echoed (else this test could not fail): a non-secret one shows up verbatim.
    assert '"module_args"' in outcome.output, outcome.output[-3000:]
    for option in options:
        assert 'echo-marker-' + option in outcome.output, (option, outcome.output[-3000:])
        if option in CREDENTIALS:  # authenticated with the secret
            assert records[option + ' read']['status'] == 'ok', (option, outcome.output[-3000:])
            failed = records[option + ' fail']
            assert failed['status'] == 'failed' and "pool is 'nope'" in failed['result']['msg'], (option, failed)
        for text in (outcome.output, json.dumps(outcome.records)):
            assert secrets[option] not in text, 'the value of %s appears in the output' % option


def test_secrets_from_the_environment_are_not_echoed_either(elb):
    """Secrets read through an HW_* fallback end up in the echoed arguments too; no_log hides them there."""
    env = dict(connection_env(elb, 'aksk'), HW_SECURITY_TOKEN=SECURITY_TOKEN, **ECHO)
    play = [{'name': 'secrets', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'read', 'hwcloud.elb.healthmonitor_info': {'api_version': 'v3', 'name': ['echo-marker-env']}}]}]
    outcome = run_playbook(play, env=env, verbosity=4, expect_rc=0)
    assert 'echo-marker-env' in outcome.output and '"module_args"' in outcome.output
    for secret in (SK, SECURITY_TOKEN):
        assert secret not in outcome.output and secret not in json.dumps(outcome.records)
