# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make mutation`: apply each mutation of ``mutations.py`` to a private staged copy, run the tests, count kills.

Not part of ``make test``. Every file of ``plugins/module_utils`` is covered: the list of files is read from
the source, and a file without any mutation in ``mutations.py`` is reported as uncovered (and fails
``tests/unit/mutation/test_run.py``). Each mutant runs the unit tests first (-x, a few seconds; they include
``tests/unit/plugins/module_utils/test_<file>.py``) and, only if they all pass, the in-process integration subset
``INTEGRATION`` and then the integration files relevant to the mutated file (``relevant_tests``: the files of
the plugins nearest to it in the import graph, by name, unless ``RELEVANT`` narrows or widens them by hand).

A mutant is killed only when a test fails. A run that ends otherwise - a collection or usage error, no test
collected, an error in a fixture (pytest exit codes 2 to 5, or 1 with errors but no failure) - is an ``error``,
and a run over its time a ``timeout``: both are reported apart, never as kills. A mutation whose pattern is
absent from the current source (or matches more than once) is ``stale``, never counted either: the list is keyed
on code fragments, not line numbers, so it survives edits elsewhere in a file, and a stale entry says which
entry needs re-keying after a refactor (and where its fragment went, when it now sits in another file).

  .venv/bin/python tests/mutation/run.py [--only ID[,ID...]] [--files _x.py[,...]] [--list] [--plan]
                                   [--report FILE] [--no-integration] [--integration FILE[,FILE...]] [--no-units]
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PACKAGE = 'plugins/module_utils'


def _load_mutations():
    spec = importlib.util.spec_from_file_location('mutations', os.path.join(HERE, 'mutations.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mutations = _load_mutations()

BUILD = os.path.join(ROOT, 'build', 'mutation')
COLLECTION = os.path.join(BUILD, 'ansible_collections', 'hwcloud', 'elb')
UNITS = ['tests/unit']
# Integration tests that exercise plugins/module_utils quickly (modules in-process against the emulator, about
# 30 s together): every mutant that survives the unit tests runs these before its relevant tests.
V3_TESTS = 'tests/integration/test_healthmonitor_v3.py::'
INTEGRATION = [V3_TESTS + 'test_v3_setting_fields_the_service_holds_as_null_writes_them',
               V3_TESTS + 'test_v3_expected_codes_are_sent_normalised_on_create_and_update',
               V3_TESTS + 'test_a_409_while_the_balancer_is_active_fails_at_once',
               V3_TESTS + 'test_a_409_on_an_update_while_active_fails_at_once',
               V3_TESTS + 'test_a_409_because_another_writer_created_the_monitor_converges_on_it',
               V3_TESTS + 'test_a_409_while_pending_is_retried_until_the_balancer_is_active',
               'tests/integration/test_healthmonitor_v2.py::test_v2_setting_fields_the_service_holds_as_null_writes_them',
               'tests/integration/test_option_errors.py', 'tests/integration/test_seed_conformance.py',
               'tests/integration/test_properties.py']
RELIABILITY = 'tests/integration/test_reliability.py::'
POOL = 'tests/integration/test_pool_monitors.py'  # the tests v3 and v2 share, once per family
AUTH = [POOL + '::test_each_authentication_method[v3-aksk]', POOL + '::test_each_authentication_method[v3-password]',
        POOL + '::test_each_authentication_method[v3-token]', RELIABILITY + 'test_wrong_keys',
        RELIABILITY + 'test_wrong_password', RELIABILITY + 'test_expired_token',
        RELIABILITY + 'test_a_project_the_user_may_not_use']
# By hand, where the files nearest in the import graph are too many (a file every module imports) or miss the
# test that matters (the fault-injection tests of test_reliability.py). Other files: relevant_tests() derives them.
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
    '_fields.py': [POOL, 'tests/integration/test_healthmonitor_v3.py', 'tests/integration/test_healthcheck_v1.py',
                   'tests/integration/test_healthmonitor_info.py', 'tests/integration/test_roles.py'],
    '_family_v3.py': [POOL, 'tests/integration/test_healthmonitor_v3.py'],
    '_checks.py': [POOL, 'tests/integration/test_healthmonitor_v3.py', 'tests/integration/test_healthcheck_v1.py'],
    '_backoff.py': [RELIABILITY + 'test_transient_faults_are_retried', RELIABILITY + 'test_throttling_by_rate_limit',
                    RELIABILITY + 'test_a_lost_create_answer_leaves_exactly_one_monitor',
                    RELIABILITY + 'test_a_create_that_keeps_failing_is_bounded_and_creates_nothing',
                    RELIABILITY + 'test_a_service_that_keeps_failing_ends_the_task_with_status_code_and_request_id',
                    POOL + '::test_waits_through_a_pending_balancer',
                    'tests/integration/test_member_health.py'],
    '_members.py': ['tests/integration/test_member_health.py', 'tests/integration/test_members_inventory.py'],
    '_signer.py': AUTH + ['tests/integration/test_healthmonitor_info.py::test_v3_filters_go_to_the_server'],
    '_auth.py': AUTH,
    '_connection.py': ['tests/integration/test_secret_options.py'],
    '_errors.py': [RELIABILITY + 'test_a_service_that_keeps_failing_ends_the_task_with_status_code_and_request_id'],
    '_family_v2.py': [POOL, 'tests/integration/test_healthmonitor_v2.py'],
    '_family_v1.py': ['tests/integration/test_healthcheck_v1.py', 'tests/integration/test_healthmonitor_info.py'],
}
# The roles' integration tests, for a role without a test_<role>.py of its own (http_monitor, tcp_monitor).
ROLES_TESTS = 'tests/integration/test_roles.py'
UNIT_TIMEOUT = 120
INTEGRATION_TIMEOUT = 900
OUTCOMES = ('killed', 'survived', 'stale', 'error', 'timeout')


# -- what is covered, and by which tests ------------------------------------------------------------------------

def module_utils_files(root=ROOT):
    """Every file of plugins/module_utils (but the package's empty __init__.py), as named in mutations.py."""
    return sorted(name for name in map(os.path.basename, glob.glob(os.path.join(root, PACKAGE, '_*.py'))) if name != '__init__.py')


def uncovered(mutation_list, root=ROOT):
    """The module_utils files that no mutation targets."""
    covered = set(mutation.file for mutation in mutation_list)
    return [name for name in module_utils_files(root) if name not in covered]


_IMPORT = re.compile(r'^from ansible_collections\.hwcloud\.elb\.plugins\.module_utils(?:\.(_\w+) import| import ([\w, ()]+))',
                     re.MULTILINE)


def _imports(path):
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    names = set()
    for one, several in _IMPORT.findall(text):
        names.update([one] if one else re.findall(r'_\w+', several))
    return set(name + '.py' for name in names)


def _plugins(root):
    """(kind, name, path) of every plugin that may import module_utils: modules, inventory, filters, ..."""
    for path in sorted(glob.glob(os.path.join(root, 'plugins', '*', '*.py'))):
        kind, name = os.path.basename(os.path.dirname(path)), os.path.basename(path)[:-3]
        if kind not in ('module_utils', 'doc_fragments') and name != '__init__':
            yield kind, name, path


def nearest_plugins(name, root=ROOT):
    """The plugins nearest to module_utils file ``name`` in the import graph: those importing it directly, else
    those importing the nearest module_utils files that import it, and so on."""
    importers = dict((other, _imports(os.path.join(root, PACKAGE, other))) for other in module_utils_files(root))
    plugins = [(kind, plugin, _imports(path)) for kind, plugin, path in _plugins(root)]
    level, seen = {name}, {name}
    while level:
        found = [(kind, plugin) for kind, plugin, imported in plugins if imported & level]
        if found:
            return found
        level = set(other for other, imported in importers.items() if imported & level) - seen
        seen |= level
    return []


def plugin_tests(kind, name, root=ROOT):
    """The integration test files of one plugin, by name, and those of the roles whose tasks use it (the roles
    call modules with their defaults, which is what playbooks get)."""
    base = re.sub(r'_(info|facts)$', '', name)  # healthmonitor_facts: test_healthmonitor_info.py; member_health_*
    stems = [name, '%s_%s' % (name, kind), base + '_info', base]
    found = [os.path.join('tests', 'integration', 'test_%s.py' % stem) for stem in stems]
    for role in sorted(glob.glob(os.path.join(root, 'roles', '*'))):
        tasks = ''.join(_read(path) for path in glob.glob(os.path.join(role, 'tasks', '*.yml')))
        if re.search(r'\bhwcloud\.elb\.%s\b' % name, tasks):
            own = os.path.join('tests', 'integration', 'test_%s.py' % os.path.basename(role))
            found.append(own if os.path.exists(os.path.join(root, own)) else ROLES_TESTS)
    return [path for path in dict.fromkeys(found) if os.path.exists(os.path.join(root, path))]


def relevant_tests(name, root=ROOT):
    """The integration tests run for a mutant of module_utils file ``name`` after ``INTEGRATION``."""
    if name in RELEVANT:
        return list(RELEVANT[name])
    own = os.path.join('tests', 'integration', 'test_%s.py' % name[1:-3])
    found = [own] if os.path.exists(os.path.join(root, own)) else []
    for kind, plugin in nearest_plugins(name, root):
        found.extend(plugin_tests(kind, plugin, root))
    return list(dict.fromkeys(found))


# -- running -----------------------------------------------------------------------------------------------------

def stage():
    subprocess.run([sys.executable, os.path.join(ROOT, 'tests', 'utils', 'stage_collection.py'), BUILD],
                   check=True, capture_output=True)


def outcome_of(returncode, summary):
    """What one pytest run says of a mutant: 'pass', 'fail' (a test failed: a kill) or 'error' (it could not
    tell: exit 2 interrupted or collection error, 3 internal error, 4 usage error, 5 no tests collected, or 1
    with errors in fixtures but no failed test)."""
    if returncode == 0:
        return 'pass'
    if returncode == 1 and re.search(r'\b\d+ failed\b', summary):
        return 'fail'
    return 'error'


def pytest(paths, timeout):
    """Run pytest on ``paths`` in the staged copy: 'pass', 'fail', 'error' or 'timeout', and the last line."""
    # The venv's commands (ansible-doc, ansible-playbook) on PATH also when run.py is run directly.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')])
    env = dict(os.environ, PYTHONPATH=os.path.join(BUILD), ANSIBLE_COLLECTIONS_PATH=BUILD,
               PYTHONDONTWRITEBYTECODE='1', PATH=path)
    command = [sys.executable, '-m', 'pytest', '-x', '-q', '-p', 'no:cacheprovider', '-W', 'ignore'] + paths
    try:
        done = subprocess.run(command, cwd=COLLECTION, env=env, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return 'timeout', 'over %d s' % timeout
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    counted = [line for line in lines if re.search(r'\b(passed|failed|error|errors|no tests ran)\b', line)]
    summary = (counted or lines or [''])[-1]
    return outcome_of(done.returncode, summary), 'exit %d: %s' % (done.returncode, summary.strip())


def _path(file):
    return os.path.join(COLLECTION, PACKAGE, file)


def _read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def moved_to(mutation):
    """The other module_utils file that now holds the mutation's fragment exactly once, or None."""
    for name in module_utils_files(COLLECTION):
        if name != mutation.file and _read(_path(name)).count(mutation.find) == 1:
            return name
    return None


def apply(mutation):
    """Apply one mutation to the staged file; return the original text, or None and why it is stale."""
    if not os.path.exists(_path(mutation.file)):
        original, count = '', 0
        reason = 'file %s is gone' % mutation.file
    else:
        original = _read(_path(mutation.file))
        count = original.count(mutation.find)
        reason = 'pattern %s in %s' % ('absent' if count == 0 else 'found %d times' % count, mutation.file)
    if count != 1:
        elsewhere = moved_to(mutation)
        return None, reason + ('; it is now in %s: re-key it' % elsewhere if elsewhere else '')
    with open(_path(mutation.file), 'w', encoding='utf-8') as handle:
        handle.write(original.replace(mutation.find, mutation.replace))
    return original, None


def restore(mutation, original):
    with open(_path(mutation.file), 'w', encoding='utf-8') as handle:
        handle.write(original)


def run_one(mutation, integration=True, units=True):
    """(outcome, detail): killed when a run fails; error or timeout when one cannot tell; else survived."""
    original, stale = apply(mutation)
    if stale:
        return 'stale', stale
    try:
        runs = ([('unit tests', UNITS, UNIT_TIMEOUT)] if units else []) + (
            [('integration', paths, INTEGRATION_TIMEOUT) for paths in (INTEGRATION, relevant_tests(mutation.file)) if paths]
            if integration else [])
        for label, paths, timeout in runs:
            outcome, detail = pytest(paths, timeout)
            if outcome != 'pass':
                return {'fail': 'killed'}.get(outcome, outcome), '%s: %s' % (label, detail)
        return 'survived', 'unit tests pass' + (' and integration tests pass' if integration else ' (integration not run)')
    finally:
        restore(mutation, original)


# -- the report --------------------------------------------------------------------------------------------------

def report(results, elapsed, missing):
    lines = ['| file | mutants | killed | survived | stale | error | timeout | score |',
             '|---|---|---|---|---|---|---|---|']
    by_file = {}
    for mutation, outcome, _detail in results:
        by_file.setdefault(mutation.file, []).append(outcome)
    totals = dict((outcome, 0) for outcome in OUTCOMES)
    for name in sorted(by_file):
        counts = dict((outcome, by_file[name].count(outcome)) for outcome in OUTCOMES)
        for outcome in OUTCOMES:
            totals[outcome] += counts[outcome]
        lines.append('| %s | %d | %s | %s |' % (name, len(by_file[name]), ' | '.join(str(counts[o]) for o in OUTCOMES),
                                                _score(counts, '%d %%')))
    lines.append('| **all** | %d | %s | %s |' % (len(results), ' | '.join(str(totals[o]) for o in OUTCOMES),
                                                 _score(totals, '%.1f %%')))
    lines += ['', 'Uncovered (no mutation in tests/mutation/mutations.py): %s' % (', '.join(missing) or 'none')]
    lines += ['', 'Survivors, stale entries, errors and timeouts:', '']
    for mutation, outcome, detail in results:
        if outcome != 'killed':
            lines.append('- `%s` (%s) %s: %s - %s' % (mutation.ident, mutation.file, outcome, mutation.describe(), detail))
    lines += ['', 'Elapsed: %.0f s' % elapsed]
    return '\n'.join(lines)


def _score(counts, form):
    """Killed among the mutants the tests could judge (killed + survived); stale, error, timeout left out."""
    judged = counts['killed'] + counts['survived']
    return form % (100.0 * counts['killed'] / judged) if judged else '-'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--only', help='comma-separated mutation ids')
    parser.add_argument('--files', help='comma-separated module_utils files (_fields.py,...): their mutations only')
    parser.add_argument('--list', action='store_true', help='list the mutations and exit')
    parser.add_argument('--plan', action='store_true', help='per file: mutations and the tests run for them; exit')
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
    if args.files:
        files = set(args.files.split(','))
        unknown = files - set(module_utils_files())
        if unknown:
            parser.error('not files of %s: %s' % (PACKAGE, ', '.join(sorted(unknown))))
        selected = [m for m in selected if m.file in files]
    missing = uncovered(mutations.MUTATIONS)
    if args.list:
        for mutation in selected:
            print('%-28s %-20s %s' % (mutation.ident, mutation.file, mutation.describe()))
        return 0
    if args.plan:
        for name in module_utils_files():
            count = sum(1 for m in mutations.MUTATIONS if m.file == name)
            print('%-24s %3d mutations  %s' % (name, count, ' '.join(relevant_tests(name)) or '(no integration tests)'))
        for name in sorted(set(RELEVANT) - set(module_utils_files())):
            print('warning: RELEVANT names %s, which is not a file of %s' % (name, PACKAGE), file=sys.stderr)
        return 0
    if missing:
        print('warning: no mutation covers %s; add some to tests/mutation/mutations.py' % ', '.join(missing),
              file=sys.stderr)
    if args.integration:
        INTEGRATION[:] = args.integration.split(',')
        RELEVANT.clear()
        RELEVANT.update((name, []) for name in module_utils_files())
    started = time.time()
    stage()
    relevant = sorted(set(path for name in set(m.file for m in selected) for path in relevant_tests(name)))
    baseline = ([] if args.no_units else UNITS) + ([] if args.no_integration else INTEGRATION + relevant)
    outcome, detail = pytest(baseline, INTEGRATION_TIMEOUT)
    if outcome != 'pass':
        print('the tests do not pass without any mutation (%s, %s); fix that first' % (outcome, detail), file=sys.stderr)
        return 2
    results = []
    for number, mutation in enumerate(selected, 1):
        outcome, detail = run_one(mutation, integration=not args.no_integration, units=not args.no_units)
        results.append((mutation, outcome, detail))
        print('[%3d/%d] %-8s %-28s %s' % (number, len(selected), outcome if outcome == 'killed' else outcome.upper(),
                                          mutation.ident, detail), flush=True)
        if outcome == 'stale':
            print('  warning: %s no longer applies (%s); update tests/mutation/mutations.py' % (mutation.ident, detail),
                  file=sys.stderr)
    summary = report(results, time.time() - started, missing)
    os.makedirs(os.path.dirname(os.path.abspath(args.report)), exist_ok=True)
    with open(args.report, 'w', encoding='utf-8') as handle:
        handle.write(summary + '\n')
    print('\n' + summary)
    print('\n(written to %s)' % args.report)
    return 0


if __name__ == '__main__':
    sys.exit(main())
