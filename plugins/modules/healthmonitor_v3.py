#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: healthmonitor_v3
short_description: Manage the health monitor of a dedicated ELB (v3) pool
version_added: 1.0.0
description:
  - Creates, updates or deletes the health monitor of a backend server group (pool) of a Huawei Cloud
    dedicated load balancer, through the ELB v3 API (C(/v3/{project_id}/elb/healthmonitors)).
  - A pool has at most one monitor; it is found through the pool's C(healthmonitor_id), so the pool is the
    monitor's identity.
  - Only the fields the task gives are compared and sent. Values are compared the way the service means them -
    enums in any case, O(expected_codes) as a set of codes, and a field the service fills with its default
    counts as that default. A second run with the same options changes nothing and makes no write.
  - Every option is checked before any call that writes - ranges, allowed values, patterns, fields the
    O(type) does not use, and the O(type) against the pool's protocol.
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
options:
  type:
    description:
      - Protocol of the health check - V(TCP), V(UDP_CONNECT), V(HTTP), V(HTTPS), V(GRPC) or V(TLS), in any case.
      - Must suit the pool's protocol - a UDP or QUIC pool takes only V(UDP_CONNECT); a TCP or IP pool takes
        V(TCP), V(HTTP) or V(HTTPS); an HTTP, HTTPS, GRPC or TLS pool takes all but V(UDP_CONNECT).
      - Required to create a monitor.
    type: str
  monitor_port:
    description:
      - Port to probe, 1 to 65535. When not set, each member's own port is probed.
      - Required when the pool accepts traffic on any port (C(any_port_enable)).
    type: int
  domain_name:
    description:
      - Domain name sent in the C(Host) header of HTTP checks; letters, digits, C(-) and C(.), starting with a
        letter or digit, at most 100 characters. When not set, the balancer's virtual IP address is used.
      - Only for O(type) V(HTTP) or V(HTTPS).
    type: str
  url_path:
    description:
      - Path requested by HTTP checks; starts with C(/), letters, digits and C(-/.%?#&_;~!(\)*[]@$^:',+), at most
        80 characters. The service uses V(/) when it is not set.
      - Only for O(type) V(HTTP) or V(HTTPS).
    type: str
  http_method:
    description:
      - HTTP method of the checks - V(GET), V(HEAD) or V(POST), in any case. The service uses V(GET) when it is not set.
      - Only for O(type) V(HTTP) or V(HTTPS).
    type: str
  expected_codes:
    description:
      - Status codes that count as healthy - a code (V(200)), a list (V(200,202)), a range (V(200-204)) or a mix.
        Compared as a set, so V(202, 200) equals V(200,202).
      - HTTP and HTTPS take codes 200 to 599 (default V(200)); GRPC takes 0 to 99 (default V(0)).
      - Only for O(type) V(HTTP), V(HTTPS) or V(GRPC).
    type: str
extends_documentation_fragment:
  - hwcloud.elb.monitor.pool
  - hwcloud.elb.monitor
  - hwcloud.elb.connection
  - hwcloud.elb.attributes
seealso:
  - name: Huawei Cloud ELB API - Configuring a Health Check
    description: The v3 API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/api-elb/CreateHealthMonitor.html
'''

EXAMPLES = r'''
- name: HTTP health check on a pool, found by name
  hwcloud.elb.healthmonitor_v3:
    pool: web-pool
    type: HTTP
    delay: 5
    timeout: 3
    max_retries: 3
    max_retries_down: 3
    url_path: /healthz
    expected_codes: 200-204
    region: cn-north-4
    access_key: "{{ lookup('ansible.builtin.env', 'HW_ACCESS_KEY') }}"
    secret_key: "{{ lookup('ansible.builtin.env', 'HW_SECRET_KEY') }}"

- name: Connection options once, for every task of the block
  module_defaults:
    group/hwcloud.elb.all:
      region: cn-north-4
      project_id: "{{ hw_project_id }}"
      auth_token: "{{ hw_token }}"
  block:
    - name: TCP health check on port 3306, the pool given by id
      hwcloud.elb.healthmonitor_v3:
        pool_id: 2bf8c4f4-4b7f-4d5a-9f4e-6a0c4a3b9e11
        type: TCP
        delay: 10
        timeout: 5
        max_retries: 2
        monitor_port: 3306

    - name: Pause the health check without losing its settings
      hwcloud.elb.healthmonitor_v3:
        pool: db-pool
        admin_state_up: false

- name: Preview a change (run with --check --diff to see before and after)
  hwcloud.elb.healthmonitor_v3:
    pool: web-pool
    url_path: /ready
  check_mode: true
  register: preview

- name: Remove the health check of a pool
  hwcloud.elb.healthmonitor_v3:
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
    id: c2b210b2-60c4-449d-91e2-9e9ea1dd7441
    name: web-check
    type: HTTP
    delay: 5
    timeout: 3
    max_retries: 3
    max_retries_down: 3
    admin_state_up: true
    monitor_port: null
    domain_name: null
    url_path: /healthz
    http_method: GET
    expected_codes: 200-204
    pools:
      - id: 2bf8c4f4-4b7f-4d5a-9f4e-6a0c4a3b9e11
    project_id: 0123456789abcdef0123456789abcdef
    created_at: "2026-11-22T08:00:00Z"
    updated_at: "2026-11-22T08:00:00Z"
diff:
  description:
    - With C(--diff), the fields involved before and after the run - the fields the task gives for an update,
      the whole monitor for a create or a delete.
  returned: when diff mode is on and the monitor exists or is created
  type: dict
  sample:
    before:
      url_path: /
    after:
      url_path: /healthz
'''

from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import FAMILY
from ansible_collections.hwcloud.elb.plugins.module_utils._monitor_module import run_monitor_module


def main():
    run_monitor_module(FAMILY, supports_check_mode=True)


if __name__ == '__main__':
    main()
