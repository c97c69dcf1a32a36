# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one write path of monitors and members (issue 26 item 3): a 409 while the balancer is busy is retried until
wait_timeout, whatever the status read says or fails to say; a real conflict fails at once; the messages name
wait_timeout, the option that bounds the wait."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._engine import BalancerWrites
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES

from .fake_client import FakeClient

POOL = {'id': 'p1', 'loadbalancers': [{'id': 'lb1'}]}
BUSY = 'Load balancer lb1 is in PENDING_UPDATE status; the member cannot be changed until it is ACTIVE.'


class Client(FakeClient):
    """Answers writes from ``writes`` and balancer reads from ``statuses`` (an ApiError is raised)."""

    def __init__(self, writes, statuses):
        super().__init__()
        self.writes, self.statuses, self.calls = list(writes), list(statuses), []

    def request(self, method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
        self.calls.append(method)
        answer = (self.writes if method != 'GET' else self.statuses).pop(0)
        if isinstance(answer, ApiError):
            raise answer
        return {'loadbalancer': {'id': 'lb1', 'provisioning_status': answer}} if method == 'GET' else answer

    def get(self, path, query=None):
        return self.request('GET', path, query)


def conflict(message='Data conflict.'):
    return ApiError(message, status=409, error_code='ELB.8907')


THROTTLED = ApiError('over ratelimit', status=429, error_code='APIGW.0308')


def writes(client, wait_timeout=300):
    return BalancerWrites(FAMILIES['v3'], client, wait_timeout=wait_timeout)


def test_a_busy_409_whose_status_read_is_throttled_is_retried_not_taken_for_a_conflict():
    client = Client([conflict(BUSY), conflict(), {'member': {}}], [THROTTLED, 'PENDING_UPDATE'])
    assert writes(client).write('PUT', '/x', {}, POOL) == {'member': {}}
    assert client.calls.count('PUT') == 3


def test_a_busy_409_is_retried_even_when_the_balancer_reads_active_by_then():
    """The window closed between the 409 and the read: the 409's own words say it was the busy balancer."""
    client = Client([conflict(BUSY), {'member': {}}], ['ACTIVE'])
    assert writes(client).write('PUT', '/x', {}, POOL) == {'member': {}}


def test_a_409_on_an_active_balancer_is_a_real_conflict_at_once():
    client = Client([conflict('quota exceeded')], ['ACTIVE'])
    with pytest.raises(ApiError) as failure:
        writes(client).write('PUT', '/x', {}, POOL)
    assert 'real conflict' in str(failure.value) and 'wait_timeout' not in str(failure.value)
    assert client.calls == ['PUT', 'GET']


def test_a_balancer_busy_past_wait_timeout_fails_naming_wait_timeout():
    client = Client([conflict(BUSY)] * 50, ['PENDING_UPDATE'] * 50)
    with pytest.raises(ApiError) as failure:
        writes(client, wait_timeout=20).write('PUT', '/x', {}, POOL)
    assert 'busy (PENDING) for all of wait_timeout (20 s)' in str(failure.value)
    assert client.now == pytest.approx(20)


def test_wrote_says_whether_a_write_went_through():
    client = Client([conflict('quota exceeded'), {'member': {}}], ['ACTIVE'])
    component = writes(client)
    with pytest.raises(ApiError):
        component.write('PUT', '/x', {}, POOL)
    assert component.wrote is False
    component.write('PUT', '/x', {}, POOL)
    assert component.wrote is True


def test_a_409_on_an_active_balancer_right_after_our_own_write_is_tried_again_own_write_retries_times():
    """Several writes in a row: the PENDING window of our own write may close between its 409 and the read."""
    client = Client([{'member': {}}] + [conflict('quota exceeded')] * 3 + [{'member': {}}], ['ACTIVE'] * 3)
    component = BalancerWrites(FAMILIES['v3'], client, wait_timeout=300, own_write_retries=2)
    component.write('PUT', '/x', {}, POOL)
    with pytest.raises(ApiError) as failure:
        component.write('PUT', '/x', {}, POOL)
    assert 'real conflict' in str(failure.value)
    assert client.calls == ['PUT'] + ['PUT', 'GET'] * 3  # the first 409 and two tries again, each read ACTIVE
