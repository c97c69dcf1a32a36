# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection does around its own work: the connection options, the client,
and turning failures into ``fail_json`` (never a traceback) with secrets masked."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common import parameters
from ansible.module_utils.common.validation import check_type_int

from ansible_collections.hwcloud.elb.plugins.module_utils._auth import CredentialError
from ansible_collections.hwcloud.elb.plugins.module_utils._client import REQUESTS_IMPORT_ERROR, ElbClient
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import InputError, Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError

MONITOR_STATE_ARGUMENT_SPEC = dict(
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=300),
)


def _int_without_overflow(value):
    """ansible-core's int check lets OverflowError escape for 'inf' (a traceback instead of a message)."""
    try:
        return check_type_int(value)
    except OverflowError:
        raise TypeError('%r cannot be converted to an int' % (value,))


def _guard_int_validation():
    """Swap in the guarded int check, in this module process only, where ansible-core has that flaw."""
    try:
        check_type_int('inf')
    except OverflowError:
        parameters.DEFAULT_TYPE_VALIDATORS['int'] = _int_without_overflow
    except TypeError:
        pass


class ElbModule:
    """An AnsibleModule with the connection options, a lazily built client and uniform failures."""

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        _guard_int_validation()
        self.ansible = AnsibleModule(argument_spec=spec, **kwargs)
        if REQUESTS_IMPORT_ERROR:
            self.ansible.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    @property
    def params(self):
        return self.ansible.params

    @property
    def client(self):
        if self._client is None:
            # Tokens learned at run time join the no_log values, so no output can show them.
            self._client = ElbClient(ConnectionSettings(self.params), on_secret=self.ansible.no_log_values.add)
        return self._client

    def run(self, work):
        """Exit with ``work(self)``'s result, or fail with a message for any expected failure."""
        try:
            result = work(self)
        except (CredentialError, InputError) as err:
            self.ansible.fail_json(msg=str(err))
        except ApiError as err:
            self.ansible.fail_json(**err.fail_kwargs())
        self.ansible.exit_json(**result)


def monitor_argument_spec(family, identity):
    """The options of a monitor module: its identity options, state and waiting, then the family's fields."""
    spec = dict(identity)
    spec.update(MONITOR_STATE_ARGUMENT_SPEC)
    spec.update((field.name, field.argument_spec()) for field in family.fields)
    return spec


def run_monitor_module(family, identity, **module_kwargs):
    """The whole of a monitor module's main(): options, reconcile, exit. ``module_kwargs`` go to AnsibleModule."""
    module = ElbModule(monitor_argument_spec(family, identity), **module_kwargs)

    def reconcile(module):
        reconciler = Reconciler(family, module.client, module.params, check_mode=module.ansible.check_mode,
                                diff_mode=module.ansible._diff, warn=module.ansible.warn)
        return reconciler.run()

    module.run(reconcile)
