# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module attributes: check mode, diff mode, action group."""

from __future__ import annotations


class ModuleDocFragment:
    # Modules that write: full check and diff mode.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    support: full
    description: Can run in check mode and return changed status prediction without modifying target.
  diff_mode:
    support: full
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
  action_group:
    support: full
    membership:
      - hwcloud.elb.all
    description: Use C(group/hwcloud.elb.all) in C(module_defaults) to set defaults for this module.
'''

    # Modules that only read.
    INFO = r'''
attributes:
  check_mode:
    support: full
    details: This action does not modify state.
    description: Can run in check mode and return changed status prediction without modifying target.
  diff_mode:
    support: N/A
    details: This action does not modify state.
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
  action_group:
    support: full
    membership:
      - hwcloud.elb.all
    description: Use C(group/hwcloud.elb.all) in C(module_defaults) to set defaults for this module.
'''

    # Modules that return facts.
    FACTS = r'''
attributes:
  facts:
    support: full
    description: Action returns an C(ansible_facts) dictionary that will update existing host facts.
'''
