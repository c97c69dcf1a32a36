# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: monitor_targets
short_description: Resolve monitor profile targets into the module arguments of an ELB API family
version_added: 1.0.0
author:
  - hwcloud.elb maintainers (@hwcloud-elb)
description:
  - Turns the targets of the roles C(hwcloud.elb.http_monitor) and C(hwcloud.elb.tcp_monitor) - each a pool or
    a listener, an optional profile and state, and overrides in one vocabulary - into the arguments of
    M(hwcloud.elb.healthmonitor_v3), M(hwcloud.elb.healthmonitor_v2) or M(hwcloud.elb.healthcheck_v1).
  - "Profiles (interval s, timeout s, healthy threshold, unhealthy threshold): V(standard) 5, 3, 3, 3;
    V(fast_failover) 2, 1, 2, 2; V(tolerant) 10, 5, 2, 5. HTTP targets add path V(/), method V(GET) and
    expected codes V(200). The tables and the mapping to each family are in C(docs/profiles.md)."
  - "Vocabulary to module options - v3 and v2: C(interval)=C(delay), C(timeout)=C(timeout),
    C(healthy_threshold)=C(max_retries), C(unhealthy_threshold)=C(max_retries_down), C(port)=C(monitor_port),
    C(path)=C(url_path), C(domain)=C(domain_name), C(expected_codes)=C(expected_codes), C(method)=C(http_method).
    v1: C(healthcheck_interval), C(healthcheck_timeout), C(healthy_threshold), C(unhealthy_threshold),
    C(healthcheck_connect_port), C(healthcheck_uri)."
  - The classic (v1) API has no domain, expected codes or method; an explicit C(domain), C(expected_codes) or
    C(method) fails there, and the HTTP profile's defaults for them are not applied.
  - The shared (v2) API treats expected codes and method as reserved, so their profile defaults are not sent
    there; explicit values are passed on (the module warns when the service does not keep them).
  - A target with state V(absent) resolves to its pool or listener and the state only.
  - Fails, before any module runs, naming the target, the value and what is allowed - on an unknown profile,
    state or key, a target without its pool (v2, v3) or listener (v1) or with the other one, a key the family
    cannot take, a value the family's module would refuse (range, pattern, choice), or a target given twice.
positional: _input, kind
options:
  _input:
    description:
      - The targets. Each is a dict with C(pool) (v2, v3) or C(listener) (v1, narrowed by an optional
        C(loadbalancer)), optional C(profile) and C(state), and optional overrides C(interval), C(timeout),
        C(healthy_threshold), C(unhealthy_threshold), C(port), and for O(kind=http) C(path), C(domain),
        C(expected_codes), C(method). An override set to V(null) counts as not given.
    type: list
    elements: dict
    required: true
  kind:
    description:
      - V(http) for HTTP health checks, V(tcp) for TCP ones.
    type: str
    required: true
    choices: [http, tcp]
  api_version:
    description:
      - The API family of the targets - V(v3) dedicated, V(v2) shared, V(v1) classic.
    type: str
    default: v3
    choices: [v1, v2, v3]
  profile:
    description:
      - The profile of targets that name none.
    type: str
    default: standard
    choices: [standard, fast_failover, tolerant]
  state:
    description:
      - The state of targets that name none.
    type: str
    default: present
    choices: [present, absent]
  output:
    description:
      - V(targets) returns one dict per target (see RV(_value)).
      - V(healthmonitors) returns what the roles' one task file needs to apply the targets with
        M(hwcloud.elb.healthmonitors) - a dict with C(api_version), C(merged) (the present targets, without
        their C(state) key, for O(hwcloud.elb.healthmonitors#module:state=merged)), C(deleted) (the absent
        ones, likewise, for O(hwcloud.elb.healthmonitors#module:state=deleted)) and C(label), what the targets
        are for task names, for example "dedicated (v3) pools".
    type: str
    default: targets
    choices: [targets, healthmonitors]
    version_added: 1.0.0
seealso:
  - module: hwcloud.elb.healthmonitor_v3
  - module: hwcloud.elb.healthmonitor_v2
  - module: hwcloud.elb.healthcheck_v1
  - module: hwcloud.elb.healthmonitors
'''

EXAMPLES = r'''
- name: Resolve two HTTP targets of a dedicated load balancer
  ansible.builtin.set_fact:
    resolved: "{{ targets | hwcloud.elb.monitor_targets('http', api_version='v3', profile='standard') }}"
  vars:
    targets:
      - pool: web-pool
        path: /healthz
        expected_codes: 200-204
      - pool: api-pool
        profile: fast_failover
# resolved:
#   - {pool: web-pool, state: present, type: HTTP, delay: 5, timeout: 3, max_retries: 3, max_retries_down: 3,
#      url_path: /healthz, expected_codes: 200-204, http_method: GET}
#   - {pool: api-pool, state: present, type: HTTP, delay: 2, timeout: 1, max_retries: 2, max_retries_down: 2,
#      url_path: /, expected_codes: "200", http_method: GET}

- name: A classic listener's TCP check on port 3306, then the task that applies it
  vars:
    checks: "{{ [{'listener': 'db-listener', 'port': 3306}] | hwcloud.elb.monitor_targets('tcp', api_version='v1') }}"
  hwcloud.elb.healthcheck_v1:
    listener: "{{ item.listener }}"
    state: "{{ item.state }}"
    healthcheck_protocol: "{{ item.healthcheck_protocol | default(omit) }}"
    healthcheck_interval: "{{ item.healthcheck_interval | default(omit) }}"
    healthcheck_timeout: "{{ item.healthcheck_timeout | default(omit) }}"
    healthy_threshold: "{{ item.healthy_threshold | default(omit) }}"
    unhealthy_threshold: "{{ item.unhealthy_threshold | default(omit) }}"
    healthcheck_connect_port: "{{ item.healthcheck_connect_port | default(omit) }}"
  loop: "{{ checks }}"

- name: The same targets as the arguments of hwcloud.elb.healthmonitors calls, as the roles apply them
  ansible.builtin.set_fact:
    calls: "{{ targets | hwcloud.elb.monitor_targets('http', api_version='v3', output='healthmonitors') }}"
  vars:
    targets:
      - pool: web-pool
      - pool: old-pool
        state: absent
# calls:
#   api_version: v3
#   label: dedicated (v3) pools
#   merged:
#     - {pool: web-pool, type: HTTP, delay: 5, timeout: 3, max_retries: 3, max_retries_down: 3, url_path: /,
#        expected_codes: "200", http_method: GET}
#   deleted:
#     - {pool: old-pool}
'''

RETURN = r'''
_value:
  description:
    - One dict per target, in the targets' order, with the module options of the family - its pool or listener
      (and C(loadbalancer) when given), C(state), and for V(present) the monitor type and every field the
      profile and overrides set.
    - "v3 and v2: C(pool), C(state), C(type), C(delay), C(timeout), C(max_retries), C(max_retries_down), and when
      set C(monitor_port), C(url_path), C(domain_name), C(expected_codes), C(http_method)."
    - "v1: C(listener), C(loadbalancer) when given, C(state), C(healthcheck_protocol), C(healthcheck_interval),
      C(healthcheck_timeout), C(healthy_threshold), C(unhealthy_threshold), and when set
      C(healthcheck_connect_port), C(healthcheck_uri)."
    - With O(output=healthmonitors), a dict with C(api_version), C(label), C(merged) and C(deleted) instead
      (see O(output)).
  type: raw
'''

from collections import namedtuple

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import Role
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import control_problem
from ansible_collections.hwcloud.elb.plugins.module_utils._profiles import (
    HTTP_DEFAULTS, IDENTITY_KEYS, INT_KEYS, KIND_KEYS, MONITOR_TYPE, PROFILES, STATES)

OUTPUTS = ('targets', 'healthmonitors')


# What the filter needs of a family: its roles' vocabulary (``Family.role``) and what its targets are called in
# task names ("pools", "listeners").
RoleVocabulary = namedtuple('RoleVocabulary', Role._fields + ('targets',))


def role_vocabulary(family):
    """The only place that reads ``Family.role``, so a change of its shape is one edit here."""
    return RoleVocabulary(targets=family.parent.kind + 's', **family.role._asdict())


def _one_of(name, value, allowed):
    if value not in allowed:
        raise AnsibleFilterError('monitor_targets: %s is %r; it must be one of %s.' % (name, value, ', '.join(allowed)))


def _is_name(value):
    return isinstance(value, str) and value != ''


def _coerce(key, value):
    """Integers may come as digit strings, and expected codes as a bare integer (YAML reads 200 as one)."""
    if isinstance(value, bool):
        return None
    if key in INT_KEYS:
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        return None
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int) and key == 'expected_codes' else None


class _Resolver:
    """Resolves the targets of one call; ``errors`` collects every problem so one run reports them all."""

    def __init__(self, kind, api_version, profile, state):
        self.kind = kind
        # The family's role vocabulary; values are checked by the fields its module declares, so the roles
        # refuse exactly what the module would refuse, but for every target before the first write.
        self.family = role_vocabulary(FAMILIES[api_version])
        self.fields = FAMILIES[api_version].by_name
        self.profile = profile
        self.state = state
        self.errors = []

    def resolve(self, targets):
        resolved, seen = [], {}
        for number, target in enumerate(targets, 1):
            where = '%s monitor target %d of %d' % (MONITOR_TYPE[self.kind], number, len(targets))
            if not isinstance(target, dict):
                self.errors.append('%s is %r; each target must be a dict.' % (where, target))
                continue
            identity = self.family.identity
            if _is_name(target.get(identity)):
                where += ' (%s %r)' % (identity, target[identity])
                key = tuple(str(target.get(k)) for k in (identity,) + self.family.narrowing)
                if key in seen:
                    self.errors.append('%s: the same %s as target %d; give each %s once, or the two would undo '
                                       'each other on every run.' % (where, identity, seen[key], identity))
                seen.setdefault(key, number)
            item = self._target(where, target)
            if item is not None:
                resolved.append(item)
        if self.errors:
            raise AnsibleFilterError(' '.join(self.errors))
        return resolved

    def _target(self, where, target):
        errors_before = len(self.errors)
        family, label = self.family, self.family.label
        identity = family.identity
        allowed = ((identity,) + family.narrowing + ('profile', 'state')
                   + tuple(key for key in KIND_KEYS[self.kind] if key not in family.lacks))

        for key in target:
            if key in allowed:
                continue
            if key in IDENTITY_KEYS:
                self.errors.append('%s: %s is not for a %s target, which takes %s; set api_version to the family of '
                                   'the target.' % (where, key, label, ' and '.join((identity,) + family.narrowing)))
            elif key in family.lacks:
                self.errors.append('%s: %s is %r, but a %s health check has no %s (%s has no such option); remove '
                                   'it.' % (where, key, target[key], label, key, family.module))
            else:
                self.errors.append('%s: unknown key %r; it must be one of %s.' % (where, key, ', '.join(allowed)))
        if target.get(identity) is None:
            self.errors.append('%s: no %s given; a %s target names its %s (name or ID) in %s.' % (
                where, identity, label, identity, identity))
        for key in (identity,) + family.narrowing:
            if target.get(key) is not None and not _is_name(target[key]):
                self.errors.append('%s: %s is %r; it must be the name or ID of a %s.' % (
                    where, key, target[key], 'load balancer' if key == 'loadbalancer' else key))
            elif control_problem(key, target.get(key)):
                self.errors.append('%s: %s' % (where, control_problem(key, target[key])))

        profile = target.get('profile', self.profile)
        if not _is_name(profile) or profile not in PROFILES:
            self.errors.append('%s: profile is %r; it must be one of %s.' % (where, profile, ', '.join(PROFILES)))
        state = target.get('state', self.state)
        if not _is_name(state) or state not in STATES:
            self.errors.append('%s: state is %r; it must be one of %s.' % (where, state, ', '.join(STATES)))

        overrides = {}
        for key in KIND_KEYS[self.kind]:
            if target.get(key) is None or key in family.lacks:
                continue
            value = _coerce(key, target[key])
            if value is None:
                self.errors.append('%s: %s is %r; it must be %s.' % (
                    where, key, target[key], 'a whole number' if key in INT_KEYS else 'a string'))
            else:
                overrides[key] = value

        item = dict((key, target[key]) for key in (identity,) + family.narrowing if target.get(key) is not None)
        item['state'] = state
        # The settings are checked whatever the state (an absent target must not fail on the day it turns
        # present), and sent only for present.
        settings = self._settings(where, profile, overrides) if _is_name(profile) and profile in PROFILES else {}
        if state == 'present':
            item.update(settings)
        return None if len(self.errors) > errors_before else item

    def _settings(self, where, profile, overrides):
        """The profile, its HTTP defaults and the overrides, as the family's module options, each checked."""
        family = self.family
        values = dict(PROFILES[profile])
        if self.kind == 'http':
            values.update((key, value) for key, value in HTTP_DEFAULTS.items()
                          if key not in family.lacks and key not in family.defaults_not_sent)
        values.update(overrides)
        monitor_type = MONITOR_TYPE[self.kind]
        settings = {family.options['type']: monitor_type}
        for key in KIND_KEYS[self.kind]:
            if key not in values:
                continue
            option = family.options[key]
            problem = self.fields[option].problem(values[key], monitor_type)
            if problem:
                named = key if key == option else '%s (the %s option %s)' % (key, family.module, option)
                self.errors.append('%s: %s is not valid: %s' % (where, named, problem))
            settings[option] = values[key]
        return settings


def healthmonitors_calls(api_version, resolved):
    """What the roles' one task file needs: the arguments of the two hwcloud.elb.healthmonitors calls (the
    present targets merged, the absent ones deleted; config items carry no state) and the label of its tasks."""
    vocabulary = role_vocabulary(FAMILIES[api_version])
    config = dict((state, [dict((key, value) for key, value in item.items() if key != 'state')
                           for item in resolved if item['state'] == target_state])
                  for state, target_state in (('merged', 'present'), ('deleted', 'absent')))
    return dict(api_version=api_version, label='%s %s' % (vocabulary.label, vocabulary.targets), **config)


def monitor_targets(targets, kind, api_version='v3', profile='standard', state='present', output='targets'):
    """The module arguments of each target, in the vocabulary of ``api_version``'s module."""
    _one_of('kind', kind, tuple(KIND_KEYS))
    _one_of('api_version', api_version, tuple(sorted(FAMILIES)))
    _one_of('profile', profile, tuple(PROFILES))
    _one_of('state', state, STATES)
    _one_of('output', output, OUTPUTS)
    if not isinstance(targets, list):
        raise AnsibleFilterError('monitor_targets: the targets are %r; they must be a list of dicts.' % (targets,))
    resolved = _Resolver(kind, api_version, profile, state).resolve(targets)
    return healthmonitors_calls(api_version, resolved) if output == 'healthmonitors' else resolved


class FilterModule:
    """hwcloud.elb.monitor_targets"""

    def filters(self):
        return {'monitor_targets': monitor_targets}
