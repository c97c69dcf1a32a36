# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole of the monitor modules healthmonitor_v3, healthmonitor_v2 and healthcheck_v1: their options (the
family's identity options and fields, state and waiting) and the run. The reconcile is ``_engine.py``'s."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._engine import Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._module import WAIT_BOUNDS, ElbModule

MONITOR_STATE_ARGUMENT_SPEC = dict(
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    wait=dict(type='bool', default=True),
    wait_timeout=dict(type='int', default=300),
)
MONITOR_BOUNDS = dict(WAIT_BOUNDS)  # the fields' ranges are the family's (Field), checked before any write


def monitor_argument_spec(family):
    """The options of a monitor module: its identity options, state and waiting, then the family's fields."""
    spec = dict(family.identity_spec)
    spec.update(MONITOR_STATE_ARGUMENT_SPEC)
    spec.update((field.name, field.argument_spec()) for field in family.fields)
    return spec


def run_monitor_module(family, **module_kwargs):
    """The whole of a monitor module's main(): options, reconcile, exit. ``module_kwargs`` go to AnsibleModule."""
    module = ElbModule(monitor_argument_spec(family), bounds=MONITOR_BOUNDS, **module_kwargs)

    def reconcile(module):
        reconciler = Reconciler(family, module.client, module.params, check_mode=module.ansible.check_mode,
                                diff_mode=module.ansible._diff, warn=module.ansible.warn,
                                retries=module.settings.api_retries)
        return reconciler.run()

    module.run(reconcile)
