# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/awx/decision-environment.yml: ``ansible-builder create`` writes its build context (no container engine
needed), with the collection, ansible-rulebook and its Java runtime in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import yaml

from integration.conftest import ROOT
from integration.test_awx import build_tarball, collection_version

DE_FILE = os.path.join(ROOT, 'docs', 'awx', 'decision-environment.yml')


def test_decision_environment_build_context(tmp_path):
    with open(DE_FILE, encoding='utf-8') as handle:
        definition = yaml.safe_load(handle)
    tarball_name = 'hwcloud-elb-%s.tar.gz' % collection_version()
    # The DE installs the tarball of the current version: a version bump must update the DE file too.
    assert [entry['src'] for entry in definition['additional_build_files']] == ['../../build/' + tarball_name]
    assert definition['dependencies']['galaxy']['collections'] == [
        {'name': 'collections/' + tarball_name, 'type': 'file'}]

    # The same layout as the repository: docs/awx/<DE file> and build/<tarball>.
    (tmp_path / 'docs' / 'awx').mkdir(parents=True)
    shutil.copy(DE_FILE, tmp_path / 'docs' / 'awx')
    build_tarball(tmp_path / 'build')
    context = tmp_path / 'context'
    result = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-builder'), 'create', '-f',
                             str(tmp_path / 'docs' / 'awx' / 'decision-environment.yml'), '-c', str(context),
                             '--output-filename', 'Containerfile'],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (context / '_build' / 'collections' / tarball_name).is_file()
    assert 'ansible-rulebook' in (context / '_build' / 'requirements.txt').read_text(encoding='utf-8').split()
    assert 'java-17-openjdk-headless [platform:rpm]' in (context / '_build' / 'bindep.txt').read_text(encoding='utf-8')
    containerfile = (context / 'Containerfile').read_text(encoding='utf-8')
    assert 'ansible-galaxy collection install' in containerfile and 'introspect' in containerfile
