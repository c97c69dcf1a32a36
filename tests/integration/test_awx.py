# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWX / Automation Controller: the credential type, the walkthrough's job under ansible-runner, and the EE.

A job is run the way AWX runs one: ansible-runner, a private data dir holding the project's playbook and the
inventory, the credential type's injectors rendered (Jinja2 sandbox, as AWX does) into the job's environment,
and AWX's jsonfile fact cache for fact storage. The execution environment file is checked with
``ansible-builder create`` (a build context: no container engine needed) and ``ansible-builder introspect``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import ansible_runner
import jinja2.meta
import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.hwcloud.elb.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC

from .conftest import AK, DOMAIN, PASSWORD, PROJECT_ID, ROOT, SK, USER, run_playbook

AWX = os.path.join(ROOT, 'docs', 'awx')
CREDENTIAL_TYPE = os.path.join(AWX, 'credential_type.yml')
EE_FILE = os.path.join(AWX, 'execution-environment.yml')
BIN = os.path.dirname(sys.executable)
# AWX refuses injectors for these variables (awx/main/models/credential: ENV_BLOCKLIST) and any ANSIBLE_*.
AWX_ENV_BLOCKLIST = {'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID',
                     'INVENTORY_UPDATE_ID', 'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES',
                     'CALLBACK_QUEUE', 'CALLBACK_CONNECTION', 'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS',
                     'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH'}


def load_credential_type():
    with open(CREDENTIAL_TYPE, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def render_injectors(credential_type, inputs):
    """The job environment AWX builds from a credential: every env injector rendered with the inputs.

    As in AWX's CredentialType.inject_credential: empty strings are left out of the namespace, a boolean not
    given is False, and each template is rendered in an immutable Jinja2 sandbox (an input not given renders
    as an empty string, so every injected variable is set).
    """
    fields = {field['id']: field for field in credential_type['inputs']['fields']}
    unknown = set(inputs) - set(fields)
    assert not unknown, 'inputs the credential type does not have: %s' % sorted(unknown)
    namespace = {}
    for name, value in inputs.items():
        if isinstance(value, bool) or value:
            namespace[name] = value
    for name, field in fields.items():
        if field['type'] == 'boolean' and name not in inputs:
            namespace[name] = False
    sandbox = ImmutableSandboxedEnvironment()
    return {name: sandbox.from_string(template).render(**namespace)
            for name, template in credential_type['injectors']['env'].items()}


def connection_fragment_env():
    """The HW_* variables the connection options document (doc fragment), without the retry count and the CA
    bundle: a private CA belongs in the execution environment's trust store (docs/awx/credential-type.md), and
    AWX would inject an empty file for a credential that has none."""
    with open(os.path.join(ROOT, 'plugins', 'doc_fragments', 'connection.py'), encoding='utf-8') as handle:
        names = set(re.findall(r'E\((HW_[A-Z_]+)\)', handle.read()))
    return names - {'HW_MAX_RETRIES', 'HW_CA_BUNDLE'}


def test_credential_type_is_a_valid_awx_credential_type():
    credential_type = load_credential_type()
    assert set(credential_type) <= {'name', 'description', 'kind', 'inputs', 'injectors'}
    assert credential_type['kind'] in ('cloud', 'net')  # the only kinds a custom type may have
    fields = credential_type['inputs']['fields']
    ids = [field['id'] for field in fields]
    assert len(ids) == len(set(ids)), ids
    for field in fields:
        assert re.match(r'^[a-z_][a-z0-9_]*$', field['id']), field
        assert field['type'] in ('string', 'boolean'), field
        assert field.get('label'), field
        assert set(field) <= {'id', 'type', 'label', 'help_text', 'secret', 'multiline', 'choices', 'format'}, field
        if field['type'] == 'boolean':
            assert not field.get('secret'), field
    assert set(credential_type['inputs'].get('required', [])) <= set(ids)
    # Every secret connection option is a secret input, so AWX encrypts it and never shows it back. The secret
    # options are the ones the argument spec hides (no_log), not a list kept beside it.
    secret_options = {name for name, spec in CONNECTION_ARGUMENT_SPEC.items() if spec.get('no_log')}
    assert {'secret_key', 'password'} <= secret_options  # the spec really is the one that hides them
    secret = {field['id'] for field in fields if field.get('secret')}
    assert secret_options <= secret, secret_options - secret
    # ...and an input that is not secret in AWX is no secret connection option either.
    assert not secret_options & ({field['id'] for field in fields} - secret)

    assert set(credential_type['injectors']) == {'env'}
    env = credential_type['injectors']['env']
    sandbox = ImmutableSandboxedEnvironment()
    for name, template in env.items():
        assert re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', name) and name not in AWX_ENV_BLOCKLIST, name
        assert not name.startswith('ANSIBLE_'), name
        used = jinja2.meta.find_undeclared_variables(sandbox.parse(template))
        assert used and used <= set(ids), (name, template, used)
    # It sets exactly the variables the modules read for credentials and endpoints.
    assert set(env) == connection_fragment_env()
    # Every input reaches the job.
    referenced = set().union(*(jinja2.meta.find_undeclared_variables(sandbox.parse(t)) for t in env.values()))
    assert referenced == set(ids)


def test_injectors_render_like_awx():
    env = render_injectors(load_credential_type(), {'access_key': AK, 'secret_key': SK, 'region': 'cn-north-4'})
    assert env['HW_ACCESS_KEY'] == AK and env['HW_SECRET_KEY'] == SK and env['HW_REGION_NAME'] == 'cn-north-4'
    assert env['HW_USER_PASSWORD'] == '' and env['HW_AUTH_TOKEN'] == ''  # AWX sets every injected variable
    assert env['HW_INSECURE'] == 'False'
    assert render_injectors(load_credential_type(), {'insecure': True})['HW_INSECURE'] == 'True'


STUB_MODULE = """#!/usr/bin/python
# Stand-in for awx.awx.%s: takes its arguments and returns them as they arrived.
from ansible.module_utils.basic import AnsibleModule
SPEC = dict(name=dict(required=True), description=dict(), kind=dict(), inputs=dict(type='dict', no_log=False),
            injectors=dict(type='dict'), organization=dict(), credential_type=dict(), state=dict(default='present'))
module = AnsibleModule(argument_spec=SPEC)
module.exit_json(changed=True, received=module.params)
"""


def guide_playbook():
    """The awx.awx playbook of docs/awx/credential-type.md, as a user would copy it."""
    with open(os.path.join(AWX, 'credential-type.md'), encoding='utf-8') as handle:
        blocks = re.findall(r'```yaml\n(.*?)```', handle.read(), re.S)
    plays = [block for block in blocks if 'awx.awx.credential_type:' in block]
    assert len(plays) == 1, blocks
    return plays[0]


def test_the_guides_awx_playbook_creates_the_credential_type(tmp_path, awx_environ):
    """Run the guide's playbook with stand-ins for awx.awx: the credential type arrives as the file has it."""
    modules = tmp_path / 'collections' / 'ansible_collections' / 'awx' / 'awx' / 'plugins' / 'modules'
    modules.mkdir(parents=True)
    for name in ('credential_type', 'credential'):
        (modules / (name + '.py')).write_text(STUB_MODULE % name, encoding='utf-8')
    (tmp_path / 'create.yml').write_text(guide_playbook(), encoding='utf-8')
    shutil.copy(CREDENTIAL_TYPE, tmp_path)
    collections = str(tmp_path / 'collections') + os.pathsep + os.environ.get('ANSIBLE_COLLECTIONS_PATH', '')
    run = run_playbook(str(tmp_path / 'create.yml'), env={'ANSIBLE_COLLECTIONS_PATH': collections},
                       extra_vars={'hw_project_id': PROJECT_ID, 'hw_access_key': AK, 'hw_secret_key': SK}, expect_rc=0)
    received = [result['received'] for result in run.results]
    credential_type = load_credential_type()
    assert received[0] == dict(credential_type, organization=None, credential_type=None, state='present')
    assert received[0]['injectors']['env']['HW_ACCESS_KEY'] == '{{ access_key }}'  # not rendered on the way
    assert received[1]['credential_type'] == credential_type['name']
    assert received[1]['inputs'] == {'region': 'cn-north-4', 'project_id': PROJECT_ID, 'access_key': AK,
                                     'secret_key': SK}


def emulator_inputs(elb, method):
    """Credential inputs for the emulator's default identity, as a user would fill them in AWX."""
    inputs = {'region': 'cn-north-4', 'elb_endpoint': elb.url, 'auth_url': elb.url + '/v3'}
    if method == 'aksk':
        inputs.update(access_key=AK, secret_key=SK, project_id=PROJECT_ID)
    else:  # password; the project is looked up by the region name, the empty AK/SK inputs must not count
        inputs.update(user=USER, password=PASSWORD, user_domain=DOMAIN)
    return inputs


def run_job(tmp_path, job_env, name='job'):
    """Run the walkthrough's playbook the way AWX runs a job template; return the runner.

    ansible-runner points the jsonfile fact cache at the job's artifacts (``fact_cache``), where AWX reads
    the facts it stores for each host.
    """
    private_data_dir = tmp_path / name
    project = private_data_dir / 'project'
    project.mkdir(parents=True)
    shutil.copy(os.path.join(AWX, 'project', 'health_checks.yml'), project)
    (private_data_dir / 'inventory').mkdir()
    shutil.copy(os.path.join(AWX, 'project', 'inventory.yml'), private_data_dir / 'inventory' / 'hosts.yml')
    envvars = dict(job_env, ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_DEPRECATION_WARNINGS='false')
    return ansible_runner.run(private_data_dir=str(private_data_dir), playbook='health_checks.yml',
                              inventory=str(private_data_dir / 'inventory' / 'hosts.yml'), envvars=envvars,
                              quiet=True, timeout=300, fact_cache_type='jsonfile')


def stored_facts(runner, host):
    """A host's facts in the job's jsonfile fact cache, as AWX's fact storage reads them.

    ansible-core 2.19+ names the file ``s<schema>_<host>`` and wraps the facts in ``{"__payload__": "<json>"}``;
    older versions write ``<host>`` with the facts as they are.
    """
    directory = runner.config.fact_cache
    names = [n for n in os.listdir(directory) if n == host or re.match(r'^s[0-9]+_%s$' % re.escape(host), n)]
    assert len(names) == 1, os.listdir(directory)
    with open(os.path.join(directory, names[0]), encoding='utf-8') as handle:
        facts = json.load(handle)
    return json.loads(facts['__payload__']) if '__payload__' in facts else facts


@pytest.fixture
def awx_environ(monkeypatch):
    """The runner's own environment: this venv's ansible-playbook first, no HW_* from the caller's shell."""
    monkeypatch.setenv('PATH', BIN + os.pathsep + os.environ.get('PATH', ''))
    for name in [n for n in os.environ if n.startswith('HW_')]:
        monkeypatch.delenv(name)


def test_job_template_with_aksk_credential(elb, tmp_path, awx_environ):
    job_env = render_injectors(load_credential_type(), emulator_inputs(elb, 'aksk'))
    runner = run_job(tmp_path, job_env)
    output = runner.stdout.read()
    assert runner.status == 'successful' and runner.rc == 0, output
    assert runner.stats['changed'] == {'web': 1, 'db': 1}, output
    assert SK not in output

    web, db = elb.v3_monitor_of('demo-http-pool'), elb.v3_monitor_of('demo-tcp-pool')
    assert [web[k] for k in ('name', 'type', 'delay', 'timeout', 'max_retries')] == ['web-health', 'HTTP', 5, 3, 3]
    assert (web['url_path'], web['expected_codes']) == ('/healthz', '200-204')
    assert (db['name'], db['type'], db['monitor_port']) == ('db-health', 'TCP', 3306)

    # Fact storage: what AWX reads back from its jsonfile fact cache for each host.
    for host, monitor in (('web', web), ('db', db)):
        stored = stored_facts(runner, host)['hwcloud_elb_healthmonitors']
        assert [m['id'] for m in stored] == [monitor['id']], stored
        assert stored[0]['api_version'] == 'v3'

    # The job again: nothing to change, no write.
    elb.reset_stats()
    again = run_job(tmp_path, job_env, name='again')
    assert again.status == 'successful', again.stdout.read()
    assert again.stats['changed'] == {}, again.stats
    assert elb.writes() == []


def test_job_template_with_password_credential(elb, tmp_path, awx_environ):
    job_env = render_injectors(load_credential_type(), emulator_inputs(elb, 'password'))
    assert job_env['HW_ACCESS_KEY'] == '' and job_env['HW_PROJECT_ID'] == ''
    runner = run_job(tmp_path, job_env)
    output = runner.stdout.read()
    assert runner.status == 'successful' and runner.rc == 0, output
    assert PASSWORD not in output
    assert elb.v3_monitor_of('demo-http-pool')['url_path'] == '/healthz'


def collection_version():
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)['version']


def build_tarball(output):
    """`make build` for a copy: the collection tarball, from the checkout the tests run from."""
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path',
                    str(output), ROOT], check=True, capture_output=True, text=True, timeout=300)
    tarball = output / ('hwcloud-elb-%s.tar.gz' % collection_version())
    assert tarball.is_file()
    return tarball


def test_execution_environment_build_context(tmp_path):
    with open(EE_FILE, encoding='utf-8') as handle:
        definition = yaml.safe_load(handle)
    assert definition['version'] == 3
    tarball_name = 'hwcloud-elb-%s.tar.gz' % collection_version()
    # The EE installs the tarball of the current version: a version bump must update the EE file too.
    assert [entry['src'] for entry in definition['additional_build_files']] == ['../../build/' + tarball_name]
    assert definition['dependencies']['galaxy']['collections'] == [
        {'name': 'collections/' + tarball_name, 'type': 'file'}]

    # The same layout as the repository: docs/awx/<EE file> and build/<tarball>.
    (tmp_path / 'docs' / 'awx').mkdir(parents=True)
    shutil.copy(EE_FILE, tmp_path / 'docs' / 'awx')
    build_tarball(tmp_path / 'build')
    context = tmp_path / 'context'
    result = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'create', '-f',
                             str(tmp_path / 'docs' / 'awx' / 'execution-environment.yml'), '-c', str(context),
                             '--output-filename', 'Containerfile'],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (context / '_build' / 'collections' / tarball_name).is_file()
    with open(context / '_build' / 'requirements.yml', encoding='utf-8') as handle:
        assert yaml.safe_load(handle) == {'collections': [{'name': 'collections/' + tarball_name, 'type': 'file'}]}
    containerfile = (context / 'Containerfile').read_text(encoding='utf-8')
    assert 'ansible-galaxy collection install' in containerfile
    assert 'introspect' in containerfile


def test_introspect_finds_the_collection_requirements(tmp_path):
    """The built collection carries meta/execution-environment.yml and its requirements file."""
    tarball = build_tarball(tmp_path / 'build')
    collections = tmp_path / 'collections'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '--force', '-p',
                    str(collections), str(tarball)], check=True, capture_output=True, text=True, timeout=300)
    result = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'introspect', str(collections),
                             '--write-pip', str(tmp_path / 'pip.txt')],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    requirements = (tmp_path / 'pip.txt').read_text(encoding='utf-8')
    assert re.search(r'^requests\b.*# from collection hwcloud\.elb', requirements, re.M), requirements
