# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The member module's work on a classic (v1) load balancer: a listener's backend ECS, added or removed through
the classic job API (api-notes §9, ★ unverified), each job waited for. Classic backends have no weight and no
admin state, so there is no drain. The options, their checks and run() are ``_member_module.py``."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._engine import POLL_BASE, POLL_CAP
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError, FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentNotFound
from ansible_collections.hwcloud.elb.plugins.module_utils._member_pool import ABSENT, HEALTHY, PRESENT
from ansible_collections.hwcloud.elb.plugins.module_utils._member_selection import resolve
from ansible_collections.hwcloud.elb.plugins.module_utils._member_task import (
    MemberTask, TaskFailed, address_key, member_text, shortfall_text, shortfalls)
from ansible_collections.hwcloud.elb.plugins.module_utils._member_wait import WaitFailed

CLASSIC_JOBS = '/v1.0/{project_id}/jobs/%s'
JOB_SUCCESS, JOB_FAILED = 'SUCCESS', ('FAIL', 'FAILED', 'ERROR')  # ★ the failed statuses' spelling
CLASSIC_VIEW_KEYS = ('id', 'address', 'protocol_port', 'server_id', 'listener_id', 'listener_name', 'loadbalancer_id')


class ClassicMember(MemberTask):
    """One classic (v1) task: a listener's backend ECS by address - added (``server_id`` and ``address``) or
    removed, each through a job that is waited for; no weights, so no drain. A lost add answer (or a 409) is
    answered by reading the listener's backends again before a second add."""

    WRITTEN = 'The classic backend'

    def __init__(self, family, client, params, **modes):
        super().__init__(family, client, params, **modes)
        self.wrote = False
        self.scope = self.listener = None  # resolved by run()

    def path(self, suffix=''):
        return self.family.members.members.format(listener_id=self.listener['id'], project_id='{project_id}') + suffix

    def held(self):
        """The listener's backend at the task's address (one list call), or None."""
        wanted = address_key(self.params['address'])
        return next((m for m in self.scope.read(self.client) if address_key(m.get('address')) == wanted), None)

    @staticmethod
    def view(member):
        shown = dict((key, member.get(key)) for key in CLASSIC_VIEW_KEYS)
        shown['server_id'] = member.get('instance_id', member.get('server_id'))
        return shown

    def run(self):
        params = self.params
        try:
            self.scope = resolve(self.client, self.family, dict(
                loadbalancer=params.get('loadbalancer'), listener=params['listener']))
        except ParentNotFound as err:
            if params['state'] != ABSENT:
                raise
            self.warn('%s Nothing to delete.' % err)
            return dict(changed=False, members=[])
        (self.listener,) = self.scope.parents.values()
        everyone = self.scope.read(self.client)
        wanted = address_key(params['address'])
        current = next((m for m in everyone if address_key(m.get('address')) == wanted), None)
        old = self.view(current) if current else {}
        if params['state'] == PRESENT and current and old['server_id'] != params['server_id']:
            raise InputError('Listener %s already has backend %s, for server %s, not %s: a classic backend cannot be '
                             'changed - remove it (state: absent) and add it again. Nothing was written.' % (
                                 self.listener.get('name') or self.listener['id'], params['address'],
                                 old['server_id'], params['server_id']))
        if params['state'] == PRESENT:
            new = old or dict(id=None, address=params['address'], protocol_port=self.listener.get('backend_port'),
                              server_id=params['server_id'], listener_id=self.listener['id'],
                              listener_name=self.listener.get('name'),
                              loadbalancer_id=self.listener.get('loadbalancer_id'))
        else:
            new = {}
        entry = dict(new or dict(old, id=old.get('id')), address=params['address'], present=bool(new), weight=None,
                     weight_before=None)
        result = dict(changed=new != old, members=[entry])
        if self.diff_mode:
            result['diff'] = dict(before=dict(members=[old]), after=dict(members=[new]))
        if params['state'] == ABSENT and current and self.minimum is not None:
            self.refuse_below_minimum(everyone, current, result)
        if self.check_mode or not result['changed']:
            if not self.check_mode and params['state'] == PRESENT:
                self.wait_health(result)
            return result
        try:
            if params['state'] == PRESENT:
                self.add()
            else:
                self.remove(current)
            self.writes.wait_active(self.listener, result)
            if params['state'] == PRESENT:
                made = self.held()
                entry['id'] = (made or {}).get('id')
        except (ApiError, FailedAfterWrite) as err:
            self.fail_after_write(err, result)
        if params['state'] == PRESENT:
            self.wait_health(result)
        return result

    def refuse_below_minimum(self, everyone, current, result):
        """min_healthy: classic backends all serve (no weight), one listener is the 'pool' counted."""
        counted = [dict(m, weight=1, pool_id=m['listener_id'], pool_name='of listener %s' % (
            m.get('listener_name') or m['listener_id'])) for m in everyone]
        leaving = [dict(current, weight=1)]
        short = shortfalls(counted, leaving, self.minimum, [self.listener['id']])
        if short:
            raise TaskFailed('Refusing to remove %s: %s. Add other backends first, or lower min_healthy. Nothing was '
                             'written.' % (member_text(leaving), shortfall_text(short, self.params['min_healthy'])),
                             dict(result, changed=False, members=[dict(m, present=True) for m in result['members']]))

    def add(self):
        """POST the backend, wait for its job. A lost answer (or a 409: another writer) is looked for before the
        add is sent again."""
        body = [dict(server_id=self.params['server_id'], address=self.params['address'])]
        retry = self.client.backoff(budget=self.retries)
        while True:
            try:
                answer = self.writes.write('POST', self.path(), body, self.listener)
                self.wrote = True
                self.wait_job(answer)
                return
            except ApiError as err:
                if not (err.applied_unknown or err.status == 409):
                    raise
                self.wrote = self.wrote or err.applied_unknown
                if self.held():
                    return
                if not err.applied_unknown or retry.exhausted():
                    raise
                retry.pause()

    def remove(self, member):
        """removeMember, sent again after a lost answer: a second one finds the backend gone (404), as wanted."""
        try:
            answer = self.writes.write('POST', self.path('/action'), {'removeMember': [{'id': member['id']}]},
                                       self.listener, repeatable=True)
        except ApiError as err:
            if err.status != 404:  # already gone is what we wanted
                raise
            return
        self.wrote = True
        self.wait_job(answer)

    def wait_job(self, answer):
        """Poll the job a classic write answered until it ends (the shared backoff, at most wait_timeout)."""
        job_id = (answer or {}).get('job_id') if isinstance(answer, dict) else None
        if not (job_id and self.params['wait']):
            return

        def ended():
            job = self.client.get(CLASSIC_JOBS % job_id) or {}
            status = str(job.get('status') or '').upper()
            return job if status == JOB_SUCCESS or status in JOB_FAILED else None

        job = self.client.backoff(deadline=self.params['wait_timeout'], base=POLL_BASE, cap=POLL_CAP).poll(ended)
        if job is None:
            raise FailedAfterWrite('The classic backend was written, but its job %s did not end within wait_timeout '
                                   '(%s s; raise it, or set wait: false)' % (job_id, self.params['wait_timeout']), {})
        if str(job.get('status')).upper() != JOB_SUCCESS:
            raise FailedAfterWrite('The classic backend job %s ended %s (%s: %s)' % (
                job_id, job.get('status'), job.get('error_code'), job.get('fail_reason')), {})

    def fail_after_write(self, err, result):
        try:
            now = self.held()
            holds = 'listener %s holds %s' % (self.listener.get('name') or self.listener['id'], 'backend %s (server %s)' % (
                now.get('address'), now.get('instance_id')) if now else 'no backend at %s' % self.params['address'])
            result['members'][0].update(self.view(now) if now else {}, present=now is not None)
        except ApiError:
            holds = 'reading the backends back failed too'
        result['changed'] = self.wrote
        if self.wrote:
            head = str(err).rstrip('.') if isinstance(err, FailedAfterWrite) else \
                'The classic backend was written, but then: %s' % err
            raise TaskFailed('%s. Now %s.' % (head, holds), result)
        raise TaskFailed('%s. Nothing was written; %s.' % (err, holds), result)

    def wait_health(self, result):
        """With wait and wait_for: healthy, the member-health wait on the backend (healthy, or unmonitored when
        the listener has no health check)."""
        entry = result['members'][0]
        if not (self.params['wait'] and self.params['wait_for'] == HEALTHY and entry.get('id')):
            return
        try:
            self.wait_own_health(self.scope, [entry['id']], result)
        except WaitFailed as err:
            raise TaskFailed(('The classic backend was written, but the wait failed: %s' % err) if result['changed'] else str(err),
                             result)
