#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: member
short_description: Register, deregister, disable and enable load balancer backends
version_added: 1.0.0
description:
  - Registers a backend member in a pool of a dedicated (v3) or shared (v2) Huawei Cloud load balancer and waits
    until the balancer's health check reports it healthy; deregisters it without dropping its requests - weight
    V(0) first, the pool's connection-drain time, then the delete; disables and enables it (C(admin_state_up)).
  - One member (O(address) and O(protocol_port), or on V(v3) O(instance_id)) or several (O(members)); on v3 several members are written with
    the batch endpoints (C(batch-add), C(batch-update), C(batch-delete)), a handful of calls whatever their number.
  - To take a member out of traffic for a while and put it back (a rolling update on the same hosts), use
    M(hwcloud.elb.member_traffic); this module adds and removes members (blue/green, scale-out). See the
    backends guide (docs/backends.md).
  - Classic (v1) load balancers - a backend ECS of a listener (O(listener), O(address), O(server_id)) is added or
    removed through the classic job API, each job waited for. Classic backends have no weight and no admin state,
    so O(state=absent) removes at once (no drain) and O(state=enabled) / O(state=disabled) are refused. The classic
    job API's bodies and job statuses come from the classic API reference and are not verified against the service
    (marked ★ below).
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
options:
  api_version:
    description:
      - Which ELB family - V(v3) dedicated, V(v2) shared, V(v1) classic (O(listener), O(address), O(server_id) and
        O(state=present) or O(state=absent) only).
    type: str
    choices: [v1, v2, v3]
    default: v3
  loadbalancer:
    description:
      - The pool's load balancer (name or id), when a pool name is not unique in the project.
    type: str
    aliases: [loadbalancer_id]
  pool:
    description:
      - The pool (name or id) the member belongs to. Required with V(v3) and V(v2); not used with V(v1). A name that pools of two load balancers share is
        refused before any write - give O(loadbalancer) too, or the pool's id.
      - With O(state=absent), a pool that does not exist means nothing to delete (a warning, no failure).
    type: str
    aliases: [pool_id]
  listener:
    description:
      - V(v1) only, required there - the classic listener (name or id) whose backend this is. A name that two
        balancers' listeners share needs O(loadbalancer) too.
      - With O(state=absent), a listener that does not exist means nothing to delete (a warning, no failure).
    type: str
    aliases: [listener_id]
  server_id:
    description:
      - V(v1) only - the id of the ECS behind O(address). Required with O(state=present) (★ the classic add takes
        both C(server_id) and C(address)). A backend already at O(address) for another server is refused (a classic
        backend cannot be changed; remove it and add it again).
    type: str
  address:
    description:
      - The member's IP address (IPv4 or IPv6). With O(protocol_port), identifies the member in the pool (V(v1) -
        alone identifies the backend of O(listener)).
      - Required unless O(members) or O(instance_id) is given; O(instance_id) still needs it to create a member.
    type: str
  protocol_port:
    description:
      - The member's port (1-65535). Required unless O(members) or O(instance_id) is given. Not used with V(v1) (a
        classic backend takes its listener's C(backend_port)).
    type: int
  instance_id:
    description:
      - V(v3) only - names an instance-type member by the ECS behind it (the member's C(instance_id)), instead of
        O(address); with O(protocol_port) too when the ECS has members on several ports of O(pool) (refused
        otherwise, naming the ports).
      - Enough for O(state=absent), O(state=enabled), O(state=disabled) and to update an existing member; a create
        still needs O(address) and O(protocol_port) (and O(subnet)) - the service gives a member the instance behind
        its address. An O(address) given that is not the member's is refused, and so is a member at O(address) and
        O(protocol_port) that belongs to another instance (or is an IP-type member). Nothing is written then.
      - With O(state=absent), an instance without a member in the pool means nothing to delete.
      - Not with O(members) (name each by address and port), V(v2) or V(v1) (V(v1) - O(server_id)).
    type: str
  name:
    description:
      - With O(state=present), the member's name. Default - the service's (empty) on create, unchanged on update.
    type: str
  weight:
    description:
      - With O(state=present), the member's weight (0-100); V(0) registers it without traffic. Default - the
        service's V(1) on create, unchanged on update. With O(members), the default of each item.
    type: int
  admin_state_up:
    description:
      - With O(state=present), whether the member is administratively up. Default - V(true) on create, unchanged
        on update. With O(members), the default of each item.
    type: bool
  subnet:
    description:
      - With O(state=present), the subnet of the member's address, used when the member is created (an existing
        member keeps its subnet) - v3 C(subnet_cidr_id) (optional for IP-type members of a balancer that allows
        backends outside its VPC; with it the member is an instance-type one), v2 C(subnet_id) (required to create a
        v2 member).
      - The subnet's id or its name. A value shaped like an id (a UUID) is sent as given - the subnet's
        C(neutron_subnet_id), which both APIs take (the console's "IPv4 subnet ID"; not the VPC subnet's own C(id)).
        Any other value is a name (★ the rule), looked up when a member is to be created (also in check mode) with
        one paginated call to the VPC subnet list (C(GET /v1/{project_id}/subnets)) and replaced by that subnet's
        C(neutron_subnet_id) (V(v3) with an IPv6 address - C(neutron_subnet_id_v6)). A name no subnet has, or that
        several share (the message names their ids, ranges and VPCs), is refused before any write.
      - The VPC endpoint is derived from O(elb_endpoint) - its first label C(elb) replaced by C(vpc)
        (C(https://elb.cn-north-4.myhuaweicloud.com) - C(https://vpc.cn-north-4.myhuaweicloud.com)); an endpoint
        whose host does not start with C(elb.) (a private endpoint, the emulator) serves the VPC call itself (★).
    type: str
    aliases: [subnet_cidr_id, subnet_id]
  members:
    description:
      - Several members of O(pool) at once, instead of O(address), O(protocol_port) and O(name). O(weight),
        O(admin_state_up) and O(subnet) are defaults for the items that do not set them.
      - On v3 the writes use the batch endpoints (one call per 200 members and kind of write); on v2 (no batch
        endpoints) one call per member.
    type: list
    elements: dict
    suboptions:
      address:
        description: The member's IP address.
        type: str
        required: true
      protocol_port:
        description: The member's port.
        type: int
        required: true
      name:
        description: The member's name (O(state=present)).
        type: str
      weight:
        description: The member's weight, 0-100 (O(state=present)).
        type: int
      admin_state_up:
        description: Whether it is administratively up (O(state=present)).
        type: bool
      subnet:
        description: The subnet (id or name, as O(subnet)), used on create (O(state=present)).
        type: str
  state:
    description:
      - V(present) - the member exists with the fields given (created, or updated where a given field differs);
        then, with O(wait) and O(wait_for=healthy), waits until it is healthy (or unmonitored, when the pool has no
        monitor) - also when nothing had to change. A member with weight V(0) or O(admin_state_up=false) is not
        waited for.
      - V(absent) - drains, then deletes - weight V(0) (no new connections), a wait for the balancer to be ACTIVE
        and for the pool's C(connection_drain.timeout) when connection drain is enabled (or O(drain_timeout)),
        then the delete. A member already at weight V(0) or disabled is deleted without a drain. Refused before any
        write when the pool would fall below O(min_healthy). RV(members[].weight_before) is the weight it had.
      - V(disabled) - C(admin_state_up=false) (no traffic), after the same O(min_healthy) check, then the drain
        wait. V(enabled) - C(admin_state_up=true), then the health wait. Both need an existing member.
      - With V(v1) (classic) - V(present) adds the backend (C(POST .../listeners/{id}/members) with
        C([{server_id, address}]), a job) and V(absent) removes it at once after the O(min_healthy) check
        (C(POST .../members/action), C(removeMember) with its id, a job) - classic has no weights, so no drain.
        Each job is polled (C(GET /v1.0/{project_id}/jobs/{job_id}), the shared backoff) until C(SUCCESS), or a
        failed status (★ C(FAIL)/C(ERROR)), at most O(wait_timeout); then the wait for ACTIVE and, for V(present),
        the health wait. V(enabled) and V(disabled) are refused.
    type: str
    choices: [present, absent, enabled, disabled]
    default: present
  wait:
    description:
      - Wait for the balancer to be ACTIVE after the writes (V(v1) - first for the write's job), for the drain (O(state=absent), O(state=disabled))
        and for health (O(state=present), O(state=enabled), with O(wait_for=healthy)).
      - With V(false), O(state=absent) still writes weight V(0) before the delete, but does not wait for the drain.
    type: bool
    default: true
  wait_for:
    description:
      - V(healthy) - after O(state=present) or O(state=enabled), wait until the member is healthy, with the
        messages of M(hwcloud.elb.member_health_info). A pool without a monitor shows its members unmonitored,
        which the balancer sends traffic to, so the wait ends at once. V(none) - no health wait.
    type: str
    choices: [healthy, none]
    default: healthy
  min_healthy:
    description:
      - With O(state=absent) or O(state=disabled), refuse (before any write) unless at least this many members of
        the pool stay serving (weight above 0) and healthy or unmonitored once the task's members are out - a
        number (V(1)) or a percentage of all the pool's members, rounded up (V(50%)). The message names the pool,
        its member count, how many would leave and what to change.
      - V(v1) - with O(state=absent), the listener's backends count (every classic backend takes traffic).
      - Default - no such check.
    type: str
  drain_timeout:
    description:
      - With O(state=absent) or O(state=disabled), seconds (0-4000) to wait after the drain for open connections
        to end. Default - the pool's C(connection_drain.timeout) when connection drain is enabled, else 0.
    type: int
  wait_timeout:
    description:
      - Seconds (0-3600) to wait for the balancer to be ACTIVE (and to retry a write while it is PENDING) and for
        health.
    type: int
    default: 300
  fail_fast:
    description:
      - Stop the health wait as soon as a member has stayed unhealthy for its monitor's down threshold, as
        M(hwcloud.elb.member_health_info) does.
    type: bool
    default: true
  diagnose:
    description:
      - With O(wait_for=healthy), when the wait for health fails, run the dedicated load balancer's member check (as
        M(hwcloud.elb.member_check) does) for each member that is not healthy - at most 5, waiting at most 60 s
        for the checks - and add its plain summary with the fix to the failure message and RV(diagnosis).
      - V(v3) only - shared (V(v2)) and classic (V(v1)) load balancers have no member check job, so V(true) fails
        there before any call; it also needs O(wait=true), O(wait_for=healthy) and O(state=present) or
        O(state=enabled). Off by default - a diagnosis costs a POST and a few GETs per member checked.
    type: bool
    default: false
extends_documentation_fragment:
  - hwcloud.elb.connection
  - hwcloud.elb.attributes
notes:
  - The pool's members are read with one list call (v3; v2 - the balancer's status tree and the pool's member
    list), whatever their number. A create whose answer was lost (a dropped connection, a 502-504) is looked for
    before it is sent again, so a member is never registered twice.
  - Writes retry a 409 while the balancer is busy (PENDING) until O(wait_timeout). A failure after a write reports
    C(changed=true) and the members as read back from the service, in RV(members) and in the message.
  - V(v1) - a lost answer to an add (or a 409) is answered by reading the listener's backends again before a
    second add, so a backend is never added twice. The job's answer is read only for C(job_id) (★).
  - The M(hwcloud.elb.member_health_info) modules and the P(hwcloud.elb.members#inventory) inventory see the
    members this module makes with no extra setting.
seealso:
  - module: hwcloud.elb.member_traffic
  - module: hwcloud.elb.member_health_info
'''

EXAMPLES = r'''
- name: Register the new host and wait until the health check passes
  hwcloud.elb.member:
    pool: web-pool
    address: 192.168.0.21
    protocol_port: 8080
    subnet: "{{ subnet_id }}"
    weight: 10
    wait_timeout: 300

- name: Deregister an old host - drain (weight 0, the pool's connection-drain time), then delete
  hwcloud.elb.member:
    pool: web-pool
    address: 192.168.0.11
    protocol_port: 8080
    state: absent
    min_healthy: 2
  register: removed

- name: Register three hosts at once (v3 batch endpoints)
  hwcloud.elb.member:
    pool: web-pool
    subnet: "{{ subnet_id }}"
    members:
      - {address: 192.168.0.21, protocol_port: 8080}
      - {address: 192.168.0.22, protocol_port: 8080}
      - {address: 192.168.0.23, protocol_port: 8080, weight: 5}

- name: Add a backend ECS to a classic (v1) listener and wait for its job and health
  hwcloud.elb.member:
    api_version: v1
    listener: web-listener
    address: 192.168.0.21
    server_id: "{{ ecs_id }}"

- name: Remove a classic backend (no drain - classic has no weights), keeping two serving
  hwcloud.elb.member:
    api_version: v1
    listener: web-listener
    address: 192.168.0.11
    state: absent
    min_healthy: 2

- name: Register a host; if it does not become healthy, say why (dedicated load balancers)
  hwcloud.elb.member:
    pool: web-pool
    address: 192.168.0.21
    protocol_port: 8080
    subnet: "{{ subnet_id }}"
    wait_timeout: 120
    diagnose: true

- name: Register an ECS's member, its subnet given by name (looked up in the VPC subnet list)
  hwcloud.elb.member:
    pool: web-pool
    address: 192.168.0.24
    protocol_port: 8080
    subnet: web-subnet
  register: registered           # registered.members[0].instance_id: the ECS behind the address

- name: Deregister it by the ECS behind it (v3 instance-type members), draining first
  hwcloud.elb.member:
    pool: web-pool
    instance_id: "{{ registered.members[0].instance_id }}"
    protocol_port: 8080
    state: absent

- name: Take a member out administratively (kept registered)
  hwcloud.elb.member:
    pool: web-pool
    address: 192.168.0.21
    protocol_port: 8080
    state: disabled
'''

RETURN = r'''
members:
  description:
    - The task's members, in the order given, as they are after the task (in check mode - as they would be).
    - Also when the task fails once the pool was read - a refused task (as they were), a failed write or wait (as
      read back from the service).
  returned: success, and failures after the pool was read
  type: list
  elements: dict
  contains:
    id:
      description: The member's id (null for a member not created, in check mode or deleted before).
      type: str
    name:
      description: The member's name.
      type: str
    address:
      description: The member's IP address.
      type: str
    protocol_port:
      description: The member's port (V(v1) - its listener's C(backend_port)).
      type: int
    pool_id:
      description: The member's pool (V(v3), V(v2)).
      type: str
    server_id:
      description: V(v1) - the ECS behind the backend.
      type: str
      returned: with api_version v1
    listener_id:
      description: V(v1) - the backend's listener.
      type: str
      returned: with api_version v1
    listener_name:
      description: V(v1) - the listener's name.
      type: str
      returned: with api_version v1
    pool_name:
      description: The pool's name.
      type: str
    instance_id:
      description: V(v3) - the ECS behind an instance-type member; null for an IP-type member and with V(v2).
      type: str
      returned: with api_version v3 and v2
    member_type:
      description: V(v3) - C(instance) (registered with a subnet, an ECS's member) or C(ip); null with V(v2).
      type: str
      returned: with api_version v3 and v2
    loadbalancer_id:
      description: The pool's load balancer.
      type: str
    weight:
      description: The weight after the task; null once deleted, and always with V(v1) (no weights).
      type: int
    weight_before:
      description: The weight before the task; null when the member did not exist.
      type: int
    admin_state_up:
      description: Whether the member is administratively up.
      type: bool
    present:
      description: Whether the member exists after the task.
      type: bool
    health:
      description: After a health wait - the member's health when it ended.
      type: str
      returned: after a wait for health
    reason:
      description: After a health wait - the reason of the last failed check (v3), or null.
      type: dict
      returned: after a wait for health
summary:
  description: After a health wait - how many of the waited-for members are in each health state, and C(total).
  returned: after a wait for health
  type: dict
  sample: {healthy: 1, unhealthy: 0, checking: 0, unmonitored: 0, unknown: 0, total: 1}
diagnosis:
  description:
    - With O(diagnose), when the wait for health fails - the member check of the members that were not healthy
      (at most 5).
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

from ansible_collections.hwcloud.elb.plugins.module_utils._member_module import run_member_module


def main():
    run_member_module(supports_check_mode=True)


if __name__ == '__main__':
    main()
