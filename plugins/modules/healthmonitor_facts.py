#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: healthmonitor_facts
short_description: Gather the health checks of any ELB family as host facts
version_added: 1.0.0
description:
  - Runs the same query as M(hwcloud.elb.healthmonitor_info) and returns the result as the fact
    C(hwcloud_elb_healthmonitors), so it lands in the host's facts, in fact caches and in AWX / Automation
    Controller fact storage.
  - Read it as C(ansible_facts.hwcloud_elb_healthmonitors) (another host's as
    C(hostvars[host].ansible_facts.hwcloud_elb_healthmonitors)); the bare variable depends on
    C(INJECT_FACTS_AS_VARS), which ansible-core deprecates.
  - "Delegated per inventory host (C(delegate_to: localhost) with C(delegate_facts) left false), each host
    gets the health checks of its own pool or listener."
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
extends_documentation_fragment:
  - hwcloud.elb.query
  - hwcloud.elb.connection
  - hwcloud.elb.attributes.info
  - hwcloud.elb.attributes.facts
seealso:
  - module: hwcloud.elb.healthmonitor_info
'''

EXAMPLES = r'''
- name: Each web server learns the health monitor of its own pool
  hosts: webservers
  gather_facts: false
  tasks:
    - name: Gather the monitor of this host's pool (the API call runs on the controller)
      hwcloud.elb.healthmonitor_facts:
        pool: "{{ elb_pool }}"
      delegate_to: localhost

    - name: Use it
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }} is probed on {{ ansible_facts.hwcloud_elb_healthmonitors[0].url_path | default('-') }}"

- name: Read what another host gathered
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Show web1's monitor
      ansible.builtin.debug:
        var: hostvars['web1'].ansible_facts.hwcloud_elb_healthmonitors
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to the host.
  returned: always
  type: dict
  contains:
    hwcloud_elb_healthmonitors:
      description:
        - The matching health checks, each as the API returns it plus C(api_version), sorted by id.
        - Empty when nothing matches, including an unknown pool, listener or id.
      returned: always
      type: list
      elements: dict
      sample:
        - id: c2b210b2-60c4-449d-91e2-9e9ea1dd7441
          api_version: v3
          type: TCP
          delay: 5
          timeout: 3
          max_retries: 3
'''

from ansible_collections.hwcloud.elb.plugins.module_utils._monitor_query_module import run_monitor_query_module


def main():
    run_monitor_query_module(as_facts=True, supports_check_mode=True)


if __name__ == '__main__':
    main()
