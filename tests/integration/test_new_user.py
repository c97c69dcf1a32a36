# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a new user trips on (issue 27), each through ansible-playbook against the emulator: ambiguous names,
the same parent twice in one config, config item messages, a failure part-way (issue 26 item 9)."""

from __future__ import annotations

import yaml

from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import

from .conftest import connection_env, run_playbook
from .test_members_inventory import hosts_of, inventory, v3_backends
from .test_members_inventory import run as inventory_run
from .test_member_health import manual, pool_member, pool_monitor, probe

V3 = '/v3/{project_id}/elb'
HTTP = dict(type='HTTP', delay=5, timeout=3, max_retries=3)
TCP = dict(type='TCP', delay=10, timeout=5, max_retries=2)
STRICT = {'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'true', 'ANSIBLE_INVENTORY_ENABLED': 'auto'}


def twin_pool(elb, name='demo-http-pool'):
    """A pool named ``name`` on a second balancer, so that the name is shared; returns its id."""
    balancer = elb.api('POST', V3 + '/loadbalancers', {'loadbalancer': {'name': 'twin-lb'}})['loadbalancer']
    pool = elb.api('POST', V3 + '/pools', {'pool': {'name': name, 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN',
                                                    'loadbalancer_id': balancer['id']}})['pool']
    return pool['id']


def test_an_ambiguous_pool_name_fails_in_every_state_and_in_the_roles_before_any_write(elb, run_task, refusal):
    """The module's refusals in-process but for the first (issue 28); the role's end to end."""
    twin_pool(elb)
    elb.reset_stats()
    for index, args in enumerate((dict(state='deleted', config=[dict(pool='demo-http-pool')]),
                                  dict(state='merged', config=[dict(HTTP, pool='demo-http-pool')]),
                                  dict(state='gathered', config=[dict(pool='demo-http-pool')]))):
        failed = refusal('healthmonitors', args, end_to_end=index == 0)
        assert "config item 1 (pool 'demo-http-pool'): pool is 'demo-http-pool'; 2 pools have that name" in \
            failed['msg'] and 'give the id instead' in failed['msg'], (args, failed['msg'])
    failed = refusal('healthmonitor_v3', dict(pool='demo-http-pool', state='absent'))
    assert '2 pools have that name' in failed['msg']
    play = [{'name': 'role', 'hosts': 'localhost', 'gather_facts': False, 'roles': [
        {'role': 'hwcloud.elb.http_monitor', 'vars': {'http_monitor_state': 'absent',
                                                      'http_monitor_targets': [{'pool': 'demo-http-pool'}]}}]}]
    run = run_playbook(play, env=connection_env(elb))
    assert run.returncode != 0 and 'give the id instead' in run.output, run.output
    assert elb.writes() == []
    # a pool that does not exist is still only a warning for deleted: there is nothing to delete
    gone = run_task('healthmonitors', dict(state='deleted', config=[dict(pool='no-such-pool')]))
    assert not gone['changed'] and any('Nothing to delete' in w for w in gone['warnings'])


def test_the_same_pool_twice_by_name_by_id_or_both_is_an_error_naming_both_items(elb, refusal):
    web = elb.pool('demo-http-pool')['id']
    cases = [
        ('rendered', [dict(HTTP, pool='demo-http-pool'), dict(TCP, pool='demo-tcp-pool'), dict(HTTP, pool='demo-http-pool')],
         "config item 3 (pool 'demo-http-pool'): the same pool as config item 1 (pool 'demo-http-pool')"),
        ('merged', [dict(HTTP, pool=web), dict(HTTP, pool=web)],
         "config item 2 (pool '%s'): the same pool as config item 1 (pool '%s')" % (web, web)),
        ('merged', [dict(HTTP, pool='demo-http-pool'), dict(HTTP, pool=web)],
         "config item 2 (pool '%s'): the same pool as config item 1 (pool 'demo-http-pool') (both are pool %s)" % (
             web, web)),
        ('deleted', [dict(pool=web), dict(pool='demo-http-pool')],
         "config item 2 (pool 'demo-http-pool'): the same pool as config item 1"),
    ]
    elb.reset_stats()
    for index, (state, config, message) in enumerate(cases):  # in-process but for the first (issue 28)
        failed = refusal('healthmonitors', dict(state=state, config=config), end_to_end=index == 0)
        assert message in failed['msg'], (state, failed['msg'])
        assert 'give each pool once' in failed['msg']
    assert elb.writes() == []


def test_every_config_item_message_names_the_item_its_pool_and_what_is_allowed(elb, run_task, refusal):
    config = [
        dict(HTTP, pool='demo-http-pool', delay=True),
        dict(HTTP, pool='demo-tcp-pool', timeout='soon'),
        dict(HTTP, pool='demo-https-pool', url_path='/a\x1bb'),
        dict(HTTP, pool='demo-udp-pool', name=['a', 'b']),
        'pool=demo-ip-any-port-pool',
        dict(HTTP, pool='demo-http-pool\n'),
        dict(HTTP, pool='demo-grpc-pool', admin_state_up='maybe'),
    ]
    elb.reset_stats()
    for state in ('merged', 'rendered'):
        failed = refusal('healthmonitors', dict(state=state, config=config), end_to_end=state == 'merged')
        msg = failed['msg']
        for fragment in (
                "config item 1 (pool 'demo-http-pool'): delay is True (a bool); it must be a whole number from 1 to 50.",
                "config item 2 (pool 'demo-tcp-pool'): timeout is 'soon' (a str); it must be a whole number from 1 "
                "to 50.",
                "config item 3 (pool 'demo-https-pool'): url_path is '/a\\x1bb', which contains a control character",
                "config item 4 (pool 'demo-udp-pool'): name is ['a', 'b'] (a list); it must be a string.",
                "config item 5: it is 'pool=demo-ip-any-port-pool' (a str); each item must be a dict of options.",
                "config item 6 (pool 'demo-http-pool\\n'): pool is 'demo-http-pool\\n', which contains a control "
                "character",
                "config item 7 (pool 'demo-grpc-pool'): admin_state_up is 'maybe' (a str); it must be true or false."):
            assert fragment in msg, (state, fragment, msg)
        assert msg.startswith('7 problem(s) in config; nothing was written.') and 'Traceback' not in failed.get('_output', '')
    assert elb.writes() == []
    # what ansible-core converts still converts: "5" is a whole number, "yes" a boolean
    done = run_task('healthmonitors', dict(config=[dict(HTTP, pool='demo-http-pool', delay='7', admin_state_up='yes')]))
    assert done['changed'] and elb.v3_monitor_of('demo-http-pool')['delay'] == 7


def test_a_failure_part_way_reports_after_as_the_service_holds_it_and_changed(elb, run_task):
    config = [dict(TCP, pool='demo-http-pool'), dict(TCP, pool='demo-tcp-pool'), dict(TCP, pool='demo-https-pool')]
    run_task('healthmonitors', dict(config=config))
    held = dict((name, elb.v3_monitor_of(name)) for name in ('demo-http-pool', 'demo-tcp-pool', 'demo-https-pool'))
    # the second update is refused (500); the third, on the same balancer, never runs
    elb.admin('POST', 'faults', {'rules': [{'method': 'PUT', 'path': held['demo-tcp-pool']['id'], 'status': 500,
                                            'times': 1}]})
    failed = run_task('healthmonitors', dict(config=[dict(item, delay=20) for item in config]), expect_failure=True)
    assert failed['changed']
    ids = dict((name, elb.pool(name)['id']) for name in held)
    assert [c['pool'] for c in failed['commands']] == [ids['demo-http-pool']]
    after = dict((item['pool'], item['delay']) for item in failed['after'])
    stored = dict((ids[name], elb.v3_monitor_of(name)['delay']) for name in held)
    assert after == stored == {ids['demo-http-pool']: 20, ids['demo-tcp-pool']: 10, ids['demo-https-pool']: 10}
    assert failed['msg'].startswith('1 of 3 health check write(s) went through (updated the health check of pool %s)'
                                    % ids['demo-http-pool']), failed['msg']


def test_healthmonitor_info_filters_v3_and_v2_monitors_by_load_balancer_name_or_id(elb, run_tasks):
    twin = twin_pool(elb, 'twin-pool')
    run_tasks([('healthmonitors', dict(config=[dict(HTTP, pool='demo-http-pool'), dict(TCP, pool='demo-tcp-pool')])),
               ('healthmonitors', dict(config=[dict(HTTP, pool=twin)])),
               ('healthmonitors', dict(api_version='v2', config=[dict(TCP, pool='shared-tcp-pool')]))])
    demo = elb.api('GET', V3 + '/loadbalancers?name=demo-lb')['loadbalancers'][0]['id']
    ids = dict((name, elb.v3_monitor_of(name)['id']) for name in ('demo-http-pool', 'demo-tcp-pool'))
    queries = [dict(loadbalancer='demo-lb'), dict(loadbalancer=demo), dict(loadbalancer='twin-lb'),
               dict(loadbalancer='demo-lb', pool='demo-tcp-pool'), dict(loadbalancer='twin-lb', pool='demo-tcp-pool'),
               dict(loadbalancer='no-such-lb'), dict(api_version='v2', loadbalancer='shared-lb')]
    results = [r['healthmonitors'] for r in run_tasks([('healthmonitor_info', query) for query in queries])]
    by_name, by_id, twins, both, neither, unknown, shared = results
    for value, found in (('demo-lb', by_name), (demo, by_id)):
        assert sorted(m['id'] for m in found) == sorted(ids.values()), value
    assert [m['pools'][0]['id'] for m in twins] == [twin]
    assert [m['id'] for m in both] == [ids['demo-tcp-pool']]
    assert neither == [] and unknown == []
    assert [m['pools'][0]['id'] for m in shared] == [elb.pool('shared-tcp-pool', family='v2')['id']]


def test_the_tcp_monitor_role_labels_its_own_tasks(elb):
    play = [{'name': 'role', 'hosts': 'localhost', 'gather_facts': False, 'roles': [
        {'role': 'hwcloud.elb.tcp_monitor', 'vars': {'tcp_monitor_targets': [{'pool': 'demo-tcp-pool'}]}}]}]
    run = run_playbook(play, env=connection_env(elb), expect_rc=0)
    assert 'TASK [hwcloud.elb.tcp_monitor : Health checks of dedicated (v3) pools]' in run.output, run.output
    assert 'hwcloud.elb.http_monitor :' not in run.output
    assert elb.v3_monitor_of('demo-tcp-pool')['type'] == 'TCP'


def test_the_inventory_refuses_unknown_keys_warns_of_unnamed_members_and_groups_drained_ones(elb, backends, tmp_path):
    v3_backends(elb, backends)  # demo-http-pool: 127.0.0.1 healthy (weight 1), .2 and .3 refused (weights 2, 3)
    member = next(m for m in elb.api('GET', V3 + '/members')['members'] if m['address'] == '127.0.0.3')
    elb.api('PUT', '%s/pools/%s/members/%s' % (V3, member['pool_id'], member['id']), {'member': {'weight': 0}})
    base = {'plugin': 'hwcloud.elb.members', 'loadbalancers': ['demo-lb']}
    typo = inventory_run(['ansible-inventory', '--list'], elb, tmp_path,
                         {'plugin': 'hwcloud.elb.members', 'loadbalancer': ['demo-lb']}, expect_rc=None, extra_env=STRICT)
    assert typo.returncode != 0 and 'loadbalancer (did you mean loadbalancers?) is not an option' in typo.stderr
    unknown = inventory_run(['ansible-inventory', '--list'], elb, tmp_path, dict(base, loadbalancers=['no-such-lb']),
                            expect_rc=None, extra_env=STRICT)
    assert "loadbalancers has 'no-such-lb'; no load balancer has that id or name" in unknown.stderr
    unnamed = inventory_run(['ansible-inventory', '--list'], elb, tmp_path, dict(base, hostnames=['name']))
    assert '1 of 4 member(s) have none of hostnames (name) set' in ' '.join(unnamed.stderr.split()), \
        unnamed.stderr
    listing = inventory(elb, tmp_path, base)
    assert hosts_of(listing, 'elb_drained') == ['127.0.0.3']
    hostvars = listing['_meta']['hostvars']
    assert [hostvars[h]['hwcloud_elb_weight'] for h in ('127.0.0.1', '127.0.0.2', '127.0.0.3')] == [1, 2, 0]
    failing = inventory(elb, tmp_path, dict(base, health=['unhealthy']))
    assert sorted(failing['_meta']['hostvars']) == ['127.0.0.2', '127.0.0.3']
    tcp = inventory(elb, tmp_path, dict(base, pools=['demo-tcp-pool']))
    assert sorted(tcp['_meta']['hostvars']) == ['127.0.0.1']
    assert [r['pool_name'] for r in tcp['_meta']['hostvars']['127.0.0.1']['hwcloud_elb_members']] == ['demo-tcp-pool']
    bad_pool = inventory_run(['ansible-inventory', '--list'], elb, tmp_path, dict(base, pools=['no-such-pool']),
                             expect_rc=None, extra_env=STRICT)
    assert "pools has 'no-such-pool'" in bad_pool.stderr


def test_balancers_as_inventory_hosts_one_healthmonitors_task_each(elb, tmp_path):
    twin = elb.api('POST', V3 + '/loadbalancers', {'loadbalancer': {'name': 'twin-lb'}})['loadbalancer']
    elb.admin('POST', 'bulk', {'family': 'v3', 'loadbalancer_id': twin['id'], 'count': 3, 'monitor': None,
                               'name_prefix': 'twin-'})
    elb.reset_stats()
    config = {'plugin': 'hwcloud.elb.members', 'hosts': 'loadbalancers'}
    listing = inventory(elb, tmp_path, config)
    assert hosts_of(listing, 'elb_loadbalancers') == ['demo-lb', 'twin-lb']
    assert listing['_meta']['hostvars']['twin-lb']['hwcloud_elb_loadbalancer']['id'] == twin['id']
    assert len(elb.calls()) == 1  # one list call for the balancers
    assert hosts_of(inventory(elb, tmp_path, dict(config, loadbalancers=[twin['id']])), 'elb_loadbalancers') == [
        'twin-lb']
    # The play of docs/scale.md: one healthmonitors task per balancer host, scoped to it, run over the forks.
    task = {'name': 'the monitors of this balancer', 'hwcloud.elb.healthmonitors': {
        'scope': ['{{ hwcloud_elb_loadbalancer.id }}'],
        'config': [dict(TCP, pool='twin-%d' % n) for n in range(3)]}, 'throttle': 2}
    play = tmp_path / 'play.yml'
    play.write_text(yaml.safe_dump([{'name': 'scale', 'hosts': 'elb_loadbalancers', 'gather_facts': False,
                                     'tasks': [task]}]))
    elb.reset_stats()
    run = inventory_run(['ansible-playbook', str(play), '--forks', '5'], elb, tmp_path,
                        dict(config, loadbalancers=['twin-lb']))
    assert 'twin-lb' in run.stdout and 'changed=1' in run.stdout, run.stdout
    assert [c[0] for c in elb.writes()] == ['POST', 'POST', 'POST']


def test_wait_for_decided_waits_until_no_member_is_checking(elb, backends, run_task):
    manual(elb)  # probes run only when the test asks
    pool = elb.pool('demo-http-pool')
    pool_monitor(elb, V3, pool['id'])
    pool_member(elb, V3, pool['id'], backends.http(200).port)
    pool_member(elb, V3, pool['id'], backends.http(500).port, address='127.0.0.2')
    pending = run_task('member_health_info', dict(pool='demo-http-pool', wait_for='decided', wait_timeout=2),
                       expect_failure=True)
    assert 'waiting for the health check to decide on 2 member(s)' in pending['msg'], pending['msg']
    probe(elb)
    decided = run_task('member_health_facts', dict(pool='demo-http-pool', wait_for='decided', wait_timeout=30))
    summary = decided['ansible_facts']['hwcloud_elb_member_health']['summary']
    assert (summary['healthy'], summary['unhealthy'], summary['checking']) == (1, 1, 0)
