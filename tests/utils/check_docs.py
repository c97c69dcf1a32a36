# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two documentation checks antsibull-docs cannot make (it renders and lints the plugins' own docs and the
extra docs, but knows nothing of the project's Markdown):

- every error code the modules give a hint for (``HINTS`` in ``plugins/module_utils/_errors.py``) has a row in
  ``docs/troubleshooting.md``;
- every relative link in the Markdown the repository's web view and Galaxy show (README.md and the pages under
  docs/) points to a file that exists. (On the site, tests/utils/docsite.py checks the links of the built HTML.)

Usage: check_docs.py ROOT (the repository or the staged collection); exits 1 and lists what is wrong.
"""

from __future__ import annotations

import ast
import os
import re
import sys

_FENCE = re.compile(r'^(```|~~~).*?^\1', re.S | re.M)
_CODE = re.compile(r'`[^`\n]*`')
_LINK = re.compile(r'\]\(([^)\s]+)\)|href="([^"]+)"')


def read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def troubleshooting_gaps(root):
    """The hinted error codes that docs/troubleshooting.md has no row for."""
    tree = ast.parse(read(os.path.join(root, 'plugins', 'module_utils', '_errors.py')))
    codes = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'HINTS' for t in node.targets):
            codes.update(ast.literal_eval(node.value))
    if not codes:
        return ['no HINTS found in plugins/module_utils/_errors.py']
    page = read(os.path.join(root, 'docs', 'troubleshooting.md'))
    return ['docs/troubleshooting.md has no row for error code %s (a HINTS entry in plugins/module_utils/_errors.py)'
            % code for code in sorted(codes) if '`%s`' % code not in page]


def markdown_pages(root):
    yield 'README.md'
    for directory, _dirs, files in os.walk(os.path.join(root, 'docs')):
        for name in sorted(files):
            if name.endswith('.md'):
                yield os.path.relpath(os.path.join(directory, name), root).replace(os.sep, '/')


def broken_links(root):
    broken = []
    for page in markdown_pages(root):
        text = _CODE.sub('', _FENCE.sub('', read(os.path.join(root, page))))
        for match in _LINK.finditer(text):
            target = (match.group(1) or match.group(2)).split('#', 1)[0]
            if not target or re.match(r'^[a-z][a-z0-9+.-]*:', target):
                continue
            resolved = os.path.normpath(os.path.join(root, os.path.dirname(page), target))
            if not os.path.exists(resolved):
                broken.append('%s links to %s, which does not exist' % (page, target))
    return broken


def main(argv):
    root = argv[1] if len(argv) > 1 else '.'
    problems = troubleshooting_gaps(root) + broken_links(root)
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        return 1
    print('docs checked: docs/troubleshooting.md covers every hinted error code, every relative link resolves')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
