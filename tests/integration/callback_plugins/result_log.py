# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: writes every task result as a JSON line to $RESULT_LOG for the pytest harness."""

from __future__ import annotations

DOCUMENTATION = r'''
name: result_log
type: aggregate
short_description: Write each task result as a JSON line to the file named by RESULT_LOG
description:
  - Used by the integration tests of hwcloud.elb only.
'''

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'result_log'
    CALLBACK_NEEDS_ENABLED = True

    def _log(self, result, status):
        payload = getattr(result, 'result', None)
        if not isinstance(payload, dict):
            payload = result._result  # pylint: disable=protected-access
        record = {'task': result.task_name, 'host': result._host.get_name(),  # pylint: disable=protected-access
                  'status': status, 'result': payload}
        with open(os.environ['RESULT_LOG'], 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(record, default=str) + '\n')

    def v2_runner_on_ok(self, result, **kwargs):
        self._log(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False, **kwargs):
        self._log(result, 'failed')

    def v2_runner_on_skipped(self, result, **kwargs):
        self._log(result, 'skipped')
