# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Holes a mutation probe found (issue 22): each test names the one-line mutation of plugins/module_utils it kills.

The modules run in-process (fast enough for ``make mutation`` to run this file for every mutant) against the
real emulator over HTTP, and what the emulator holds afterwards is checked, not only what the module reports.
"""

from __future__ import annotations

import importlib

from .conftest import AK, PROJECT_ID, SK
from .test_properties import run_module

V3_MONITORS = '/v3/{project_id}/elb/healthmonitors'
V2_MONITORS = '/v2.0/lbaas/healthmonitors'
V3_HTTP = dict(pool='demo-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3)
V2_HTTP = dict(pool='shared-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3)


def run(elb, module_name, args=None, **more):
    """One module run in-process against the emulator (AK/SK, no retry pauses); the module's result dict."""
    args = dict(args or {}, **more)
    module = importlib.import_module('ansible_collections.hwcloud.elb.plugins.modules.' + module_name)
    connection = dict(elb_endpoint=elb.url, access_key=AK, secret_key=SK, project_id=PROJECT_ID, api_retries=1)
    return run_module(module, dict(connection, **args))


def v2_monitor_of(elb, pool_name):
    pool = elb.pool(pool_name, family='v2')
    return elb.api('GET', '%s/%s' % (V2_MONITORS, pool['healthmonitor_id']))['healthmonitor']


def monitors_of(elb, pool_name):
    pool_id = elb.pool(pool_name)['id']
    return [m for m in elb.api('GET', V3_MONITORS)['healthmonitors'] if m['pools'] == [{'id': pool_id}]]


# -- 1. a field the service holds as null ---------------------------------------------------------

def test_v3_setting_fields_the_service_holds_as_null_writes_them(elb):
    """Kills: ``_fields.Field.equal`` returning ``wanted != current`` when one side is None (an unset
    monitor_port or domain_name would then compare as equal, report ok and never be written)."""
    assert run(elb, 'healthmonitor_v3', V3_HTTP)['changed']
    monitor = elb.v3_monitor_of('demo-http-pool')
    assert monitor['monitor_port'] is None and not monitor['domain_name'], monitor  # the service holds them unset
    elb.reset_stats()
    result = run(elb, 'healthmonitor_v3', pool='demo-http-pool', monitor_port=8080, domain_name='www.example.com')
    assert result['changed'], result
    assert [c[0] for c in elb.writes()] == ['PUT']
    monitor = elb.v3_monitor_of('demo-http-pool')
    assert (monitor['monitor_port'], monitor['domain_name']) == (8080, 'www.example.com')
    elb.reset_stats()
    assert not run(elb, 'healthmonitor_v3', pool='demo-http-pool', monitor_port=8080)['changed']
    assert elb.writes() == []


def test_v2_setting_fields_the_service_holds_as_null_writes_them(elb):
    """Kills the same ``wanted == current`` inversion in ``Field.equal``, on the shared (v2.0) family."""
    assert run(elb, 'healthmonitor_v2', V2_HTTP)['changed']
    monitor = v2_monitor_of(elb, 'shared-http-pool')
    assert monitor['monitor_port'] is None and not monitor['domain_name'], monitor
    elb.reset_stats()
    result = run(elb, 'healthmonitor_v2', pool='shared-http-pool', monitor_port=8081, domain_name='www.example.org')
    assert result['changed'], result
    assert [c[0] for c in elb.writes()] == ['PUT']
    monitor = v2_monitor_of(elb, 'shared-http-pool')
    assert (monitor['monitor_port'], monitor['domain_name']) == (8081, 'www.example.org')


# -- 2. expected_codes normalised on the wire -----------------------------------------------------

def test_v3_expected_codes_are_sent_normalised_on_create_and_update(elb):
    """Kills: skipping the normalisation before sending (``Family.desired`` not calling ``Field.canonical``,
    or ``Field.canonical`` returning a codes string as given). The emulator accepts spaces, so what it
    stores is checked: the sorted, folded form, not the task's spelling."""
    result = run(elb, 'healthmonitor_v3', dict(V3_HTTP, expected_codes='204, 200-202,203', http_method='head'))
    assert result['changed'], result
    monitor = elb.v3_monitor_of('demo-http-pool')
    assert (monitor['expected_codes'], monitor['http_method']) == ('200-204', 'HEAD')
    elb.reset_stats()
    assert run(elb, 'healthmonitor_v3', pool='demo-http-pool', expected_codes=' 202 , 200')['changed']
    assert [c[0] for c in elb.writes()] == ['PUT']
    assert elb.v3_monitor_of('demo-http-pool')['expected_codes'] == '200,202'


# -- 3. a 409 that is not a busy balancer -----------------------------------------------------------

def test_a_409_while_the_balancer_is_active_fails_at_once(elb):
    """Kills: ``Reconciler.write`` treating every 409 as "balancer busy, retry" (the PENDING test dropped or
    inverted). One refused create while the balancer is ACTIVE (a quota error, say) must end the task with the
    service's message after exactly one POST, not turn into a retry loop that here would even succeed."""
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': '/elb/healthmonitors$', 'status': 409,
                                            'error_code': 'ELB.8905', 'error_msg': 'quota exceeded', 'times': 1}]})
    result = run(elb, 'healthmonitor_v3', V3_HTTP, wait_timeout=20)
    assert result.get('failed') and '409' in result['msg'] and 'quota exceeded' in result['msg'], result
    assert [c[2] for c in elb.writes()] == [409]
    assert monitors_of(elb, 'demo-http-pool') == []


def test_a_409_on_an_update_while_active_fails_at_once(elb):
    """Kills the same mutation on the update path: a PUT refused with 409 by an ACTIVE balancer is not retried."""
    run(elb, 'healthmonitor_v3', V3_HTTP)
    elb.reset_stats()
    elb.admin('POST', 'faults', {'rules': [{'method': 'PUT', 'path': '/elb/healthmonitors/', 'status': 409,
                                            'times': 1}]})
    result = run(elb, 'healthmonitor_v3', dict(V3_HTTP, delay=9), wait_timeout=20)
    assert result.get('failed') and '409' in result['msg'], result
    assert [c[2] for c in elb.writes()] == [409]
    assert elb.v3_monitor_of('demo-http-pool')['delay'] == 5


def test_a_409_because_another_writer_created_the_monitor_converges_on_it(elb):
    """Kills: ``Reconciler.create`` raising on every 409 instead of looking first (the documented convergence
    when someone else created the pool's monitor in the meantime), and the retry-every-409 mutation (which
    would repeat the POST against a pool that has a monitor until wait_timeout)."""
    elb.admin('POST', 'faults', {'rules': [{'method': 'POST', 'path': '/elb/healthmonitors$', 'status': 409,
                                            'after_apply': True, 'times': 1}]})
    result = run(elb, 'healthmonitor_v3', dict(V3_HTTP, delay=7), wait_timeout=5)
    assert result['changed'] and not result.get('failed'), result
    assert [c[0] for c in elb.writes()] == ['POST']
    assert [m['delay'] for m in monitors_of(elb, 'demo-http-pool')] == [7]


def test_a_409_while_pending_is_retried_until_the_balancer_is_active(elb):
    """Kills: ``Reconciler.write`` never retrying a 409 (or retrying on ACTIVE instead of PENDING_*)."""
    run(elb, 'healthmonitor_v3', V3_HTTP)
    elb.admin('POST', 'config', {'pending_seconds': 1.5})
    run(elb, 'healthmonitor_v3', dict(V3_HTTP, delay=6), wait=False)  # leaves the balancer PENDING_UPDATE
    elb.reset_stats()
    result = run(elb, 'healthmonitor_v3', dict(V3_HTTP, delay=8), wait_timeout=20)
    assert result['changed'] and not result.get('failed'), result
    statuses = [c[2] for c in elb.writes()]
    assert statuses[0] == 409 and statuses[-1] == 200, statuses
    assert elb.v3_monitor_of('demo-http-pool')['delay'] == 8
