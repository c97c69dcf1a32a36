# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classic (v1) backends: the job a write answers is waited for, and how it ended decides the task."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._errors import FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._member_classic import ClassicMember

from .fake_client import FakeClient


class JobClient(FakeClient):
    """Answers the job's status: RUNNING first, then ``final``."""

    def __init__(self, final):
        super().__init__()
        self.statuses = ['RUNNING', final]
        self.paths = []

    def get(self, path):
        self.paths.append(path)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return dict(status=status, error_code='ELB.1001' if status == 'FAILED' else None, fail_reason='no ECS')


def waited(final, wait=True):
    client = JobClient(final)
    task = ClassicMember(FAMILIES['v1'], client, dict(wait=wait, wait_timeout=60))
    task.wait_job(dict(job_id='job-1'))
    return client


def test_a_successful_job_ends_the_wait():
    assert waited('SUCCESS').paths == ['/v1.0/{project_id}/jobs/job-1'] * 2


def test_a_failed_job_fails_the_task_after_the_write():
    """Kills classic-job-failed: a job that ended FAILED must not count as done."""
    with pytest.raises(FailedAfterWrite, match='job job-1 ended FAILED \\(ELB.1001: no ECS\\)'):
        waited('FAILED')


def test_without_wait_the_job_is_not_read():
    assert waited('FAILED', wait=False).paths == []
