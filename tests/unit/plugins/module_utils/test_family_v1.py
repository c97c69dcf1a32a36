# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine with the classic (v1.0) declaration, over an in-memory API.

Also covers the engine hooks the classic family brought: a parent search narrowed by a balancer given by
id or name (``ListenerParent.find_for``), and the balancer read lazily for a rule (``ParentView``).
"""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._engine import Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentView
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v1 import FAMILY

from .fake_elb_v1 import FakeV1

BASE = dict(state='present', wait=True, wait_timeout=30)
HTTP = dict(listener='http', healthcheck_protocol='HTTP', healthcheck_uri='/healthz', healthcheck_interval=5,
            healthcheck_timeout=3, healthy_threshold=2, unhealthy_threshold=4, healthcheck_connect_port=8080)


def run(api, check_mode=False, diff_mode=False, warnings=None, **params):
    return Reconciler(FAMILY, api, dict(BASE, **params), check_mode=check_mode, diff_mode=diff_mode,
                      warn=(warnings if warnings is not None else []).append, retries=2).run()


def test_create_by_name_then_a_second_run_is_a_no_op_with_two_gets():
    api = FakeV1()
    result = run(api, **HTTP)
    listener = api.listener('http', 'web-lb')
    check = result['healthcheck']
    assert result['changed'] and check['listener_id'] == listener['id'] and check['healthcheck_uri'] == '/healthz'
    assert api.writes() == [('POST', '/v1.0/{project_id}/elbaas/healthcheck', {})]
    assert api.calls[0] == ('GET', '/v1.0/{project_id}/elbaas/listeners', {'name': 'http'})
    api.calls.clear()
    result = run(api, **{**HTTP, 'healthcheck_protocol': 'http'})
    assert not result['changed'] and result['healthcheck'] == api.checks[check['id']]
    assert api.writes() == [] and len(api.calls) == 2


def test_create_by_listener_id_costs_no_list_call():
    api = FakeV1()
    listener = api.listener('db', 'private-lb')
    result = run(api, listener=listener['id'], healthcheck_protocol='TCP')
    assert result['changed'] and api.listeners[listener['id']]['healthcheck_id'] == result['healthcheck']['id']
    assert api.calls[0] == ('GET', '/v1.0/{project_id}/elbaas/listeners/' + listener['id'], {})
    assert not [c for c in api.calls if c[1].endswith('/listeners')]


def test_a_name_under_several_balancers_fails_naming_them():
    api = FakeV1()
    ids = sorted(l['id'] for l in api.listeners.values() if l['name'] == 'dns')
    with pytest.raises(InputError, match=r"listener is 'dns'; 2 listeners have that name \(ids %s, %s\)" % tuple(ids)):
        run(api, listener='dns', healthcheck_protocol='UDP')
    assert api.writes() == []


def test_a_balancer_name_narrows_the_search_with_one_more_get():
    api = FakeV1()
    result = run(api, listener='dns', loadbalancer='web-lb', healthcheck_protocol='UDP')
    web = api.listener('dns', 'web-lb')
    assert result['changed'] and result['healthcheck']['listener_id'] == web['id']
    assert api.calls[0] == ('GET', '/v1.0/{project_id}/elbaas/loadbalancers', {'name': 'web-lb'})
    assert api.calls[1] == ('GET', '/v1.0/{project_id}/elbaas/listeners',
                            {'name': 'dns', 'loadbalancer_id': web['loadbalancer_id']})
    api.calls.clear()
    result = run(api, listener='dns', loadbalancer='web-lb', healthcheck_protocol='UDP')
    assert not result['changed'] and api.writes() == [] and len(api.calls) == 3


def test_a_balancer_id_narrows_the_search_without_a_call_of_its_own():
    api = FakeV1()
    web = api.listener('dns', 'web-lb')
    run(api, listener='dns', loadbalancer=web['loadbalancer_id'], healthcheck_protocol='UDP')
    api.calls.clear()
    result = run(api, listener='dns', loadbalancer=web['loadbalancer_id'], healthcheck_protocol='UDP')
    assert not result['changed'] and len(api.calls) == 2 and not api.reads('loadbalancers')


def test_a_listener_id_must_belong_to_the_balancer_given():
    api = FakeV1()
    db = api.listener('db', 'private-lb')
    with pytest.raises(InputError, match=r"listener is '%s', which is not in load balancer web-lb \(\w{32}\) but in "
                                         r"load balancer %s\." % (db['id'], db['loadbalancer_id'])):
        run(api, listener=db['id'], loadbalancer='web-lb', healthcheck_protocol='TCP')
    assert api.writes() == []
    result = run(api, listener=db['id'], loadbalancer=db['loadbalancer_id'], healthcheck_protocol='TCP')
    assert result['changed']


def test_unknown_listener_or_balancer_fails_but_absent_only_warns():
    with pytest.raises(InputError, match=r"listener is 'nope'; no listener has that id or name\.$"):
        run(FakeV1(), listener='nope', healthcheck_protocol='TCP')
    with pytest.raises(InputError, match=r"listener is 'dns'; no listener has that id or name in load balancer "
                                         r"ffffffffffffffffffffffffffffffff\."):
        run(FakeV1(), listener='dns', loadbalancer='f' * 32, healthcheck_protocol='UDP')
    with pytest.raises(InputError, match=r"loadbalancer is 'no-lb'; no load balancer has that id or name\."):
        run(FakeV1(), listener='dns', loadbalancer='no-lb', healthcheck_protocol='UDP')
    warnings = []
    result = run(FakeV1(), warnings=warnings, listener='nope', state='absent')
    assert not result['changed'] and 'Nothing to delete' in warnings[0]


def test_udp_under_an_internal_balancer_fails_before_any_write():
    api = FakeV1()
    with pytest.raises(InputError, match=r"healthcheck_protocol is 'UDP', but listener \w{32} belongs to load "
                                         r"balancer \w{32}, which is Internal"):
        run(api, listener='dns', loadbalancer='private-lb', healthcheck_protocol='UDP')
    assert api.writes() == []


def test_the_balancer_is_read_only_when_a_udp_check_is_created():
    api = FakeV1()
    dns = api.listener('dns', 'web-lb')['id']
    run(api, listener=dns, healthcheck_protocol='UDP', wait=False)
    assert len(api.reads('loadbalancers')) == 1   # its type, for the Internal rule
    api.calls.clear()
    result = run(api, listener=dns, healthcheck_protocol='udp', healthcheck_interval=9, wait=False)
    assert result['changed'] and not api.reads('loadbalancers')  # already UDP: no rule to check
    api.calls.clear()
    run(api, listener='http', healthcheck_protocol='TCP', wait=False)
    assert not api.reads('loadbalancers')


def test_protocol_must_suit_the_listener():
    api = FakeV1()
    with pytest.raises(InputError, match=r"healthcheck_protocol is 'UDP', which a listener of protocol TCP cannot "
                                         r"use; it must be TCP or HTTP\."):
        run(api, listener='db', healthcheck_protocol='UDP')  # under the Internal balancer, too
    with pytest.raises(InputError, match="healthcheck_protocol is 'TCP', which a listener of protocol UDP cannot "
                                         "use; it must be UDP."):
        run(api, listener=api.listener('dns', 'web-lb')['id'], healthcheck_protocol='TCP')
    assert api.writes() == [] and not api.reads('loadbalancers')  # refused without reading the balancer's type


@pytest.mark.parametrize('args, message', [
    (dict(HTTP, healthcheck_protocol='ICMP'), "healthcheck_protocol is 'ICMP'; it must be one of HTTP, TCP, UDP"),
    (dict(HTTP, healthcheck_uri='healthz'), "healthcheck_uri is 'healthz'; it must be a path starting with '/'"),
    (dict(HTTP, healthcheck_uri='/a b'), "healthcheck_uri is '/a b'; it must be a path starting with '/'"),
    (dict(HTTP, healthcheck_uri='/' + 'a' * 80), 'healthcheck_uri is .*; it must be at most 80 characters'),
    (dict(HTTP, healthcheck_protocol='TCP'), 'healthcheck_uri is only used by monitors of type HTTP, not TCP'),
    (dict(HTTP, healthcheck_connect_port=0), 'healthcheck_connect_port is 0; it must be a whole number from 1 to 65535'),
    (dict(HTTP, healthy_threshold=11), 'healthy_threshold is 11; it must be a whole number from 1 to 10'),
    (dict(HTTP, unhealthy_threshold=0), 'unhealthy_threshold is 0; it must be a whole number from 1 to 10'),
    (dict(HTTP, healthcheck_timeout=51), 'healthcheck_timeout is 51; it must be a whole number from 1 to 50'),
    (dict(HTTP, healthcheck_interval=0), 'healthcheck_interval is 0; it must be a whole number from 1 to 50'),
])
def test_invalid_options_fail_before_any_call(args, message):
    api = FakeV1()
    with pytest.raises(InputError, match=message):
        run(api, **args)
    assert api.calls == []


def test_creating_needs_a_protocol():
    api = FakeV1()
    with pytest.raises(InputError, match=r'listener \w{32} has no health check yet; creating one needs '
                                         r'healthcheck_protocol \(missing: healthcheck_protocol\)'):
        run(api, listener='http', healthcheck_interval=5)
    assert api.writes() == []


def test_uri_on_a_tcp_check_fails_on_update():
    api = FakeV1()
    run(api, listener='http', healthcheck_protocol='TCP')
    with pytest.raises(InputError, match='healthcheck_uri is only used by monitors of type HTTP, not TCP'):
        run(api, listener='http', healthcheck_uri='/x')


def test_check_mode_create_writes_nothing_and_predicts_the_example_values():
    api = FakeV1()
    result = run(api, check_mode=True, diff_mode=True, listener='http', healthcheck_protocol='HTTP')
    assert result['changed'] and api.writes() == []
    assert result['diff']['before'] == {}
    after = result['diff']['after']
    assert (after['healthcheck_uri'], after['healthcheck_interval'], after['healthcheck_timeout']) == ('/', 5, 10)
    assert after['listener_id'] == api.listener('http', 'web-lb')['id']


def test_update_sends_only_what_changed_and_switches_protocol():
    api = FakeV1()
    run(api, listener='http', healthcheck_protocol='TCP', healthcheck_interval=5)
    api.calls.clear()
    result = run(api, diff_mode=True, listener='http', healthcheck_protocol='HTTP', healthcheck_uri='/ok',
                 healthcheck_interval=5)
    assert result['changed']
    assert result['diff'] == {
        'before': {'healthcheck_protocol': 'TCP', 'healthcheck_uri': '', 'healthcheck_interval': 5},
        'after': {'healthcheck_protocol': 'HTTP', 'healthcheck_uri': '/ok', 'healthcheck_interval': 5}}
    put = api.writes()
    assert len(put) == 1 and put[0][0] == 'PUT'
    check = result['healthcheck']
    assert (check['healthcheck_protocol'], check['healthcheck_uri']) == ('HTTP', '/ok')


def test_check_mode_update_writes_nothing():
    api = FakeV1()
    run(api, **HTTP)
    api.calls.clear()
    result = run(api, check_mode=True, listener='http', healthcheck_interval=9)
    assert result['changed'] and result['healthcheck']['healthcheck_interval'] == 9 and api.writes() == []


def test_delete_and_delete_again():
    api = FakeV1()
    run(api, **HTTP)
    result = run(api, listener='http', state='absent')
    assert result['changed'] and result['healthcheck'] is None and not api.checks
    assert api.listener('http', 'web-lb')['healthcheck_id'] is None
    api.calls.clear()
    result = run(api, listener='http', state='absent')
    assert not result['changed'] and api.writes() == [] and len(api.calls) == 1


def test_waits_on_the_classic_status_field():
    api = FakeV1()
    api.lb_status = ['PENDING_UPDATE', 'PENDING_UPDATE', 'ACTIVE']
    result = run(api, listener='http', healthcheck_protocol='TCP')
    assert result['changed'] and len(api.reads('loadbalancers')) == 3


def test_writes_refused_while_pending_are_retried():
    api = FakeV1()
    api.pending_writes = 1
    api.lb_status = ['PENDING_UPDATE', 'ACTIVE']
    result = run(api, listener='http', healthcheck_protocol='TCP')
    assert result['changed'] and len(api.checks) == 1
    assert [c[0] for c in api.writes()] == ['POST', 'POST']


def test_parent_view_reads_the_balancer_once_and_only_when_asked():
    reads = []
    view = ParentView({'id': 'p'}, lambda: reads.append(1) or {'type': 'Internal'})
    assert view['id'] == 'p' and reads == []
    assert view.loadbalancer() == {'type': 'Internal'} and view.loadbalancer()['type'] == 'Internal'
    assert reads == [1]


# -- found by make mutation (tests/mutation/mutations.py): each docstring names the mutants it kills ----------

def test_v1_setting_a_port_the_service_holds_as_null_writes_it():
    """Kills the same ``Field.equal`` inversion through the engine, on the classic family."""
    api = FakeV1()
    listener = api.listener('db', 'private-lb')
    created = run(api, listener=listener['id'], healthcheck_protocol='TCP')['healthcheck']
    api.checks[created['id']]['healthcheck_connect_port'] = None  # as a service holding it unset answers
    api.calls.clear()
    result = run(api, listener=listener['id'], healthcheck_connect_port=3306)
    assert result['changed'] and [c[0] for c in api.writes()] == ['PUT']
    assert api.checks[created['id']]['healthcheck_connect_port'] == 3306
