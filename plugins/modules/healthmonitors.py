#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: healthmonitors
short_description: Manage the health checks of many ELB pools or listeners in one task
version_added: 1.0.0
description:
  - The resource module of the collection - the health checks of many pools (dedicated v3, shared v2) or
    listeners (classic v1) of one API family in one task, in the convention of the network resource modules
    (O(config) list, O(state) V(merged), V(replaced), V(overridden), V(deleted), V(gathered), V(rendered);
    RV(before), RV(after), RV(commands)).
  - "Reads by list calls only: the load balancers (when O(scope) is given), their pools (v3, v2; filtered to the
    balancers of O(scope), else the project's) and the monitors, 2000 per page. A run that changes nothing costs
    two to four calls on v3 and v2, whatever the number of pools. The classic (v1) API has no list call for
    health checks: it reads the listeners in one call, then one GET per listener that has a check."
  - "All or nothing: every item is checked - statically (ranges, choices, patterns, fields its type does not use,
    keys another API family has) and against what the service holds (the parent exists and is unique, the type
    suits its protocol, any-port pools name a port, the same parent twice) - before the first write. One bad
    item fails the task naming every bad item, with no write."
  - Only what differs is written. The writes to one load balancer go one after another (each sets it
    C(PENDING_UPDATE)); different balancers are written in parallel, at most O(max_parallel) at a time. A write
    refused with HTTP 409 while the balancer is busy is retried, a create whose answer was lost is looked for
    before it is repeated (the rules of the single modules), and the task waits once per balancer, after its last
    write, for it to be ACTIVE again.
  - Each item takes the options of the single module of its family (M(hwcloud.elb.healthmonitor_v3),
    M(hwcloud.elb.healthmonitor_v2), M(hwcloud.elb.healthcheck_v1)), with the same ranges and normalisation, under
    their own names (no aliases). An option another family has fails, naming the item and the option.
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
options:
  api_version:
    description:
      - The API family of every item - V(v3) dedicated (pools), V(v2) shared (pools), V(v1) classic (listeners).
    type: str
    choices: [v1, v2, v3]
    default: v3
  state:
    description:
      - V(merged) creates the health check of each item, or updates the fields the item gives.
      - V(replaced) makes each item's health check exactly the item - a field not given goes back to the
        service's default (V(url_path) C(/), V(http_method) C(GET), V(expected_codes) C(200), V(max_retries_down)
        C(3), V(admin_state_up) C(true), V(name) empty; v1 thresholds C(3), interval C(5), timeout C(10), uri
        C(/)), and V(monitor_port) and V(domain_name) are cleared. Each item gives the fields a create needs.
      - V(overridden) is V(replaced) for the items, and deletes every other health check within O(scope), which
        it requires. It never reads or touches a balancer O(scope) does not name.
      - V(deleted) deletes the health checks of the items' parents (other keys of an item are ignored), or with an
        empty O(config) every health check within O(scope). A parent that does not exist is warned about; a name
        that several parents share fails, as in every state (give the id).
      - V(gathered) returns the health checks of the items' parents, else of O(scope), else of the project, in
        RV(gathered), in the O(config) shape - given back with V(merged) or V(replaced) it changes nothing.
      - V(rendered) makes no call - returns in RV(rendered) the create bodies V(merged) would send for new health
        checks, each item checked statically. A parent given by name stays a name there.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered]
    default: merged
  config:
    description:
      - The health checks, one item per pool (v3, v2) or listener (v1), each naming its parent. The same parent
        twice (by name, by id, or one of each) is an error naming both items.
      - An option set to V(null) counts as not given. Whole numbers may be given as digit strings and booleans as
        C(yes)/C(no); any other value of the wrong type fails, naming the item's number, its parent and what the
        option takes.
    type: list
    elements: dict
    default: []
    suboptions:
      pool:
        description:
          - Name or ID of the pool (v3, v2). Required there; not for v1.
        type: str
      listener:
        description:
          - Name or ID of the listener (v1). Required there; not for v3 and v2.
        type: str
      loadbalancer:
        description:
          - Name or ID of the classic load balancer of the listener (v1 only); narrows a listener name.
        type: str
      type:
        description:
          - (v3, v2) Protocol of the check - v3 V(TCP), V(UDP_CONNECT), V(HTTP), V(HTTPS), V(GRPC), V(TLS); v2
            V(TCP), V(UDP_CONNECT), V(HTTP); any case. Must suit the pool's protocol. Required to create.
        type: str
      delay:
        description:
          - (v3, v2) Seconds between two checks, 1 to 50. Required to create.
        type: int
      timeout:
        description:
          - (v3, v2) Seconds to wait for an answer, 1 to 50; best below O(config[].delay). Required to create.
        type: int
      max_retries:
        description:
          - (v3, v2) Consecutive successful checks before a member counts as healthy, 1 to 10. Required to create.
        type: int
      max_retries_down:
        description:
          - (v3, v2) Consecutive failed checks before a member counts as unhealthy, 1 to 10; default V(3).
        type: int
      admin_state_up:
        description:
          - (v3, v2) Whether the check runs; default V(true).
        type: bool
      monitor_port:
        description:
          - (v3, v2) Port to probe, 1 to 65535; not set, each member's own port. Required on any-port pools.
        type: int
      name:
        description:
          - (v3, v2) Name of the monitor, at most 255 characters; default empty.
        type: str
      domain_name:
        description:
          - (v3, v2) Domain name of the C(Host) header of HTTP checks, at most 100 characters; letters, digits,
            C(-) and C(.). Only for HTTP types.
        type: str
      url_path:
        description:
          - (v3, v2) Path of HTTP checks, starting with C(/), at most 80 characters; default V(/). Only for HTTP
            types.
        type: str
      http_method:
        description:
          - (v3, v2) HTTP method - v3 V(GET), V(HEAD), V(POST); v2 also V(PUT), V(DELETE), V(TRACE), V(OPTIONS),
            V(CONNECT), V(PATCH); default V(GET). Only for HTTP types; reserved on v2 (see
            M(hwcloud.elb.healthmonitor_v2)).
        type: str
      expected_codes:
        description:
          - (v3, v2) Status codes that count as healthy, like V(200), V(200,202) or V(200-204), compared as a set;
            default V(200) (GRPC on v3 - codes 0 to 99, default V(0)). Reserved on v2.
        type: str
      healthcheck_protocol:
        description:
          - (v1) Protocol of the check - V(HTTP), V(TCP) or V(UDP). Required to create.
        type: str
      healthcheck_uri:
        description:
          - (v1) Path of HTTP checks, starting with C(/), 1 to 80 characters of letters, digits and C(-/.%?#&_=);
            default V(/). Only for HTTP.
        type: str
      healthcheck_connect_port:
        description:
          - (v1) Port to probe, 1 to 65535.
        type: int
      healthy_threshold:
        description:
          - (v1) Consecutive successful checks before a member counts as healthy, 1 to 10; default V(3).
        type: int
      unhealthy_threshold:
        description:
          - (v1) Consecutive failed checks before a member counts as unhealthy, 1 to 10; default V(3).
        type: int
      healthcheck_timeout:
        description:
          - (v1) Seconds to wait for an answer, 1 to 50; default V(10).
        type: int
      healthcheck_interval:
        description:
          - (v1) Seconds between two checks, 1 to 50; default V(5).
        type: int
  scope:
    description:
      - Load balancers, by ID or name, that the task reads and owns. Pools (listeners) are listed only there, and
        every item must be within it.
      - Required for O(state=overridden), and for O(state=deleted) with an empty O(config).
    type: list
    elements: str
  max_parallel:
    description:
      - How many load balancers are written at the same time, 1 to 32. The writes to one balancer are always
        one after another.
    type: int
    default: 4
  wait:
    description:
      - After the last write to a load balancer, wait until it is ACTIVE again.
      - Whatever this says, a write refused with HTTP 409 while the balancer is C(PENDING_*) is retried
        until O(wait_timeout).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for a load balancer to become ACTIVE, and to keep retrying a write it refuses while busy;
        0 to 3600.
      - When a write or a wait fails after other writes went through, the task fails with C(changed=true), says
        in its message which health checks were written, and returns in RV(commands) the writes that went through
        and in RV(after) what the service holds (the parents whose write failed or never ran are read back).
    type: int
    default: 300
extends_documentation_fragment:
  - hwcloud.elb.connection
  - hwcloud.elb.attributes
seealso:
  - module: hwcloud.elb.healthmonitor_v3
  - module: hwcloud.elb.healthmonitor_info
  - name: Network resource modules
    description: The convention this module follows.
    link: https://docs.ansible.com/ansible/latest/network/user_guide/network_resource_modules.html
'''

EXAMPLES = r'''
- name: Health monitors on many dedicated (v3) pools, creating or updating the fields given (merged)
  hwcloud.elb.healthmonitors:
    config:
      - pool: web-pool
        type: HTTP
        delay: 5
        timeout: 3
        max_retries: 3
        url_path: /healthz
      - pool: db-pool
        type: TCP
        delay: 10
        timeout: 5
        max_retries: 2
        monitor_port: 3306

- name: Each monitor exactly as given, anything else back to the defaults (replaced)
  hwcloud.elb.healthmonitors:
    state: replaced
    config:
      - {pool: web-pool, type: HTTP, delay: 5, timeout: 3, max_retries: 3}

- name: The monitors of two balancers are exactly these; every other monitor there is deleted (overridden)
  hwcloud.elb.healthmonitors:
    state: overridden
    scope: [web-lb, api-lb]
    config:
      - {pool: web-pool, type: HTTP, delay: 5, timeout: 3, max_retries: 3}
      - {pool: api-pool, type: TCP, delay: 5, timeout: 3, max_retries: 3}

- name: Delete the monitors of two pools (deleted)
  hwcloud.elb.healthmonitors:
    state: deleted
    config:
      - pool: web-pool
      - pool: db-pool

- name: Delete every monitor of a balancer
  hwcloud.elb.healthmonitors:
    state: deleted
    scope: [old-lb]

- name: Read the monitors of a balancer in the config shape (gathered)
  hwcloud.elb.healthmonitors:
    state: gathered
    scope: [web-lb]
  register: current

- name: Give them back unchanged - a no-op
  hwcloud.elb.healthmonitors:
    state: replaced
    config: "{{ current.gathered }}"

- name: The request bodies of new monitors, without any call (rendered)
  hwcloud.elb.healthmonitors:
    state: rendered
    config:
      - {pool: web-pool, type: HTTP, delay: 5, timeout: 3, max_retries: 3}
  register: bodies

- name: Classic (v1) health checks of listeners, four balancers written at a time at most
  hwcloud.elb.healthmonitors:
    api_version: v1
    max_parallel: 4
    config:
      - listener: web-listener
        loadbalancer: classic-lb
        healthcheck_protocol: HTTP
        healthcheck_uri: /healthz
'''

RETURN = r'''
before:
  description:
    - The health checks the task planned to write, as they were, in the O(config) shape (the parent's ID, and
      every field the check's type uses that is set), sorted by parent ID.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample:
    - pool: 2bf8c4f4-4b7f-4d5a-9f4e-6a0c4a3b9e11
      type: HTTP
      delay: 5
      timeout: 3
      max_retries: 3
      max_retries_down: 3
      admin_state_up: true
      name: ""
      url_path: /
      http_method: GET
      expected_codes: "200"
after:
  description:
    - The same health checks after the writes, in the same shape (a deleted one is left out); in check mode,
      what the writes would make of them.
    - On a failure part-way, what the service holds - the answers of the writes that went through, and for the
      others the health check read back (left out only when its answer was lost and it could not be read).
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
commands:
  description:
    - Each write, in order within a balancer - C(method), C(path), C(body), and the parent's ID under C(pool)
      (v1 C(listener)). In check mode, the writes the task would make. Empty when nothing differs.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: dict
  sample:
    - method: PUT
      path: /v3/0123456789abcdef0123456789abcdef/elb/healthmonitors/c2b210b2-60c4-449d-91e2-9e9ea1dd7441
      body: {healthmonitor: {delay: 10}}
      pool: 2bf8c4f4-4b7f-4d5a-9f4e-6a0c4a3b9e11
gathered:
  description:
    - The health checks read, in the O(config) shape, sorted by parent ID.
  returned: when O(state=gathered)
  type: list
  elements: dict
rendered:
  description:
    - The create request body of each item, in order.
  returned: when O(state=rendered)
  type: list
  elements: dict
  sample:
    - healthmonitor: {pool_id: web-pool, type: HTTP, delay: 5, timeout: 3, max_retries: 3}
'''

from ansible_collections.hwcloud.elb.plugins.module_utils._monitors_module import run_monitors_module


def main():
    run_monitors_module(supports_check_mode=True)


if __name__ == '__main__':
    main()
