#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: member_traffic
short_description: Take a load balancer backend out of rotation and back
version_added: 1.0.0
description:
  - Drains a backend member of a dedicated (v3) or shared (v2) Huawei Cloud load balancer - sets its weight to
    V(0), so it gets no new connections - and restores it, in one pool or in every pool of a load balancer that
    holds it.
  - With O(wait), a drain waits for the pool's connection-drain time (or O(drain_timeout)) and a restore waits
    until the balancer's health check reports the member healthy in every pool, with the same messages as
    M(hwcloud.elb.member_health_info).
  - Used by the P(hwcloud.elb.rolling_update#role) role around each host's update in a C(serial) play.
  - Classic (v1) load balancers cannot drain a backend - classic members have no weight - so O(api_version=v1)
    fails with a message saying so.
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
options:
  api_version:
    description:
      - Which ELB family - V(v3) dedicated, V(v2) shared. V(v1) is refused (classic members have no weight).
    type: str
    choices: [v1, v2, v3]
    default: v3
  loadbalancer:
    description:
      - Look for the member in every pool of this load balancer (name or id). O(loadbalancer) or O(pool) is
        required.
    type: str
    aliases: [loadbalancer_id]
  pool:
    description:
      - Look for the member in this pool only (name or id). A name that pools of two load balancers share is
        refused before any write - give O(loadbalancer) too, or the pool's id.
    type: str
    aliases: [pool_id]
  address:
    description:
      - The member's IP address, for example V({{ ansible_host }}).
    type: str
  protocol_port:
    description:
      - With O(address), only the member on this port (when several members share an address).
    type: int
  instance_id:
    description:
      - The ECS instance behind the member. V(v3) only.
    type: str
  member:
    description:
      - The member's id or name.
    type: str
    aliases: [member_id]
  state:
    description:
      - V(drained) - weight V(0) in every selected pool (no new connections). A drained member stays drained
        without a write.
      - V(serving) - back to O(weights), O(weight), or else its weight before the drain when it is still above
        V(0); a member at V(0) with no weight given gets V(1) with a warning (the service does not remember the
        old weight - RV(members[].weight_before) of the drain is what the role keeps). Then waits until the member
        is healthy (or unmonitored) in every pool where its weight is above V(0).
    type: str
    choices: [drained, serving]
    required: true
  weight:
    description:
      - With O(state=serving), the weight to restore (1-100) in every pool.
    type: int
  weights:
    description:
      - With O(state=serving), the weight to restore per member id (or pool id or name), as returned in
        RV(members[].weight_before) by the drain. Wins over O(weight).
      - Values are whole numbers from V(0) to V(100), or strings of digits (as O(weight) takes them); V(0) keeps
        a member that was out of traffic on purpose out (no wait for its health).
      - Every key must name a selected member, or the pool (id or name) of one; any other key is refused before
        any write, naming it and the members and pools that exist.
    type: dict
  min_healthy:
    description:
      - With O(state=drained), refuse to drain unless at least this many members of each pool stay serving
        (weight above 0) and healthy or unmonitored once this member and the O(batch) are out - a number (V(1) -
        never drain the last one) or a percentage of all the pool's members, rounded up (V(50%); any percentage
        above V(0%) keeps the last member of a one-member pool). Nothing is written when refused; the message
        names the pool, its member count, how many would be drained, and what to change.
      - After its write, the drain reads the pools again; if another run drained at the same moment and a pool
        fell below this, it puts its own weight back, waits (jittered) until the pool allows the drain again and
        drains again, within O(wait_timeout); then it fails with C(changed=true) and the weights as they are.
        See the rolling-updates guide (docs/rolling-updates.md).
      - Default - no such check.
    type: str
  batch:
    description:
      - With O(state=drained), the other members drained at the same time by the same play - the hosts of its
        C(serial) batch - as addresses, or C(address:port) when several members share an address. O(min_healthy)
        counts them as drained too, so every host of a batch too large for a pool fails before any write,
        whatever the timing. The P(hwcloud.elb.rolling_update#role) role passes the hosts of
        C(ansible_play_batch).
      - Default - none (only this member).
    type: list
    elements: str
  wait:
    description:
      - Wait for the balancer to be ACTIVE after the writes, then for the drain (O(state=drained)) or for the
        member to be healthy in every pool (O(state=serving)).
      - A member already drained is not waited for again; O(state=serving) waits for health even when no weight
        had to change.
    type: bool
    default: true
  drain_timeout:
    description:
      - With O(state=drained), seconds to wait after the drain (0-4000) for open connections to end. Default -
        the longest C(connection_drain.timeout) of the member's pools that have connection drain enabled, else 0.
    type: int
  wait_timeout:
    description:
      - Seconds (0-3600) to wait for the balancer to be ACTIVE and, with O(state=serving), for health.
    type: int
    default: 300
  fail_fast:
    description:
      - With O(state=serving), stop waiting as soon as the member has stayed unhealthy for its monitor's down
        threshold, as M(hwcloud.elb.member_health_info) does.
    type: bool
    default: true
  diagnose:
    description:
      - With O(state=serving), when the wait for health fails, run the dedicated load balancer's member check (as
        M(hwcloud.elb.member_check) does) for each member that is not healthy - at most 5, waiting at most 60 s
        for the checks - and add its plain summary with the fix to the failure message and RV(diagnosis).
      - V(v3) only - shared (v2) load balancers have no member check job, so V(true) fails there before any
        call. Off by default - a diagnosis costs a POST and a few GETs per member checked.
    type: bool
    default: false
  settle:
    description:
      - With O(state=serving), before a member goes back from weight 0, wait until the balancer's health check has
        found it healthy at every poll for its monitor's up threshold (C(delay) x C(max_retries)); any other verdict
        starts that window again. Only then is the weight written (and the usual wait for health follows, which
        then ends at once).
      - Why - a restart shorter than the monitor's down threshold (C(delay) x C(max_retries_down)) is never marked
        unhealthy, so without O(settle) the member gets traffic back at once while the new process may still answer
        errors (a 503 during its start-up).
      - Dedicated (V(v3)) load balancers go on probing a member at weight 0, which is what makes this possible.
        Shared (V(v2)) members show C(OFFLINE) at weight 0, so there the weight is written first and the wait for
        health follows, as without O(settle). Members whose pool has no monitor get their weight at once.
      - Bounded by O(wait_timeout), with O(fail_fast); when it fails nothing was written (C(changed=false)) and the
        message names the members and their health. Costs one list call per poll (about one per monitor
        C(delay)) plus one for the monitors. Needs O(wait=true). The P(hwcloud.elb.rolling_update#role) role turns
        it on (C(rolling_update_settle)).
    type: bool
    default: false
extends_documentation_fragment:
  - hwcloud.elb.connection
  - hwcloud.elb.attributes
notes:
  - Members are found with list calls (one per load balancer, v2 - plus one per pool), never one call per member;
    each weight change is one write. See the performance guide.
  - Writes retry a 409 while the balancer is busy (PENDING) until O(wait_timeout), as the monitor modules do; a
    throttled or failed status read never turns that 409 into a conflict. A failure after a write (a second
    write, the wait) reports C(changed=true) and each member's weight before and after, as read back from the
    service, in RV(members) and in the message.
seealso:
  - module: hwcloud.elb.member_health_info
'''

EXAMPLES = r'''
- name: Take this host out of rotation in every pool of the balancer (with the rest of its serial batch)
  hwcloud.elb.member_traffic:
    loadbalancer: web-lb
    address: "{{ ansible_host }}"
    state: drained
    min_healthy: 1
    batch: "{{ ansible_play_batch | map('extract', hostvars, 'ansible_host') }}"
  delegate_to: localhost
  register: drained

- name: Put it back with the weights it had, and wait until it is healthy
  hwcloud.elb.member_traffic:
    loadbalancer: web-lb
    address: "{{ ansible_host }}"
    state: serving
    weights: "{{ drained.members | items2dict(key_name='id', value_name='weight_before') }}"
  delegate_to: localhost
'''

RETURN = r'''
members:
  description:
    - The selected members (one per pool), with the weight they have after the task.
    - Also when the task fails once the members were read - a refused drain (the weights unchanged), a failed
      write (the weights the service holds), a failed wait.
  returned: success, and failures after the members were read
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
    loadbalancer_id:
      description: The member's load balancer.
      type: str
    weight:
      description: The weight after the task (in check mode - the weight it would have).
      type: int
    weight_before:
      description: The weight before the task - keep it to restore the member.
      type: int
    health:
      description: With O(state=serving) and a wait - the member's health when the wait ended.
      type: str
      returned: after a wait for health
    reason:
      description: With O(state=serving) and a wait - the reason of the last failed check (v3), or null.
      type: dict
      returned: after a wait for health
summary:
  description:
    - How many of the selected members are in each health state, and C(total) - as last read (after a wait for
      health, as the wait ended; also when it failed).
  returned: success, and failures after the members were read
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

from ansible_collections.hwcloud.elb.plugins.module_utils._member_traffic_module import run_member_traffic_module


def main():
    run_member_traffic_module(supports_check_mode=True)


if __name__ == '__main__':
    main()
