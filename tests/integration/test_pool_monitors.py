# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What healthmonitor_v3 and healthmonitor_v2 both do, (in-process, a few runs through ansible-playbook: conftest.run_task) against the emulator.

Every test runs once per family of monitor_families.FAMILIES (ids v3, v2), with request counts; what one family
alone does stays in test_healthmonitor_v3.py and test_healthmonitor_v2.py.
"""

from __future__ import annotations

import functools
import json

import pytest

from .conftest import SK, busy_then_write, connection_env, run_in_process, run_playbook, task_play
from .monitor_families import FAMILIES

# run_task runs the module in-process here but where a call says end_to_end (conftest.run_task, issue 28).
pytestmark = pytest.mark.in_process


@pytest.fixture(params=FAMILIES, ids=[f.name for f in FAMILIES])
def family(request):
    return request.param


def test_create_by_name_then_rerun_is_a_no_op(elb, run_task, family):
    result = run_task(family.module, family.http, end_to_end=True)
    assert result['changed'] and result.get('warnings', []) == []  # v2: no reserved field given, no warning
    family.assert_own_paths_only(elb)
    assert [c[:2] for c in elb.writes()] == [('POST', family.monitors)]
    monitor = family.monitor_of(elb, family.pools['http'])
    assert monitor == result['healthmonitor']
    given = {key: value for key, value in family.http.items() if key != 'pool'}
    assert {key: monitor[key] for key in given} == given

    elb.reset_stats()
    again = run_task(family.module, family.task('http', **family.same_http))
    assert not again['changed'] and again['healthmonitor'] == monitor
    family.assert_no_op(elb)
    assert elb.calls(['GET'])[1][1] == '%s/%s' % (family.monitors, monitor['id'])


def test_create_by_pool_id_and_pool_id_alias(elb, run_task, family):
    pool = elb.pool(family.pools['tcp'], family=family.name)
    result = run_task(family.module, family.task('tcp', pool=pool['id']))
    assert result['changed'] and result['healthmonitor']['pools'] == [{'id': pool['id']}]
    args = family.task('tcp', pool_id=pool['id'])
    del args['pool']
    elb.reset_stats()
    assert not run_task(family.module, args)['changed']
    family.assert_no_op(elb)
    assert elb.calls(['GET'])[0][1] == family.api + 'pools/' + pool['id']  # an id needs no list call


def test_server_defaults_are_not_a_change(elb, run_task, family):
    run_task(family.module, family.tcp)
    elb.reset_stats()
    result = run_task(family.module, family.task('tcp', max_retries_down=3, admin_state_up=True, name=''))
    assert not result['changed']
    family.assert_no_op(elb)


def test_check_mode_reports_and_writes_nothing(elb, run_task, family):
    result = run_task(family.module, family.http, check=True, end_to_end=True)
    assert result['changed'] and elb.writes() == []
    assert family.monitor_of(elb, family.pools['http']) is None
    run_task(family.module, family.http)
    elb.reset_stats()
    result = run_task(family.module, family.task('http', delay=7), check=True)
    assert result['changed'] and result['healthmonitor']['delay'] == 7
    assert elb.writes() == [] and family.monitor_of(elb, family.pools['http'])['delay'] == 5


def test_diff_shows_before_and_after_of_the_fields_involved(elb, run_task, family):
    created = run_task(family.module, family.http, diff=True, end_to_end=True)
    assert created['diff']['before'] == {} and created['diff']['after']['url_path'] == '/healthz'
    result = run_task(family.module, dict(pool=family.pools['http'], url_path='/ready', delay=5), diff=True,
                      end_to_end=True)
    assert result['diff'] == {'before': {'url_path': '/healthz', 'delay': 5}, 'after': {'url_path': '/ready', 'delay': 5}}
    assert 'url_path' in result['_output']  # the diff callback printed it


def test_update_in_place_including_false(elb, run_task, family):
    monitor_id = run_task(family.module, family.http)['healthmonitor']['id']
    elb.reset_stats()
    result = run_task(family.module, dict(family.update, pool=family.pools['http']))
    assert result['changed']
    family.assert_own_paths_only(elb)
    assert elb.writes() == [('PUT', '%s/%s' % (family.monitors, monitor_id), 200)]
    monitor = family.monitor_of(elb, family.pools['http'])
    assert monitor['id'] == monitor_id
    assert {key: monitor[key] for key in family.updated} == family.updated
    assert monitor['url_path'] == '/healthz'  # untouched: not given
    elb.reset_stats()
    assert not run_task(family.module, dict(pool=family.pools['http'], admin_state_up=False))['changed']
    family.assert_no_op(elb)


# The refusals both families word alike; each family's own (its types, methods, lengths) are in its file.
@pytest.mark.parametrize('kind, changes, message', [
    ('http', dict(delay=0), 'delay is 0; it must be a whole number from 1 to 50.'),
    ('http', dict(timeout=51), 'timeout is 51; it must be a whole number from 1 to 50.'),
    ('http', dict(max_retries=11), 'max_retries is 11; it must be a whole number from 1 to 10.'),
    ('http', dict(max_retries_down=0), 'max_retries_down is 0; it must be a whole number from 1 to 10.'),
    ('http', dict(monitor_port=65536), 'monitor_port is 65536; it must be a whole number from 1 to 65535.'),
    ('http', dict(url_path='healthz'), "url_path is 'healthz'; it must be a path starting with '/'"),
    ('http', dict(domain_name='_bad'), "domain_name is '_bad'; it must be letters, digits, hyphens and periods"),
    ('http', dict(expected_codes='2OO'), "expected_codes is '2OO'; it must be a code (200), a list (200,202)"),
    ('http', dict(expected_codes='150'), "expected_codes is '150'; it must be codes from 200 to 599"),
    ('tcp', dict(url_path='/x'), 'url_path is only used by monitors of type {http_types}, not TCP'),
    ('tcp', dict(pool='udp'), "type is 'TCP', which a pool of protocol UDP cannot use; it must be UDP_CONNECT."),
    ('tcp', dict(max_retries=None, timeout=None), 'creating one needs type, delay, timeout, max_retries'),
    ('tcp', dict(pool='no-such-pool'), "pool is 'no-such-pool'; no pool has that id or name."),
], ids=['delay', 'timeout', 'max_retries', 'max_retries_down', 'monitor_port', 'url_path', 'domain_name',
        'expected_codes', 'expected_codes_range', 'url_path_on_tcp', 'tcp_on_udp_pool', 'create_needs',
        'no_such_pool'])
def test_each_validation_failure_names_the_option_and_writes_nothing(elb, refusal, family, kind, changes, message):
    args = {key: value for key, value in family.task(kind, **changes).items() if value is not None}
    result = refusal(family.module, args, end_to_end=changes == dict(delay=0))
    assert message.format(http_types=family.http_types) in result['msg']
    assert elb.writes() == []


def test_timeout_not_below_delay_warns(elb, run_task, family):
    result = run_task(family.module, family.task('tcp', delay=3, timeout=3))
    assert result['changed']
    assert any('timeout (3) is not less than delay (3)' in w for w in result.get('warnings', []))


@pytest.mark.parametrize('busy_by', ['own_write_without_wait', 'another_client'])
def test_waits_through_a_pending_balancer(elb, run_task, family, busy_by):
    monitor_id = run_task(family.module, family.tcp)['healthmonitor']['id']
    if busy_by == 'own_write_without_wait':  # returns at once, the balancer PENDING_UPDATE
        busy = functools.partial(run_in_process, elb, family.module, family.task('tcp', delay=11, wait=False))
    else:
        busy = functools.partial(elb.api, 'PUT', '%s/%s' % (family.monitors, monitor_id), {'healthmonitor': {'delay': 11}})
    result = busy_then_write(elb, busy, family.module, family.task('tcp', delay=12))  # a 409 at first, then written
    assert result['changed']
    family.assert_own_paths_only(elb)
    statuses = [c[2] for c in elb.writes()]
    assert statuses[:2] == [200, 409] and statuses[-1] == 200, statuses  # the busy write, then the module's
    assert family.monitor_of(elb, family.pools['tcp'])['delay'] == 12
    # ...and it waited for the balancer to be ACTIVE again after its own write
    balancer_id = elb.pool(family.pools['tcp'], family=family.name)['loadbalancers'][0]['id']
    assert elb.api('GET', family.api + 'loadbalancers/' + balancer_id)['loadbalancer']['provisioning_status'] == 'ACTIVE'


def test_delete_by_pool_name_then_by_id_then_again(elb, run_task, family):
    monitor_id = run_task(family.module, family.http)['healthmonitor']['id']
    elb.reset_stats()
    result = run_task(family.module, dict(pool=family.pools['http'], state='absent'), diff=True, end_to_end=True)
    assert result['changed'] and result['healthmonitor'] is None
    assert result['diff']['before']['url_path'] == '/healthz' and result['diff']['after'] == {}
    family.assert_own_paths_only(elb)
    assert elb.writes() == [('DELETE', '%s/%s' % (family.monitors, monitor_id), 204)]
    assert family.monitor_of(elb, family.pools['http']) is None

    elb.reset_stats()
    assert not run_task(family.module, dict(pool=family.pools['http'], state='absent'))['changed']
    assert elb.writes() == [] and len(elb.calls(['GET'])) == 1

    pool = elb.pool(family.pools['tcp'], family=family.name)
    run_task(family.module, family.tcp)
    elb.reset_stats()
    assert run_task(family.module, dict(pool=pool['id'], state='absent'))['changed']
    assert [c[0] for c in elb.writes()] == ['DELETE']
    assert family.monitor_of(elb, family.pools['tcp']) is None
    elb.reset_stats()
    assert not run_task(family.module, dict(pool=pool['id'], state='absent'))['changed']
    assert elb.writes() == []


def test_delete_in_check_mode_writes_nothing(elb, run_task, family):
    run_task(family.module, family.tcp)
    elb.reset_stats()
    assert run_task(family.module, dict(pool=family.pools['tcp'], state='absent'), check=True)['changed']
    assert elb.writes() == [] and family.monitor_of(elb, family.pools['tcp']) is not None


@pytest.mark.parametrize('auth', ['aksk', 'password', 'token'])
def test_each_authentication_method(elb, run_task, family, auth):
    result = run_task(family.module, family.tcp, auth=auth)
    assert result['changed'] and family.monitor_of(elb, family.pools['tcp'])['delay'] == 10


def test_module_defaults_group_sets_the_connection(elb, family):
    env = connection_env(elb, 'aksk')
    play = task_play('hwcloud.elb.' + family.module, family.tcp)
    play[0]['module_defaults'] = {'group/hwcloud.elb.all': {
        'elb_endpoint': env['HW_ELB_ENDPOINT'], 'access_key': env['HW_ACCESS_KEY'], 'secret_key': env['HW_SECRET_KEY'],
        'project_id': env['HW_PROJECT_ID']}}
    outcome = run_playbook(play, env={}, expect_rc=0)
    assert outcome.result()['changed']


def test_secrets_never_appear_in_verbose_output(elb, family):
    env = connection_env(elb, 'aksk')
    env['ANSIBLE_INJECT_INVOCATION'] = '1'  # ansible-core 2.21 echoes the arguments only when asked
    play = task_play('hwcloud.elb.' + family.module, family.task('tcp', secret_key=env.pop('HW_SECRET_KEY')))
    outcome = run_playbook(play, env=env, verbosity=4, expect_rc=0)
    assert '<localhost> EXEC' in outcome.output and '"module_args"' in outcome.output  # really verbose, args echoed
    assert SK not in outcome.output
    assert SK not in json.dumps(outcome.records)
