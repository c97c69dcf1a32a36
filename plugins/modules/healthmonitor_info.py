#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: healthmonitor_info
short_description: List the health checks of any ELB family
version_added: 1.0.0
description:
  - Lists the health checks of dedicated (v3), shared (v2) or classic (v1) Huawei Cloud load balancers,
    optionally filtered, and returns them in RV(healthmonitors).
  - M(hwcloud.elb.healthmonitor_facts) runs the same query and returns the list as a fact instead.
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
extends_documentation_fragment:
  - hwcloud.elb.query
  - hwcloud.elb.connection
  - hwcloud.elb.attributes.info
seealso:
  - module: hwcloud.elb.healthmonitor_facts
  - module: hwcloud.elb.healthmonitor_v3
'''

EXAMPLES = r'''
- name: Every dedicated (v3) health monitor of the project
  hwcloud.elb.healthmonitor_info:
  register: all_monitors

- name: The monitor of one pool
  hwcloud.elb.healthmonitor_info:
    pool: web-pool
  register: web

- name: Show its URL path
  ansible.builtin.debug:
    msg: "{{ web.healthmonitors[0].url_path if web.healthmonitors else 'no monitor' }}"

- name: HTTP and HTTPS monitors that are switched off (filters go to the service)
  hwcloud.elb.healthmonitor_info:
    type: [HTTP, HTTPS]
    admin_state_up: false
  register: paused

- name: Every monitor of the pools of one dedicated load balancer
  hwcloud.elb.healthmonitor_info:
    loadbalancer: web-lb
  register: web_lb_monitors

- name: Shared (v2) monitors named web-check
  hwcloud.elb.healthmonitor_info:
    api_version: v2
    name: web-check

- name: Health checks of all listeners of a classic load balancer
  hwcloud.elb.healthmonitor_info:
    api_version: v1
    loadbalancer: classic-lb
'''

RETURN = r'''
healthmonitors:
  description:
    - The matching health checks, each as the API returns it plus C(api_version), sorted by id.
    - Empty when nothing matches, including an unknown pool, listener or id.
  returned: always
  type: list
  elements: dict
  sample:
    - id: c2b210b2-60c4-449d-91e2-9e9ea1dd7441
      api_version: v3
      type: HTTP
      delay: 5
      timeout: 3
      max_retries: 3
      max_retries_down: 3
      admin_state_up: true
      url_path: /healthz
      http_method: GET
      expected_codes: "200"
      domain_name: null
      monitor_port: null
      name: web-check
      pools:
        - id: 2bf8c4f4-4b7f-4d5a-9f4e-6a0c4a3b9e11
'''

from ansible_collections.hwcloud.elb.plugins.module_utils._monitor_query_module import run_monitor_query_module


def main():
    run_monitor_query_module(as_facts=False, supports_check_mode=True)


if __name__ == '__main__':
    main()
