# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Monitor fields as data: how each is checked, normalised and compared.

A family declares its fields with ``Field``; the engine never knows a field by name.
"""

from __future__ import annotations

import re


def _expand_codes(value):
    """The set of status codes an ``expected_codes`` string stands for ("200,202-204")."""
    codes = set()
    for token in str(value).split(','):
        low, _sep, high = token.strip().partition('-')
        codes.update(range(int(low), int(high or low) + 1))
    return frozenset(codes)


def canonical_codes(value):
    """``expected_codes`` written one way: sorted, without spaces, runs folded into ranges."""
    runs = []
    for code in sorted(_expand_codes(value)):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ','.join(str(a) if a == b else '%d-%d' % (a, b) for a, b in runs)


# Spaces (not tabs or newlines) may surround the numbers; the whole string must match.
CODES_PATTERN = re.compile(r' *\d{1,3}( *- *\d{1,3})?( *, *\d{1,3}( *- *\d{1,3})?)* *')
# C0 and C1 control characters and DEL: no option of the collection means anything by them (CR, LF, ESC, NUL...).
CONTROL = re.compile(r'[\x00-\x1f\x7f-\x9f]')


def control_problem(name, value):
    """Return None, or a sentence naming the option and the first control character in ``value``."""
    found = CONTROL.search(value) if isinstance(value, str) else None
    if not found:
        return None
    return ('%s is %r, which contains a control character (%r at position %d); control characters (tab, CR, LF, '
            'ESC, NUL and the like) are not allowed in any option.' % (name, value, found.group(), found.start()))


def check_codes(value, low, high):
    """Return None, or why ``value`` is not a valid expected_codes string for codes low..high."""
    if not CODES_PATTERN.fullmatch(str(value)):
        return 'a code (200), a list (200,202) or a range (200-204), or a mix of these'
    for token in str(value).split(','):
        first, _sep, last = token.strip().partition('-')
        first, last = int(first), int(last or first)
        if not low <= first <= last <= high:
            return 'codes from %d to %d, each range written low-high' % (low, high)
    return None


class Field:
    """One module option that is the API field of the same name.

    kind: ``int``, ``bool``, ``str``, ``enum`` (compared case-insensitively, sent as declared) or
    ``codes`` (expected status codes, compared as sets).
    types: the monitor types that use the field (None: all); giving it for another type is an error.
    default: what the service holds when the field is not sent; a callable receives the monitor type.
    code_range: for ``codes``, the lowest and highest code, or a callable of the monitor type giving them.
    """

    def __init__(self, name, kind='str', choices=None, minimum=None, maximum=None, max_length=None,
                 pattern=None, pattern_hint=None, types=None, default=None, aliases=None, code_range=(200, 599)):
        self.name = name
        self.kind = kind
        self.choices = tuple(choices) if choices else None
        self.minimum = minimum
        self.maximum = maximum
        self.max_length = max_length
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_hint = pattern_hint
        self.types = tuple(types) if types else None
        self.default = default
        self.aliases = aliases
        self.code_range = code_range

    def argument_spec(self):
        spec = dict(type={'enum': 'str', 'codes': 'str'}.get(self.kind, self.kind))
        if self.aliases:
            spec['aliases'] = list(self.aliases)
        return spec

    def canonical(self, value):
        """The value as it is sent and compared; enums take the declared spelling."""
        if value is None:
            return None
        if self.kind == 'enum':
            for choice in self.choices:
                if str(value).upper() == choice.upper():
                    return choice
            return value
        if self.kind == 'codes':
            return canonical_codes(value) if check_codes(value, 0, 999) is None else value
        if self.kind == 'int' and not isinstance(value, bool):
            return int(value)
        return value

    def server_default(self, monitor_type):
        return self.default(monitor_type) if callable(self.default) else self.default

    def equal(self, wanted, current, monitor_type):
        """Whether the service's value already is the wanted one; an unset value counts as the default."""
        if current is None or current == '':
            current = self.server_default(monitor_type) if current is None else current
        if wanted is None or current is None:
            return wanted == current
        if self.kind == 'codes':
            return check_codes(current, 0, 999) is None and _expand_codes(wanted) == _expand_codes(current)
        return self.canonical(wanted) == self.canonical(current)

    def problem(self, value, monitor_type=None):
        """Return None, or a sentence naming the option, the value and what is allowed.

        ``monitor_type`` None means not known yet (an update that does not give the type): rules that depend on
        the type wait until the monitor has been read.
        """
        control = control_problem(self.name, value)
        if control:
            return control
        if self.kind == 'int' and isinstance(value, bool):  # YAML yes/true is a bool, and bool is an int in Python
            return self._bad(value, 'a whole number from %s to %s, not a boolean' % (self.minimum, self.maximum))
        if self.kind == 'enum' and str(value).upper() not in [c.upper() for c in self.choices]:
            return self._bad(value, 'one of %s (any case)' % ', '.join(self.choices))
        if self.kind == 'int':
            if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
                return self._bad(value, 'a whole number from %s to %s' % (self.minimum, self.maximum))
        if self.kind == 'codes':
            if callable(self.code_range):
                low, high = self.code_range(monitor_type) if monitor_type else (0, 999)
            else:
                low, high = self.code_range
            why = check_codes(value, low, high)
            if why:
                return self._bad(value, why)
        if self.kind == 'str':
            if self.max_length is not None and len(value) > self.max_length:
                return self._bad(value, 'at most %d characters (it has %d)' % (self.max_length, len(value)))
            if self.pattern and not self.pattern.fullmatch(value):
                return self._bad(value, self.pattern_hint)
        if self.types and monitor_type and monitor_type not in self.types:
            return ('%s is only used by monitors of type %s, not %s; remove it or change the type.'
                    % (self.name, ' or '.join(self.types), monitor_type))
        return None

    def _bad(self, value, allowed):
        return '%s is %r; it must be %s.' % (self.name, value, allowed)
