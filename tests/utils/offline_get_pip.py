# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the ``get-pip.py`` that ansible-test downloads to bootstrap pip in its sanity venvs.

ansible-test fetches get-pip.py from a host outside the package registries; this machine cannot reach it.
``prepare_ansible_test.py`` puts this file where ansible-test caches that download. It bootstraps pip from
the interpreter's bundled ``ensurepip`` and then installs the pip version ansible-test asked for from the
package index, which is reachable.
"""

from __future__ import annotations

import subprocess
import sys

# get-pip.py options that are not pip install options.
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    subprocess.run([sys.executable, '-m', 'ensurepip', '--upgrade'], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, '-m', 'pip', 'install'] + args, check=True)


if __name__ == '__main__':
    main()
