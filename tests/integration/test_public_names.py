# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every public name in tests/public-names.yml is in the built tarball, and the tarball has no unlisted one.

Checked against what a user installs (the tarball's MANIFEST.json, FILES.json and meta/runtime.yml), not the
checkout, so a rename, a file left out by build_ignore or a new name nobody listed fails here before a release.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import tarfile

import pytest
import yaml

from .conftest import ROOT
from .test_awx import build_tarball, collection_version

PUBLIC_NAMES = os.path.join(ROOT, 'tests', 'public-names.yml')
# Where each kind of public name lives in a collection, as a pattern over FILES.json's file names.
LOCATIONS = {
    'modules': r'plugins/modules/(\w+)\.py',
    'roles': r'roles/(\w+)/tasks/main\.ya?ml',
    'inventory': r'plugins/inventory/(\w+)\.py',
    'filter': r'plugins/filter/(\w+)\.py',
    'event_source': r'extensions/eda/plugins/event_source/(\w+)\.py',
    'rulebooks': r'extensions/eda/rulebooks/(\w+)\.ya?ml',
    'playbooks': r'playbooks/(\w+)\.ya?ml',
}


def public_names():
    with open(PUBLIC_NAMES, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    """The built collection's metadata files and meta/runtime.yml, read from the tarball itself."""
    path = build_tarball(tmp_path_factory.mktemp('build'))
    with tarfile.open(path) as archive:
        def read(name):
            return archive.extractfile(name).read().decode('utf-8')
        return {'manifest': json.loads(read('MANIFEST.json')), 'files': json.loads(read('FILES.json')),
                'runtime': yaml.safe_load(read('meta/runtime.yml'))}


def names_in(files, pattern):
    found = (re.fullmatch(pattern, entry['name']) for entry in files['files'] if entry['ftype'] == 'file')
    return sorted(match.group(1) for match in found if match and not match.group(1).startswith('_'))


def test_the_list_has_every_kind_and_no_other():
    assert set(public_names()) == set(LOCATIONS) | {'action_groups'}


def test_manifest_names_the_collection(tarball):
    info = tarball['manifest']['collection_info']
    assert (info['namespace'], info['name'], info['version']) == ('hwcloud', 'elb', collection_version())


@pytest.mark.parametrize('kind', sorted(LOCATIONS))
def test_listed_names_are_exactly_those_built(tarball, kind):
    listed = sorted(public_names()[kind])
    assert len(set(listed)) == len(listed), 'a name is listed twice'
    built = names_in(tarball['files'], LOCATIONS[kind])
    assert built == listed, 'in the tarball but not in tests/public-names.yml: %s; listed but not built: %s' % (
        sorted(set(built) - set(listed)), sorted(set(listed) - set(built)))


@pytest.mark.parametrize('name', public_names()['filter'])
def test_filter_plugins_export_their_listed_name(name):
    """A filter's public name is what FilterModule.filters() answers, not its file: both must agree."""
    plugin = importlib.import_module('ansible_collections.hwcloud.elb.plugins.filter.' + name)
    assert name in plugin.FilterModule().filters()


def test_action_groups_are_those_listed(tarball):
    listed = public_names()['action_groups']
    assert tarball['runtime'].get('action_groups') == listed
    modules = set(public_names()['modules'])
    for group, members in listed.items():
        assert set(members) <= modules, 'group %s names a module that is not public: %s' % (group, set(members) - modules)
