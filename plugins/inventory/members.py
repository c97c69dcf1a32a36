# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: members
short_description: Load balancer backend members as inventory hosts, grouped by balancer, pool and health
version_added: 1.0.0
description:
  - Reads the backend members of dedicated (v3), shared (v2) or classic (v1) Huawei Cloud load balancers with
    their health, and makes each backend a host - C(ansible_host) is its address, and its member records are in
    C(hwcloud_elb_members).
  - Default groups - C(elb_lb_<balancer name>), C(elb_pool_<pool name>) (v1 - C(elb_listener_<listener name>)),
    C(elb_health_<health>) for the backend's worst health in any pool, for example C(elb_health_unhealthy), and
    C(elb_drained) for the backends at weight 0 in at least one pool (out of rotation there).
    Characters other than letters, digits and C(_) in names become C(_).
  - Host variables - C(ansible_host) (the address), C(hwcloud_elb_members) (its member records),
    C(hwcloud_elb_health) (its worst health) and C(hwcloud_elb_weight) (its lowest weight in any pool; null on
    v1, which has no weights).
  - A key of the configuration file that is not an option below fails, naming the key and the closest option.
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
  hosts:
    description:
      - What the hosts are - V(members), the backends (the default), or V(loadbalancers), the load balancers
        themselves, for plays that configure balancers - one host each, so that forks, C(serial), C(throttle)
        and AWX job slicing spread the balancers over workers and execution nodes (see docs/scale.md).
      - "With V(loadbalancers): one list call for the balancers (of O(loadbalancers) when given); a host is named
        after its balancer (its id when the name is empty or shared), has C(ansible_connection=local) and the
        variables C(hwcloud_elb_loadbalancer) (the balancer as the service returns it) and
        C(hwcloud_elb_api_version), and belongs to C(elb_loadbalancers). O(pools), O(health) and O(hostnames)
        are for members only."
    type: str
    choices: [members, loadbalancers]
    default: members
  pools:
    description:
      - Only the members of these pools (names or ids; within O(loadbalancers) when given). V(v3) and V(v2).
      - An unknown pool fails.
    type: list
    elements: str
    default: []
  health:
    description:
      - Only the backends whose health (the worst in any pool) is one of these, for example V([unhealthy]).
    type: list
    elements: str
    choices: [healthy, unhealthy, checking, unmonitored, unknown]
    default: []
  hostnames:
    description:
      - How hosts are named, by preference - the first of these member fields that is set names the host.
      - Members with the same name (one backend in several pools) are one host.
      - Members with none of these fields set are left out, with a warning saying how many.
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

import difflib
import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.display import Display

from ansible_collections.hwcloud.elb.plugins.module_utils import _member_selection, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._auth import CredentialError
from ansible_collections.hwcloud.elb.plugins.module_utils._client import REQUESTS_IMPORT_ERROR, ElbClient
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError

# The worst health first: a backend failing in one pool is failing.
WORST_FIRST = (_members.UNHEALTHY, _members.UNKNOWN, _members.CHECKING, _members.UNMONITORED, _members.HEALTHY)
UNSAFE = re.compile(r'[^A-Za-z0-9_]')
display = Display()


def group_name(prefix, name):
    return '%s_%s' % (prefix, UNSAFE.sub('_', str(name)))


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'hwcloud.elb.members'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('.hwcloud_elb.yml', '.hwcloud_elb.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        self._refuse_unknown_keys(config)
        balancers_as_hosts = self.get_option('hosts') == 'loadbalancers'
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        records = None
        if use_cache:
            try:
                cached = self._cache[cache_key]
            except KeyError:
                update_cache = True
            else:  # a cache written with the other hosts option is read again
                records = cached.get('records') if isinstance(cached, dict) and cached.get('hosts') == \
                    self.get_option('hosts') else None
                update_cache = records is None
        if records is None:
            records = self._read_balancers() if balancers_as_hosts else self._read_members()
        if update_cache:
            self._cache[cache_key] = {'hosts': self.get_option('hosts'), 'records': records}
        if balancers_as_hosts:
            self._populate_balancers(records)
        else:
            self._populate(records)

    def _refuse_unknown_keys(self, config):
        """ansible-core ignores a key no option has (a typo reads the whole project): fail, naming it."""
        known = sorted(self._options)
        unknown = sorted(key for key in config if key not in known)
        if unknown:
            hints = []
            for key in unknown:
                close = difflib.get_close_matches(str(key), known, n=1)
                hints.append('%s%s' % (key, ' (did you mean %s?)' % close[0] if close else ''))
            raise AnsibleParserError('hwcloud.elb.members: %s %s not an option of this inventory plugin; its options '
                                     'are %s.' % (', '.join(hints), 'is' if len(unknown) == 1 else 'are',
                                                  ', '.join(known)))

    def _client(self):
        if REQUESTS_IMPORT_ERROR:
            raise AnsibleError('The hwcloud.elb.members inventory needs the Python library requests on the '
                               'controller: %s' % REQUESTS_IMPORT_ERROR)
        settings = ConnectionSettings(dict((name, self.get_option(name)) for name in CONNECTION_ARGUMENT_SPEC))
        problems = settings.problems()
        if problems:
            raise AnsibleParserError('hwcloud.elb.members: %s.' % '; '.join(problems))
        return ElbClient(settings)

    def _read_balancers(self):
        """The balancers (of ``loadbalancers`` when given, by id or name): one list call, paginated where the API
        pages (v3, v2)."""
        family = FAMILIES[self.get_option('api_version')]
        lookup = family.members.loadbalancers
        try:
            client = self._client()
            if family.listed:
                listed = list(client.paginate(lookup.path, lookup.list_key, limit=_members.PAGE_SIZE))
            else:
                data = client.get(lookup.path) or []
                listed = data.get(lookup.list_key) or [] if isinstance(data, dict) else data
        except CredentialError as err:
            raise AnsibleParserError('hwcloud.elb.members: %s' % err)
        except ApiError as err:
            raise AnsibleParserError('hwcloud.elb.members: %s' % err.fail_kwargs().get('msg', err))
        wanted = self.get_option('loadbalancers')
        chosen = []
        for value in wanted:
            matches = [b for b in listed if b.get('id') == value] or [b for b in listed if b.get('name') == value]
            if not matches:
                raise AnsibleParserError("hwcloud.elb.members: loadbalancers has %r; no load balancer has that id or "
                                         "name." % value)
            chosen.extend(b for b in matches if b not in chosen)
        return chosen if wanted else listed

    def _populate_balancers(self, balancers):
        names = [balancer.get('name') for balancer in balancers]
        strict = self.get_option('strict')
        api_version = self.get_option('api_version')
        self.inventory.add_group('elb_loadbalancers')
        for balancer in sorted(balancers, key=lambda b: (b.get('name') or '', b.get('id') or '')):
            name = balancer.get('name')
            host = name if name and names.count(name) == 1 else balancer['id']
            self.inventory.add_host(host, group='elb_loadbalancers')
            variables = dict(ansible_connection='local', hwcloud_elb_loadbalancer=balancer,
                             hwcloud_elb_api_version=api_version)
            for key, value in variables.items():
                self.inventory.set_variable(host, key, value)
            self._set_composite_vars(self.get_option('compose'), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, host, strict=strict)

    def _read_members(self):
        family = FAMILIES[self.get_option('api_version')]
        try:
            client = self._client()
            pools = self.get_option('pools')
            if pools and family.members.parent_option != 'pool':
                raise InputError('pools selects the members of v3 and v2 pools; api_version %s has listeners.'
                                 % family.name)
            balancers = [{'loadbalancer': name} for name in self.get_option('loadbalancers')] or [{}]
            selections = [dict(balancer, pool=pool) for balancer in balancers for pool in pools] or balancers
            balancers = family.members.loadbalancers  # one list call, for the balancers' names
            listed = client.get(balancers.path) or []
            names = dict((item.get('id'), item.get('name')) for item in (
                listed.get(balancers.list_key) or [] if isinstance(listed, dict) else listed))
            members, seen = [], set()
            for selection in selections:
                for member in self._read_selection(client, family, selection):
                    key = (member.get('id'), member.get('pool_id') or member.get('listener_id'))
                    if key not in seen:
                        seen.add(key)
                        members.append(dict(member, loadbalancer_name=names.get(member.get('loadbalancer_id'))))
            return members
        except (CredentialError, InputError) as err:
            raise AnsibleParserError('hwcloud.elb.members: %s' % err)
        except ApiError as err:
            raise AnsibleParserError('hwcloud.elb.members: %s' % err.fail_kwargs().get('msg', err))

    @staticmethod
    def _read_selection(client, family, selection):
        try:
            return _member_selection.read_health(client, family, selection)[0]
        except InputError as err:
            # The selection's option is loadbalancer; the file's is loadbalancers (pools).
            raise InputError(re.sub(r'^(loadbalancer|pool) is', lambda found: '%ss has' % found.group(1), str(err)))

    def _hostname(self, member):
        for field in self.get_option('hostnames'):
            if member.get(field):
                return str(member[field])
        return None

    def _populate(self, members):
        hosts, unnamed = {}, 0
        for member in members:
            name = self._hostname(member)
            if name is None:
                unnamed += 1
            else:
                hosts.setdefault(name, []).append(member)
        if unnamed:
            display.warning('hwcloud.elb.members: %d of %d member(s) have none of hostnames (%s) set, so they are not '
                            'hosts; add address to hostnames to name them all.' % (
                                unnamed, len(members), ', '.join(self.get_option('hostnames'))))
        strict = self.get_option('strict')
        wanted_health = self.get_option('health')
        for host, records in sorted(hosts.items()):
            health = min((record['health'] for record in records), key=WORST_FIRST.index)
            if wanted_health and health not in wanted_health:
                continue
            self.inventory.add_host(host)
            weights = [record['weight'] for record in records if record.get('weight') is not None]
            variables = dict(ansible_host=records[0]['address'], hwcloud_elb_members=records,
                             hwcloud_elb_health=health, hwcloud_elb_weight=min(weights) if weights else None)
            for key, value in variables.items():
                self.inventory.set_variable(host, key, value)
            groups = [group_name('elb_health', health)] + (['elb_drained'] if 0 in weights else [])
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
