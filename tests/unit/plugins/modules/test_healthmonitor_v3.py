# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module around the engine: results, failures as fail_json, and no secret in any output."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.hwcloud.elb.plugins.module_utils import _module
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.modules import healthmonitor_v3

from ..module_utils.fake_elb import FakeV3

SECRETS = dict(secret_key='SK-secret-0001', security_token='ST-secret-0002', auth_token='AT-secret-0003',
               password='PW-secret-0004')
CONNECTION = dict(region='cn-north-4', project_id='0123456789abcdef0123456789abcdef',
                  elb_endpoint='http://127.0.0.1:9', auth_url='http://127.0.0.1:9/v3')


def run_module(capsys, args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            healthmonitor_v3.main()
    output = capsys.readouterr().out
    return output, json.loads(output)


@pytest.fixture
def fake(monkeypatch):
    api = FakeV3()
    monkeypatch.setattr(_module, 'ElbClient', lambda settings, on_secret: api)
    return api


def test_result_shape_and_idempotence(capsys, fake):
    args = dict(CONNECTION, access_key='AK', secret_key=SECRETS['secret_key'], pool='db', type='tcp', delay=5,
                timeout=3, max_retries=3)
    _out, result = run_module(capsys, args)
    assert result['changed'] and result['healthmonitor']['type'] == 'TCP'
    _out, result = run_module(capsys, args)
    assert not result['changed']


def test_validation_failure_is_fail_json(capsys, fake):
    _out, result = run_module(capsys, dict(CONNECTION, auth_token='a-realistic-token', pool='db', type='TCP', delay=51, timeout=3,
                                           max_retries=3))
    assert result['failed'] and result['msg'] == 'delay is 51; it must be a whole number from 1 to 50.'
    assert fake.calls == []


def test_api_error_is_fail_json_with_its_fields(capsys, monkeypatch):
    class Broken:
        def get(self, path, query=None):
            raise ApiError('Invalid input.', status=400, error_code='ELB.8902', request_id='req-9', method='GET', url='u')

    monkeypatch.setattr(_module, 'ElbClient', lambda settings, on_secret: Broken())
    _out, result = run_module(capsys, dict(CONNECTION, auth_token='a-realistic-token', pool='db', state='absent'))
    assert result['failed'] and (result['status'], result['error_code'], result['request_id']) == (400, 'ELB.8902', 'req-9')
    assert 'Traceback' not in json.dumps(result)


@pytest.mark.parametrize('method', [
    dict(access_key='AK', secret_key=SECRETS['secret_key'], security_token=SECRETS['security_token']),
    dict(auth_token=SECRETS['auth_token']),
    dict(user='u', user_domain='d', password=SECRETS['password']),
])
def test_no_secret_in_results_or_messages(capsys, monkeypatch, method):
    """Even an error that echoes every secret, and a token learned at run time, come out masked."""
    learned = 'learned-iam-token-0005'
    secrets = [value for name, value in method.items() if name in SECRETS] + [learned]

    class Echo:
        def __init__(self, settings, on_secret):
            on_secret(learned)

        def get(self, path, query=None):
            raise ApiError('echo ' + ' '.join(secrets), status=500, request_id='r')

    monkeypatch.setattr(_module, 'ElbClient', Echo)
    output, result = run_module(capsys, dict(CONNECTION, pool='db', state='absent', **method))
    assert result['failed'] and '********' in result['msg']
    for secret in secrets:
        assert secret not in output


def test_credential_problems_fail_cleanly(capsys):
    _out, result = run_module(capsys, dict(CONNECTION, pool='db', access_key='AK', auth_token=SECRETS['auth_token']))
    assert result['failed'] and 'more than one method' in result['msg']
    assert SECRETS['auth_token'] not in json.dumps(result)


@pytest.mark.parametrize('value', ['INF', '-inf', '1e400'])
def test_unconvertible_numbers_fail_naming_the_option(capsys, fake, value):
    """ansible-core's own int check would raise OverflowError for these: a traceback, not a message."""
    _out, result = run_module(capsys, dict(CONNECTION, auth_token='a-realistic-token', pool='db', delay=value))
    assert result['failed'] and 'delay' in result['msg'] and fake.calls == []


@pytest.mark.parametrize('value', ['inf', 'nan', '0', '-1'])
def test_api_timeout_must_be_a_finite_positive_number(capsys, value):
    _out, result = run_module(capsys, dict(CONNECTION, auth_token='a-realistic-token', pool='db', api_timeout=value))
    assert result['failed'] and 'api_timeout is' in result['msg']
