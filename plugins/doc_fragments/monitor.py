# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options every health-check module has: state and waiting (argument spec: module_utils/_module.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r'''
options:
  state:
    description:
      - V(present) creates the health check, or updates the fields the task gives.
      - V(absent) deletes it; a parent that has none (or does not exist) is left as it is.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - After a write, wait until the load balancer is ACTIVE again.
      - Whatever this says, a write refused with HTTP 409 while the balancer is C(PENDING_*) is retried
        until O(wait_timeout).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the load balancer to become ACTIVE, and to keep retrying a write it refuses while busy.
    type: int
    default: 300
'''
