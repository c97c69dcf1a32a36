# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The set reconcile of hwcloud.elb.healthmonitors with the v3 declaration, over an in-memory API."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._errors import FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError
from ansible_collections.hwcloud.elb.plugins.module_utils._monitors_module import MonitorsRun, argument_spec, config_item_spec

from .fake_elb import LB, FakeV3
from .fake_elb_v1 import FakeV1

TCP = dict(type='TCP', delay=5, timeout=3, max_retries=3)


class FakeSet(FakeV3):
    """FakeV3 with list calls for monitors and pools, and writes that answer 409 from the n-th on."""

    project_id = '0123456789abcdef0123456789abcdef'

    def __init__(self, pools=None):
        super().__init__(pools)
        self.busy_from = None   # the write (0-based) from which writes answer 409 on an ACTIVE balancer
        self.busy_times = 0     # how many of them
        self.written = 0

    def paginate(self, path, key, query=None, limit=None):
        self.calls.append(('GET', path))
        if key == 'loadbalancers':
            return [{'id': LB, 'name': 'lb'}]
        if key == 'pools':
            return [copy.deepcopy(p) for p in self.pools.values()]
        return [copy.deepcopy(m) for m in self.monitors.values()]

    def request(self, method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
        if method != 'GET' and not path.split('/')[4] == 'loadbalancers':
            if self.busy_from is not None and self.written >= self.busy_from and self.busy_times:
                self.busy_times -= 1
                self.calls.append((method, path))
                raise ApiError('busy', status=409, error_code='ELB.8907')
            self.written += 1
        return super().request(method, path, query, body)


def params(state='merged', config=(), **extra):
    items = [dict(dict((key, None) for key in config_item_spec()), **item) for item in config]
    return dict(dict(api_version='v3', state=state, config=items, scope=None, max_parallel=4, wait=True,
                     wait_timeout=30), **extra)


def run(api, state='merged', config=(), check_mode=False, **extra):
    warnings = []
    result = MonitorsRun(api, params(state, config, **extra), check_mode=check_mode, warn=warnings.append).run()
    result['warnings'] = warnings
    return result


def test_the_item_spec_is_every_family_field_and_the_parent_keys_without_aliases():
    spec = config_item_spec()
    names = set(field.name for family in FAMILIES.values() for field in family.fields)
    assert set(spec) == names | {'pool', 'listener', 'loadbalancer'}
    assert not any('aliases' in option for option in spec.values())


def test_merged_creates_then_a_rerun_is_two_list_calls_and_no_write():
    api = FakeSet()
    result = run(api, config=[dict(TCP, pool='db'), dict(TCP, type='HTTP', pool='web', url_path='/h')])
    assert [c['method'] for c in result['commands']] == ['POST', 'POST'] and result['changed']
    assert [c[0] for c in api.writes()] == ['POST', 'POST']
    api.calls.clear()
    again = run(api, config=[dict(TCP, pool='db'), dict(TCP, type='http', pool='web', url_path='/h')])
    assert not again['changed'] and again['commands'] == [] and len(api.calls) == 2
    assert again['before'] == again['after'] == []


def test_replaced_resets_what_the_item_leaves_out_and_clears_the_port():
    api = FakeSet()
    run(api, config=[dict(TCP, pool='web', type='HTTP', url_path='/h', monitor_port=81, max_retries_down=7)])
    result = run(api, 'replaced', [dict(TCP, pool='web', type='HTTP')])
    [command] = result['commands']
    # http_method and expected_codes were never set: unset counts as the default, so they are not sent
    assert command['body'] == {'healthmonitor': {'max_retries_down': 3, 'monitor_port': None, 'url_path': '/'}}
    after = result['after'][0]
    assert after['url_path'] == '/' and 'monitor_port' not in after and after['max_retries_down'] == 3


def test_replaced_clears_a_domain_name_the_item_leaves_out():
    """Kills v3-clearable: without domain_name among the family's clearable fields, replaced keeps it."""
    api = FakeSet()
    run(api, config=[dict(TCP, pool='web', type='HTTP', url_path='/h', domain_name='www.example.com')])
    result = run(api, 'replaced', [dict(TCP, pool='web', type='HTTP', url_path='/h')])
    [command] = result['commands']
    assert command['body']['healthmonitor']['domain_name'] is None
    assert 'domain_name' not in result['after'][0]


def test_gathered_given_back_as_replaced_changes_nothing():
    api = FakeSet()
    run(api, config=[dict(TCP, pool='db', monitor_port=3306), dict(TCP, pool='web', type='HTTP', domain_name='a.b')])
    gathered = run(api, 'gathered', [dict(pool='db'), dict(pool='web')])['gathered']
    assert [item['pool'] for item in gathered] == sorted(p['id'] for p in api.pools.values() if p['name'] != 'dns')
    api.calls.clear()
    assert run(api, 'replaced', gathered)['commands'] == [] and api.writes() == []


def test_check_mode_plans_the_same_commands_and_writes_nothing():
    api = FakeSet()
    preview = run(api, config=[dict(TCP, pool='db')], check_mode=True)
    assert api.writes() == [] and preview['changed']
    done = run(api, config=[dict(TCP, pool='db')])
    assert done['commands'] == preview['commands']
    assert [dict(i, pool=None) for i in done['after']] == [dict(i, pool=None) for i in preview['after']]


def test_every_bad_item_is_named_and_nothing_is_written():
    api = FakeSet()
    with pytest.raises(InputError) as caught:
        run(api, config=[dict(TCP, pool='db'), dict(TCP, pool='nope'), dict(TCP, pool='dns'), dict(TCP, pool='db'),
                         dict(pool='web', delay=0)])
    message = str(caught.value)
    assert message.startswith('4 problem(s) in config; nothing was written.')
    for fragment in ("config item 2 (pool 'nope')", "config item 3 (pool 'dns'): type is 'TCP'",
                     "config item 4 (pool 'db'): the same pool as config item 1",
                     "config item 5 (pool 'web'): delay is 0"):
        assert fragment in message
    assert api.writes() == []


def test_a_409_right_after_our_own_write_is_tried_again_though_the_balancer_reads_active():
    api = FakeSet()
    api.busy_from, api.busy_times = 1, 2
    result = run(api, config=[dict(TCP, pool='db'), dict(TCP, pool='web')])
    assert len(result['commands']) == 2 and len(api.monitors) == 2
    assert [c[0] for c in api.writes()] == ['POST', 'POST', 'POST', 'POST']  # two 409s, then the create


def test_a_real_conflict_after_a_write_fails_saying_what_went_through():
    api = FakeSet()
    api.busy_from, api.busy_times = 1, 10
    with pytest.raises(FailedAfterWrite) as caught:
        run(api, config=[dict(TCP, pool='db'), dict(TCP, pool='web')])
    db = next(p['id'] for p in api.pools.values() if p['name'] == 'db')
    assert str(caught.value).startswith('1 of 2 health check write(s) went through (created the health check of '
                                        'pool %s), then: load balancer ' % db)
    result = caught.value.result
    assert result['changed'] and [c['pool'] for c in result['commands']] == [db]
    # after is what the service holds: the created monitor, and none on web, whose create was refused
    assert [item['pool'] for item in result['after']] == [db]


def test_a_lost_answer_read_back_as_applied_counts_as_written_and_a_write_never_sent_keeps_the_monitor():
    api = FakeSet()
    run(api, config=[dict(TCP, pool='db'), dict(TCP, pool='web')])
    db, web = (next(p['id'] for p in api.pools.values() if p['name'] == name) for name in ('db', 'web'))
    original = api.request

    def lose_the_first_answer(method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
        answer = original(method, path, query, body)
        if method == 'PUT':
            raise ApiError('no answer', status=502, applied_unknown=True)
        return answer
    api.request = lose_the_first_answer
    with pytest.raises(FailedAfterWrite) as caught:
        run(api, config=[dict(TCP, pool='db', delay=9), dict(TCP, pool='web', delay=8)])
    result = caught.value.result
    # the PUT of db went through although its answer was lost (read back); web's PUT never ran (same balancer)
    assert result['changed'] and [c['pool'] for c in result['commands']] == [db]
    assert dict((item['pool'], item['delay']) for item in result['after']) == {db: 9, web: 5}
    assert 'updated the health check of pool %s' % db in str(caught.value)


def test_a_failed_write_with_nothing_applied_fails_unchanged():
    api = FakeSet()
    api.busy_from, api.busy_times = 0, 10
    with pytest.raises(ApiError):
        run(api, config=[dict(TCP, pool='db')])
    assert api.monitors == {}


def test_overridden_needs_scope_and_rendered_makes_no_call():
    with pytest.raises(InputError, match='state overridden needs scope'):
        run(FakeSet(), 'overridden', [dict(TCP, pool='db')])
    result = MonitorsRun(None, params('rendered', [dict(TCP, pool='db', type='tcp')])).run()
    assert result == {'changed': False, 'rendered': [{'healthmonitor': dict(TCP, pool_id='db')}]}


def test_one_wait_per_balancer_after_its_last_write_and_none_with_wait_false():
    api = FakeSet()
    run(api, config=[dict(TCP, pool='db'), dict(TCP, pool='web', type='HTTP')])
    assert len([c for c in api.calls if 'loadbalancers' in c[1]]) == 1  # two writes, one wait
    api.calls.clear()
    run(api, 'deleted', [dict(pool='db'), dict(pool='web')], wait=False)
    assert [c[0] for c in api.writes()] == ['DELETE', 'DELETE']
    assert not [c for c in api.calls if 'loadbalancers' in c[1]]


def test_a_name_two_pools_share_fails_in_deleted_and_a_missing_one_is_only_a_warning():
    api = FakeSet()
    twin = dict(next(p for p in api.pools.values() if p['name'] == 'db'), id='22222222-2222-4222-8222-222222222222')
    api.pools[twin['id']] = twin
    with pytest.raises(InputError, match="config item 1 \\(pool 'db'\\): pool is 'db'; 2 pools have that name"):
        run(api, 'deleted', [dict(pool='db')])
    assert run(api, 'deleted', [dict(pool='nope')])['warnings'] and api.writes() == []


def test_the_same_pool_twice_is_refused_even_when_rendered_and_types_are_checked_per_item():
    with pytest.raises(InputError) as caught:
        MonitorsRun(None, dict(params('rendered'), config=[dict(TCP, pool='db'), dict(TCP, pool='db', delay='x'),
                                                           'db'])).run()
    message = str(caught.value)
    assert "config item 2 (pool 'db'): the same pool as config item 1 (pool 'db')" in message
    assert "config item 2 (pool 'db'): delay is 'x' (a str); it must be a whole number from 1 to 50." in message
    assert "config item 3: it is 'db' (a str); each item must be a dict of options." in message
    assert MonitorsRun(None, params('rendered', [dict(TCP, pool='db', delay='7')])).run()['rendered'] == [
        {'healthmonitor': dict(TCP, pool_id='db', delay=7)}]


def pool_id(api, name):
    return next(p['id'] for p in api.pools.values() if p['name'] == name)


def test_one_pool_given_by_name_and_by_id_is_refused_before_any_write():
    """Kills resource-duplicate: two items naming one pool (by name, by id) once names are resolved."""
    api = FakeSet()
    with pytest.raises(InputError, match='the same pool as config item 1'):
        run(api, config=[dict(TCP, pool='db'), dict(TCP, pool=pool_id(api, 'db'), delay=7)])
    assert api.writes() == []


def test_overridden_deletes_every_monitor_in_scope_the_config_does_not_name():
    api = FakeSet()
    run(api, config=[dict(TCP, pool='db'), dict(TCP, pool='web')])
    result = run(api, 'overridden', [dict(TCP, pool='db')], scope=['lb'])
    assert [(c['method'], c['pool']) for c in result['commands']] == [('DELETE', pool_id(api, 'web'))]
    assert [m['pool_id'] for m in api.monitors.values()] == [pool_id(api, 'db')]


def test_replaced_that_would_clear_the_port_of_an_any_port_pool_is_refused():
    api = FakeSet()
    api.pools[pool_id(api, 'db')]['any_port_enable'] = True
    run(api, config=[dict(TCP, pool='db', monitor_port=3306)])
    api.calls.clear()
    with pytest.raises(InputError, match=r"config item 1 \(pool 'db'\): monitor_port is not set"):
        run(api, 'replaced', [dict(TCP, pool='db')])
    assert api.writes() == []


def test_a_create_that_meets_another_writers_monitor_brings_that_monitor_to_the_item():
    api = FakeSet()
    db = pool_id(api, 'db')
    original = api.request

    def another_writer_first(method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
        if method == 'POST' and not api.monitors:
            original('POST', path, body={'healthmonitor': dict(TCP, pool_id=db, delay=20)})
            raise ApiError('a monitor exists', status=409, error_code='ELB.8902')
        return original(method, path, query, body)
    api.request = another_writer_first
    result = run(api, config=[dict(TCP, pool='db')])
    assert [c[0] for c in api.writes()] == ['POST', 'PUT'] and len(api.monitors) == 1
    assert [item['delay'] for item in result['after']] == [5] and next(iter(api.monitors.values()))['delay'] == 5


def test_v1_reads_a_check_per_listener_and_a_listener_pointing_at_a_gone_check_has_none():
    api = FakeV1()
    api.project_id = FakeSet.project_id
    api.widen_connection_pool = lambda workers: None  # the two balancers are written in parallel
    http, db = api.listener('http', 'web-lb'), api.listener('db', 'private-lb')
    run(api, config=[dict(listener=http['id'], healthcheck_protocol='HTTP'),
                     dict(listener=db['id'], healthcheck_protocol='TCP')], api_version='v1')
    api.listeners[db['id']]['healthcheck_id'] = 'f' * 32  # a check that is gone
    gathered = run(api, 'gathered', api_version='v1')['gathered']
    assert [item['listener'] for item in gathered] == [http['id']]
    assert len(api.reads('healthcheck')) == 2  # one GET per listener with a check: none in the first run


def test_a_task_that_leaves_wait_out_waits_for_the_balancer():
    """The roles call the module without wait: its default is what real playbooks get."""
    defaults = dict((name, option.get('default')) for name, option in argument_spec().items())
    api = FakeSet()
    config = params(config=[dict(TCP, pool='db')])['config']
    MonitorsRun(api, dict(defaults, api_version='v3', config=config)).run()
    assert len([c for c in api.calls if 'loadbalancers' in c[1]]) == 1
