#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: member_health_info
short_description: Read the health of load balancer backends, or wait for it
version_added: 1.0.0
description:
  - Lists the backend members of dedicated (v3), shared (v2) or classic (v1) Huawei Cloud load balancers with
    their health, normalised across the families, in RV(members), and counts them by health in RV(summary).
  - With O(wait_for), waits until the members are healthy (or unhealthy, or decided), for example until a host
    is back in rotation after an update, or until the health check has decided on new members.
  - M(hwcloud.elb.member_health_facts) runs the same query and returns it as a fact instead.
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
extends_documentation_fragment:
  - hwcloud.elb.member_health
  - hwcloud.elb.connection
  - hwcloud.elb.attributes.info
seealso:
  - module: hwcloud.elb.member_health_facts
  - module: hwcloud.elb.healthmonitor_info
'''

EXAMPLES = r'''
- name: Health of every member of one pool
  hwcloud.elb.member_health_info:
    pool: web-pool
  register: web

- name: Show the failing ones with their reason
  ansible.builtin.debug:
    msg: "{{ item.address }}:{{ item.protocol_port }} {{ item.health }} {{ item.reason.code | default('') }}"
  loop: "{{ web.members | selectattr('health', 'equalto', 'unhealthy') }}"

- name: Wait until this host is back in rotation (every pool of the balancer)
  hwcloud.elb.member_health_info:
    loadbalancer: web-lb
    address: "{{ ansible_host }}"
    wait_for: healthy
    wait_timeout: 600
  delegate_to: localhost

- name: Wait until the health check has decided on every member of the pool, then read them
  hwcloud.elb.member_health_info:
    pool: web-pool
    wait_for: decided
    wait_timeout: 60
  register: decided

- name: Wait until at least half of the pool is healthy
  hwcloud.elb.member_health_info:
    pool: web-pool
    wait_for: healthy
    min_healthy: 50%

- name: Members of a classic listener
  hwcloud.elb.member_health_info:
    api_version: v1
    loadbalancer: classic-lb
    listener: http-listener
'''

RETURN = r'''
members:
  description:
    - One item per member (v1 - per member and listener), sorted by pool or listener, address and port.
    - Empty when the selection matches no member.
  returned: always
  type: list
  elements: dict
  contains:
    api_version:
      description: The family, V(v3), V(v2) or V(v1).
      type: str
      sample: v3
    id:
      description: The member's id.
      type: str
    name:
      description: The member's name (v1 - the server name).
      type: str
    address:
      description: The member's IP address.
      type: str
      sample: 192.168.0.12
    protocol_port:
      description: The port the member serves on (v1 - the listener's backend port).
      type: int
      sample: 8080
    weight:
      description: The member's weight (V(0) takes no new traffic); null on V(v1).
      type: int
    admin_state_up:
      description: Whether the member is switched on (v3, v2).
      type: bool
    instance_id:
      description: The ECS instance behind the member (v3 C(instance_id), v1 C(server_id)), when there is one.
      type: str
    member_type:
      description: V(v3) - C(instance) (the member of an ECS, registered with a subnet) or C(ip) (an IP address as a
        backend).
      type: str
      returned: with api_version v3
    pool_id:
      description: The member's pool (v3, v2).
      type: str
    pool_name:
      description: The name of the member's pool (v3, v2).
      type: str
    listener_id:
      description: The member's listener (v1).
      type: str
    listener_name:
      description: The name of the member's listener (v1).
      type: str
    loadbalancer_id:
      description: The member's load balancer.
      type: str
    health:
      description:
        - The normalised health - V(healthy), V(unhealthy), V(checking) (not decided yet), V(unmonitored)
          (no health check or the member is switched off) or V(unknown).
      type: str
      sample: unhealthy
    status:
      description: The service's own value (v3, v2 C(operating_status); v1 C(health_status)).
      type: str
      sample: OFFLINE
    reason:
      description:
        - Why the last check failed (v3 only, null otherwise) - C(code) (for example V(RESPONSE_MISMATCH),
          V(CONNECT_REFUSED)), and for a response mismatch the C(expected) codes and the code C(received).
      type: dict
      sample: {code: RESPONSE_MISMATCH, expected: 200-204, received: "500"}
    listeners:
      description:
        - v3 - the member's health as seen by each listener of its pool (C(listener_id), C(health), C(status),
          C(reason)); when present, the member's C(health) is the worst of them.
      type: list
      elements: dict
summary:
  description: How many of the returned members are in each health state, and C(total).
  returned: always
  type: dict
  sample: {healthy: 1, unhealthy: 1, checking: 0, unmonitored: 0, unknown: 0, total: 2}
diagnosis:
  description:
    - With O(diagnose), when the wait fails - the member check of the members that were not healthy (at most 5).
  returned: when a wait with O(diagnose=true) fails
  type: dict
  contains:
    summary:
      description: One line per failing check item, with the fix (also at the end of the failure message).
      type: list
      elements: str
    checks:
      description: One entry per member checked, as M(hwcloud.elb.member_check) returns them in its C(checks).
      type: list
      elements: dict
'''

from ansible_collections.hwcloud.elb.plugins.module_utils._member_health_module import run_member_health_module


def main():
    run_member_health_module(as_facts=False, supports_check_mode=True)


if __name__ == '__main__':
    main()
