# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make mutation`: apply each mutation of ``mutations.py`` to a private staged copy, run the tests, count kills.

Not part of ``make test``. Each mutant runs the unit tests first (-x, about 2 s) and, only if they all pass, the
integration subset: ``INTEGRATION`` (in-process module runs against the emulator) and then the playbook tests
``RELEVANT`` to the mutated file; a mutant is killed when a run fails or times out. A mutation whose pattern is absent from the current source (or matches
more than once) is skipped with a warning, never counted: the list is keyed on code patterns, not line numbers,
so it survives edits elsewhere in a file, and a skip says exactly which entry needs updating after a refactor.

  .venv/bin/python tests/mutation/run.py [--only ID[,ID...]] [--list] [--report FILE] [--no-integration]
                                   [--integration FILE[,FILE...]] [--no-units]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _load_mutations():
    spec = importlib.util.spec_from_file_location('mutations', os.path.join(HERE, 'mutations.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mutations = _load_mutations()

BUILD = os.path.join(ROOT, 'build', 'mutation')
COLLECTION = os.path.join(BUILD, 'ansible_collections', 'hwcloud', 'elb')
UNITS = ['tests/unit']
# The integration tests that exercise plugins/module_utils quickly: modules run in-process against the emulator
# (about 30 s together). A mutant that survives the unit tests runs these, then the playbook tests relevant to
# the file it lives in (RELEVANT); a mutant is killed as soon as one run fails.
INTEGRATION = ['tests/integration/test_mutation_holes.py', 'tests/integration/test_option_errors.py',
               'tests/integration/test_seed_conformance.py', 'tests/integration/test_properties.py']
RELIABILITY = 'tests/integration/test_reliability.py::'
POOL = 'tests/integration/test_pool_monitors.py'  # the tests v3 and v2 share, once per family
AUTH = [POOL + '::test_each_authentication_method[v3-aksk]', POOL + '::test_each_authentication_method[v3-password]',
        POOL + '::test_each_authentication_method[v3-token]', RELIABILITY + 'test_wrong_keys',
        RELIABILITY + 'test_wrong_password', RELIABILITY + 'test_expired_token',
        RELIABILITY + 'test_a_project_the_user_may_not_use']
RELEVANT = {
    '_client.py': [RELIABILITY + 'test_transient_faults_are_retried', RELIABILITY + 'test_throttling_by_rate_limit',
                   RELIABILITY + 'test_a_lost_create_answer_leaves_exactly_one_monitor',
                   RELIABILITY + 'test_a_create_dropped_before_it_applied_is_made_once',
                   RELIABILITY + 'test_a_service_that_keeps_failing_ends_the_task_with_status_code_and_request_id',
                   RELIABILITY + 'test_a_create_that_keeps_failing_is_bounded_and_creates_nothing',
                   'tests/integration/test_healthmonitor_info.py::test_thousands_of_v3_monitors_across_pages',
                   'tests/integration/test_healthmonitor_info.py::test_v2_query_and_filters'] + AUTH,
    '_engine.py': [RELIABILITY + 'test_a_lost_create_answer_leaves_exactly_one_monitor',
                   RELIABILITY + 'test_a_create_dropped_before_it_applied_is_made_once',
                   RELIABILITY + 'test_lost_update_and_delete_answers_converge',
                   RELIABILITY + 'test_a_create_that_keeps_failing_is_bounded_and_creates_nothing',
                   POOL, 'tests/integration/test_healthmonitor_v3.py', 'tests/integration/test_healthcheck_v1.py'],
    # The declarations the engine runs (lookups, desired values, checks) and the shared retry/poll policy.
    '_family.py': [POOL, 'tests/integration/test_healthmonitor_v3.py', 'tests/integration/test_healthcheck_v1.py',
                   'tests/integration/test_healthmonitor_info.py'],
    '_family_v3.py': [POOL, 'tests/integration/test_healthmonitor_v3.py'],
    '_checks.py': [POOL, 'tests/integration/test_healthmonitor_v3.py', 'tests/integration/test_healthcheck_v1.py'],
    '_backoff.py': [RELIABILITY + 'test_transient_faults_are_retried', RELIABILITY + 'test_throttling_by_rate_limit',
                    RELIABILITY + 'test_a_lost_create_answer_leaves_exactly_one_monitor',
                    RELIABILITY + 'test_a_create_that_keeps_failing_is_bounded_and_creates_nothing',
                    RELIABILITY + 'test_a_service_that_keeps_failing_ends_the_task_with_status_code_and_request_id',
                    POOL + '::test_waits_through_a_pending_balancer',
                    'tests/integration/test_member_health.py'],
    '_members.py': ['tests/integration/test_member_health.py', 'tests/integration/test_members_inventory.py'],
    '_member_health.py': ['tests/integration/test_member_health.py'],
    '_signer.py': AUTH + ['tests/integration/test_healthmonitor_info.py::test_v3_filters_go_to_the_server'],
    '_auth.py': AUTH,
    '_connection.py': ['tests/integration/test_secret_options.py'],
    '_query.py': ['tests/integration/test_healthmonitor_info.py'],
    '_family_v1.py': ['tests/integration/test_healthcheck_v1.py', 'tests/integration/test_healthmonitor_info.py'],
    '_family_v2.py': [POOL, 'tests/integration/test_healthmonitor_v2.py'],
}
UNIT_TIMEOUT = 120
INTEGRATION_TIMEOUT = 900


def stage():
    subprocess.run([sys.executable, os.path.join(ROOT, 'tests', 'utils', 'stage_collection.py'), BUILD],
                   check=True, capture_output=True)


def pytest(paths, timeout):
    """Run pytest on ``paths`` in the staged copy; 'pass', 'fail' or 'timeout' and the last lines."""
    env = dict(os.environ, PYTHONPATH=os.path.join(BUILD), ANSIBLE_COLLECTIONS_PATH=BUILD,
               PYTHONDONTWRITEBYTECODE='1')
    command = [sys.executable, '-m', 'pytest', '-x', '-q', '-p', 'no:cacheprovider', '-W', 'ignore'] + paths
    try:
        done = subprocess.run(command, cwd=COLLECTION, env=env, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return 'timeout', ''
    tail = [line for line in done.stdout.splitlines() if line.strip()][-1:] or ['']
    return ('pass' if done.returncode == 0 else 'fail'), tail[0]


def apply(mutation):
    """Apply one mutation to the staged file; return the original text, or None (with the reason) to skip."""
    path = os.path.join(COLLECTION, 'plugins', 'module_utils', mutation.file)
    if not os.path.exists(path):
        return None, 'file %s is gone' % mutation.file
    with open(path, encoding='utf-8') as handle:
        original = handle.read()
    count = original.count(mutation.find)
    if count != 1:
        return None, 'pattern %s in %s' % ('absent' if count == 0 else 'found %d times' % count, mutation.file)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(original.replace(mutation.find, mutation.replace))
    return original, None


def restore(mutation, original):
    with open(os.path.join(COLLECTION, 'plugins', 'module_utils', mutation.file), 'w', encoding='utf-8') as handle:
        handle.write(original)


def run_one(mutation, integration=True, units=True):
    original, skipped = apply(mutation)
    if skipped:
        return 'skipped', skipped
    try:
        outcome, tail = pytest(UNITS, UNIT_TIMEOUT) if units else ('pass', '')
        if outcome != 'pass':
            return 'killed', 'unit tests: %s %s' % (outcome, tail)
        if not integration:
            return 'survived', 'unit tests pass (integration not run)'
        for paths in (INTEGRATION, RELEVANT.get(mutation.file)):
            if paths:
                outcome, tail = pytest(paths, INTEGRATION_TIMEOUT)
                if outcome != 'pass':
                    return 'killed', 'integration: %s %s' % (outcome, tail)
        return 'survived', 'unit and integration tests pass'
    finally:
        restore(mutation, original)


def report(results, elapsed):
    lines = ['| file | mutants | killed | survived | skipped | score |', '|---|---|---|---|---|---|']
    by_file = {}
    for mutation, outcome, _detail in results:
        by_file.setdefault(mutation.file, []).append(outcome)
    total_killed = total_counted = 0
    for name in sorted(by_file):
        outcomes = by_file[name]
        killed, survived = outcomes.count('killed'), outcomes.count('survived')
        total_killed += killed
        total_counted += killed + survived
        score = '%d %%' % round(100.0 * killed / (killed + survived)) if killed + survived else '-'
        lines.append('| %s | %d | %d | %d | %d | %s |' % (name, len(outcomes), killed, survived,
                                                          outcomes.count('skipped'), score))
    score = '%.1f %%' % (100.0 * total_killed / total_counted) if total_counted else '-'
    lines.append('| **all** | %d | %d | %d | %d | %s |' % (
        len(results), total_killed, total_counted - total_killed,
        sum(1 for r in results if r[1] == 'skipped'), score))
    lines += ['', 'Survivors and skips:', '']
    for mutation, outcome, detail in results:
        if outcome != 'killed':
            lines.append('- `%s` (%s) %s: %s — %s' % (
                mutation.ident, mutation.file, outcome, mutation.describe(), detail))
    lines += ['', 'Elapsed: %.0f s' % elapsed]
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--only', help='comma-separated mutation ids')
    parser.add_argument('--list', action='store_true', help='list the mutations and exit')
    parser.add_argument('--no-integration', action='store_true', help='unit tests only (quick look)')
    parser.add_argument('--integration', help='comma-separated test files instead of the usual subset')
    parser.add_argument('--no-units', action='store_true', help='skip the unit tests (does a given test kill it?)')
    parser.add_argument('--report', default=os.path.join(BUILD, 'report.md'), help='where to write the summary')
    args = parser.parse_args()
    selected = mutations.MUTATIONS
    if args.only:
        wanted = set(args.only.split(','))
        unknown = wanted - set(m.ident for m in selected)
        if unknown:
            parser.error('unknown mutation ids: %s' % ', '.join(sorted(unknown)))
        selected = [m for m in selected if m.ident in wanted]
    if args.list:
        for mutation in selected:
            print('%-28s %-14s %s' % (mutation.ident, mutation.file, mutation.describe()))
        return 0
    if args.integration:
        INTEGRATION[:] = args.integration.split(',')
        RELEVANT.clear()
    started = time.time()
    stage()
    relevant = sorted(set(path for paths in RELEVANT.values() for path in paths))
    baseline = ([] if args.no_units else UNITS) + ([] if args.no_integration else INTEGRATION + relevant)
    outcome, tail = pytest(baseline, INTEGRATION_TIMEOUT)
    if outcome != 'pass':
        print('the tests fail without any mutation (%s: %s); fix that first' % (outcome, tail), file=sys.stderr)
        return 2
    results = []
    for number, mutation in enumerate(selected, 1):
        outcome, detail = run_one(mutation, integration=not args.no_integration, units=not args.no_units)
        results.append((mutation, outcome, detail))
        flag = {'killed': 'killed  ', 'survived': 'SURVIVED', 'skipped': 'SKIPPED '}[outcome]
        print('[%3d/%d] %s %-28s %s' % (number, len(selected), flag, mutation.ident, detail), flush=True)
        if outcome == 'skipped':
            print('  warning: %s no longer applies (%s); update tests/mutation/mutations.py'
                  % (mutation.ident, detail), file=sys.stderr)
    summary = report(results, time.time() - started)
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, 'w', encoding='utf-8') as handle:
        handle.write(summary + '\n')
    print('\n' + summary)
    print('\n(written to %s)' % args.report)
    return 0


if __name__ == '__main__':
    sys.exit(main())
