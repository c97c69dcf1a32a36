# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: members
short_description: Load balancer backend members as inventory hosts, grouped by balancer, pool and health
version_added: 0.1.0
description:
  - Reads the backend members of dedicated (v3), shared (v2) or classic (v1) Huawei Cloud load balancers with
    their health, and makes each backend a host - C(ansible_host) is its address, and its member records are in
    C(hwcloud_elb_members).
  - Default groups - C(elb_lb_<balancer name>), C(elb_pool_<pool name>) (v1 - C(elb_listener_<listener name>))
    and C(elb_health_<health>) for the backend's worst health in any pool, for example C(elb_health_unhealthy).
    Characters other than letters, digits and C(_) in names become C(_).
  - Reads by list calls, never one per member - v3 one pool list and one member list call per balancer
    (per 2,000 members), v2 one status tree per balancer plus one member list per pool, v1 one call per listener.
  - The configuration file must end in C(.hwcloud_elb.yml) or C(.hwcloud_elb.yaml).
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin; it must be V(hwcloud.elb.members) for the file to be read by it.
    type: str
    required: true
    choices: [hwcloud.elb.members]
  api_version:
    description:
      - Which ELB family to read - V(v3) dedicated, V(v2) shared, V(v1) classic load balancers.
    type: str
    choices: [v1, v2, v3]
    default: v3
  loadbalancers:
    description:
      - The load balancers (names or ids) whose members become hosts. Empty - every load balancer of the project.
      - An unknown balancer fails.
    type: list
    elements: str
    default: []
  hostnames:
    description:
      - How hosts are named, by preference - the first of these member fields that is set names the host.
      - Members with the same name (one backend in several pools) are one host.
    type: list
    elements: str
    choices: [address, name, instance_id, id]
    default: [address]
  region:
    description:
      - Huawei Cloud region, for example V(cn-north-4). Builds the default O(elb_endpoint) and O(auth_url).
    type: str
    env:
      - name: HW_REGION_NAME
  project_id:
    description: ID of the project the load balancers live in; when not set, learned from IAM.
    type: str
    env:
      - name: HW_PROJECT_ID
  access_key:
    description: Access key ID for AK/SK request signing. Goes with O(secret_key).
    type: str
    env:
      - name: HW_ACCESS_KEY
  secret_key:
    description: Secret access key for AK/SK request signing.
    type: str
    env:
      - name: HW_SECRET_KEY
  security_token:
    description: Security token of temporary AK/SK credentials.
    type: str
    env:
      - name: HW_SECURITY_TOKEN
  auth_token:
    description: A ready IAM token, sent as C(X-Auth-Token).
    type: str
    env:
      - name: HW_AUTH_TOKEN
  user:
    description: IAM user name, exchanged with O(password) and O(user_domain) for a token.
    type: str
    env:
      - name: HW_USER_NAME
  password:
    description: Password of O(user).
    type: str
    env:
      - name: HW_USER_PASSWORD
  user_domain:
    description: Account (domain) name of O(user).
    type: str
    env:
      - name: HW_DOMAIN_NAME
  auth_url:
    description: IAM endpoint including C(/v3). Defaults to C(https://iam.<region>.<cloud>/v3).
    type: str
    env:
      - name: HW_AUTH_URL
  elb_endpoint:
    description: ELB endpoint. Defaults to C(https://elb.<region>.<cloud>).
    type: str
    env:
      - name: HW_ELB_ENDPOINT
  cloud:
    description: Domain suffix of the endpoints. Defaults to V(myhuaweicloud.com).
    type: str
    env:
      - name: HW_CLOUD
  ca_path:
    description: A file of PEM certificates to trust instead of the system's.
    type: path
    env:
      - name: HW_CA_BUNDLE
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the endpoints. Defaults to V(true); when not set, a true value
        in the E(HW_INSECURE) environment variable turns verification off.
    type: bool
  api_timeout:
    description: Seconds to wait for each HTTP answer, more than 0 and at most 600.
    type: float
    default: 30
  api_retries:
    description: How many times a throttled or failed call is retried, from 0 to 20 (default 5).
    type: int
    env:
      - name: HW_MAX_RETRIES
notes:
  - Runs on the controller, which needs the Python library C(requests).
  - The connection options mean what they mean for the modules (the C(hwcloud.elb.connection) fragment), with
    the same environment variables.
requirements:
  - requests
seealso:
  - module: hwcloud.elb.member_health_info
'''

EXAMPLES = r'''
# elb.hwcloud_elb.yml - every backend of two dedicated load balancers; credentials from HW_* variables.
# ansible -i elb.hwcloud_elb.yml elb_health_unhealthy -m ansible.builtin.ping reaches the failing ones.
plugin: hwcloud.elb.members
loadbalancers: [web-lb, api-lb]
hostnames: [name, address]
keyed_groups:
  - key: hwcloud_elb_members | map(attribute='pool_name') | list
    prefix: pool
compose:
  ansible_user: "'ec2-user'"
groups:
  out_of_rotation: hwcloud_elb_members | selectattr('weight', 'equalto', 0) | list | length > 0
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/hwcloud_elb_inventory
cache_timeout: 60
'''

import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.hwcloud.elb.plugins.module_utils import _members
from ansible_collections.hwcloud.elb.plugins.module_utils._auth import CredentialError
from ansible_collections.hwcloud.elb.plugins.module_utils._client import REQUESTS_IMPORT_ERROR, ElbClient
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError

# The worst health first: a backend failing in one pool is failing.
WORST_FIRST = (_members.UNHEALTHY, _members.UNKNOWN, _members.CHECKING, _members.UNMONITORED, _members.HEALTHY)
UNSAFE = re.compile(r'[^A-Za-z0-9_]')


def group_name(prefix, name):
    return '%s_%s' % (prefix, UNSAFE.sub('_', str(name)))


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'hwcloud.elb.members'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('.hwcloud_elb.yml', '.hwcloud_elb.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        members = None
        if use_cache:
            try:
                members = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if members is None:
            members = self._read_members()
        if update_cache:
            self._cache[cache_key] = members
        self._populate(members)

    def _client(self):
        if REQUESTS_IMPORT_ERROR:
            raise AnsibleError('The hwcloud.elb.members inventory needs the Python library requests on the '
                               'controller: %s' % REQUESTS_IMPORT_ERROR)
        settings = ConnectionSettings(dict((name, self.get_option(name)) for name in CONNECTION_ARGUMENT_SPEC))
        problems = settings.problems()
        if problems:
            raise AnsibleParserError('hwcloud.elb.members: %s.' % '; '.join(problems))
        return ElbClient(settings)

    def _read_members(self):
        family = FAMILIES[self.get_option('api_version')]
        try:
            client = self._client()
            selections = [{'loadbalancer': name} for name in self.get_option('loadbalancers')] or [{}]
            balancers = family.members.loadbalancers  # one list call, for the balancers' names
            listed = client.get(balancers.path) or []
            names = dict((item.get('id'), item.get('name')) for item in (
                listed.get(balancers.list_key) or [] if isinstance(listed, dict) else listed))
            members, seen = [], set()
            for selection in selections:
                for member in _members.read_health(client, family, selection)[0]:
                    key = (member.get('id'), member.get('pool_id') or member.get('listener_id'))
                    if key not in seen:
                        seen.add(key)
                        members.append(dict(member, loadbalancer_name=names.get(member.get('loadbalancer_id'))))
            return members
        except (CredentialError, InputError) as err:
            raise AnsibleParserError('hwcloud.elb.members: %s' % err)
        except ApiError as err:
            raise AnsibleParserError('hwcloud.elb.members: %s' % err.fail_kwargs().get('msg', err))

    def _hostname(self, member):
        for field in self.get_option('hostnames'):
            if member.get(field):
                return str(member[field])
        return None

    def _populate(self, members):
        hosts = {}
        for member in members:
            name = self._hostname(member)
            if name is not None:
                hosts.setdefault(name, []).append(member)
        strict = self.get_option('strict')
        for host, records in sorted(hosts.items()):
            self.inventory.add_host(host)
            health = min((record['health'] for record in records), key=WORST_FIRST.index)
            variables = dict(ansible_host=records[0]['address'], hwcloud_elb_members=records,
                             hwcloud_elb_health=health)
            for key, value in variables.items():
                self.inventory.set_variable(host, key, value)
            groups = [group_name('elb_health', health)]
            for record in records:
                groups.append(group_name('elb_lb', record.get('loadbalancer_name') or record.get('loadbalancer_id')))
                if record.get('pool_id'):
                    groups.append(group_name('elb_pool', record.get('pool_name') or record['pool_id']))
                if record.get('listener_id'):
                    groups.append(group_name('elb_listener', record.get('listener_name') or record['listener_id']))
            for group in groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, host)
            self._set_composite_vars(self.get_option('compose'), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, host, strict=strict)
