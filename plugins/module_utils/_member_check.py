# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The v3 member check jobs (member_check's work), and the diagnosis other modules attach to a failed wait
(``diagnose``).

The dedicated (v3) service has a member check job: ``POST /v3/{project_id}/elb/members/{member_id}/health-check``
``{"member_check": {"listener_id", "subject"}}`` starts it, ``GET /v3/{project_id}/elb/members/check/jobs/{job_id}``
shows it until ``status`` is no longer ``processing``. Its result has three groups (``config``, ``acl``,
``security_group``), each ``{check_result, check_status, check_items: [{name, reason, severity, ...}]}``.
The wait polls through the client's shared backoff, bounded by ``wait_timeout``. Each failing item becomes one
plain line with the fix (``summary``). The module's options and run() are ``_member_check_module.py``.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _members
from ansible_collections.hwcloud.elb.plugins.module_utils._members import endpoint
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._family import UUID, InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._lookup import Lookup

JOBS = '/v3/{project_id}/elb/members/check/jobs/%s'
START = '/v3/{project_id}/elb/members/%s/health-check'
LISTENERS = Lookup(kind='listener', option='listener', path='/v3/{project_id}/elb/listeners', wrapper='listener',
                   list_key='listeners', id_pattern=UUID)
# The module's subject -> the API's.
SUBJECTS = {'all': 'all', 'config': 'config', 'security_group': 'securityGroup', 'network_acl': 'networkAcl'}
GROUPS = (('config', 'configuration'), ('security_group', 'security group'), ('acl', 'network ACL'))
MAX_MEMBERS = 5               # members checked by one task (a diagnosis, too)
DIAGNOSE_TIMEOUT = 60         # seconds a diagnosis may wait for its jobs, at most
# Where health checks come from, per the user guide (a job's item names its own range).
SOURCES = "a dedicated load balancer's backend subnet; 100.125.0.0/16 for shared ones"
REFUSAL = ('api_version %s: only dedicated (v3) load balancers have the member check job; for shared (v2) and '
           'classic (v1) backends read the reason with hwcloud.elb.member_health_info and see the troubleshooting '
           'table of docs/backend-health.md.')

# The fix for each item the job names, from its reason_params when they have the expected count.
FIXES = {
    'security_group_inbound': (4, 'add an inbound rule allowing {1} {2} from {3} to the security group of {0}.'),
    'monitor_port': (2, "set the monitor's monitor_port to {1}, or leave it unset so the member's port is probed."),
    'backend_port': (2, 'start the service on {0}:{1}, or register the member with the port it serves.'),
    'url_path': (5, "set the monitor's url_path to a path the backend answers with {4}, or serve {1} on the backend."),
    'expected_codes': (6, "add {4} to the monitor's expected_codes if that answer means healthy, or make the "
                          "backend answer {5}."),
    'domain_name': (5, "set the monitor's domain_name to a name the backend serves, or clear it."),
    'protocol': (4, "set the monitor's type to the protocol the backend speaks."),
    'timeout': (4, "make the backend answer within {2} s, or raise the monitor's timeout (below its delay)."),
}
GROUP_FIXES = {
    'security_group': "allow the health check in the security group of the backend: inbound to the checked port "
                      "from the health check's source (%s)." % SOURCES,
    'acl': "allow the health check in the network ACL of the backend's subnet: inbound to the checked port from "
           "the health check's source (%s), and the answers outbound." % SOURCES,
    'config': "make the health check's settings match what the backend serves.",
}


def fix_of(group, item):
    """One plain line for a failing item: what is wrong and how to fix it."""
    reason = (item.get('reason') or item.get('name') or 'the %s check failed' % group).strip()
    count, template = FIXES.get(item.get('name'), (None, None))
    params = item.get('reason_params') or []
    fix = template.format(*params) if template and len(params) == count else GROUP_FIXES[group]
    return '%s%s Fix: %s' % (reason, '' if reason.endswith('.') else '.', fix)


def summarise(member, job):
    """The lines of one member's job: one per failing item (a failing group without items gets one too)."""
    head = endpoint(member)
    if job.get('status') == 'failed':
        return ['%s: the check job %s failed at the service; run it again.' % (head, job.get('job_id'))]
    lines = []
    for group, label in GROUPS:
        found = (job.get('result') or {}).get(group)
        if not found or found.get('check_result') is not False:
            continue
        items = [item for item in found.get('check_items') or [] if item.get('severity') != 'Tips']
        if not items:
            lines.append('%s (%s): the check failed without naming an item. Fix: %s' % (head, label, GROUP_FIXES[group]))
        lines.extend('%s (%s): %s' % (head, label, fix_of(group, item)) for item in items)
    return lines


def listener_of(client, family, member, pools, params):
    """The listener the check looks through: the option, else the first listener of the member (its status[]),
    else of its pool (``pools``: id -> pool as read, else one GET)."""
    if params.get('listener'):
        return LISTENERS.find(client, params['listener'])['id']
    for item in member.get('listeners') or []:
        if item.get('listener_id'):
            return item['listener_id']
    pool = pools.get(member.get('pool_id'))
    if pool is None and member.get('pool_id'):
        pool = family.members.pools.get(client, member['pool_id'])
    for item in (pool or {}).get('listeners') or []:
        if item.get('id'):
            return item['id']
    return None


def check_members(client, family, pools, members, params, wait_timeout):
    """Start one job per member, then poll them all until done (the shared backoff, ``wait_timeout`` seconds).
    Returns one record per member: the member's identity, ``job_id``, ``status``, ``passed``, ``results`` and
    ``summary`` (its lines)."""
    checks = []
    for member in members:
        record = dict(id=member.get('id'), name=member.get('name'), address=member.get('address'),
                      protocol_port=member.get('protocol_port'), pool_id=member.get('pool_id'),
                      pool_name=member.get('pool_name'), listener_id=listener_of(client, family, member, pools, params),
                      job_id=None, status=None, passed=None, results=None, summary=[])
        if record['listener_id'] is None:
            record['summary'] = ['%s: its pool %s is behind no listener, and the check job needs one; give listener.' % (
                endpoint(member), member.get('pool_name') or member.get('pool_id'))]
        else:
            body = {'member_check': {'listener_id': record['listener_id'], 'subject': SUBJECTS[params['subject']]}}
            started = client.request('POST', START % member['id'], body=body) or {}
            record['job_id'] = (started.get('member_check') or {}).get('job_id')
            if not record['job_id']:
                record['summary'] = ['%s: the service answered the check without a job id.' % endpoint(member)]
        checks.append(record)

    def probe():
        for record in checks:
            if record['job_id'] and record['status'] in (None, 'processing'):
                job = (client.get(JOBS % record['job_id']) or {}).get('member_check') or {}
                record['status'] = job.get('status')
                record['results'] = dict((group, (job.get('result') or {}).get(group)) for group, _label in GROUPS)
                if record['status'] != 'processing':
                    record['summary'] = summarise(record, job)
                    record['passed'] = record['status'] == 'processed' and not record['summary']
        return True if all(r['status'] not in (None, 'processing') for r in checks if r['job_id']) else None

    if client.backoff(deadline=wait_timeout, base=0.5, cap=5.0).poll(probe) is None:
        late = [r for r in checks if r['job_id'] and r['status'] in (None, 'processing')]
        for record in late:
            record['summary'] = ['%s: the check job %s was still running after %s s.' % (
                endpoint(record), record['job_id'], wait_timeout)]
    return checks


def diagnose(client, family, members, wait_timeout=DIAGNOSE_TIMEOUT):
    """The check of up to MAX_MEMBERS failing members after a failed wait: ``(checks, lines)``. Never raises for
    the check itself: a check that cannot run says so in its line (the wait's failure is what the task reports)."""
    if not family.member_api.check:
        return [], []
    try:
        checks = check_members(client, family, {}, members[:MAX_MEMBERS], dict(subject='all', listener=None),
                               min(wait_timeout, DIAGNOSE_TIMEOUT))
    except (ApiError, InputError) as err:
        return [], ['The member check could not run: %s' % err]
    lines = [line for record in checks for line in record['summary']]
    passed = [endpoint(record) for record in checks if record['passed']]
    if passed:
        lines.append('%s: every check passed (the backend may be slow or just restarted).' % ', '.join(passed))
    if len(members) > MAX_MEMBERS:
        lines.append('%d more failing member(s) not checked (at most %d are).' % (len(members) - MAX_MEMBERS,
                                                                                  MAX_MEMBERS))
    return checks, lines


def diagnosis_of(client, family, members, wait_timeout=DIAGNOSE_TIMEOUT):
    """After a failed wait on ``members`` (as last read): the check of those not serving (at most MAX_MEMBERS).
    Returns ``(text, diagnosis)``: the text to add to the failure message ('' when nothing was checked) and the
    result's ``diagnosis`` ``{checks, summary}``."""
    failing = [m for m in members if m.get('health') not in _members.SERVING_HEALTH]
    checks, lines = diagnose(client, family, failing, wait_timeout)
    text = (' Diagnosis (member check): %s' % ' '.join(lines)) if lines else ''
    return text, dict(checks=checks, summary=lines)


def diagnose_problem(family, option='diagnose'):
    """The refusal of ``diagnose`` outside v3, or None."""
    if family.member_api.check:
        return None
    return ('%s applies only to dedicated (v3) load balancers: api_version %s has no member check job. Read the '
            'reason with hwcloud.elb.member_health_info and see the troubleshooting table of '
            'docs/backend-health.md.' % (option, family.name))
