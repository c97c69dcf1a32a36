# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of healthmonitor_info and healthmonitor_facts (argument spec: module_utils/_monitor_query_module.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r'''
options:
  api_version:
    description:
      - Which ELB family to query - V(v3) dedicated load balancers, V(v2) shared load balancers,
        V(v1) classic load balancers.
    type: str
    choices: [v1, v2, v3]
    default: v3
  pool:
    description:
      - Only the monitor of this pool (name or id; a name shared by several pools selects all of them).
      - V(v2) and V(v3). An unknown pool gives an empty list.
    type: str
  listener:
    description:
      - Only the health check of this listener (name or id). V(v1) only. An unknown listener gives an empty list.
    type: str
  loadbalancer:
    description:
      - Only the health checks of this load balancer (name or id) - of its pools (V(v3), V(v2); a name shared by
        several balancers selects all of them, an unknown balancer gives an empty list), or of its listeners
        (V(v1)).
      - With O(pool), only that pool's monitor if the pool belongs to this balancer; with O(listener) (V(v1)),
        narrows a listener name to this balancer.
    type: str
  id:
    description:
      - Only health checks with these ids. All families; V(v2) takes one value.
    type: list
    elements: str
  name:
    description: Only monitors with these names. V(v3) (several values) and V(v2) (one value).
    type: list
    elements: str
  type:
    description: Only monitors of these types, for example V(HTTP). V(v3) and V(v2).
    type: list
    elements: str
  delay:
    description: Only monitors with these intervals (seconds). V(v3) and V(v2).
    type: list
    elements: str
  timeout:
    description: Only monitors with this timeout (seconds). V(v3) and V(v2).
    type: int
  max_retries:
    description: Only monitors with these healthy thresholds. V(v3) and V(v2).
    type: list
    elements: str
  max_retries_down:
    description: Only monitors with these unhealthy thresholds. V(v3) and V(v2).
    type: list
    elements: str
  monitor_port:
    description: Only monitors probing these ports. V(v3) and V(v2).
    type: list
    elements: str
  domain_name:
    description: Only monitors with these domain names. V(v3) and V(v2).
    type: list
    elements: str
  url_path:
    description: Only monitors with these URL paths. V(v3) and V(v2).
    type: list
    elements: str
  http_method:
    description: Only monitors with these HTTP methods. V(v3) and V(v2).
    type: list
    elements: str
  expected_codes:
    description: Only monitors with these expected codes, written as the service holds them. V(v3) and V(v2).
    type: list
    elements: str
  admin_state_up:
    description: Only enabled (V(true)) or disabled (V(false)) monitors. V(v3) and V(v2).
    type: bool
  enterprise_project_id:
    description: Only monitors of these enterprise projects. V(v3) only.
    type: list
    elements: str
notes:
  - Filters go to the service wherever its list API takes them; results are read to the last page
    (v3 - 2000 a page). Classic (V(v1)) health checks have no list call - they are read through their listeners,
    one call each.
  - A filter the chosen O(api_version) does not take fails, naming it and the filters that version takes.
  - Results are sorted by id, so repeated runs return the same order.
'''
