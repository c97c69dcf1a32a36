# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""diagnose: true on hwcloud.elb.member's wait for health (issue 30), through ansible-playbook on a real loopback
backend whose health checks a security group drops (the emulator's blocked_health_checks): the failure ends with
the member check's cause and fix, after a write as well as without one; off by default; refused on shared (v2)
load balancers before any call."""

from __future__ import annotations

import pytest

from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import

from .test_member_check import SOURCE, http_listener
from .test_member_health import V3, manual, pool_monitor


@pytest.fixture(name='web')
def web_fixture(elb):
    """demo-http-pool behind an HTTP listener, with a monitor, probed only by explicit rounds."""
    manual(elb)
    pool = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, pool['id'])
    return dict(pool=pool, listener=http_listener(elb, pool))


def health_checks_posted(elb):
    return [path for method, path, _status in elb.calls(['POST']) if path.endswith('/health-check')]


def blocked_line(port):
    return ('127.0.0.1:%d (security group): The security group of backend 127.0.0.1 does not allow TCP %d from %s. '
            'Fix: add an inbound rule allowing TCP %d from %s to the security group of 127.0.0.1.' % (
                port, port, SOURCE, port, SOURCE))


def test_a_failed_registration_wait_names_the_security_group_and_the_fix(elb, run_task, backends, web):
    backend = backends.http(200)
    elb.admin('POST', 'config', {'blocked_health_checks': [{'address': '127.0.0.1', 'port': backend.port}]})
    task = dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port, wait_timeout=0)
    failed = run_task('member', dict(task, diagnose=True), expect_failure=True)
    assert failed['changed'] is True
    assert failed['msg'].startswith('The member was written, but the wait failed: Timed out after 0 s')
    assert failed['msg'].endswith(' Diagnosis (member check): ' + blocked_line(backend.port))
    assert failed['diagnosis']['summary'] == [blocked_line(backend.port)]
    [check] = failed['diagnosis']['checks']
    assert check['id'] == failed['members'][0]['id'] and check['listener_id'] == web['listener']['id']
    assert check['results']['security_group']['check_result'] is False


def test_diagnose_is_off_by_default_and_also_answers_a_wait_without_a_write(elb, run_task, backends, web):
    backend = backends.http(200)
    task = dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port, wait_timeout=0)
    elb.admin('POST', 'config', {'blocked_health_checks': [{'address': '127.0.0.1', 'port': backend.port}]})
    plain = run_task('member', task, expect_failure=True)
    assert plain['changed'] is True and 'Diagnosis' not in plain['msg'] and 'diagnosis' not in plain
    assert health_checks_posted(elb) == []  # off by default: no check job
    elb.reset_stats()
    again = run_task('member', dict(task, diagnose=True), expect_failure=True)
    assert again['changed'] is False and elb.writes() == [('POST', health_checks_posted(elb)[0], 201)]
    assert again['msg'].startswith('Timed out after 0 s waiting for 1 of 1 member(s) to be healthy')
    assert again['msg'].endswith(' Diagnosis (member check): ' + blocked_line(backend.port))


def test_diagnose_is_refused_on_a_shared_balancer_before_any_call(elb, run_task):
    elb.reset_stats()
    shared = run_task('member', dict(api_version='v2', pool='shared-http-pool', address='127.0.0.1', protocol_port=80,
                                     subnet='subnet-1', diagnose=True), expect_failure=True)
    assert 'diagnose applies only to dedicated (v3) load balancers: api_version v2 has no member check job' in shared['msg']
    assert elb.calls() == []
