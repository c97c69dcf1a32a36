# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The file changes of a release (``make release VERSION=X.Y.Z``; the Makefile then runs make docs and make certify).

1. check the version: X.Y.Z, above galaxy.yml's, not released yet, and the fragments lint clean;
2. galaxy.yml's ``version:``, and every tracked file naming the old tarball or EE / DE image (the execution and
   decision environment definitions install ``build/hwcloud-elb-<version>.tar.gz``);
3. the ``release_summary`` fragment ``changelogs/fragments/release-X.Y.Z.yml``: ``--summary`` or, without one,
   a sentence saying which kind of release it is (docs/versioning.md);
4. ``antsibull-changelog release``: CHANGELOG.rst and changelogs/changelog.yaml, the fragments consumed.
Nothing is committed: the maintainer reviews ``git diff`` and commits it as the release.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
SEMVER = re.compile(r'(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)')


def version_tuple(text):
    match = SEMVER.fullmatch(text)
    if not match:
        raise SystemExit('release: %r is not a version X.Y.Z (semantic versioning, docs/versioning.md)' % text)
    return tuple(int(part) for part in match.groups())


def release_kind(old, new):
    if new[0] > old[0]:
        return 'major'
    return 'minor' if new[1] > old[1] else 'patch'


def released_versions():
    with open(os.path.join(ROOT, 'changelogs', 'changelog.yaml'), encoding='utf-8') as handle:
        return set((yaml.safe_load(handle) or {}).get('releases') or {})


def run(*command):
    # antsibull-changelog runs ansible-doc to list the plugins: the one next to this Python.
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    subprocess.run(command, cwd=ROOT, check=True, env=env)


def replace_in_tracked_files(old, new):
    """Every tracked file naming ``old`` (the previous version's tarball or image) names ``new``."""
    listed = subprocess.run(['git', 'grep', '-lzF', old], cwd=ROOT, capture_output=True, check=False).stdout
    changed = []
    for name in filter(None, listed.decode().split('\0')):
        if name.startswith('changelogs/'):  # the changelog's history stays as it was
            continue
        path = os.path.join(ROOT, name)
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text.replace(old, new))
        changed.append(name)
    return changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('version')
    parser.add_argument('--summary', default='', help='the release_summary paragraph (default: the kind of release)')
    args = parser.parse_args()

    galaxy_path = os.path.join(ROOT, 'galaxy.yml')
    with open(galaxy_path, encoding='utf-8') as handle:
        galaxy = handle.read()
    current = yaml.safe_load(galaxy)['version']
    new = version_tuple(args.version)
    if args.version in released_versions():
        raise SystemExit('release: %s is in changelogs/changelog.yaml already' % args.version)
    if new <= version_tuple(current):
        raise SystemExit('release: %s is not above galaxy.yml\'s version %s' % (args.version, current))
    run(os.path.join(BIN, 'antsibull-changelog'), 'lint')

    # galaxy.yml's version line only, so its comments and layout stay.
    galaxy, count = re.subn(r'(?m)^version: *\S+$', 'version: %s' % args.version, galaxy)
    if count != 1:
        raise SystemExit('release: galaxy.yml has %d "version:" lines, expected one' % count)
    with open(galaxy_path, 'w', encoding='utf-8') as handle:
        handle.write(galaxy)
    # The tarball, and the execution and decision environment images built from it.
    for name_of in ('hwcloud-elb-%s.tar.gz', 'hwcloud-elb-ee:%s', 'hwcloud-elb-de:%s'):
        for name in replace_in_tracked_files(name_of % current, name_of % args.version):
            print('release: %s now names %s' % (name, name_of % args.version))

    first_stable = new[0] >= 1 and version_tuple(current)[0] == 0
    kind = 'the first stable' if first_stable else 'a ' + release_kind(version_tuple(current), new)
    summary = args.summary.strip() or (
        'hwcloud.elb %s, %s release. What each kind of release may change, the deprecation period and the supported '
        'ansible-core and Python versions: docs/versioning.md.' % (args.version, kind))
    fragment = os.path.join(ROOT, 'changelogs', 'fragments', 'release-%s.yml' % args.version)
    with open(fragment, 'w', encoding='utf-8') as handle:
        handle.write('---\n')
        yaml.safe_dump({'release_summary': summary}, handle, width=110, sort_keys=False)
    run(os.path.join(BIN, 'antsibull-changelog'), 'release', '--version', args.version)
    print('release: %s (%s); review `git status` / `git diff`, then commit' % (args.version, kind))


if __name__ == '__main__':
    main()
