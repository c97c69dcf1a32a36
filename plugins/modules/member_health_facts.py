#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: member_health_facts
short_description: Gather the health of load balancer backends as host facts
version_added: 1.0.0
description:
  - Runs the same query as M(hwcloud.elb.member_health_info) (waiting too, with O(wait_for)) and returns the
    result as the fact C(hwcloud_elb_member_health), so it lands in the host's facts, in fact caches and in
    AWX / Automation Controller fact storage.
  - Read it as C(ansible_facts.hwcloud_elb_member_health) (another host's as
    C(hostvars[host].ansible_facts.hwcloud_elb_member_health)); the bare variable depends on
    C(INJECT_FACTS_AS_VARS), which ansible-core deprecates.
  - "Delegated per inventory host (C(delegate_to: localhost) with C(delegate_facts) left false) with
    O(address) set to the host's address, each host learns its own health in every pool of the balancer."
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
extends_documentation_fragment:
  - hwcloud.elb.member_health
  - hwcloud.elb.connection
  - hwcloud.elb.attributes.info
  - hwcloud.elb.attributes.facts
seealso:
  - module: hwcloud.elb.member_health_info
'''

EXAMPLES = r'''
- name: Each web server learns its own health in every pool of the balancer
  hosts: webservers
  gather_facts: false
  tasks:
    - name: Gather this host's member health (the API call runs on the controller)
      hwcloud.elb.member_health_facts:
        loadbalancer: web-lb
        address: "{{ ansible_host }}"
      delegate_to: localhost

    - name: Use it
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }}: {{ ansible_facts.hwcloud_elb_member_health.summary }}"

- name: Read what another host gathered
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Show web1's health
      ansible.builtin.debug:
        var: hostvars['web1'].ansible_facts.hwcloud_elb_member_health.members
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to the host.
  returned: always
  type: dict
  contains:
    hwcloud_elb_member_health:
      description:
        - C(members) - the selected members with their health, as RV(hwcloud.elb.member_health_info#module:members)
          describes them; C(summary) - how many are in each health state, and C(total).
      returned: always
      type: dict
      sample:
        members:
          - api_version: v3
            address: 192.168.0.12
            protocol_port: 8080
            pool_name: web-pool
            health: healthy
            status: ONLINE
            reason: null
        summary: {healthy: 1, unhealthy: 0, checking: 0, unmonitored: 0, unknown: 0, total: 1}
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
    run_member_health_module(as_facts=True, supports_check_mode=True)


if __name__ == '__main__':
    main()
