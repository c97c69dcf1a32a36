# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""hwcloud.elb.healthmonitor_info and healthmonitor_facts against the emulator."""

from __future__ import annotations

import json

import pytest

from .conftest import connection_env, run_playbook

TCP = {'type': 'TCP', 'delay': 5, 'timeout': 3, 'max_retries': 3}
HTTP = {'type': 'HTTP', 'delay': 7, 'timeout': 3, 'max_retries': 2, 'url_path': '/ping', 'admin_state_up': False}


def bulk(elb, family, count, monitor, prefix, protocol=None):
    body = {'family': family, 'count': count, 'monitor': monitor, 'name_prefix': prefix,
            'protocol': protocol or ('HTTP' if monitor and monitor['type'] == 'HTTP' else 'TCP')}
    return elb.admin('POST', 'bulk', body)['ids']


def list_calls(elb, path_part):
    return [c for c in elb.calls(['GET']) if c[1].endswith(path_part)]


def test_thousands_of_v3_monitors_across_pages(elb, run_task):
    bulk(elb, 'v3', 4500, TCP, 'many-')
    elb.reset_stats()
    result = run_task('healthmonitor_info', {})
    monitors = result['healthmonitors']
    assert len(monitors) == 4500 and all(m['api_version'] == 'v3' for m in monitors)
    assert [m['id'] for m in monitors] == sorted(m['id'] for m in monitors)
    assert len(list_calls(elb, '/elb/healthmonitors')) == 3  # 2000 + 2000 + 500


def test_v3_filters_go_to_the_server(elb, run_task, run_tasks):
    bulk(elb, 'v3', 30, TCP, 'tcp-')
    http_pools = bulk(elb, 'v3', 5, HTTP, 'http-')
    elb.reset_stats()
    result = run_task('healthmonitor_info', {'type': ['http', 'HTTPS'], 'admin_state_up': False})
    assert len(result['healthmonitors']) == 5
    assert all(m['type'] == 'HTTP' and m['admin_state_up'] is False for m in result['healthmonitors'])
    assert len(elb.calls(['GET'])) == 1  # no client-side scan: one filtered call
    ids = [elb.api('GET', '/v3/{project_id}/elb/pools/' + http_pools[0])['pool']['healthmonitor_id'],
           elb.pool('http-1')['healthmonitor_id']]
    queries = [{'delay': ['5', '7'], 'max_retries': ['3']}, {'url_path': ['/ping'], 'timeout': 3}, {'timeout': 49},
               {'pool': http_pools[0]}, {'pool': 'http-1'}, {'id': ids}, {'pool': 'http-1', 'type': ['TCP']}]
    found = [r['healthmonitors'] for r in run_tasks([('healthmonitor_info', query) for query in queries])]
    by_delay, by_path, none, one, by_name, by_id, none_of_that_type = found
    assert len(by_delay) == 30 and len(by_path) == 5 and none == []
    assert len(one) == 1 and one[0]['pools'] == [{'id': http_pools[0]}] and one[0]['id'] == ids[0]
    assert len(by_name) == 1 and by_name[0]['type'] == 'HTTP' and by_name[0]['id'] == ids[1]
    assert sorted(m['id'] for m in by_id) == sorted(ids)
    assert none_of_that_type == []


def test_unknown_or_unmonitored_gives_an_empty_list(elb, run_tasks):
    queries = [{'pool': 'no-such-pool'}, {'pool': '6b6b0c07-6c4e-4e3f-9d1b-0a0a0a0a0a0a'},
               {'id': ['6b6b0c07-6c4e-4e3f-9d1b-0a0a0a0a0a0a']}, {'pool': 'demo-tcp-pool'}]
    results = run_tasks([('healthmonitor_info', query) for query in queries])
    assert [r['healthmonitors'] for r in results] == [[]] * len(queries)


def test_v2_query_and_filters(elb, run_tasks):
    bulk(elb, 'v2', 3, TCP, 'v2-tcp-')
    bulk(elb, 'v2', 2, dict(HTTP, admin_state_up=True), 'v2-http-')
    queries = [{'api_version': 'v2'}, {'api_version': 'v2', 'type': ['HTTP']}, {'api_version': 'v2', 'pool': 'v2-tcp-1'},
               {'api_version': 'v2', 'pool': 'nope'}]
    everything, http, pool, nope = [r['healthmonitors'] for r in run_tasks([('healthmonitor_info', q) for q in queries])]
    assert len(everything) == 5 and all(m['api_version'] == 'v2' for m in everything)
    assert len(http) == 2
    assert len(pool) == 1 and pool[0]['type'] == 'TCP'
    assert nope == []


def test_v1_query_by_listener_balancer_id_and_all(elb, run_tasks):
    listeners = bulk(elb, 'v1', 4, {'healthcheck_protocol': 'TCP', 'healthcheck_interval': 5,
                                    'healthcheck_timeout': 3, 'healthy_threshold': 3, 'unhealthy_threshold': 3},
                     'v1-', protocol='TCP')
    check_2 = elb.api('GET', '/v1.0/{project_id}/elbaas/listeners/' + listeners[2])['healthcheck_id']
    queries = [{}, {'loadbalancer': 'classic-lb'}, {'loadbalancer': 'classic-internal-lb'}, {'listener': 'v1-2'},
               {'listener': listeners[0]}, {'id': [check_2, 'f' * 32]}, {'listener': 'nope'}, {'loadbalancer': 'nope'}]
    results = run_tasks([('healthmonitor_info', dict(query, api_version='v1')) for query in queries])
    everything, by_lb, internal, one, by_listener_id, by_id, no_listener, no_lb = [r['healthmonitors'] for r in results]
    assert len(everything) == 4 and all(c['api_version'] == 'v1' and c['listener_id'] in listeners for c in everything)
    assert len(by_lb) == 4
    assert internal == []
    assert len(one) == 1 and one[0]['listener_id'] == listeners[2] and one[0]['id'] == check_2
    # By id: exactly the check of that listener (kills a lookup that answers some other listener's check).
    assert [c['listener_id'] for c in by_listener_id] == [listeners[0]]
    assert by_listener_id[0]['id'] == elb.api('GET', '/v1.0/{project_id}/elbaas/listeners/' + listeners[0])['healthcheck_id']
    assert [c['id'] for c in by_id] == [check_2]
    assert no_listener == [] and no_lb == []


FILTER_REFUSALS = [
    ({'api_version': 'v1', 'pool': 'x'}, 'pool cannot filter v1 health checks; with api_version v1 use id, listener, loadbalancer.'),
    ({'api_version': 'v3', 'listener': 'x'}, 'listener cannot filter v3 health checks'),
    ({'api_version': 'v2', 'enterprise_project_id': ['x']}, 'enterprise_project_id cannot filter v2 health checks'),
    ({'api_version': 'v2', 'name': ['a', 'b']}, "name is ['a', 'b']: the v2 API filters on one value at a time"),
    ({'api_version': 'v4'}, 'value of api_version must be one of: v1, v2, v3, got: v4'),
]


@pytest.mark.parametrize('args, message', FILTER_REFUSALS)
def test_filters_a_version_does_not_take_fail_clearly(elb, refusal, args, message):
    assert message in refusal('healthmonitor_info', args, end_to_end=args == FILTER_REFUSALS[0][0])['msg']


def test_check_mode_and_facts_module(elb, run_tasks):
    bulk(elb, 'v3', 2, TCP, 'cm-')
    result, info = run_tasks([('healthmonitor_facts', {}), ('healthmonitor_info', {})], check=True)
    assert not result['changed'] and len(result['ansible_facts']['hwcloud_elb_healthmonitors']) == 2
    assert len(info['healthmonitors']) == 2
    assert elb.writes() == []


INVENTORY = '''[web]
web1 elb_pool=site-0
web2 elb_pool=site-1
web3 elb_pool=site-2
[web:vars]
ansible_connection=local
'''


def facts_plays(env):
    gather = {'name': 'each host gathers its own pool', 'hosts': 'web', 'gather_facts': False, 'tasks': [
        {'name': 'gather', 'hwcloud.elb.healthmonitor_facts': {'pool': '{{ elb_pool }}'}, 'environment': env}]}
    return [gather] + read_play()


def read_play():
    return [{'name': 'read back through hostvars', 'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'collect', 'ansible.builtin.set_fact': {'seen': {
            h: "{{ hostvars['%s'].hwcloud_elb_healthmonitors | map(attribute='pools') | map('first') | map(attribute='id') | list }}" % h
            for h in ('web1', 'web2', 'web3')}}}]}]


def test_facts_per_host_through_hostvars_and_the_jsonfile_cache(elb, tmp_path):
    pools = bulk(elb, 'v3', 3, TCP, 'site-')
    env = connection_env(elb)
    cache = tmp_path / 'facts'
    cache_env = {'ANSIBLE_CACHE_PLUGIN': 'jsonfile', 'ANSIBLE_CACHE_PLUGIN_CONNECTION': str(cache)}
    outcome = run_playbook(facts_plays(env), env=cache_env, inventory=INVENTORY, expect_rc=0)
    seen = outcome.records[-1]['result']['ansible_facts']['seen']
    assert seen == {'web1': [pools[0]], 'web2': [pools[1]], 'web3': [pools[2]]}
    cache_file, = [path for path in cache.iterdir() if path.name.endswith('web2')]  # ansible-core may prefix the name
    cached = json.loads(cache_file.read_text())
    if '__payload__' in cached:  # ansible-core 2.19+ wraps the facts in a serialised payload
        cached = json.loads(cached['__payload__'])
    assert cached['hwcloud_elb_healthmonitors'][0]['pools'] == [{'id': pools[1]}]
    # A later run that gathers nothing reads the same facts back from the cache.
    later = run_playbook(read_play(), env=cache_env, inventory=INVENTORY, expect_rc=0)
    assert later.records[-1]['result']['ansible_facts']['seen'] == seen
