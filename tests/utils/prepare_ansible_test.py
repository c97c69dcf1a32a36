# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible-test sanity`` work without reaching ansible-test's own download host.

Its venvs bootstrap pip with a ``get-pip.py`` fetched from outside the package registries and cached at
``~/.ansible/test/cache/get_pip_<version>.py``. This writes our stand-in (offline_get_pip.py) to that
cache path for the pip version the installed ansible-test asks for. Run it with the venv's Python.
"""

from __future__ import annotations

import os
import re
import shutil

import ansible_test


def main():
    source = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        versions = set(re.findall(r"pip='([0-9.]+)'", handle.read()))
    if not versions:
        raise SystemExit('prepare_ansible_test: cannot find the pip version ansible-test bootstraps in ' + source)
    cache = os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache, exist_ok=True)
    stand_in = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'offline_get_pip.py')
    for version in sorted(versions):
        target = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))
        shutil.copyfile(stand_in, target)
        print('offline pip bootstrap for ansible-test: %s' % target)


if __name__ == '__main__':
    main()
