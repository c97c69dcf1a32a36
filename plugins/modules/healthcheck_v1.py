#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: healthcheck_v1
short_description: Manage the health check of a classic ELB (v1.0) listener
version_added: 1.0.0
description:
  - Creates, updates or deletes the health check of a listener of a Huawei Cloud classic load balancer,
    through the ELB v1.0 API (C(/v1.0/{project_id}/elbaas/healthcheck)).
  - A listener has at most one health check, and the API has no call that lists them; the check is found
    through the listener's C(healthcheck_id), so the listener is the check's identity.
  - Only the fields the task gives are compared and sent; the protocol may be written in any case. A second
    run with the same options changes nothing and makes no write.
  - Every option is checked before any call that writes - ranges, allowed values, the URI pattern, a URI
    with a protocol other than HTTP, the protocol against the listener's, and UDP under an Internal
    (private network) load balancer.
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
options:
  listener:
    description:
      - Name or ID of the listener the health check belongs to. Classic IDs are 32 hexadecimal characters.
      - A name that matches no listener, or several, fails naming them; O(loadbalancer) narrows the search.
    type: str
    required: true
    aliases: [listener_id]
  loadbalancer:
    description:
      - Name or ID of the classic load balancer the listener belongs to.
      - With a listener name, only that balancer's listeners are searched. With a listener ID, the listener
        must belong to it.
      - A balancer name costs one more API call than an ID.
    type: str
    aliases: [loadbalancer_id]
  healthcheck_protocol:
    description:
      - Protocol of the health check - V(HTTP), V(TCP) or V(UDP), in any case.
      - Must suit the listener - a UDP listener takes only V(UDP); an HTTP, HTTPS, TCP or SSL listener takes
        V(HTTP) or V(TCP).
      - V(UDP) is refused on a listener of an Internal (private network) load balancer.
      - Required to create a health check.
    type: str
    aliases: [protocol]
  healthcheck_uri:
    description:
      - Path requested by HTTP checks; 1 to 80 characters, starts with C(/), letters, digits and C(-/.%?#&_=).
      - Only for O(healthcheck_protocol=HTTP). The service uses V(/) when it is not set.
    type: str
    aliases: [uri]
  healthcheck_connect_port:
    description:
      - Port to probe, 1 to 65535.
    type: int
    aliases: [connect_port]
  healthy_threshold:
    description:
      - Consecutive successful checks before a backend server is marked healthy again, 1 to 10.
      - Check mode predicts V(3) for a new check that does not set it (see notes).
    type: int
  unhealthy_threshold:
    description:
      - Consecutive failed checks before a backend server is marked unhealthy, 1 to 10.
      - Check mode predicts V(3) for a new check that does not set it (see notes).
    type: int
  healthcheck_timeout:
    description:
      - Seconds to wait for a health check answer, 1 to 50.
      - Check mode predicts V(10) for a new check that does not set it (see notes).
    type: int
    aliases: [timeout]
  healthcheck_interval:
    description:
      - Seconds between two health checks, 1 to 50.
      - Check mode predicts V(5) for a new check that does not set it (see notes).
    type: int
    aliases: [interval]
notes:
  - The values the service gives omitted fields are not documented; check mode predicts a new check with the
    API documentation's example values (interval 5, timeout 10, thresholds 3, URI C(/) for HTTP).
extends_documentation_fragment:
  - hwcloud.elb.monitor
  - hwcloud.elb.connection
  - hwcloud.elb.attributes
seealso:
  - module: hwcloud.elb.healthmonitor_v3
    description: Health monitors of dedicated load balancers.
  - name: Huawei Cloud classic ELB API - Configuring a Health Check
    description: The v1.0 API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/eu-west-0-api-elb/elb_jd_jk_0001.html
'''

EXAMPLES = r'''
- name: HTTP health check on a listener, found by name within its load balancer
  hwcloud.elb.healthcheck_v1:
    listener: web-listener
    loadbalancer: web-elb
    healthcheck_protocol: HTTP
    healthcheck_uri: /healthz
    healthcheck_connect_port: 8080
    healthcheck_interval: 5
    healthcheck_timeout: 3
    healthy_threshold: 3
    unhealthy_threshold: 3
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
    - name: TCP health check on port 3306, the listener given by id, with the short option names
      hwcloud.elb.healthcheck_v1:
        listener_id: 3ce8c4429478a5eb6ef4930de2d75b28
        protocol: TCP
        connect_port: 3306
        interval: 10
        timeout: 5

    - name: Probe less often, leaving the other settings as they are
      hwcloud.elb.healthcheck_v1:
        listener: db-listener
        healthcheck_interval: 30

- name: Preview a change (run with --check --diff to see before and after)
  hwcloud.elb.healthcheck_v1:
    listener: web-listener
    healthcheck_uri: /ready
  check_mode: true
  register: preview

- name: Remove the health check of a listener
  hwcloud.elb.healthcheck_v1:
    listener: web-listener
    state: absent
'''

RETURN = r'''
healthcheck:
  description:
    - The health check as the service holds it after the run; V(null) when there is none (after O(state=absent)).
    - In check mode, the health check as it would be.
  returned: always
  type: dict
  sample:
    id: 134e5ea962327c6a574b83e6e7f31f35
    listener_id: 3ce8c4429478a5eb6ef4930de2d75b28
    healthcheck_protocol: HTTP
    healthcheck_uri: /healthz
    healthcheck_connect_port: 8080
    healthcheck_interval: 5
    healthcheck_timeout: 3
    healthy_threshold: 3
    unhealthy_threshold: 3
    create_time: "2026-11-22 08:00:00"
    update_time: "2026-11-22 08:00:00"
diff:
  description:
    - With C(--diff), the fields involved before and after the run - the fields the task gives for an update,
      the whole health check for a create or a delete.
  returned: when diff mode is on and the health check exists or is created
  type: dict
  sample:
    before:
      healthcheck_uri: /
    after:
      healthcheck_uri: /healthz
'''

from ansible_collections.hwcloud.elb.plugins.module_utils._family_v1 import FAMILY
from ansible_collections.hwcloud.elb.plugins.module_utils._monitor_module import run_monitor_module


def main():
    run_monitor_module(FAMILY, supports_check_mode=True)


if __name__ == '__main__':
    main()
