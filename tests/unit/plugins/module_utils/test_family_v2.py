# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared ELB (v2.0) declaration on the reconcile engine, over an in-memory API."""

from __future__ import annotations

import itertools

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._engine import InputError, Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v2 import FAMILY

from .fake_elb_v2 import FakeV2

BASE = dict(state='present', wait=True, wait_timeout=30)
HTTP = dict(pool='web', type='HTTP', delay=5, timeout=3, max_retries=3, url_path='/healthz', domain_name='www.test.com')
TCP = dict(pool='app', type='TCP', delay=10, timeout=5, max_retries=2)
UDP = dict(pool='dns', type='UDP_CONNECT', delay=10, timeout=5, max_retries=2, monitor_port=53)


def run(api, *layers, check_mode=False, diff_mode=False, **params):
    """Reconcile with the options of ``layers`` (dicts, later ones win) and ``params``: (result, warnings)."""
    options = dict(BASE)
    for layer in layers + (params,):
        options.update(layer)
    warnings = []
    result = Reconciler(FAMILY, api, options, check_mode=check_mode, diff_mode=diff_mode, warn=warnings.append,
                        retries=2).run()
    return result, warnings


def pool_id(api, name):
    return next(p['id'] for p in api.pools.values() if p['name'] == name)


def test_create_then_a_second_run_is_a_no_op_through_the_v2_0_paths():
    api = FakeV2()
    result, warnings = run(api, HTTP)
    assert result['changed'] and warnings == []
    assert result['healthmonitor']['url_path'] == '/healthz' and result['healthmonitor']['pool_id'] == pool_id(api, 'web')
    assert [c[0] for c in api.writes()] == ['POST']
    assert all(path.startswith('/v2.0/lbaas/') for _method, path in api.calls)
    api.calls.clear()
    result, warnings = run(api, HTTP, type='http')
    assert not result['changed'] and warnings == []
    assert api.writes() == [] and len(api.calls) == 2
    assert api.calls[0] == ('GET', '/v2.0/lbaas/pools') and api.calls[1][1].startswith('/v2.0/lbaas/healthmonitors/')


@pytest.mark.parametrize('no_monitor', [None, ''])
def test_a_pool_without_a_monitor_says_null_or_empty(no_monitor):
    api = FakeV2()
    api.pools[pool_id(api, 'app')]['healthmonitor_id'] = no_monitor
    result = run(api, TCP)[0]
    assert result['changed'] and [c[0] for c in api.writes()] == ['POST']


def test_tcp_to_http_is_an_update_in_place():
    api = FakeV2()
    created = run(api, TCP)[0]
    api.calls.clear()
    result = run(api, diff_mode=True, pool='app', type='HTTP', url_path='/status')[0]
    assert result['changed'] and [c[0] for c in api.writes()] == ['PUT']
    assert result['healthmonitor']['id'] == created['healthmonitor']['id'] and result['healthmonitor']['type'] == 'HTTP'
    assert result['diff'] == {'before': {'type': 'TCP', 'url_path': '/'}, 'after': {'type': 'HTTP', 'url_path': '/status'}}
    assert not run(api, pool='app', type='HTTP', url_path='/status')[0]['changed']


def test_udp_connect_on_a_udp_pool():
    api = FakeV2()
    result = run(api, UDP)[0]
    assert result['changed'] and result['healthmonitor']['type'] == 'UDP_CONNECT'
    assert not run(api, UDP)[0]['changed']


@pytest.mark.parametrize('params, message', [
    (dict(TCP, pool='dns'), "type is 'TCP', which a pool of protocol UDP cannot use; it must be UDP_CONNECT."),
    (dict(UDP, pool='app'), "type is 'UDP_CONNECT', which a pool of protocol TCP cannot use; it must be TCP or HTTP."),
    (dict(HTTP, pool='dns'), "type is 'HTTP', which a pool of protocol UDP cannot use; it must be UDP_CONNECT."),
])
def test_type_must_fit_the_pool_protocol(params, message):
    api = FakeV2()
    with pytest.raises(InputError) as caught:
        run(api, params)
    assert str(caught.value) == message and api.writes() == []


def test_a_type_change_the_service_refuses_fails_before_any_write_saying_what_to_do():
    api = FakeV2()
    run(api, UDP)
    api.calls.clear()
    with pytest.raises(InputError) as caught:
        run(api, pool='dns', type='TCP')
    message = str(caught.value)
    assert message.startswith('type cannot change from UDP_CONNECT to TCP: the shared ELB service changes the type of '
                              'a health check only between TCP and HTTP, on a pool of protocol TCP or HTTP')
    assert 'ELB.9899' in message
    assert message.endswith('A UDP pool takes only UDP_CONNECT health checks: keep type UDP_CONNECT, or put the TCP '
                            'health check on a pool of protocol HTTP or TCP.')
    assert api.writes() == []


def test_a_refused_type_change_the_pool_would_allow_says_delete_and_create():
    api = FakeV2()
    run(api, TCP)
    monitor = next(iter(api.monitors.values()))
    monitor['type'] = 'UDP_CONNECT'  # a monitor the service would no longer accept on this pool
    with pytest.raises(InputError, match=r'delete this one \(state: absent\), then create it again with type HTTP\.$'):
        run(api, pool='app', type='HTTP')
    assert [c[0] for c in api.writes()] == ['POST']


LONG = 'a' * 256


@pytest.mark.parametrize('params, message', [
    (dict(HTTP, type='HTTPS'), "type is 'HTTPS'; it must be one of TCP, UDP_CONNECT, HTTP (any case)."),
    (dict(HTTP, http_method='FETCH'), "http_method is 'FETCH'; it must be one of GET, HEAD, POST, PUT, DELETE, TRACE, "
                                      "OPTIONS, CONNECT, PATCH (any case)."),
    (dict(HTTP, name=LONG), 'name is %r; it must be at most 255 characters (it has 256).' % LONG),
    (dict(HTTP, domain_name='d' * 101), 'it must be at most 100 characters (it has 101).'),
    (dict(HTTP, url_path='/' + 'u' * 80), 'it must be at most 80 characters (it has 81).'),
    (dict(HTTP, expected_codes=','.join(str(c) for c in range(200, 234, 2))),
     'it must be at most 64 characters (it has 67).'),
    (dict(HTTP, expected_codes='150'), "expected_codes is '150'; it must be codes from 200 to 599"),
    (dict(HTTP, url_path='healthz'), "url_path is 'healthz'; it must be a path starting with '/'"),
    (dict(HTTP, delay=51), 'delay is 51; it must be a whole number from 1 to 50.'),
    (dict(TCP, http_method='GET'), 'http_method is only used by monitors of type HTTP, not TCP'),
    (dict(TCP, domain_name='www.test.com'), 'domain_name is only used by monitors of type HTTP, not TCP'),
])
def test_each_invalid_option_fails_before_any_call(params, message):
    api = FakeV2()
    with pytest.raises(InputError) as caught:
        run(api, params)
    assert message in str(caught.value)
    assert api.calls == []


@pytest.mark.parametrize('path', ['/health?check=1', '/a b', '/{x}', '/' + 'u' * 79])
def test_url_path_needs_only_a_leading_slash_and_80_characters(path):
    """Seed v2.0 create page: url_path starts with '/' and has at most 80 characters, no v3 character set."""
    assert run(FakeV2(), HTTP, url_path=path)[0]['healthmonitor']['url_path'] == path


@pytest.mark.parametrize('method', ['get', 'HEAD', 'put', 'Patch', 'CONNECT'])
def test_every_method_the_family_lists_is_accepted(method):
    result = run(FakeV2(), HTTP, http_method=method)[0]
    assert result['healthmonitor']['http_method'] == method.upper()


def test_expected_codes_the_service_fixes_warn_once_and_never_flap():
    api = FakeV2()
    wanted = dict(HTTP, expected_codes='200-204')
    result, warnings = run(api, wanted)
    assert result['changed'] and result['healthmonitor']['expected_codes'] == '200'
    assert len(warnings) == 1
    assert "expected_codes is '200-204' but the service keeps '200'" in warnings[0]
    for _attempt in range(2):
        api.calls.clear()
        result, warnings = run(api, wanted, diff_mode=True)
        assert not result['changed'] and api.writes() == [] and len(api.calls) == 2
        assert result['diff']['before']['expected_codes'] == result['diff']['after']['expected_codes'] == '200'
        assert len(warnings) == 1 and 'documents expected_codes as reserved' in warnings[0]
    assert run(api, HTTP, expected_codes='200')[1] == []


def test_a_reserved_option_is_sent_on_create_but_never_written_to_an_existing_monitor():
    api = FakeV2()
    result, warnings = run(api, HTTP, http_method='HEAD')
    assert result['healthmonitor']['http_method'] == 'HEAD' and warnings == []
    api.calls.clear()
    result, warnings = run(api, HTTP, http_method='GET', expected_codes='202')
    assert not result['changed'] and api.writes() == []
    assert warnings == ["The shared ELB service documents http_method and expected_codes as reserved and may ignore "
                        "what it is sent: http_method is 'GET' but the service keeps 'HEAD'; expected_codes is '202' "
                        "but the service keeps '200'. The module never writes a reserved option to an existing "
                        "health check nor counts it as a change; remove it from the task, or give the value the "
                        "service keeps, to silence this warning."]
    result = run(api, HTTP, delay=7, http_method='GET')[0]
    assert result['changed'] and api.monitors[result['healthmonitor']['id']]['http_method'] == 'HEAD'
    assert api.writes()[-1] == ('PUT', '/v2.0/lbaas/healthmonitors/' + result['healthmonitor']['id'])


def test_check_mode_with_only_a_reserved_difference_reports_no_change():
    api = FakeV2()
    run(api, HTTP)
    result, warnings = run(api, HTTP, check_mode=True, http_method='POST')
    assert not result['changed'] and len(warnings) == 1


def test_delete_by_pool_name_by_pool_id_and_again():
    api = FakeV2()
    run(api, HTTP)
    result = run(api, pool='web', state='absent')[0]
    assert result['changed'] and result['healthmonitor'] is None and not api.monitors
    run(api, TCP)
    api.calls.clear()
    result = run(api, pool=pool_id(api, 'app'), state='absent')[0]
    assert result['changed'] and not api.monitors
    assert api.calls[0] == ('GET', '/v2.0/lbaas/pools/' + pool_id(api, 'app'))
    api.calls.clear()
    result = run(api, pool=pool_id(api, 'app'), state='absent')[0]
    assert not result['changed'] and api.writes() == [] and len(api.calls) == 1


def test_a_lost_create_answer_does_not_create_twice():
    api = FakeV2()
    api.lose_next_post = True
    result = run(api, TCP)[0]
    assert result['changed'] and len(api.monitors) == 1
    assert [c[0] for c in api.writes()] == ['POST']


def test_writes_refused_while_pending_are_retried_and_the_v2_balancer_is_read():
    api = FakeV2()
    api.pending_writes = 1
    api.lb_status = ['PENDING_UPDATE', 'ACTIVE']
    result = run(api, TCP)[0]
    assert result['changed'] and [c[0] for c in api.writes()] == ['POST', 'POST']
    assert ('GET', '/v2.0/lbaas/loadbalancers/11111111-1111-4111-8111-111111111111') in api.calls


# -- found by make mutation (tests/mutation/mutations.py): each docstring names the mutants it kills ----------

@pytest.mark.parametrize('protocol, old, new', [
    (protocol, old, new) for protocol, (old, new) in itertools.product(
        ('TCP', 'HTTP', 'UDP'), itertools.permutations(('TCP', 'HTTP', 'UDP_CONNECT'), 2))])
def test_v2_type_changes_the_module_allows_are_the_ones_the_service_takes(protocol, old, new):
    """The product's ELB.9899 rule (``_family_v2._type_change_refused``) against the service's, for every
    protocol and type pair: a change the module lets through must be accepted (no 400 from the service model),
    and one it refuses must be refused before any write. Kills: the rule dropped, or TYPE_CHANGEABLE widened.

    (Replaces a test that called the fake directly and so asserted only the fake's behaviour.)
    """
    api = FakeV2({'p': protocol})
    pool_id = next(iter(api.pools))
    monitor_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
    api.monitors[monitor_id] = dict(id=monitor_id, pool_id=pool_id, type=old, delay=5, timeout=3, max_retries=3,
                                    max_retries_down=3, admin_state_up=True, name='', url_path='/', http_method='GET',
                                    expected_codes='200')
    api.pools[pool_id]['healthmonitor_id'] = monitor_id
    service_takes_it = old in ('TCP', 'HTTP') and new in ('TCP', 'HTTP') and protocol in ('TCP', 'HTTP')
    try:
        result, _warnings = run(api, pool='p', type=new)
    except InputError as err:
        assert not service_takes_it, 'the module refused a change the service takes: %s' % err
        assert 'type cannot change from %s to %s' % (old, new) in str(err) or 'cannot use' in str(err)
        assert api.writes() == []
    else:
        assert service_takes_it, 'the module let through a change the service refuses'
        assert result['changed'] and api.monitors[monitor_id]['type'] == new
