# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles hwcloud.elb.http_monitor and hwcloud.elb.tcp_monitor through ansible-playbook against the emulator:
every field the service holds afterwards, quiet second runs, check mode, state absent, and every refusal
before any write, on v3, v2 and v1 targets."""

from __future__ import annotations

from .conftest import PROJECT_ID, connection_env, run_playbook

V1 = '/v1.0/{project_id}/elbaas'
MONITOR_TASKS = ('dedicated (v3) pools', 'shared (v2) pools', 'classic (v1) listeners')  # task name ends


def apply(role, **role_vars):
    """An include_role task of ``hwcloud.elb.<role>`` with its variables (names without the role prefix)."""
    return {'name': 'apply ' + role, 'ansible.builtin.include_role': {'name': 'hwcloud.elb.' + role},
            'vars': dict(('%s_%s' % (role, name), value) for name, value in role_vars.items())}


def play(*tasks, **play_options):
    return [dict({'name': 'roles', 'hosts': 'localhost', 'gather_facts': False, 'tasks': list(tasks)}, **play_options)]


def run(elb, *tasks, check=False, expect_rc=0):
    return run_playbook(play(*tasks), env=connection_env(elb), check=check, expect_rc=expect_rc)


def module_records(outcome):
    """The hwcloud.elb.healthmonitors tasks the roles ran (not skipped): one per role run and state."""
    return [record for record in outcome.records if record['task'].endswith(MONITOR_TASKS)
            and not record['result'].get('skipped')]


def monitor_results(outcome):
    """One result per target written, in order of the writes: changed, the parent's id, the health check after
    the write (the module's ``after``, config shape; None once deleted) and the task's warnings."""
    results = []
    for record in module_records(outcome):
        result = record['result']
        for command in result.get('commands', []):
            parent = command.get('pool') or command.get('listener')
            after = [item for item in result.get('after', []) if parent in (item.get('pool'), item.get('listener'))]
            results.append(dict(changed=result['changed'], parent=parent, healthmonitor=(after or [None])[0],
                                warnings=result.get('warnings', [])))
    return results


def preview_results(outcome):
    """The results of the module tasks themselves (each checks every target before any write)."""
    return [record['result'] for record in module_records(outcome)]


def v2_monitor_of(elb, pool_name):
    ident = elb.pool(pool_name, family='v2').get('healthmonitor_id')
    return elb.api('GET', '/v2.0/lbaas/healthmonitors/' + ident)['healthmonitor'] if ident else None


def v1_check_of(elb, listener_name):
    found = [item for item in elb.api('GET', V1 + '/listeners') if item['name'] == listener_name]
    assert len(found) == 1, found
    ident = found[0]['healthcheck_id']
    return elb.api('GET', V1 + '/healthcheck/' + ident) if ident else None


def fields(monitor, *names):
    return dict((name, monitor[name]) for name in names)


POOL_FIELDS = ('type', 'delay', 'timeout', 'max_retries', 'max_retries_down', 'monitor_port', 'url_path',
               'domain_name', 'expected_codes', 'http_method', 'admin_state_up')
V1_FIELDS = ('healthcheck_protocol', 'healthcheck_interval', 'healthcheck_timeout', 'healthy_threshold',
             'unhealthy_threshold', 'healthcheck_connect_port', 'healthcheck_uri')

V3_TASKS = (
    apply('http_monitor', targets=[
        dict(pool='demo-http-pool', path='/healthz', expected_codes='200-204', domain='www.example.com'),
        dict(pool='demo-https-pool', profile='fast_failover', method='HEAD', port=8443)]),
    apply('tcp_monitor', profile='tolerant', targets=[dict(pool='demo-tcp-pool', port=3306)]),
)


def assert_quiet_rerun(elb, *tasks):
    elb.reset_stats()
    again = run(elb, *tasks)
    assert again.changed_count() == 0, again.output
    assert preview_results(again) and not any(r['changed'] for r in preview_results(again))
    assert monitor_results(again) == [] and elb.writes() == []  # every target settled: nothing written
    return again


def test_v3_profiles_and_overrides_land_field_by_field_then_a_rerun_writes_nothing(elb):
    outcome = run(elb, *V3_TASKS)
    assert [r['changed'] for r in monitor_results(outcome)] == [True, True, True]
    assert [c[0] for c in elb.writes()] == ['POST', 'POST', 'POST']

    assert fields(elb.v3_monitor_of('demo-http-pool'), *POOL_FIELDS) == dict(
        type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=3, monitor_port=None, url_path='/healthz',
        domain_name='www.example.com', expected_codes='200-204', http_method='GET', admin_state_up=True)
    assert fields(elb.v3_monitor_of('demo-https-pool'), *POOL_FIELDS) == dict(
        type='HTTP', delay=2, timeout=1, max_retries=2, max_retries_down=2, monitor_port=8443, url_path='/',
        domain_name=None, expected_codes='200', http_method='HEAD', admin_state_up=True)
    assert fields(elb.v3_monitor_of('demo-tcp-pool'), *POOL_FIELDS) == dict(
        type='TCP', delay=10, timeout=5, max_retries=2, max_retries_down=5, monitor_port=3306,
        url_path='/', domain_name=None, expected_codes=None, http_method=None, admin_state_up=True)
    reported = monitor_results(outcome)[0]['healthmonitor']  # what the module reports is what the service holds
    assert reported['pool'] == elb.pool('demo-http-pool')['id']
    assert fields(elb.v3_monitor_of('demo-http-pool'), *(set(reported) - {'pool'})) == dict(
        (key, value) for key, value in reported.items() if key != 'pool')

    assert_quiet_rerun(elb, *V3_TASKS)


def test_the_roles_return_once_the_balancer_is_active_again(elb):
    """The roles call hwcloud.elb.healthmonitors without ``wait``: its default is what playbooks get, and it must
    wait, or the next task meets a busy balancer. Kills resource-wait-default (``wait`` defaulting to false)."""
    # Each write leaves the balancer PENDING_UPDATE for 3 s: longer than the play takes to end after its write.
    elb.admin('POST', 'config', {'pending_seconds': 3})
    run(elb, apply('tcp_monitor', targets=[dict(pool='demo-tcp-pool', port=3306)]))
    assert [c[0] for c in elb.writes()] == ['POST']
    balancer_id = elb.pool('demo-tcp-pool')['loadbalancers'][0]['id']
    balancer = elb.api('GET', '/v3/{project_id}/elb/loadbalancers/' + balancer_id)['loadbalancer']
    assert balancer['provisioning_status'] == 'ACTIVE', balancer


def test_v3_a_changed_profile_updates_in_place(elb):
    run(elb, *V3_TASKS)
    before = elb.v3_monitor_of('demo-tcp-pool')
    elb.reset_stats()
    run(elb, apply('tcp_monitor', targets=[dict(pool='demo-tcp-pool', port=3306, profile='fast_failover')]))
    assert [c[0] for c in elb.writes()] == ['PUT']
    after = elb.v3_monitor_of('demo-tcp-pool')
    assert after['id'] == before['id']
    assert fields(after, 'delay', 'timeout', 'max_retries', 'max_retries_down', 'monitor_port') == dict(
        delay=2, timeout=1, max_retries=2, max_retries_down=2, monitor_port=3306)


def test_v2_profiles_without_the_reserved_defaults_then_a_rerun_writes_nothing(elb):
    http = dict(pool='shared-http-pool', path='/healthz', domain='www.example.com', method='HEAD')
    tcp = dict(pool='shared-tcp-pool', profile='tolerant', port=3306)
    tasks = (apply('http_monitor', api_version='v2', targets=[http]),
             apply('tcp_monitor', api_version='v2', profile='fast_failover', targets=[tcp]))
    outcome = run(elb, *tasks)
    results = monitor_results(outcome)
    assert [r['changed'] for r in results] == [True, True]
    assert [w for r in results for w in r.get('warnings', [])] == []  # the reserved defaults were not sent
    assert [c[:2] for c in elb.writes()] == [('POST', '/v2.0/lbaas/healthmonitors')] * 2

    assert fields(v2_monitor_of(elb, 'shared-http-pool'), *POOL_FIELDS) == dict(
        type='HTTP', delay=5, timeout=3, max_retries=3, max_retries_down=3, monitor_port=None, url_path='/healthz',
        domain_name='www.example.com', expected_codes='200', http_method='HEAD', admin_state_up=True)
    # the shared service fills in its HTTP defaults even for a TCP monitor
    assert fields(v2_monitor_of(elb, 'shared-tcp-pool'), *POOL_FIELDS) == dict(
        type='TCP', delay=10, timeout=5, max_retries=2, max_retries_down=5, monitor_port=3306, url_path='/',
        domain_name=None, expected_codes='200', http_method='GET', admin_state_up=True)

    again = assert_quiet_rerun(elb, *tasks)
    assert [w for r in preview_results(again) for w in r.get('warnings', [])] == []


def test_v2_an_explicit_reserved_value_is_passed_on_and_the_module_warns(elb):
    outcome = run(elb, apply('http_monitor', api_version='v2', targets=[
        dict(pool='shared-http-pool', expected_codes='200-204')]))
    [result] = monitor_results(outcome)
    assert result['changed']
    assert any("expected_codes is '200-204' but the service keeps '200'" in w for w in result['warnings'])
    assert v2_monitor_of(elb, 'shared-http-pool')['expected_codes'] == '200'


def test_v1_profiles_on_listeners_then_a_rerun_writes_nothing(elb):
    http = dict(listener='classic-http-listener', path='/healthz', port=8080)
    tcp = dict(listener='classic-tcp-listener', loadbalancer='classic-lb', port=3306, timeout=2)
    tasks = (apply('http_monitor', api_version='v1', profile='fast_failover', targets=[http]),
             apply('tcp_monitor', api_version='v1', targets=[tcp]))
    outcome = run(elb, *tasks)
    assert [r['changed'] for r in monitor_results(outcome)] == [True, True]
    assert [c[:2] for c in elb.writes()] == [('POST', V1.format(project_id=PROJECT_ID) + '/healthcheck')] * 2

    assert fields(v1_check_of(elb, 'classic-http-listener'), *V1_FIELDS) == dict(
        healthcheck_protocol='HTTP', healthcheck_interval=2, healthcheck_timeout=1, healthy_threshold=2,
        unhealthy_threshold=2, healthcheck_connect_port=8080, healthcheck_uri='/healthz')
    assert fields(v1_check_of(elb, 'classic-tcp-listener'), *V1_FIELDS) == dict(
        healthcheck_protocol='TCP', healthcheck_interval=5, healthcheck_timeout=2, healthy_threshold=3,
        unhealthy_threshold=3, healthcheck_connect_port=3306, healthcheck_uri='')

    assert_quiet_rerun(elb, *tasks)


def test_connection_from_module_defaults_and_no_environment(elb):
    env = connection_env(elb)
    defaults = {'group/hwcloud.elb.all': {'elb_endpoint': env['HW_ELB_ENDPOINT'], 'project_id': env['HW_PROJECT_ID'],
                                          'access_key': env['HW_ACCESS_KEY'], 'secret_key': env['HW_SECRET_KEY']}}
    outcome = run_playbook(play(apply('tcp_monitor', targets=[dict(pool='demo-tcp-pool')]), module_defaults=defaults),
                           env={}, expect_rc=0)
    assert [r['changed'] for r in monitor_results(outcome)] == [True]
    assert elb.v3_monitor_of('demo-tcp-pool')['delay'] == 5


def test_check_mode_reports_and_writes_nothing(elb):
    outcome = run(elb, *V3_TASKS, check=True)
    assert [r['changed'] for r in monitor_results(outcome)] == [True, True, True]
    assert elb.writes() == []
    assert [elb.v3_monitor_of(p) for p in ('demo-http-pool', 'demo-https-pool', 'demo-tcp-pool')] == [None] * 3

    run(elb, *V3_TASKS)
    elb.reset_stats()
    change = apply('http_monitor', profile='tolerant', targets=[dict(pool='demo-http-pool')])
    outcome = run(elb, change, check=True)
    [result] = monitor_results(outcome)
    assert result['changed'] and result['healthmonitor']['delay'] == 10
    assert elb.writes() == [] and elb.v3_monitor_of('demo-http-pool')['delay'] == 5

    elb.reset_stats()
    outcome = run(elb, apply('http_monitor', state='absent', targets=[dict(pool='demo-http-pool')]), check=True)
    assert [r['changed'] for r in monitor_results(outcome)] == [True]
    assert elb.writes() == [] and elb.v3_monitor_of('demo-http-pool') is not None


def test_v3_state_absent_for_the_role_and_per_target(elb):
    run(elb, *V3_TASKS)
    elb.reset_stats()
    # per target: the HTTPS pool loses its monitor, the HTTP pool keeps it
    run(elb, apply('http_monitor', targets=[
        dict(pool='demo-http-pool', path='/healthz', expected_codes='200-204', domain='www.example.com'),
        dict(pool='demo-https-pool', state='absent', profile='fast_failover', port=8443)]))
    assert [c[0] for c in elb.writes()] == ['DELETE']
    assert elb.v3_monitor_of('demo-https-pool') is None and elb.v3_monitor_of('demo-http-pool') is not None

    # for the role: every target, and a target may still say present
    elb.reset_stats()
    tasks = (apply('http_monitor', state='absent', targets=[dict(pool='demo-http-pool'), dict(pool='demo-https-pool')]),
             apply('tcp_monitor', state='absent', targets=[dict(pool='demo-tcp-pool'),
                                                           dict(pool='demo-ip-any-port-pool', state='present', port=8080)]))
    outcome = run(elb, *tasks)
    # written: the two deletions of existing monitors and the create; the pool already without one is not
    assert sorted(r['parent'] for r in monitor_results(outcome)) == sorted(
        elb.pool(p)['id'] for p in ('demo-http-pool', 'demo-tcp-pool', 'demo-ip-any-port-pool'))
    assert [r['changed'] for r in monitor_results(outcome)] == [True, True, True]
    assert sorted(c[0] for c in elb.writes()) == ['DELETE', 'DELETE', 'POST']
    assert [elb.v3_monitor_of(p) for p in ('demo-http-pool', 'demo-https-pool', 'demo-tcp-pool')] == [None] * 3
    assert elb.v3_monitor_of('demo-ip-any-port-pool')['monitor_port'] == 8080
    assert_quiet_rerun(elb, *tasks)


# Each row on a pool or listener of its own, so all four run side by side in the same plays (issue 28: five plays
# instead of twenty); every row must still write exactly its own delete.
ABSENT_ROWS = [
    ('v2', 'http_monitor', dict(pool='shared-http-pool'), lambda elb: v2_monitor_of(elb, 'shared-http-pool')),
    ('v2', 'tcp_monitor', dict(pool='shared-tcp-pool'), lambda elb: v2_monitor_of(elb, 'shared-tcp-pool')),
    ('v1', 'http_monitor', dict(listener='classic-http-listener'), lambda elb: v1_check_of(elb, 'classic-http-listener')),
    ('v1', 'tcp_monitor', dict(listener='classic-tcp-listener', loadbalancer='classic-lb'),
     lambda elb: v1_check_of(elb, 'classic-tcp-listener')),
]


def test_v2_and_v1_state_absent_for_the_role_and_per_target(elb):
    def each(role_state=None, target_state=None):
        return [apply(role, api_version=api_version, targets=[dict(target, state=target_state) if target_state else target],
                      **({'state': role_state} if role_state else {}))
                for api_version, role, target, _read in ABSENT_ROWS]

    def assert_each_deleted_once(outcome):
        assert [c[0] for c in elb.writes()] == ['DELETE'] * len(ABSENT_ROWS), outcome.output
        for row in ABSENT_ROWS:
            assert row[3](elb) is None, row[:2]

    run(elb, *each())
    assert all(row[3](elb) is not None for row in ABSENT_ROWS)
    elb.reset_stats()
    assert_each_deleted_once(run(elb, *each(target_state='absent')))  # per target

    run(elb, *each())
    elb.reset_stats()
    absent = each(role_state='absent')  # for the role
    assert_each_deleted_once(run(elb, *absent))
    assert_quiet_rerun(elb, *absent)


GOOD_HTTP = dict(pool='demo-http-pool', path='/healthz')


REFUSALS = [
    # caught by the roles' argument specs
    ('http_monitor', dict(profile='quick', targets=[GOOD_HTTP]),
     'value of http_monitor_profile must be one of: standard, fast_failover, tolerant, got: quick'),
    ('http_monitor', dict(targets=[GOOD_HTTP, dict(pool='demo-https-pool', profile='quick')]),
     'value of profile must be one of: standard, fast_failover, tolerant, got: quick found in http_monitor_targets'),
    ('tcp_monitor', dict(api_version='v4', targets=[dict(pool='demo-tcp-pool')]),
     'value of tcp_monitor_api_version must be one of: v1, v2, v3, got: v4'),
    ('tcp_monitor', dict(targets=[dict(pool='demo-tcp-pool', path='/')]),
     'tcp_monitor_targets.path. Supported parameters include: healthy_threshold, interval, listener, loadbalancer, '
     'pool, port, profile, state, timeout, unhealthy_threshold.'),
    ('http_monitor', dict(targets=[dict(GOOD_HTTP, interval='often')]),
     "argument 'interval' is of type str found in 'http_monitor_targets'. and we were unable to convert to int"),
    # caught by the filter, before any module runs
    ('http_monitor', dict(targets=[GOOD_HTTP, dict(path='/x')]),
     'HTTP monitor target 2 of 2: no pool given; a dedicated (v3) target names its pool (name or ID) in pool.'),
    ('tcp_monitor', dict(api_version='v1', targets=[dict(pool='demo-tcp-pool')]),
     'TCP monitor target 1 of 1: pool is not for a classic (v1) target, which takes listener and loadbalancer; '
     'set api_version to the family of the target.'),
    ('tcp_monitor', dict(api_version='v2', targets=[dict(listener='classic-tcp-listener')]),
     'TCP monitor target 1 of 1: listener is not for a shared (v2) target, which takes pool;'),
    ('http_monitor', dict(api_version='v1', targets=[dict(listener='classic-http-listener', domain='www.example.com')]),
     "HTTP monitor target 1 of 1 (listener 'classic-http-listener'): domain is 'www.example.com', but a classic (v1) "
     "health check has no domain (hwcloud.elb.healthcheck_v1 has no such option); remove it."),
    ('http_monitor', dict(api_version='v1', targets=[dict(listener='classic-http-listener', expected_codes='200')]),
     "expected_codes is '200', but a classic (v1) health check has no expected_codes"),
    ('http_monitor', dict(api_version='v1', targets=[dict(listener='classic-http-listener', method='HEAD')]),
     "method is 'HEAD', but a classic (v1) health check has no method"),
    ('http_monitor', dict(targets=[GOOD_HTTP, dict(pool='demo-https-pool', interval=0)]),
     "HTTP monitor target 2 of 2 (pool 'demo-https-pool'): interval (the hwcloud.elb.healthmonitor_v3 option delay) "
     "is not valid: delay is 0; it must be a whole number from 1 to 50."),
    ('http_monitor', dict(api_version='v1', targets=[dict(listener='classic-http-listener', path='/a;b')]),
     "healthcheck_uri is '/a;b'; it must be a path starting with '/'"),
    ('tcp_monitor', dict(targets=[dict(pool='demo-tcp-pool'), dict(pool='demo-tcp-pool', profile='tolerant')]),
     "TCP monitor target 2 of 2 (pool 'demo-tcp-pool'): the same pool as target 1;"),
]


def texts(value):
    """Every string in a result, nested or not."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    return [value] if isinstance(value, str) else []


def test_a_refusal_fails_the_play_and_writes_nothing(elb):
    role, role_vars, message = REFUSALS[-1]  # one of the filter's, its first target valid
    outcome = run(elb, apply(role, **role_vars), expect_rc=2)  # not even the valid targets are written
    assert message in outcome.output
    assert elb.writes() == []
    assert monitor_results(outcome) == []


def test_each_refusal_names_the_value_and_writes_nothing(elb):
    """The whole table in one play (issue 28: a play per case cost 1.5-2.5 s each): each case in a block whose
    rescue keeps what failed, so every case must fail on its own, with its own message."""
    tasks = [{'name': 'case %d' % index, 'block': [apply(role, **role_vars)],
              'rescue': [{'name': 'refused %d' % index, 'ansible.builtin.debug': {'var': 'ansible_failed_result'}}]}
             for index, (role, role_vars, _message) in enumerate(REFUSALS)]
    outcome = run(elb, *tasks)
    refused = dict((record['task'], '\n'.join(texts(record['result']))) for record in outcome.records
                   if record['task'].startswith('refused '))
    assert sorted(refused) == sorted('refused %d' % index for index in range(len(REFUSALS))), outcome.output
    for index, (_role, _role_vars, message) in enumerate(REFUSALS):
        assert message in refused['refused %d' % index], (index, refused['refused %d' % index])
    assert elb.writes() == []
    assert monitor_results(outcome) == []
