#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: healthmonitor_v2
short_description: Manage the health monitor of a shared ELB (v2.0) pool
version_added: 1.0.0
description:
  - Creates, updates or deletes the health monitor of a backend server group (pool) of a Huawei Cloud
    shared load balancer, through the ELB v2.0 API (C(/v2.0/lbaas/healthmonitors); the project is the one of
    the token, or O(project_id) with AK/SK signing).
  - A pool has at most one monitor; it is found through the pool's C(healthmonitor_id), so the pool is the
    monitor's identity.
  - Only the fields the task gives are compared and sent. Values are compared the way the service means them -
    enums in any case, and a field the service fills with its default counts as that default. A second run
    with the same options changes nothing and makes no write.
  - Every option is checked before any call that writes - ranges, allowed values, lengths, patterns, fields the
    O(type) does not use, the O(type) against the pool's protocol, and a change of O(type) the service would
    refuse.
  - B(Reserved fields.) The service documents O(http_method) and O(expected_codes) as reserved - it may ignore
    what it is sent (it holds O(expected_codes) at V(200) whatever it is sent). The module sends them when it
    creates a monitor, but never writes them to an existing one and never counts them as a change, so a value
    the service does not keep cannot make every run report C(changed). On each run where a given value differs
    from the one the service holds (or, for O(expected_codes), will hold), the module returns one warning that
    names the option, the value given and the value kept, and reports the monitor as the service holds it.
    To change O(http_method) of an existing monitor, delete it (O(state=absent)) and create it again.
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
options:
  type:
    description:
      - Protocol of the health check - V(TCP), V(UDP_CONNECT) or V(HTTP), in any case.
      - Must suit the pool's protocol - a UDP (or QUIC) pool takes only V(UDP_CONNECT); a TCP or HTTP pool takes
        V(TCP) or V(HTTP).
      - The service changes the type of an existing monitor only between V(TCP) and V(HTTP), on a TCP or HTTP
        pool (it refuses anything else with C(ELB.9899)); the module fails before any write on such a change and
        says what to do instead - delete the monitor (O(state=absent)) and create it again.
      - Required to create a monitor.
    type: str
  monitor_port:
    description:
      - Port to probe, 1 to 65535. When not set, each member's own port is probed.
    type: int
  domain_name:
    description:
      - Domain name sent in the C(Host) header of HTTP checks; letters, digits, C(-) and C(.), starting with a
        letter or digit, at most 100 characters. When not set, the balancer's private IP address is used.
      - Only for O(type=HTTP).
    type: str
  url_path:
    description:
      - Path requested by HTTP checks; starts with C(/), at most 80 characters (the shared API sets no character
        set, unlike the dedicated one). The service uses V(/) when it is not set.
      - Only for O(type=HTTP).
    type: str
  http_method:
    description:
      - HTTP method of the checks - V(GET), V(HEAD), V(POST), V(PUT), V(DELETE), V(TRACE), V(OPTIONS), V(CONNECT)
        or V(PATCH), in any case. The service uses V(GET) when it is not set.
      - Reserved by the service - sent on creation only; a different value on an existing monitor is not written
        and not a change, only a warning (see the description above).
      - Only for O(type=HTTP).
    type: str
  expected_codes:
    description:
      - Status codes that count as healthy - a code (V(200)), a list (V(200,202)), a range (V(200-204)) or a mix,
        codes 200 to 599, at most 64 characters.
      - Reserved by the service, which holds V(200) whatever it is sent; any other value gets a warning and is
        never a change (see the description above).
      - Only for O(type=HTTP).
    type: str
extends_documentation_fragment:
  - hwcloud.elb.monitor.pool
  - hwcloud.elb.monitor
  - hwcloud.elb.connection
  - hwcloud.elb.attributes
seealso:
  - module: hwcloud.elb.healthmonitor_v3
    description: The same for the pools of a dedicated load balancer (v3 API).
'''

EXAMPLES = r'''
- name: HTTP health check on a shared ELB pool, found by name
  hwcloud.elb.healthmonitor_v2:
    pool: web-pool
    type: HTTP
    delay: 5
    timeout: 3
    max_retries: 3
    max_retries_down: 3
    url_path: /healthz
    domain_name: www.example.com
    region: cn-north-4
    access_key: "{{ lookup('ansible.builtin.env', 'HW_ACCESS_KEY') }}"
    secret_key: "{{ lookup('ansible.builtin.env', 'HW_SECRET_KEY') }}"

- name: Connection options once, for every task of the block
  module_defaults:
    group/hwcloud.elb.all:
      region: cn-north-4
      auth_token: "{{ hw_token }}"
  block:
    - name: UDP health check on port 53 of a UDP pool, the pool given by id
      hwcloud.elb.healthmonitor_v2:
        pool_id: 6f0a3c1e-2b4d-4e8f-9a7b-1c2d3e4f5a6b
        type: UDP_CONNECT
        delay: 10
        timeout: 5
        max_retries: 2
        monitor_port: 53

    - name: Turn the TCP check of a TCP pool into an HTTP check, in place
      hwcloud.elb.healthmonitor_v2:
        pool: app-pool
        type: HTTP
        url_path: /status

    - name: Pause the health check without losing its settings
      hwcloud.elb.healthmonitor_v2:
        pool: app-pool
        admin_state_up: false

- name: Preview a change (run with --check --diff to see before and after)
  hwcloud.elb.healthmonitor_v2:
    pool: web-pool
    url_path: /ready
  check_mode: true
  register: preview

- name: Remove the health check of a pool
  hwcloud.elb.healthmonitor_v2:
    pool: web-pool
    state: absent
'''

RETURN = r'''
healthmonitor:
  description:
    - The health monitor as the service holds it after the run; V(null) when there is none (after O(state=absent)).
    - In check mode, the monitor as it would be.
  returned: always
  type: dict
  sample:
    id: 2dca3867-98c5-4cde-8f2c-b89ae6bd7e36
    name: web-check
    type: HTTP
    delay: 5
    timeout: 3
    max_retries: 3
    max_retries_down: 3
    admin_state_up: true
    monitor_port: null
    domain_name: www.example.com
    url_path: /healthz
    http_method: GET
    expected_codes: "200"
    pools:
      - id: bb44bffb-05d9-412c-9d9c-b189d9e14193
    project_id: 145483a5107745e9b3d80f956713e6a3
    tenant_id: 145483a5107745e9b3d80f956713e6a3
diff:
  description:
    - With C(--diff), the fields involved before and after the run - the fields the task gives for an update,
      the whole monitor for a create or a delete.
    - A reserved field shows the value the service holds on both sides.
  returned: when diff mode is on and the monitor exists or is created
  type: dict
  sample:
    before:
      url_path: /
    after:
      url_path: /healthz
'''

from ansible_collections.hwcloud.elb.plugins.module_utils._family_v2 import FAMILY
from ansible_collections.hwcloud.elb.plugins.module_utils._monitor_module import run_monitor_module


def main():
    run_monitor_module(FAMILY, supports_check_mode=True)


if __name__ == '__main__':
    main()
