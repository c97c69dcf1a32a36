# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documentation checks antsibull-docs cannot make (it renders and lints the plugins' own docs and the
extra docs, but knows nothing of the project's Markdown):

- every error code the modules give a hint for (``HINTS`` in ``plugins/module_utils/_errors.py``) has a row in
  ``docs/troubleshooting.md``;
- every relative link in the Markdown the repository's web view and Galaxy show (README.md and the pages under
  docs/) points to a file that exists. (On the site, tests/utils/docsite.py checks the links of the built HTML.);
- the figures the pages state that can go stale: ``docs/architecture.md`` names every ``module_utils`` file, and
  ``docs/testing.md`` the number of mutations ``tests/mutation/mutations.py`` declares;
- no example reads a fact of the collection as a bare variable (``hwcloud_elb_member_health``): that needs
  ``INJECT_FACTS_AS_VARS``, which ansible-core deprecates; ``ansible_facts.hwcloud_elb_...`` is the way.

Usage: check_docs.py ROOT (the repository or the staged collection); exits 1 and lists what is wrong.
"""

from __future__ import annotations

import ast
import importlib.util
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


def stale_figures(root):
    """Figures of docs/architecture.md and docs/testing.md that no longer hold."""
    problems = []
    architecture = read(os.path.join(root, 'docs', 'architecture.md'))
    for name in sorted(os.listdir(os.path.join(root, 'plugins', 'module_utils'))):
        if name.startswith('_') and name.endswith('.py') and name != '__init__.py' and name not in architecture:
            problems.append('docs/architecture.md does not name plugins/module_utils/%s' % name)
    spec = importlib.util.spec_from_file_location('mutations', os.path.join(root, 'tests', 'mutation', 'mutations.py'))
    mutations = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mutations)
    count = len(mutations.MUTATIONS)
    stated = re.search(r'The driver runs (\d+)\s+chosen mutations', read(os.path.join(root, 'docs', 'testing.md')))
    if not stated or int(stated.group(1)) != count:
        problems.append('docs/testing.md says "The driver runs %s chosen mutations"; tests/mutation/mutations.py '
                        'declares %d' % (stated.group(1) if stated else '?', count))
    return problems


_FACT = re.compile(r'(?<!ansible_facts\.)(?<!ansible_facts\[.)(?<!\w)(hwcloud_elb_(?:member_health|healthmonitors))\b'
                   r'(?!\s*:)')


def example_texts(root):
    """(where, text) of every example: docs/examples and docs/awx playbooks, Markdown code, plugins' EXAMPLES."""
    for directory in ('docs/examples', 'docs/awx'):
        for base, _dirs, files in os.walk(os.path.join(root, directory)):
            for name in sorted(files):
                if name.endswith(('.yml', '.yaml')):
                    path = os.path.join(base, name)
                    yield os.path.relpath(path, root), read(path)
    for page in markdown_pages(root):
        yield page, '\n'.join(match.group(0) for match in _FENCE.finditer(read(os.path.join(root, page))))
    for kind in ('modules', 'inventory', 'filter'):
        for name in sorted(os.listdir(os.path.join(root, 'plugins', kind))):
            if name.endswith('.py'):
                tree = ast.parse(read(os.path.join(root, 'plugins', kind, name)))
                for node in tree.body:
                    if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'EXAMPLES' for t in node.targets):
                        yield 'plugins/%s/%s EXAMPLES' % (kind, name), ast.literal_eval(node.value)


def bare_facts(root):
    problems = []
    for where, text in example_texts(root):
        for line in text.splitlines():
            if line.lstrip().startswith('#'):
                continue
            for match in _FACT.finditer(line):
                problems.append('%s reads the fact %s as a bare variable (deprecated INJECT_FACTS_AS_VARS); write '
                                'ansible_facts.%s: %s' % (where, match.group(1), match.group(1), line.strip()))
    return problems


def main(argv):
    root = argv[1] if len(argv) > 1 else '.'
    problems = troubleshooting_gaps(root) + broken_links(root) + stale_figures(root) + bare_facts(root)
    if problems:
        print('\n'.join(problems), file=sys.stderr)
        return 1
    print('docs checked: docs/troubleshooting.md covers every hinted error code, every relative link resolves, '
          'the figures of docs/architecture.md and docs/testing.md hold, no example reads a fact as a bare variable')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
