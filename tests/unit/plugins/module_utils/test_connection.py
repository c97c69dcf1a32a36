# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection settings' own checks (_connection.py); each docstring names the mutants it kills."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._connection import ConnectionSettings

from .test_client import PROJECT


def problems(**options):
    params = dict(access_key='AK', secret_key='SK', project_id=PROJECT, elb_endpoint='https://elb.example.com')
    params.update(options)
    return ConnectionSettings(params, environ={}).problems()


def test_an_endpoint_speaks_http_or_https():
    """Kills connection-endpoint-scheme: an ftp:// endpoint (a host, no query) is refused for its scheme."""
    assert problems() == []
    assert problems(elb_endpoint='http://127.0.0.1:8080/elb') == []
    found = problems(elb_endpoint='ftp://elb.example.com')
    assert len(found) == 1 and 'elb_endpoint (HW_ELB_ENDPOINT)' in found[0] and 'http:// or https://' in found[0]


def test_an_endpoint_on_port_0_or_with_credentials_is_refused():
    """Kills connection-port-zero and connection-userinfo (whose message must not repeat the password)."""
    assert problems(elb_endpoint='https://elb.example.com:0') == [
        "elb_endpoint (HW_ELB_ENDPOINT) is 'https://elb.example.com:0'; port 0 cannot be connected to"]
    found = problems(auth_url='https://user:s3cret@iam.example.com/v3')
    assert len(found) == 1 and 'auth_url (HW_AUTH_URL) holds a user name or password' in found[0]
    assert 's3cret' not in found[0]


def test_retries_and_timeout_have_bounds_on_both_sides():
    """Kills connection-retries-bound (no upper bound) and connection-timeout-zero (0 s taken)."""
    assert problems(api_retries=20, api_timeout=600) == []
    assert problems(api_retries=0, api_timeout=0.5) == []
    assert len(problems(api_retries=21)) == 1 and 'api_retries' in problems(api_retries=21)[0]
    assert len(problems(api_timeout=0)) == 1 and 'api_timeout' in problems(api_timeout=0)[0]


def test_a_project_id_is_checked_whole():
    """Kills connection-project-id-fullmatch: it becomes part of every URL path, so a valid prefix is not enough."""
    assert problems(project_id='0123abcd_-') == []
    for bad in ('abc/../x', 'abc def', 'x' * 65):
        assert len(problems(project_id=bad)) == 1 and 'project_id' in problems(project_id=bad)[0]
