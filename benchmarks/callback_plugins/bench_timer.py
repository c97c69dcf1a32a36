# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A callback for the benchmarks only: the wall time of every task, written as JSON to $BENCH_TIMINGS."""

from __future__ import annotations

DOCUMENTATION = '''
name: bench_timer
type: aggregate
short_description: Per-task wall times for the hwcloud.elb benchmarks
description:
  - Records when each task starts and when its result arrives (after every loop item), and writes the list as
    JSON to the file named by the BENCH_TIMINGS environment variable at the end of the run.
  - With BENCH_EMULATOR set to an emulator's base URL, also clears the emulator's stats as each task starts and
    records the calls the task made when its result arrives (admin calls, which the emulator never counts).
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
'''

import json
import os
import time
import urllib.request

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = []
        self.current = None

    def _admin(self, path, post=False):
        url = os.environ.get('BENCH_EMULATOR')
        if not url:
            return None
        request = urllib.request.Request(url + '/_emulator/' + path, data=b'{}' if post else None,
                                         method='POST' if post else 'GET', headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    def _start(self, name):
        self._admin('stats/reset', post=True)
        self.current = {'name': name, 'start': time.perf_counter(), 'end': None, 'items': 0, 'changed': False,
                        'failed': False, 'requests': []}
        self.tasks.append(self.current)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task.get_name())

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task.get_name())

    def _item(self, result):
        if self.current is not None:
            self.current['items'] += 1

    v2_runner_item_on_ok = v2_runner_item_on_failed = v2_runner_item_on_skipped = _item

    def _done(self, result, failed=False):
        if self.current is not None:
            self.current['end'] = time.perf_counter()
            stats = self._admin('stats')
            if stats is not None:
                self.current['requests'] = stats['requests']
            self.current['changed'] = self.current['changed'] or bool(result._result.get('changed'))
            self.current['failed'] = self.current['failed'] or failed

    def v2_runner_on_ok(self, result):
        self._done(result)

    def v2_runner_on_skipped(self, result):
        self._done(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, failed=not ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._done(result, failed=True)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('BENCH_TIMINGS')
        if not path:
            return
        for task in self.tasks:
            task['seconds'] = None if task['end'] is None else task['end'] - task['start']
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(self.tasks, handle, indent=1)
