# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hwcloud.elb.members inventory plugin through ansible-inventory and ansible, on real loopback backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import yaml

from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import

from .conftest import ROOT, connection_env
from .test_member_health import V2, V3, manual, pool_member, pool_monitor, probe

BIN = os.path.dirname(sys.executable)


def run(command, elb, work, config, expect_rc=0, extra_env=None):
    path = os.path.join(work, 'elb.hwcloud_elb.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(config, handle)
    env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_DEPRECATION_WARNINGS='false')
    collections = os.path.dirname(os.path.dirname(ROOT))
    if os.path.basename(collections) == 'ansible_collections':  # the staged copy
        env['ANSIBLE_COLLECTIONS_PATH'] = os.path.dirname(collections)
    for name in [n for n in env if n.startswith('HW_')]:
        del env[name]
    env.update(connection_env(elb))
    env.update(extra_env or {})
    process = subprocess.run([os.path.join(BIN, command[0])] + command[1:] + ['-i', path], env=env,
                             capture_output=True, text=True, timeout=300, check=False, cwd=str(work))
    if expect_rc is not None:
        assert process.returncode == expect_rc, process.stdout + process.stderr
    return process


def plain(value):
    """ansible-inventory's JSON without the data-tagging wrappers of ansible-core 2.19+ ({"__ansible_unsafe": v})."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def inventory(elb, work, config, *options):
    return plain(json.loads(run(['ansible-inventory', '--list'] + list(options), elb, work, config).stdout))


def hosts_of(listing, group):
    return sorted(listing.get(group, {}).get('hosts', []))


def v3_backends(elb, backends):
    """demo-http-pool: 127.0.0.1 healthy, 127.0.0.2 and .3 refused; demo-tcp-pool: 127.0.0.1 healthy."""
    manual(elb)
    good = backends.http(200)
    http, tcp = elb.pool('demo-http-pool'), elb.pool('demo-tcp-pool')
    pool_monitor(elb, V3, http['id'])
    pool_monitor(elb, V3, tcp['id'], type='TCP')
    for index in (1, 2, 3):
        pool_member(elb, V3, http['id'], good.port, address='127.0.0.%d' % index, name='web%d' % index,
                    weight=index)
    pool_member(elb, V3, tcp['id'], good.port, address='127.0.0.1')
    probe(elb)
    return good


CONFIG = {'plugin': 'hwcloud.elb.members', 'loadbalancers': ['demo-lb'],
          'compose': {'ansible_connection': "'local'"},
          'keyed_groups': [{'key': 'hwcloud_elb_health', 'prefix': 'state'}],
          'groups': {'heavy': "hwcloud_elb_members | map(attribute='weight') | max > 1"}}


def test_groups_host_vars_and_constructed_features(elb, backends, tmp_path):
    v3_backends(elb, backends)
    elb.reset_stats()
    listing = inventory(elb, tmp_path, CONFIG)
    assert hosts_of(listing, 'elb_lb_demo_lb') == ['127.0.0.1', '127.0.0.2', '127.0.0.3']
    assert hosts_of(listing, 'elb_pool_demo_http_pool') == ['127.0.0.1', '127.0.0.2', '127.0.0.3']
    assert hosts_of(listing, 'elb_pool_demo_tcp_pool') == ['127.0.0.1']
    assert hosts_of(listing, 'elb_health_unhealthy') == ['127.0.0.2', '127.0.0.3']
    assert hosts_of(listing, 'elb_health_healthy') == ['127.0.0.1']
    assert hosts_of(listing, 'state_unhealthy') == ['127.0.0.2', '127.0.0.3']
    assert hosts_of(listing, 'heavy') == ['127.0.0.2', '127.0.0.3']
    hostvars = listing['_meta']['hostvars']
    assert hostvars['127.0.0.2']['ansible_host'] == '127.0.0.2'
    assert hostvars['127.0.0.2']['ansible_connection'] == 'local'
    record, = hostvars['127.0.0.2']['hwcloud_elb_members']
    assert (record['pool_name'], record['health'], record['reason']['code']) == (
        'demo-http-pool', 'unhealthy', 'CONNECT_REFUSED')
    assert len(hostvars['127.0.0.1']['hwcloud_elb_members']) == 2  # one backend, two pools: one host
    # One member list call for the balancer, whatever the number of members.
    assert len([c for c in elb.calls(['GET']) if c[1].endswith('/elb/members')]) == 1
    assert len(elb.calls()) <= 4, elb.calls()
    # Named by preference: the member's name where it has one, else its address.
    named = inventory(elb, tmp_path, dict(CONFIG, hostnames=['name', 'address']))
    assert hosts_of(named, 'elb_health_unhealthy') == ['web2', 'web3']
    assert '127.0.0.1' in hosts_of(named, 'elb_pool_demo_tcp_pool')


def test_ansible_reaches_exactly_the_failing_backends(elb, backends, tmp_path):
    v3_backends(elb, backends)
    process = run(['ansible', 'elb_health_unhealthy', '-m', 'ansible.builtin.ping', '-o'], elb, tmp_path, CONFIG)
    reached = sorted(line.split()[0] for line in process.stdout.splitlines() if 'SUCCESS' in line)
    assert reached == ['127.0.0.2', '127.0.0.3'], process.stdout


def test_the_inventory_cache_saves_the_calls(elb, backends, tmp_path):
    v3_backends(elb, backends)
    config = dict(CONFIG, cache=True, cache_plugin='ansible.builtin.jsonfile', cache_timeout=300,
                  cache_connection=str(tmp_path / 'cache'))
    first = inventory(elb, tmp_path, config)
    assert elb.calls()
    elb.reset_stats()
    second = inventory(elb, tmp_path, config)
    assert elb.calls() == []
    assert second == first
    refreshed = inventory(elb, tmp_path, config, '--flush-cache')
    assert refreshed == first and elb.calls()


def test_v2_balancer_and_bad_configuration(elb, backends, tmp_path):
    manual(elb)
    good = backends.http(200)
    pool = elb.pool('shared-http-pool', 'v2')
    pool_monitor(elb, V2, pool['id'])
    pool_member(elb, V2, pool['id'], good.port, address='127.0.0.1')
    pool_member(elb, V2, pool['id'], good.port, address='127.0.0.2')
    probe(elb)
    elb.reset_stats()
    listing = inventory(elb, tmp_path, {'plugin': 'hwcloud.elb.members', 'api_version': 'v2'})
    assert hosts_of(listing, 'elb_lb_shared_lb') == ['127.0.0.1', '127.0.0.2']
    assert hosts_of(listing, 'elb_health_unhealthy') == ['127.0.0.2']
    assert len([c for c in elb.calls(['GET']) if c[1].endswith('/statuses')]) == 1
    failed = run(['ansible-inventory', '--list'], elb, tmp_path,
                 {'plugin': 'hwcloud.elb.members', 'loadbalancers': ['no-such-lb']}, expect_rc=None,
                 extra_env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true', 'ANSIBLE_INVENTORY_ENABLED': 'auto'})
    assert failed.returncode != 0
    assert "loadbalancers has 'no-such-lb'" in failed.stderr  # the option the file gives (issue 27)


def test_v1_listeners_group_classic_backends(elb, backends, tmp_path):
    manual(elb)
    good = backends.http(200)
    v1 = '/v1.0/{project_id}/elbaas'
    listener = elb.api('GET', v1 + '/listeners?name=classic-http-listener')[0]
    elb.api('POST', v1 + '/healthcheck', {'listener_id': listener['id'], 'healthcheck_protocol': 'HTTP',
                                          'healthcheck_connect_port': good.port, 'healthcheck_interval': 1,
                                          'healthcheck_timeout': 1, 'healthy_threshold': 1, 'unhealthy_threshold': 1})
    elb.api('POST', '%s/listeners/%s/members' % (v1, listener['id']),
            [{'server_id': 'srv-a', 'address': '127.0.0.1'}, {'server_id': 'srv-b', 'address': '127.0.0.2'}])
    probe(elb)
    elb.reset_stats()
    listing = inventory(elb, tmp_path, {'plugin': 'hwcloud.elb.members', 'api_version': 'v1',
                                        'loadbalancers': ['classic-lb'], 'hostnames': ['instance_id']})
    assert hosts_of(listing, 'elb_listener_classic_http_listener') == ['srv-a', 'srv-b']
    assert hosts_of(listing, 'elb_lb_classic_lb') == ['srv-a', 'srv-b']
    assert hosts_of(listing, 'elb_health_unhealthy') == ['srv-b']
    assert listing['_meta']['hostvars']['srv-b']['ansible_host'] == '127.0.0.2'
    # One member list call per listener of the balancer (three), none per member.
    assert len([c for c in elb.calls(['GET']) if c[1].endswith('/members')]) == 3
