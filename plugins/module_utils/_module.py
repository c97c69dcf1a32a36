# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection does around its own work: the connection options, the client, strict
option types, bounds, and turning failures into ``fail_json`` (never a traceback) with secrets masked. It names
no module: each module's options and run are in its ``_<x>_module.py``."""

from __future__ import annotations

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common import parameters
from ansible.module_utils.common.validation import (
    check_type_bool, check_type_float, check_type_int, check_type_path, check_type_str)

from ansible_collections.hwcloud.elb.plugins.module_utils._auth import CredentialError
from ansible_collections.hwcloud.elb.plugins.module_utils._client import REQUESTS_IMPORT_ERROR, ElbClient
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError, FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import CONTROL

ANSIBLE_CHECK_TYPE_DICT = parameters.DEFAULT_TYPE_VALIDATORS['dict']  # before _strict_type_validation swaps it
MAX_WAIT_TIMEOUT = 3600
# The range of wait_timeout, in every module that waits: a runner's own bounds start from it.
WAIT_BOUNDS = {'wait_timeout': (0, MAX_WAIT_TIMEOUT)}


def _strict_int(value):
    """ansible-core's int check takes a bool (YAML yes is True, and True is an int in Python) and lets
    OverflowError escape for 'inf' (a traceback instead of a message); this one refuses both."""
    if isinstance(value, bool):
        raise TypeError('%r is a boolean (YAML yes/no/true/false), not a whole number' % (value,))
    try:
        return check_type_int(value)
    except OverflowError:
        raise TypeError('%r cannot be converted to an int' % (value,))


def _strict_float(value):
    """ansible-core's float check turns True into 1.0; a number of seconds is never a boolean."""
    if isinstance(value, bool):
        raise TypeError('%r is a boolean (YAML yes/no/true/false), not a number' % (value,))
    return check_type_float(value)


def _not_text(value):
    """A value no string option takes: a YAML yes (a bool), a list or a dict. Numbers become strings (200)."""
    return isinstance(value, (bool, list, dict, tuple, set))


def _refuse_control_characters(value):
    """Inside type validation, so it fails before ansible-core logs the arguments (a NUL breaks its syslog call).
    The value is not repeated: it may be a secret."""
    found = CONTROL.search(value) if isinstance(value, str) else None
    if found:
        raise TypeError('it contains a control character (%r at position %d); control characters (tab, CR, LF, '
                        'ESC, NUL and the like) are not allowed in any option' % (found.group(), found.start()))


def _strict_str(value, **kwargs):
    """ansible-core's str check turns anything into its repr ("['a']", "True"); this one refuses what is not text."""
    if _not_text(value):
        raise TypeError('%r is a %s, not a string' % (value, type(value).__name__))
    _refuse_control_characters(value)
    return check_type_str(value, **kwargs)


def _strict_path(value):
    if _not_text(value):
        raise TypeError('%r is a %s, not a path' % (value, type(value).__name__))
    _refuse_control_characters(value)
    return check_type_path(value)


def _strict_type_validation(dict_options=(), item_lists=()):
    """Swap in the strict checks, in this module process only: the documented types stay int, float, str, path.

    ``dict_options``: the options whose items are dicts with suboptions; ansible-core reads such an item given
    as a string ("k=v") before any type check, and its failure does not name the option: this one does.
    ``item_lists``: lists of dicts the module checks item by item itself (``check_item``), so that every message
    names the item's number; ansible-core's element check would name neither, so it lets each item through."""
    parameters.DEFAULT_TYPE_VALIDATORS.update(int=_strict_int, float=_strict_float, str=_strict_str, path=_strict_path)
    parameters.DEFAULT_TYPE_VALIDATORS['dict'] = (lambda value: value) if item_lists else ANSIBLE_CHECK_TYPE_DICT
    if dict_options:
        def strict_dict(value):
            if not isinstance(value, dict):
                raise TypeError('each item of %s must be a dict of its suboptions, not a %s' % (
                    ' or '.join(dict_options), type(value).__name__))
            return value
        parameters.check_type_dict = strict_dict


# What each kind of item key takes, for the messages of check_item.
KIND_CHECKS = {'int': (_strict_int, 'a whole number'), 'bool': (check_type_bool, 'true or false'),
               'str': (_strict_str, 'a string')}


def check_item(item, spec, allowed=None):
    """One item of a list of dicts the module checks itself: ``(item with its values converted, problems)``.

    ``spec``: key -> ansible type (int, bool, str); ``allowed``: key -> what the key takes, for a message more
    precise than its type (the range of a whole number). Keys the spec does not know and None values are kept
    as they are (the caller says what is wrong with them). Control characters are left to the caller too: its
    message can name what is allowed there."""
    if not isinstance(item, dict):
        return None, ['it is %r (a %s); each item must be a dict of options.' % (item, type(item).__name__)]
    converted, problems = {}, []
    for key, value in item.items():
        kind = spec.get(key)
        if value is None or kind not in KIND_CHECKS:
            converted[key] = value
            continue
        check, what = KIND_CHECKS[kind]
        try:
            converted[key] = check(value) if kind != 'str' or not isinstance(value, str) else value
        except TypeError:
            wanted = (allowed or {}).get(key) or what
            problems.append('%s is %r (a %s); it must be %s.' % (key, value, type(value).__name__, wanted))
    return converted, problems


def bound_problems(params, bounds):
    """Options out of their bounds (``bounds``: option -> (lowest, highest), the module's own)."""
    return ['%s is %r; it must be a whole number from %d to %d.' % ((name, params[name]) + bounds)
            for name, bounds in bounds.items()
            if params.get(name) is not None and not bounds[0] <= params[name] <= bounds[1]]


class ElbModule:
    """An AnsibleModule with the connection options, a lazily built client and uniform failures.

    ``bounds``: the module's whole-number options of a fixed range, option -> (lowest, highest), declared by its
    runner next to its options; checked before any call."""

    def __init__(self, argument_spec, bounds, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        _strict_type_validation(sorted(name for name, option in argument_spec.items() if option.get('options')),
                                item_lists=[name for name, option in argument_spec.items()
                                            if option.get('elements') == 'dict' and not option.get('options')])
        self.ansible = AnsibleModule(argument_spec=spec, **kwargs)
        if REQUESTS_IMPORT_ERROR:
            self.ansible.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        # Everything that can be known wrong without the service fails here, before any call.
        self.settings = ConnectionSettings(self.params)
        problems = bound_problems(self.params, bounds) + self.settings.problems()
        if problems:
            self.ansible.fail_json(msg=' '.join(problem.rstrip('.') + '.' for problem in problems))
        self._client = None

    @property
    def params(self):
        return self.ansible.params

    @property
    def client(self):
        if self._client is None:
            # Tokens learned at run time join the no_log values, so no output can show them.
            self._client = ElbClient(self.settings, on_secret=self.ansible.no_log_values.add)
        return self._client

    def run(self, work):
        """Exit with ``work(self)``'s result, or fail with a message for any expected failure."""
        try:
            result = work(self)
        except (CredentialError, InputError) as err:
            self.ansible.fail_json(msg=str(err))
        except ApiError as err:
            self.ansible.fail_json(**err.fail_kwargs())
        except FailedAfterWrite as err:
            self.ansible.fail_json(msg=str(err), **err.result)
        except Exception as err:  # pylint: disable=broad-exception-caught  # a bug of ours: keep the traceback for -vvv
            self.ansible.fail_json(msg='Unexpected error in hwcloud.elb (please report it): %s: %s' % (
                type(err).__name__, err), exception=traceback.format_exc())
        self.ansible.exit_json(**result)
