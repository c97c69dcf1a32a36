# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options every health-check module has: state and waiting (argument spec: module_utils/_module.py);
and, in POOL, the options the pool-bound families (v2, v3) share word for word."""

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
      - Seconds to wait for the load balancer to become ACTIVE, and to keep retrying a write it refuses while busy;
        0 to 3600.
      - When the wait fails after a write, the task fails with C(changed=true) and returns what was written.
    type: int
    default: 300
'''

    # The monitor of a pool (v2, v3): the identity and the fields both APIs define the same way.
    POOL = r'''
options:
  pool:
    description:
      - Name or ID of the pool the monitor belongs to.
      - A name that matches no pool, or several, fails naming them.
    type: str
    required: true
    aliases: [pool_id]
  delay:
    description:
      - Seconds between two health checks, 1 to 50. Required to create a monitor.
    type: int
  timeout:
    description:
      - Seconds to wait for a health check answer, 1 to 50. Required to create a monitor.
      - The service advises a value below O(delay); the module warns otherwise.
    type: int
  max_retries:
    description:
      - Consecutive successful checks before a member is marked healthy (OFFLINE to ONLINE), 1 to 10.
      - Required to create a monitor.
    type: int
  max_retries_down:
    description:
      - Consecutive failed checks before a member is marked unhealthy (ONLINE to OFFLINE), 1 to 10.
      - The service uses V(3) when it is not set.
    type: int
  admin_state_up:
    description:
      - Whether the health check is enabled. The service uses V(true) when it is not set.
    type: bool
  name:
    description:
      - Name of the monitor, at most 255 characters.
    type: str
'''
