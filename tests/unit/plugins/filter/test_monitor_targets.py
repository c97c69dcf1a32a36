# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter hwcloud.elb.monitor_targets: every profile, every family's mapping, every refusal - and that the
roles, their argument specs and docs/profiles.md say the same as the data."""

from __future__ import annotations

import os
import re

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.elb.plugins.filter.monitor_targets import FilterModule, monitor_targets
from ansible_collections.hwcloud.elb.plugins.module_utils import _family_v1, _family_v2, _family_v3
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES as REGISTRY
from ansible_collections.hwcloud.elb.plugins.module_utils._profiles import KIND_KEYS, PROFILES
from ansible_collections.hwcloud.elb.plugins.module_utils._monitors_module import config_item_spec

FAMILIES = dict((name, family.role) for name, family in REGISTRY.items())

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))

V3_HTTP = dict(pool='web', state='present', type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=3,
               url_path='/', expected_codes='200', http_method='GET')
V1_HTTP = dict(listener='web', state='present', healthcheck_protocol='HTTP', healthcheck_interval=5,
               healthcheck_timeout=3, healthy_threshold=3, unhealthy_threshold=3, healthcheck_uri='/')


def failure(targets, kind='http', **kwargs):
    with pytest.raises(AnsibleFilterError) as caught:
        monitor_targets(targets, kind, **kwargs)
    return str(caught.value)


def test_the_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {'monitor_targets': monitor_targets}


def test_defaults_are_v3_standard_present():
    assert monitor_targets([{'pool': 'web'}], 'http') == [V3_HTTP]
    assert monitor_targets([{'pool': 'db'}], 'tcp') == [dict(pool='db', state='present', type='TCP', delay=5, timeout=3,
                                                             max_retries=3, max_retries_down=3)]


@pytest.mark.parametrize('profile, values', [
    ('standard', (5, 3, 3, 3)),
    ('fast_failover', (2, 1, 2, 2)),
    ('tolerant', (10, 5, 2, 5)),
])
@pytest.mark.parametrize('api_version, names', [
    ('v3', ('delay', 'timeout', 'max_retries', 'max_retries_down')),
    ('v2', ('delay', 'timeout', 'max_retries', 'max_retries_down')),
    ('v1', ('healthcheck_interval', 'healthcheck_timeout', 'healthy_threshold', 'unhealthy_threshold')),
])
def test_each_profile_on_each_family(profile, values, api_version, names):
    identity = 'listener' if api_version == 'v1' else 'pool'
    for kind in ('http', 'tcp'):
        by_role = monitor_targets([{identity: 'x'}], kind, api_version=api_version, profile=profile)[0]
        by_item = monitor_targets([{identity: 'x', 'profile': profile}], kind, api_version=api_version,
                                  profile='standard' if profile != 'standard' else 'tolerant')[0]
        assert by_role == by_item
        assert tuple(by_role[name] for name in names) == values


def test_v3_every_override_maps_to_its_option():
    target = dict(pool='web', interval=7, timeout=4, healthy_threshold=5, unhealthy_threshold=6, port=8080,
                  path='/healthz', domain='www.example.com', expected_codes='200-204', method='HEAD')
    assert monitor_targets([target], 'http') == [dict(
        pool='web', state='present', type='HTTP', delay=7, timeout=4, max_retries=5, max_retries_down=6,
        monitor_port=8080, url_path='/healthz', domain_name='www.example.com', expected_codes='200-204',
        http_method='HEAD')]


def test_v2_leaves_out_the_reserved_defaults_but_passes_given_values_on():
    assert monitor_targets([{'pool': 'web'}], 'http', api_version='v2') == [dict(
        pool='web', state='present', type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=3, url_path='/')]
    target = dict(pool='web', port=8080, path='/healthz', domain='www.example.com', expected_codes='200',
                  method='HEAD')
    assert monitor_targets([target], 'http', api_version='v2') == [dict(
        pool='web', state='present', type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=3,
        monitor_port=8080, url_path='/healthz', domain_name='www.example.com', expected_codes='200',
        http_method='HEAD')]


def test_v1_maps_to_the_classic_names_without_the_fields_it_lacks():
    assert monitor_targets([{'listener': 'web'}], 'http', api_version='v1') == [V1_HTTP]
    target = dict(listener='web', loadbalancer='classic-lb', interval=7, timeout=4, healthy_threshold=5,
                  unhealthy_threshold=6, port=8080, path='/healthz')
    assert monitor_targets([target], 'http', api_version='v1') == [dict(
        listener='web', loadbalancer='classic-lb', state='present', healthcheck_protocol='HTTP',
        healthcheck_interval=7, healthcheck_timeout=4, healthy_threshold=5, unhealthy_threshold=6,
        healthcheck_connect_port=8080, healthcheck_uri='/healthz')]
    assert monitor_targets([{'listener': 'db', 'port': 3306}], 'tcp', api_version='v1') == [dict(
        listener='db', state='present', healthcheck_protocol='TCP', healthcheck_interval=5, healthcheck_timeout=3,
        healthy_threshold=3, unhealthy_threshold=3, healthcheck_connect_port=3306)]


def test_absent_sends_the_identity_and_state_only():
    targets = [dict(pool='web', state='absent', interval=7, path='/x'), dict(pool='api')]
    assert monitor_targets(targets, 'http') == [dict(pool='web', state='absent'), V3_HTTP | dict(pool='api')]
    assert monitor_targets([{'pool': 'web'}, {'pool': 'api', 'state': 'present'}], 'tcp', state='absent')[0] == dict(
        pool='web', state='absent')
    assert monitor_targets([{'listener': 'web', 'loadbalancer': 'lb'}], 'http', api_version='v1', state='absent') == [
        dict(listener='web', loadbalancer='lb', state='absent')]


def test_null_overrides_count_as_not_given_and_numbers_may_be_strings():
    target = dict(pool='web', interval=None, port=None, loadbalancer=None, expected_codes=200, timeout='2')
    with pytest.raises(AnsibleFilterError):  # loadbalancer is not a v3 key, even null
        monitor_targets([target], 'http')
    del target['loadbalancer']
    assert monitor_targets([target], 'http') == [V3_HTTP | dict(timeout=2)]


@pytest.mark.parametrize('targets, kwargs, message', [
    ([{'pool': 'web', 'profile': 'quick'}], {},
     "HTTP monitor target 1 of 1 (pool 'web'): profile is 'quick'; it must be one of standard, fast_failover, tolerant."),
    ([{'pool': 'web', 'state': 'gone'}], {},
     "HTTP monitor target 1 of 1 (pool 'web'): state is 'gone'; it must be one of present, absent."),
    ([{'path': '/x'}], {},
     'HTTP monitor target 1 of 1: no pool given; a dedicated (v3) target names its pool (name or ID) in pool.'),
    ([{'pool': ''}], {}, "HTTP monitor target 1 of 1: pool is ''; it must be the name or ID of a pool."),
    ([{'listener': 'web'}], {},
     'HTTP monitor target 1 of 1: listener is not for a dedicated (v3) target, which takes pool; set api_version '
     'to the family of the target.'),
    ([{'listener': 'web'}], {'api_version': 'v2'}, 'listener is not for a shared (v2) target, which takes pool;'),
    ([{'pool': 'web'}], {'api_version': 'v1'},
     'HTTP monitor target 1 of 1: pool is not for a classic (v1) target, which takes listener and loadbalancer;'),
    ([{'pool': 'web', 'loadbalancer': 'lb'}], {}, 'loadbalancer is not for a dedicated (v3) target, which takes pool;'),
    ([{'listener': 'web', 'loadbalancer': 7}], {'api_version': 'v1'},
     "(listener 'web'): loadbalancer is 7; it must be the name or ID of a load balancer."),
    ([{'pool': 'web', 'url_path': '/x'}], {},
     "HTTP monitor target 1 of 1 (pool 'web'): unknown key 'url_path'; it must be one of pool, profile, state, "
     "interval, timeout, healthy_threshold, unhealthy_threshold, port, path, domain, expected_codes, method."),
    ([{'listener': 'web', 'domain': 'www.example.com'}], {'api_version': 'v1'},
     "HTTP monitor target 1 of 1 (listener 'web'): domain is 'www.example.com', but a classic (v1) health check "
     "has no domain (hwcloud.elb.healthcheck_v1 has no such option); remove it."),
    ([{'listener': 'web', 'expected_codes': '200'}], {'api_version': 'v1'},
     "expected_codes is '200', but a classic (v1) health check has no expected_codes"),
    ([{'listener': 'web', 'method': 'GET', 'state': 'absent'}], {'api_version': 'v1'},
     "method is 'GET', but a classic (v1) health check has no method"),
    ([{'pool': 'web', 'interval': 0}], {},
     "HTTP monitor target 1 of 1 (pool 'web'): interval (the hwcloud.elb.healthmonitor_v3 option delay) is not "
     "valid: delay is 0; it must be a whole number from 1 to 50."),
    ([{'pool': 'web', 'timeout': 51}], {'api_version': 'v2'},
     'timeout is not valid: timeout is 51; it must be a whole number from 1 to 50.'),
    ([{'pool': 'web', 'healthy_threshold': 11}], {},
     'healthy_threshold (the hwcloud.elb.healthmonitor_v3 option max_retries) is not valid: max_retries is 11;'),
    ([{'listener': 'web', 'unhealthy_threshold': 0}], {'api_version': 'v1'},
     'unhealthy_threshold is not valid: unhealthy_threshold is 0; it must be a whole number from 1 to 10.'),
    ([{'listener': 'web', 'port': 65536}], {'api_version': 'v1'},
     'port (the hwcloud.elb.healthcheck_v1 option healthcheck_connect_port) is not valid: healthcheck_connect_port '
     'is 65536; it must be a whole number from 1 to 65535.'),
    ([{'pool': 'web', 'path': 'healthz'}], {}, "url_path) is not valid: url_path is 'healthz'; it must be a path"),
    ([{'listener': 'web', 'path': '/a;b'}], {'api_version': 'v1'},
     "healthcheck_uri) is not valid: healthcheck_uri is '/a;b'; it must be a path starting with '/' made of "
     "letters, digits and -/.%?#&_= (1 to 80 characters)."),
    ([{'pool': 'web', 'domain': '_bad'}], {}, "domain_name) is not valid: domain_name is '_bad'; it must be letters"),
    ([{'pool': 'web', 'expected_codes': '99'}], {},
     "expected_codes is not valid: expected_codes is '99'; it must be codes from 200 to 599"),
    ([{'pool': 'web', 'method': 'PUT'}], {},
     "http_method) is not valid: http_method is 'PUT'; it must be one of GET, HEAD, POST (any case)."),
    ([{'pool': 'web', 'method': 'FETCH'}], {'api_version': 'v2'},
     "http_method is 'FETCH'; it must be one of GET, HEAD, POST, PUT, DELETE, TRACE, OPTIONS, CONNECT, PATCH"),
    ([{'pool': 'web', 'interval': 'often'}], {}, "(pool 'web'): interval is 'often'; it must be a whole number."),
    ([{'pool': 'web', 'port': True}], {}, "(pool 'web'): port is True; it must be a whole number."),
    ([{'pool': 'web', 'path': ['/']}], {}, "(pool 'web'): path is ['/']; it must be a string."),
    ([{'pool': 'web'}, 'api-pool'], {}, "HTTP monitor target 2 of 2 is 'api-pool'; each target must be a dict."),
    ([{'pool': 'web'}, {'pool': 'web', 'state': 'absent'}], {},
     "HTTP monitor target 2 of 2 (pool 'web'): the same pool as target 1; give each pool once, or the two would "
     "undo each other on every run."),
    ([{'pool': 'web', 'profile': ['standard']}], {}, "profile is ['standard']; it must be one of"),
])
def test_each_refusal_names_the_target_the_value_and_what_is_allowed(targets, kwargs, message):
    assert message in failure(targets, **kwargs)


def test_a_tcp_target_takes_no_http_keys():
    assert failure([{'pool': 'db', 'path': '/'}], 'tcp') == (
        "TCP monitor target 1 of 1 (pool 'db'): unknown key 'path'; it must be one of pool, profile, state, "
        "interval, timeout, healthy_threshold, unhealthy_threshold, port.")


def test_listeners_of_two_balancers_may_share_a_name():
    targets = [dict(listener='web', loadbalancer='lb-a'), dict(listener='web', loadbalancer='lb-b')]
    assert len(monitor_targets(targets, 'tcp', api_version='v1')) == 2
    assert 'the same listener as target 1' in failure(targets[:1] * 2, 'tcp', api_version='v1')


def test_every_problem_of_every_target_is_reported_at_once():
    text = failure([{'pool': 'web', 'interval': 0, 'timeout': 60}, {'pool': 'api', 'profile': 'quick'}, {}])
    assert text.count('HTTP monitor target') == 4
    assert 'interval (' in text and 'timeout is not valid' in text and "profile is 'quick'" in text
    assert 'target 3 of 3: no pool given' in text


@pytest.mark.parametrize('kwargs, message', [
    (dict(kind='udp'), "monitor_targets: kind is 'udp'; it must be one of http, tcp."),
    (dict(api_version='v4'), "monitor_targets: api_version is 'v4'; it must be one of v1, v2, v3."),
    (dict(profile='quick'), "monitor_targets: profile is 'quick'; it must be one of standard, fast_failover, tolerant."),
    (dict(state='gone'), "monitor_targets: state is 'gone'; it must be one of present, absent."),
    (dict(targets={'pool': 'web'}), "monitor_targets: the targets are {'pool': 'web'}; they must be a list of dicts."),
])
def test_bad_call_arguments(kwargs, message):
    call = dict(dict(targets=[], kind='http'), **kwargs)
    with pytest.raises(AnsibleFilterError) as caught:
        monitor_targets(**call)
    assert str(caught.value) == message


def test_no_targets_resolve_to_nothing():
    assert monitor_targets([], 'http', api_version='v1', profile='tolerant', state='absent') == []


def test_every_option_the_filter_sends_is_one_the_family_declares():
    declared = {'v3': _family_v3.FAMILY.by_name, 'v2': _family_v2.FAMILY.by_name, 'v1': _family_v1.FAMILY.by_name}
    for api_version, family in FAMILIES.items():
        assert set(family.options.values()) <= set(declared[api_version]), api_version


def _role_tasks(role):
    with open(os.path.join(ROOT, 'roles', role, 'tasks', 'main.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def _family_tasks(api_version):
    with open(os.path.join(ROOT, 'roles', 'http_monitor', 'tasks', api_version + '.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize('kind', ['http', 'tcp'])
def test_each_role_resolves_its_targets_then_runs_the_shared_family_tasks(kind):
    role = kind + '_monitor'
    tasks = _role_tasks(role)
    resolve = tasks[0]['ansible.builtin.set_fact'][role + '_resolved']
    assert "hwcloud.elb.monitor_targets('%s'" % kind in resolve
    if kind == 'http':
        assert tasks[1]['ansible.builtin.include_tasks'] == '{{ http_monitor_api_version }}.yml'
    else:
        # the http_monitor role's task files, included as files so that the output labels them tcp_monitor
        include = tasks[1]['ansible.builtin.include_tasks']
        assert include == '{{ role_path }}/../http_monitor/tasks/{{ tcp_monitor_api_version }}.yml'
        assert tasks[1]['vars'] == {'http_monitor_resolved': '{{ tcp_monitor_resolved }}'}


@pytest.mark.parametrize('api_version', sorted(FAMILIES))
def test_each_family_task_file_passes_every_option_the_filter_can_send(api_version):
    """One hwcloud.elb.healthmonitors task for the present targets (merged), one for the absent (deleted): every
    key either role can resolve to but the state is one of its config suboptions, and the config is the resolved
    targets of that state without the state key."""
    family = FAMILIES[api_version]
    merged, deleted = _family_tasks(api_version)
    wanted = {family.identity} | set(family.narrowing) | {family.options['type']}
    wanted |= {family.options[key] for key in KIND_KEYS['http'] + KIND_KEYS['tcp'] if key not in family.lacks}
    assert wanted <= set(config_item_spec())
    for task, state, var in ((merged, 'merged', 'http_monitor_present'), (deleted, 'deleted', 'http_monitor_absent')):
        args = task['hwcloud.elb.healthmonitors']
        assert args == {'api_version': api_version, 'state': state, 'config': '{{ %s }}' % var}
        selected = ' '.join(task['vars'][var].split())
        assert selected.startswith("{{ http_monitor_resolved | selectattr('state', 'eq', '%s')" % (
            'present' if state == 'merged' else 'absent'))
        assert "map('rejectattr', 'key', 'eq', 'state')" in selected
        assert task['when'] == '%s | length > 0' % var


@pytest.mark.parametrize('kind', ['http', 'tcp'])
def test_each_argument_spec_lists_every_key_the_filter_takes(kind):
    role = kind + '_monitor'
    with open(os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        options = yaml.safe_load(handle)['argument_specs']['main']['options']
    with open(os.path.join(ROOT, 'roles', role, 'defaults', 'main.yml'), encoding='utf-8') as handle:
        defaults = yaml.safe_load(handle)
    assert set(options) == set(defaults) == {role + '_' + name for name in ('api_version', 'profile', 'state', 'targets')}
    for name, spec in options.items():
        assert spec['description'] and spec['default'] == defaults[name], name
    assert options[role + '_profile']['choices'] == list(PROFILES)
    assert sorted(options[role + '_api_version']['choices']) == sorted(REGISTRY)  # the registry's families
    for family in REGISTRY:  # each has its task file
        assert os.path.exists(os.path.join(ROOT, 'roles', 'http_monitor', 'tasks', family + '.yml')), family
    items = options[role + '_targets']['options']
    assert set(items) == {'pool', 'listener', 'loadbalancer', 'profile', 'state'} | set(KIND_KEYS[kind])
    assert items['profile']['choices'] == list(PROFILES)
    assert all(spec['description'] for spec in items.values())


def test_docs_profile_table_matches_the_data():
    with open(os.path.join(ROOT, 'docs', 'profiles.md'), encoding='utf-8') as handle:
        text = handle.read()
    for name, values in PROFILES.items():
        row = r'\|\s*`%s`\s*\|\s*%d\s*\|\s*%d\s*\|\s*%d\s*\|\s*%d\s*\|' % (
            name, values['interval'], values['timeout'], values['healthy_threshold'], values['unhealthy_threshold'])
        assert re.search(row, text), name
