# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copy the collection's files (tracked, or new and not ignored) to DEST/ansible_collections/hwcloud/elb.

ansible-test only runs from a real ``ansible_collections/<namespace>/<name>`` directory, and a symlink is not
enough; ansible-playbook in the tests reads the same copy through ANSIBLE_COLLECTIONS_PATH.
Usage: stage_collection.py DEST (prints the collection's path in the copy).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    dest = os.path.join(os.path.abspath(sys.argv[1]), 'ansible_collections', 'hwcloud', 'elb')
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                            cwd=root, check=True, capture_output=True).stdout.decode().split('\0')
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    for name in filter(None, listed):
        source = os.path.join(root, name)
        if os.path.isfile(source):
            target = os.path.join(dest, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(source, target)
    # Inside this checkout the copy sits in an ignored folder; a repository of its own makes ansible-test
    # list the copy's files instead of the (ignored) ones it would see from the outer checkout.
    subprocess.run(['git', 'init', '--quiet', dest], check=True)
    print(dest)


if __name__ == '__main__':
    main()
