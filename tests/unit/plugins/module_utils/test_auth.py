# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing the authentication method, and the messages for missing or contradictory credentials."""

from __future__ import annotations

import datetime

import pytest
import requests

from ansible_collections.hwcloud.elb.plugins.module_utils import _signer
from ansible_collections.hwcloud.elb.plugins.module_utils._auth import (
    AKSK, PASSWORD, TOKEN, AkSkAuth, CredentialError, choose_method, password_token_request)
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import ConnectionSettings

SECRET = 'S3cr3t-value-never-shown'


def settings(**params):
    return ConnectionSettings(dict(params, region='cn-north-4'), environ={})


@pytest.mark.parametrize('params, method', [
    (dict(access_key='AK', secret_key=SECRET), AKSK),
    (dict(access_key='AK', secret_key=SECRET, security_token=SECRET), AKSK),
    (dict(auth_token=SECRET), TOKEN),
    (dict(user='u', password=SECRET, user_domain='d'), PASSWORD),
])
def test_each_method(params, method):
    assert choose_method(settings(**params)) == method


@pytest.mark.parametrize('params, expected', [
    (dict(), 'No credentials were given. Set access_key and secret_key'),
    (dict(access_key='AK'), 'needs secret_key (HW_SECRET_KEY) as well'),
    (dict(secret_key=SECRET), 'needs access_key (HW_ACCESS_KEY) as well'),
    (dict(security_token=SECRET), 'security_token only goes with them'),
    (dict(user='u', password=SECRET), 'needs user_domain as well'),
    (dict(password=SECRET), 'needs user and user_domain as well'),
    (dict(access_key='AK', secret_key=SECRET, auth_token=SECRET), 'more than one method'),
    (dict(auth_token=SECRET, user='u', password=SECRET, user_domain='d'), 'more than one method'),
])
def test_bad_combinations_say_what_can_be_set_and_never_show_values(params, expected):
    with pytest.raises(CredentialError) as info:
        choose_method(settings(**params))
    message = str(info.value)
    assert expected in message
    assert SECRET not in message


def test_contradiction_names_the_options_given():
    with pytest.raises(CredentialError) as info:
        choose_method(settings(access_key='AK', secret_key=SECRET, auth_token=SECRET))
    assert 'access_key, secret_key, auth_token' in str(info.value)


def test_password_token_is_scoped_by_project_id_when_known():
    body = password_token_request(ConnectionSettings(dict(user='u', password='p', user_domain='d', project_id='pid'),
                                                     environ={}))
    assert body['auth']['scope'] == {'project': {'id': 'pid'}}
    assert body['auth']['identity']['password']['user'] == {'domain': {'name': 'd'}, 'name': 'u', 'password': 'p'}


# -- found by make mutation (tests/mutation/mutations.py): each docstring names the mutants it kills ----------

def test_the_hook_signs_the_query_and_dates_in_utc():
    """Kills auth-query (the query left out of the signature) and auth-date-utc (a local-time X-Sdk-Date)."""
    prepared = requests.Request('GET', 'https://elb.example.com/v3/p/elb/healthmonitors?id=a&name=x',
                                headers={'Content-Type': 'application/json'}).prepare()
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    AkSkAuth('AK', 'SK')(prepared)
    stamped = datetime.datetime.strptime(prepared.headers['X-Sdk-Date'], _signer.DATE_FORMAT)
    assert abs((stamped - before).total_seconds()) < 60
    signed = dict((k, v) for k, v in prepared.headers.items() if k.lower() in ('content-type', 'host', 'x-sdk-date'))
    assert prepared.headers['Authorization'] == _signer.sign('AK', 'SK', 'GET', '/v3/p/elb/healthmonitors',
                                                             'id=a&name=x', signed, None)
