# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mutation runner (tests/mutation/run.py): every module_utils file has mutations and integration tests, and
only a failing test counts as a kill."""

from __future__ import annotations

import importlib.util
import os

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def _runner():
    spec = importlib.util.spec_from_file_location('mutation_run', os.path.join(ROOT, 'tests', 'mutation', 'run.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUN = _runner()


def test_every_module_utils_file_has_mutations():
    files = RUN.module_utils_files(ROOT)
    assert '_fields.py' in files and '__init__.py' not in files
    assert RUN.uncovered(RUN.mutations.MUTATIONS, ROOT) == [], 'add mutations for them to tests/mutation/mutations.py'


def test_a_file_without_mutations_is_reported_uncovered(tmp_path):
    package = tmp_path / 'plugins' / 'module_utils'
    package.mkdir(parents=True)
    for name in ('__init__.py', '_fields.py', '_new.py'):
        (package / name).write_text('')
    assert RUN.uncovered(RUN.mutations.MUTATIONS, str(tmp_path)) == ['_new.py']


def test_every_module_utils_file_has_integration_tests_that_exist():
    for name in RUN.module_utils_files(ROOT):
        tests = RUN.relevant_tests(name, ROOT)
        assert tests, name
        for test in tests:
            assert os.path.exists(os.path.join(ROOT, test.split('::')[0])), (name, test)
    assert set(RUN.RELEVANT) <= set(RUN.module_utils_files(ROOT)), 'RELEVANT names a file that is gone'
    for test in RUN.INTEGRATION:
        assert os.path.exists(os.path.join(ROOT, test.split('::')[0])), test


def test_the_tests_of_a_file_follow_from_the_plugins_nearest_in_the_import_graph(tmp_path):
    """A file nobody listed by hand: its own integration file, and the files of the plugins nearest to it in the
    import graph, by name, with those of the roles that use them."""
    utils, modules, tests = tmp_path / 'plugins' / 'module_utils', tmp_path / 'plugins' / 'modules', tmp_path / 'tests' / 'integration'
    for folder in (utils, modules, tests, tmp_path / 'plugins' / 'inventory'):
        folder.mkdir(parents=True)
    prefix = 'from ansible_collections.hwcloud.elb.plugins.module_utils'
    (utils / '_deep.py').write_text('')
    (utils / '_mid.py').write_text('%s import _deep\n' % prefix)
    (utils / '_widget_module.py').write_text('%s._mid import thing\n' % prefix)
    (modules / 'widget.py').write_text('%s._widget_module import run_widget_module\n' % prefix)
    (modules / 'widget_facts.py').write_text('%s._widget_module import run_widget_module\n' % prefix)
    (tmp_path / 'plugins' / 'inventory' / 'gadgets.py').write_text('%s import _deep, _mid\n' % prefix)
    for name in ('test_widget.py', 'test_widget_info.py', 'test_gadgets_inventory.py', 'test_mid.py', 'test_roles.py',
                 'test_deploy.py'):
        (tests / name).write_text('')
    for role, module in (('deploy', 'widget'), ('tidy', 'widget_facts'), ('other', 'gadget')):
        (tmp_path / 'roles' / role / 'tasks').mkdir(parents=True)
        (tmp_path / 'roles' / role / 'tasks' / 'main.yml').write_text('- hwcloud.elb.%s:\n' % module)
    assert RUN.relevant_tests('_widget_module.py', str(tmp_path)) == [
        'tests/integration/test_widget.py', 'tests/integration/test_widget_info.py', 'tests/integration/test_deploy.py',
        'tests/integration/test_roles.py']
    assert RUN.relevant_tests('_deep.py', str(tmp_path)) == ['tests/integration/test_gadgets_inventory.py']
    assert RUN.relevant_tests('_mid.py', str(tmp_path)) == [
        'tests/integration/test_mid.py', 'tests/integration/test_gadgets_inventory.py']


@pytest.mark.parametrize('returncode, summary, outcome', [
    (0, '12 passed in 3.1s', 'pass'),
    (1, '1 failed, 11 passed in 3.2s', 'fail'),
    (1, '1 failed, 1 error in 3.2s', 'fail'),
    (1, '11 passed, 1 error in 3.2s', 'error'),        # a fixture broke, no test failed
    (2, '1 error during collection', 'error'),         # an import or syntax error
    (3, 'INTERNALERROR', 'error'),
    (4, 'ERROR: file or directory not found: x.py', 'error'),
    (5, 'no tests ran in 0.01s', 'error'),
])
def test_only_a_failing_test_is_a_kill(returncode, summary, outcome):
    assert RUN.outcome_of(returncode, summary) == outcome


class _Mutation:
    def __init__(self, file, find):
        self.ident, self.file, self.find, self.replace = 'x', file, find, 'y'


def test_a_pattern_that_no_longer_matches_is_stale_and_says_where_it_went(tmp_path, monkeypatch):
    package = tmp_path / 'plugins' / 'module_utils'
    package.mkdir(parents=True)
    (package / '_old.py').write_text('a = 1\n')
    (package / '_new.py').write_text('b = 2\nb = 2\nc = 3\n')
    monkeypatch.setattr(RUN, 'COLLECTION', str(tmp_path))
    assert RUN.run_one(_Mutation('_old.py', 'c = 3')) == ('stale', 'pattern absent in _old.py; it is now in _new.py: re-key it')
    assert RUN.run_one(_Mutation('_new.py', 'b = 2')) == ('stale', 'pattern found 2 times in _new.py')
    assert RUN.run_one(_Mutation('_gone.py', 'z')) == ('stale', 'file _gone.py is gone')
    assert (package / '_old.py').read_text() == 'a = 1\n'
