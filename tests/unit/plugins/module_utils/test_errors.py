# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every error body shape the ELB families, IAM, VPC and the API gateway send."""

from __future__ import annotations

import json

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError, parse_error_body

SHAPES = [
    ('v3', {'error_msg': 'Invalid input for delay.', 'error_code': 'ELB.8902', 'request_id': 'a' * 32},
     ('ELB.8902', 'Invalid input for delay.', 'a' * 32)),
    ('v2.0 NeutronError', {'NeutronError': {'type': 'HTTPNotFound', 'message': 'pool p could not be found.', 'detail': ''}},
     ('HTTPNotFound', 'pool p could not be found.', None)),
    ('classic', {'error': {'message': 'health check not found', 'code': 'ELB.7020'}},
     ('ELB.7020', 'health check not found', None)),
    ('API gateway', {'error_msg': 'The throttling threshold has been reached: policy user over ratelimit',
                     'error_code': 'APIGW.0308', 'request_id': 'b' * 32},
     ('APIGW.0308', 'The throttling threshold has been reached: policy user over ratelimit', 'b' * 32)),
    ('IAM', {'error': {'code': 401, 'message': 'The username or password is wrong.', 'title': 'Unauthorized'}},
     ('401', 'The username or password is wrong.', None)),
    ('VPC', {'code': 'VPC.0101', 'message': 'Invalid marker m: no subnet of the project has that id.'},
     ('VPC.0101', 'Invalid marker m: no subnet of the project has that id.', None)),
]


@pytest.mark.parametrize('body, parsed', [(body, parsed) for _name, body, parsed in SHAPES],
                         ids=[name for name, _body, _parsed in SHAPES])
def test_each_error_shape(body, parsed):
    assert parse_error_body(json.dumps(body).encode()) == parsed


def test_neutron_detail_is_kept():
    assert parse_error_body(b'{"NeutronError": {"type": "T", "message": "m", "detail": "d"}}')[1] == 'm (d)'


def test_a_body_that_is_not_json_gives_its_text():
    assert parse_error_body(b'<html>Bad gateway</html>') == (None, '<html>Bad gateway</html>', None)
    assert parse_error_body(b'')[1] == 'no error details in the answer'


def test_the_message_names_status_code_and_request_id():
    err = ApiError('Invalid input.', status=400, error_code='ELB.8902', request_id='r1', method='POST', url='https://x/y')
    assert str(err) == 'POST https://x/y HTTP 400 ELB.8902: Invalid input. (request id r1)'
    assert err.fail_kwargs() == {'msg': str(err), 'status': 400, 'error_code': 'ELB.8902', 'request_id': 'r1'}
