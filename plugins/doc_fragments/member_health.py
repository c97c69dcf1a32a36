# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of member_health_info and member_health_facts (argument spec: module_utils/_member_health_module.py)."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r'''
options:
  api_version:
    description:
      - Which ELB family to read - V(v3) dedicated load balancers, V(v2) shared load balancers,
        V(v1) classic load balancers.
    type: str
    choices: [v1, v2, v3]
    default: v3
  loadbalancer:
    description:
      - Only the members of this load balancer (name or id). An unknown balancer fails.
    type: str
    aliases: [loadbalancer_id]
  pool:
    description:
      - Only the members of this pool (name or id; a name shared by several pools selects all of them).
        V(v3) and V(v2). An unknown pool fails.
      - Mutually exclusive with O(listener).
    type: str
    aliases: [pool_id]
  listener:
    description:
      - Only the members of this classic listener (name or id, narrowed to O(loadbalancer) when given).
        V(v1) only. An unknown listener fails.
    type: str
    aliases: [listener_id]
  address:
    description:
      - Only the members with these IP addresses, for example V({{ ansible_host }}) when delegated per host.
    type: list
    elements: str
  instance_id:
    description:
      - Only the members backed by these ECS instances (v3 C(instance_id), v1 C(server_id)). V(v3) and V(v1).
    type: list
    elements: str
  member:
    description:
      - Only the member with this id or name (v1 - the server name).
    type: str
    aliases: [member_id]
  wait_for:
    description:
      - Wait until the selected members are V(healthy) (at least O(min_healthy) of them) or all V(unhealthy),
        or until the health check has V(decided) on each (none is V(checking) any more, whatever it decided),
        then return them. Without it the health is read once.
      - Each poll is one list call per load balancer (v1 - per listener), never one per member; polls follow
        the monitor's interval (C(delay)) with jittered backoff.
      - V(healthy) counts V(unmonitored) members (a pool without a health check) as healthy at once - the
        balancer sends them traffic.
      - Fails after O(wait_timeout) seconds, naming each member that is not as wanted with its reason; the
        failure still returns the members and the summary as last read.
    type: str
    choices: [healthy, unhealthy, decided]
  min_healthy:
    description:
      - With O(wait_for=healthy), how many of the selected members must be healthy (or unmonitored) - a number
        (V(2)) or a percentage of the selected members (V(50%), rounded up). Defaults to all of them.
    type: str
  wait_timeout:
    description:
      - How many seconds O(wait_for) waits, from 0 (read once and judge) to 3600.
    type: int
    default: 300
  fail_fast:
    description:
      - With O(wait_for=healthy), stop waiting as soon as a member has stayed unhealthy for its monitor's down
        threshold (C(delay) times C(max_retries_down); classic - C(healthcheck_interval) times
        C(unhealthy_threshold)) and the other members can no longer make up O(min_healthy). The message names
        each such member with its reason.
    type: bool
    default: true
  diagnose:
    description:
      - With O(wait_for=healthy), when the wait fails, run the dedicated load balancer's member check (as
        M(hwcloud.elb.member_check) does) for each member that is not healthy - at most 5, waiting at most 60 s
        for the checks - and add its plain summary with the fix to the failure message and RV(diagnosis).
      - V(v3) only - shared (v2) and classic (v1) load balancers have no member check job, so V(true) fails there
        before any call. Off by default - a diagnosis costs a POST and a few GETs per member checked.
    type: bool
    default: false
notes:
  - "Health is normalised across the families - V(healthy), V(unhealthy), V(checking) (not decided yet),
    V(unmonitored) (no health check, or the member is switched off) and V(unknown); the service's own value is
    in C(status) and, on V(v3), the failure C(reason). See the Backend health guide (docs/backend-health.md)."
  - "Calls - V(v3) reads the project-wide member list with the filters sent to the service (one call per 2,000
    members); V(v2) reads each balancer's status tree, plus each selected pool's member list once for names and
    weights; V(v1) reads each listener's member list."
'''
