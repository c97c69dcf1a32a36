# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member check without a service: how a job's items become plain lines with the fix (the fix from the
item's parameters only when they have the expected count), and no diagnosis outside v3."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_check
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES


def item(name, reason, params, severity='Major'):
    return dict(name=name, reason=reason, severity=severity, reason_params=params)


def job(**groups):
    result = dict(config=None, acl=None, security_group=None)
    result.update(groups)
    return dict(status='processed', job_id='j1', result=result)


def group(*items):
    return dict(check_result=not any(i['severity'] == 'Major' for i in items), check_status='processed',
                check_items=list(items))


MEMBER = dict(address='10.0.0.5', protocol_port=8080)


def test_each_failing_item_is_one_line_with_its_fix():
    lines = _member_check.summarise(MEMBER, job(
        security_group=group(item('security_group_inbound', 'The security group of backend 10.0.0.5 does not allow '
                                  'TCP 8080 from 10.1.0.0/24.', ['10.0.0.5', 'TCP', '8080', '10.1.0.0/24'])),
        config=group(item('protocol', 'A tip.', [], severity='Tips'),
                     item('url_path', 'GET /h answered 404', ['GET', '/h', '10.0.0.5', '8080', '200']))))
    assert lines == [
        '10.0.0.5:8080 (configuration): GET /h answered 404. Fix: set the monitor\'s url_path to a path the backend '
        'answers with 200, or serve /h on the backend.',
        '10.0.0.5:8080 (security group): The security group of backend 10.0.0.5 does not allow TCP 8080 from '
        '10.1.0.0/24. Fix: add an inbound rule allowing TCP 8080 from 10.1.0.0/24 to the security group of 10.0.0.5.']


def test_unknown_items_and_bare_failures_get_the_group_fix():
    lines = _member_check.summarise(MEMBER, job(
        acl=group(item('acl_rule_x', 'Denied by rule 3', ['a'])),
        security_group=dict(check_result=False, check_items=[]),
        config=group(item('url_path', 'odd', ['too', 'few']))))
    assert lines[0].endswith("Fix: make the health check's settings match what the backend serves.")
    assert lines[1].startswith('10.0.0.5:8080 (security group): the check failed without naming an item. Fix: allow')
    assert lines[2].startswith('10.0.0.5:8080 (network ACL): Denied by rule 3. Fix: allow the health check in the '
                               "network ACL of the backend's subnet")


def test_passing_and_failed_jobs():
    assert _member_check.summarise(MEMBER, job(config=group(), acl=group(), security_group=group())) == []
    assert _member_check.summarise(MEMBER, dict(status='failed', job_id='j9')) == [
        '10.0.0.5:8080: the check job j9 failed at the service; run it again.']


def test_diagnose_is_nothing_outside_v3():
    assert _member_check.diagnose(None, FAMILIES['v2'], [MEMBER]) == ([], [])


def test_the_diagnosis_checks_only_members_that_do_not_serve(monkeypatch):
    """Kills check-failing-members: an unmonitored member gets traffic, so it is not diagnosed."""
    checked = []

    def diagnose(client, family, members, wait_timeout):
        checked.extend(member['address'] for member in members)
        return [], ['%s fails' % member['address'] for member in members]

    monkeypatch.setattr(_member_check, 'diagnose', diagnose)
    members = [dict(address='10.0.0.1', health='healthy'), dict(address='10.0.0.2', health='unmonitored'),
               dict(address='10.0.0.3', health='unhealthy'), dict(address='10.0.0.4', health='checking')]
    text, diagnosis = _member_check.diagnosis_of(None, FAMILIES['v3'], members)
    assert checked == ['10.0.0.3', '10.0.0.4']
    assert text == ' Diagnosis (member check): 10.0.0.3 fails 10.0.0.4 fails'
    assert diagnosis == dict(checks=[], summary=['10.0.0.3 fails', '10.0.0.4 fails'])
