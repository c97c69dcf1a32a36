#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: member_check
short_description: Find out why a dedicated load balancer backend fails its health check
version_added: 1.0.0
description:
  - Runs the member check job of a dedicated (v3) Huawei Cloud load balancer for one backend member (or a few) and
    waits for its result - the checks of the health check's configuration against the backend, of the backend's
    security group and of its subnet's network ACL.
  - "Returns the job's results as the service gives them in RV(checks), and one plain line per failing item with
    the fix in RV(summary), for example C(127.0.0.5:8080 (security group): The security group of backend
    127.0.0.5 does not allow TCP 8080 from 100.125.0.0/16. Fix: add an inbound rule allowing TCP 8080 from
    100.125.0.0/16 to the security group of 127.0.0.5.)"
  - The task does not fail because a check fails - RV(passed) says whether every check passed; it fails when the
    member cannot be found or the job does not finish within O(wait_timeout).
  - Shared (v2) and classic (v1) load balancers have no such job - O(api_version=v2) and O(api_version=v1) fail
    with a message saying so; read the reason code with M(hwcloud.elb.member_health_info) and see the
    troubleshooting table of the backend health guide.
  - M(hwcloud.elb.member_health_info), M(hwcloud.elb.member_health_facts) and M(hwcloud.elb.member_traffic) run
    the same check for the members a failed wait names with their C(diagnose) option.
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
options:
  api_version:
    description:
      - Which ELB family - only V(v3) (dedicated) has the member check job; V(v2) and V(v1) are refused.
    type: str
    choices: [v1, v2, v3]
    default: v3
  loadbalancer:
    description:
      - With O(address), look for the member in every pool of this load balancer (name or id).
    type: str
    aliases: [loadbalancer_id]
  pool:
    description:
      - With O(address), look for the member in this pool (name or id); narrows O(member) too.
    type: str
    aliases: [pool_id]
  address:
    description:
      - The member's IP address. Needs O(pool) or O(loadbalancer).
    type: str
  protocol_port:
    description:
      - With O(address), only the member on this port (when several members share an address).
    type: int
  member:
    description:
      - The member's id or name (alone, or narrowed by O(pool) or O(loadbalancer)).
    type: str
    aliases: [member_id]
  listener:
    description:
      - The listener (name or id) the member is checked behind.
      - Default - the first listener of the member's pool.
    type: str
    aliases: [listener_id]
  subject:
    description:
      - What to check - V(all), only the health check's V(config)uration, the V(security_group) or the
        V(network_acl). Groups not asked for are null in RV(checks[].results).
    type: str
    choices: [all, config, network_acl, security_group]
    default: all
  wait_timeout:
    description:
      - Seconds (0-3600) to wait for the check jobs to finish; the job status is read with the collection's
        backoff (about every 0.5 s at first, at most every 5 s).
    type: int
    default: 120
extends_documentation_fragment:
  - hwcloud.elb.connection
  - hwcloud.elb.attributes.info
notes:
  - At most 5 members are checked by one task (a selection matching more fails, naming them).
  - The job is a read-only diagnosis - it changes nothing at the service, so the module runs in check mode too
    (it really runs the check) and always reports C(changed=false).
  - "Calls - finding the member costs the same as M(hwcloud.elb.member_health_info) (one member list call, plus a
    pool or load balancer GET when one is named by name, and one listener GET with O(listener)); then one POST per
    member and one GET per member for each poll of the job."
  - A security group or network ACL must let the health checks in - from the load balancer's backend subnet for
    dedicated load balancers, according to the user guide (100.125.0.0/16 for shared ones); a failing
    C(security_group) item names the source and the port the job found missing.
seealso:
  - module: hwcloud.elb.member_health_info
  - module: hwcloud.elb.member_traffic
'''

EXAMPLES = r'''
- name: Why is this backend unhealthy?
  hwcloud.elb.member_check:
    pool: web-pool
    address: 192.168.0.12
    protocol_port: 8080
  register: why

- name: Say it in plain words
  ansible.builtin.debug:
    msg: "{{ why.summary if not why.passed else 'every check passed' }}"

- name: Only the security group, behind a given listener
  hwcloud.elb.member_check:
    member: 5d2b7c3e-3c5b-4d0a-9a40-8c1c4b3b9f11
    listener: web-https
    subject: security_group
'''

RETURN = r'''
passed:
  description: Whether every check of every member passed (C(Tips) items do not count as failures).
  returned: success
  type: bool
  sample: false
summary:
  description:
    - One line per failing item of every member - the member, the group, what is wrong, and the fix.
    - Empty when every check passed.
  returned: success
  type: list
  elements: str
  sample:
    - "127.0.0.5:8080 (security group): The security group of backend 127.0.0.5 does not allow TCP 8080 from
      100.125.0.0/16. Fix: add an inbound rule allowing TCP 8080 from 100.125.0.0/16 to the security group of
      127.0.0.5."
checks:
  description: One entry per member checked.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The member's id.
      type: str
    name:
      description: The member's name.
      type: str
    address:
      description: The member's IP address.
      type: str
    protocol_port:
      description: The member's port.
      type: int
    pool_id:
      description: The member's pool.
      type: str
    pool_name:
      description: The pool's name.
      type: str
    listener_id:
      description: The listener the member was checked behind.
      type: str
    job_id:
      description: The check job's id.
      type: str
    status:
      description: The job's status - C(processed), or C(failed) when the service could not run it.
      type: str
    passed:
      description: Whether every check of this member passed.
      type: bool
    summary:
      description: This member's lines of RV(summary).
      type: list
      elements: str
    results:
      description:
        - The job's result as the service gives it, by group - C(config), C(acl), C(security_group); a group not
          asked for (O(subject)) is null.
        - Each group is C({check_result, check_status, check_items}); each item C({name, reason, severity,
          subject, job_id, reason_template, reason_params}), C(severity) C(Major) (a failure) or C(Tips).
      type: dict
      sample:
        config: {check_result: true, check_status: processed, check_items: []}
        acl: {check_result: true, check_status: processed, check_items: []}
        security_group:
          check_result: false
          check_status: processed
          check_items:
            - name: security_group_inbound
              severity: Major
              reason: The security group of backend 127.0.0.5 does not allow TCP 8080 from 100.125.0.0/16.
'''

from ansible_collections.hwcloud.elb.plugins.module_utils._member_check_module import run_member_check_module


def main():
    run_member_check_module(supports_check_mode=True)


if __name__ == '__main__':
    main()
