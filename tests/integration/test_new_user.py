# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a new user trips on (issue 27), each through ansible-playbook against the emulator: ambiguous names,
the same parent twice in one config, config item messages, a failure part-way (issue 26 item 9)."""

from __future__ import annotations

from .conftest import connection_env, run_playbook

V3 = '/v3/{project_id}/elb'
HTTP = dict(type='HTTP', delay=5, timeout=3, max_retries=3)
TCP = dict(type='TCP', delay=10, timeout=5, max_retries=2)


def twin_pool(elb, name='demo-http-pool'):
    """A pool named ``name`` on a second balancer, so that the name is shared; returns its id."""
    balancer = elb.api('POST', V3 + '/loadbalancers', {'loadbalancer': {'name': 'twin-lb'}})['loadbalancer']
    pool = elb.api('POST', V3 + '/pools', {'pool': {'name': name, 'protocol': 'HTTP', 'lb_algorithm': 'ROUND_ROBIN',
                                                    'loadbalancer_id': balancer['id']}})['pool']
    return pool['id']


def test_an_ambiguous_pool_name_fails_in_every_state_and_in_the_roles_before_any_write(elb, run_task):
    twin_pool(elb)
    elb.reset_stats()
    for args in (dict(state='deleted', config=[dict(pool='demo-http-pool')]),
                 dict(state='merged', config=[dict(HTTP, pool='demo-http-pool')]),
                 dict(state='gathered', config=[dict(pool='demo-http-pool')])):
        failed = run_task('healthmonitors', args, expect_failure=True)
        assert "config item 1 (pool 'demo-http-pool'): pool is 'demo-http-pool'; 2 pools have that name" in \
            failed['msg'] and 'give the id instead' in failed['msg'], (args, failed['msg'])
    failed = run_task('healthmonitor_v3', dict(pool='demo-http-pool', state='absent'), expect_failure=True)
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


def test_the_same_pool_twice_by_name_by_id_or_both_is_an_error_naming_both_items(elb, run_task):
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
    for state, config, message in cases:
        failed = run_task('healthmonitors', dict(state=state, config=config), expect_failure=True)
        assert message in failed['msg'], (state, failed['msg'])
        assert 'give each pool once' in failed['msg']
    assert elb.writes() == []


def test_every_config_item_message_names_the_item_its_pool_and_what_is_allowed(elb, run_task):
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
        failed = run_task('healthmonitors', dict(state=state, config=config), expect_failure=True)
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
        assert msg.startswith('7 problem(s) in config; nothing was written.') and 'Traceback' not in failed['_output']
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


def test_healthmonitor_info_filters_v3_and_v2_monitors_by_load_balancer_name_or_id(elb, run_task):
    run_task('healthmonitors', dict(config=[dict(HTTP, pool='demo-http-pool'), dict(TCP, pool='demo-tcp-pool')]))
    twin = twin_pool(elb, 'twin-pool')
    run_task('healthmonitors', dict(config=[dict(HTTP, pool=twin)]))
    demo = elb.api('GET', V3 + '/loadbalancers?name=demo-lb')['loadbalancers'][0]['id']
    ids = dict((name, elb.v3_monitor_of(name)['id']) for name in ('demo-http-pool', 'demo-tcp-pool'))
    for value in ('demo-lb', demo):
        found = run_task('healthmonitor_info', dict(loadbalancer=value))['healthmonitors']
        assert sorted(m['id'] for m in found) == sorted(ids.values()), value
    assert [m['pools'][0]['id'] for m in run_task('healthmonitor_info', dict(loadbalancer='twin-lb'))[
        'healthmonitors']] == [twin]
    both = run_task('healthmonitor_info', dict(loadbalancer='demo-lb', pool='demo-tcp-pool'))['healthmonitors']
    assert [m['id'] for m in both] == [ids['demo-tcp-pool']]
    assert run_task('healthmonitor_info', dict(loadbalancer='twin-lb', pool='demo-tcp-pool'))['healthmonitors'] == []
    assert run_task('healthmonitor_info', dict(loadbalancer='no-such-lb'))['healthmonitors'] == []
    run_task('healthmonitors', dict(api_version='v2', config=[dict(TCP, pool='shared-tcp-pool')]))
    shared = run_task('healthmonitor_info', dict(api_version='v2', loadbalancer='shared-lb'))['healthmonitors']
    assert [m['pools'][0]['id'] for m in shared] == [elb.pool('shared-tcp-pool', family='v2')['id']]
