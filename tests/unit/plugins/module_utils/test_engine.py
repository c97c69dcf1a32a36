# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine with the v3 declaration, over an in-memory API."""

from __future__ import annotations

import uuid

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._backoff import Backoff
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import InputError, Reconciler
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import FailedAfterWrite
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import FAMILY

from .fake_client import FakeTime
from .fake_elb import FakeV3

BASE = dict(state='present', wait=True, wait_timeout=30)
HTTP = dict(pool='web', type='HTTP', delay=5, timeout=3, max_retries=3, url_path='/healthz', expected_codes='200,202')


def run(api, params, check_mode=False, diff_mode=False):
    """Run the engine with a task's options; return its result and warnings."""
    warnings = []
    options = dict(BASE, **params)
    result = Reconciler(FAMILY, api, options, check_mode=check_mode, diff_mode=diff_mode, warn=warnings.append,
                        retries=2).run()
    result['warnings'] = warnings
    return result


def test_create_then_a_second_run_is_a_no_op_with_two_gets():
    api = FakeV3()
    result = run(api, HTTP)
    assert result['changed'] and result['healthmonitor']['url_path'] == '/healthz'
    assert [c[0] for c in api.writes()] == ['POST']
    api.calls.clear()
    result = run(api, dict(HTTP, type='http', expected_codes='202, 200'))
    assert not result['changed']
    assert api.writes() == [] and len(api.calls) <= 2


def test_check_mode_writes_nothing_and_predicts_defaults():
    api = FakeV3()
    result = run(api, HTTP, check_mode=True, diff_mode=True)
    assert result['changed'] and api.writes() == []
    assert result['diff']['before'] == {}
    assert result['diff']['after']['http_method'] == 'GET' and result['diff']['after']['max_retries_down'] == 3


def test_update_sends_only_what_changed_and_false_counts():
    api = FakeV3()
    run(api, HTTP)
    api.calls.clear()
    result = run(api, dict(pool='web', admin_state_up=False, delay=5), diff_mode=True)
    assert result['changed']
    assert result['diff'] == {'before': {'admin_state_up': True, 'delay': 5}, 'after': {'admin_state_up': False, 'delay': 5}}
    assert [c[0] for c in api.writes()] == ['PUT']
    assert result['healthmonitor']['admin_state_up'] is False
    result = run(api, dict(pool='web', admin_state_up=False))
    assert not result['changed']


def test_check_mode_update_predicts_and_writes_nothing():
    api = FakeV3()
    run(api, HTTP)
    api.calls.clear()
    result = run(api, dict(pool='web', delay=9), check_mode=True)
    assert result['changed'] and result['healthmonitor']['delay'] == 9 and api.writes() == []


def test_creating_needs_the_required_fields():
    with pytest.raises(InputError, match=r'creating one needs type, delay, timeout, max_retries \(missing: timeout, max_retries\)'):
        run(FakeV3(), dict(pool='web', type='TCP', delay=5))


def test_invalid_options_fail_before_any_call():
    api = FakeV3()
    with pytest.raises(InputError, match='delay is 99'):
        run(api, dict(HTTP, delay=99))
    assert api.calls == []


def test_type_must_fit_the_pool_protocol_and_nothing_is_written():
    api = FakeV3()
    with pytest.raises(InputError, match="type is 'HTTP', which a pool of protocol UDP cannot use; it must be UDP_CONNECT"):
        run(api, dict(pool='dns', type='HTTP', delay=5, timeout=3, max_retries=3))
    assert api.writes() == []


def test_fields_the_current_type_does_not_use_fail_on_update():
    api = FakeV3()
    run(api, dict(pool='db', type='TCP', delay=5, timeout=3, max_retries=3))
    with pytest.raises(InputError, match='url_path is only used by monitors of type HTTP or HTTPS, not TCP'):
        run(api, dict(pool='db', url_path='/x'))


def test_timeout_not_below_delay_warns():
    warnings = run(FakeV3(), dict(pool='db', type='TCP', delay=3, timeout=5, max_retries=3))['warnings']
    assert warnings == ['timeout (5) is not less than delay (3); the service advises a timeout below the delay.']


def test_unknown_pool_fails_naming_it_but_absent_only_warns():
    with pytest.raises(InputError, match="pool is 'nope'; no pool has that id or name"):
        run(FakeV3(), dict(pool='nope', type='TCP', delay=5, timeout=3, max_retries=3))
    result = run(FakeV3(), dict(pool='nope', state='absent'))
    warnings = result['warnings']
    assert not result['changed'] and 'Nothing to delete' in warnings[0]


def test_delete_and_delete_again():
    api = FakeV3()
    run(api, HTTP)
    result = run(api, dict(pool='web', state='absent'))
    assert result['changed'] and result['healthmonitor'] is None and not api.monitors
    api.calls.clear()
    result = run(api, dict(pool='web', state='absent'))
    assert not result['changed'] and api.writes() == []


def test_a_lost_create_answer_does_not_create_twice():
    api = FakeV3()
    api.lose_next_post = True
    result = run(api, HTTP)
    assert result['changed'] and len(api.monitors) == 1
    assert [c[0] for c in api.writes()] == ['POST']


def test_a_found_lost_create_waits_for_the_balancer():
    api = FakeV3()
    api.lose_next_post = True
    api.lb_status = ['PENDING_UPDATE', 'ACTIVE']
    result = run(api, HTTP)
    assert result['changed'] and len(api.monitors) == 1
    assert sum(1 for c in api.calls if 'loadbalancers' in c[1]) == 2  # waited until ACTIVE


def test_writes_refused_while_pending_are_retried():
    api = FakeV3()
    api.pending_writes = 2
    api.lb_status = ['PENDING_UPDATE', 'PENDING_UPDATE', 'ACTIVE']
    result = run(api, HTTP)
    assert result['changed'] and len(api.monitors) == 1
    assert [c[0] for c in api.writes()] == ['POST', 'POST', 'POST']


def test_waits_for_the_balancer_after_a_write():
    api = FakeV3()
    api.lb_status = ['PENDING_UPDATE', 'PENDING_UPDATE', 'ACTIVE']
    run(api, HTTP)
    assert sum(1 for c in api.calls if 'loadbalancers' in c[1]) == 3


def test_no_wait_means_no_balancer_reads():
    api = FakeV3()
    run(api, dict(wait=False, **HTTP))
    assert not [c for c in api.calls if 'loadbalancers' in c[1]]


def test_pool_by_id():
    api = FakeV3()
    pool_id = next(iter(api.pools))
    result = run(api, dict(HTTP, pool=pool_id))
    assert result['healthmonitor']['pool_id'] == pool_id


def test_a_create_answered_503_backs_off_before_each_new_try():
    """Each failed create is followed by a look for the monitor, then a jittered pause, then a new POST."""
    api = FakeV3()
    api.failing_posts = 2
    result = run(api, HTTP)
    assert result['changed'] and [c[0] for c in api.writes()] == ['POST', 'POST', 'POST']
    assert len(api.sleeps) == 2 and api.sleeps[1] > api.sleeps[0] > 0


def test_a_create_that_keeps_failing_stops_after_the_retry_budget():
    api = FakeV3()
    api.failing_posts = 10
    with pytest.raises(ApiError):
        run(api, HTTP)
    assert [c[0] for c in api.writes()] == ['POST'] * 3 and len(api.sleeps) == 2 and api.monitors == {}


def test_a_409_on_an_active_balancer_is_a_real_conflict_and_fails_at_once():
    """Kills the mutation that treats every 409 as "balancer busy": that would retry until wait_timeout."""
    api = FakeV3()
    run(api, HTTP)
    api.conflicts = 1
    api.calls.clear()
    with pytest.raises(ApiError) as info:
        run(api, dict(HTTP, delay=9))
    assert info.value.status == 409 and [c[0] for c in api.writes()] == ['PUT'] and api.sleeps == []


def test_a_409_while_pending_is_retried_until_active():
    api = FakeV3()
    run(api, HTTP)
    api.pending_writes, api.lb_status = 2, ['PENDING_UPDATE', 'PENDING_UPDATE', 'ACTIVE']
    api.calls.clear()
    result = run(api, dict(HTTP, delay=9))
    assert result['changed'] and [c[0] for c in api.writes()] == ['PUT'] * 3 and len(api.sleeps) == 2


def test_a_failed_wait_after_the_write_reports_the_write():
    api = FakeV3()
    api.lb_status = ['ERROR']
    with pytest.raises(FailedAfterWrite) as info:
        run(api, HTTP)
    assert 'was written' in str(info.value) and 'ERROR' in str(info.value)
    assert info.value.result['changed'] is True and info.value.result['healthmonitor']['id'] in api.monitors


def test_a_partial_update_of_a_grpc_monitor_takes_the_range_of_the_type_it_holds():
    api = FakeV3()
    run(api, dict(pool='web', type='GRPC', delay=5, timeout=3, max_retries=3, expected_codes='0'))
    assert run(api, dict(pool='web', expected_codes='0-5'))['changed']
    with pytest.raises(InputError) as info:
        run(api, dict(pool='web', type='HTTP'))
    assert "keeps expected_codes '0-5'" in str(info.value)


def test_delete_in_check_mode_reports_the_change_and_writes_nothing():
    api = FakeV3()
    run(api, HTTP)
    api.calls.clear()
    result = run(api, dict(pool='web', state='absent'), check_mode=True, diff_mode=True)
    assert result['changed'] and result['diff']['after'] == {} and api.writes() == [] and len(api.monitors) == 1


# -- found by make mutation (tests/mutation/mutations.py): each docstring names the mutants it kills ----------

TCP = dict(pool='db', type='TCP', delay=5, timeout=3, max_retries=3)
V3_HTTP = dict(pool='web', type='HTTP', delay=5, timeout=3, max_retries=3)


def run_clocked(api, params, clock=None, diff_mode=False, warnings=None):
    """The engine with a fake clock that its pauses move forward; ``warnings`` collects its warnings."""
    clock = clock or FakeTime()
    # The engine's pauses come from the client's backoff (client.backoff): give it this clock, no randomness.
    api.backoff = lambda **kwargs: Backoff(sleep=clock.sleep, clock=clock.clock, rand=lambda: 1.0, **kwargs)
    return Reconciler(FAMILY, api, dict(BASE, **params), diff_mode=diff_mode,
                      warn=(warnings if warnings is not None else []).append).run()


def test_a_pool_id_nobody_has_is_a_clear_input_error():
    """Kills engine-lookup-404: a 404 on the pool id is "no pool has that id or name", not an API failure."""
    ident = str(uuid.uuid4())
    with pytest.raises(InputError, match="pool is '%s'; no pool has that id or name" % ident):
        run_clocked(FakeV3(), dict(TCP, pool=ident))


def test_a_list_that_ignores_the_name_filter_still_finds_the_one_named():
    """Kills engine-find-by-name-filter: the pool list is narrowed by name here too, whatever the server did."""
    class Unfiltered(FakeV3):
        def request(self, method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
            if method == 'GET' and path.endswith('/pools') and query:
                self.calls.append((method, path))
                return {'pools': list(self.pools.values())}
            return super().request(method, path, query=query, body=body)

    api = Unfiltered()
    result = run_clocked(api, TCP)
    assert result['healthmonitor']['pool_id'] == next(p['id'] for p in api.pools.values() if p['name'] == 'db')


def test_a_parent_pointing_at_a_deleted_monitor_gets_a_new_one():
    """Kills engine-read-monitor-404: a dangling healthmonitor_id (the monitor answers 404) means none."""
    api = FakeV3()
    pool = next(p for p in api.pools.values() if p['name'] == 'db')
    pool['healthmonitor_id'] = str(uuid.uuid4())
    result = run_clocked(api, TCP)
    assert result['changed'] and [c[0] for c in api.writes()] == ['POST']


def test_an_update_waits_for_the_balancer():
    """Kills engine-update-wait: after a PUT the balancer is read until ACTIVE."""
    api = FakeV3()
    run_clocked(api, TCP)
    api.calls.clear()
    api.lb_status = ['PENDING_UPDATE', 'PENDING_UPDATE', 'ACTIVE']
    run_clocked(api, dict(TCP, delay=9))
    assert sum(1 for c in api.calls if 'loadbalancers' in c[1]) == 3


def test_a_400_while_pending_is_not_retried():
    """Kills engine-write-409-only: only a 409 means "busy"; any other refusal ends the task at once."""
    class Refusing(FakeV3):
        def request(self, method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
            if method == 'POST':
                self.calls.append((method, path))
                raise ApiError('Invalid input', status=400, error_code='ELB.8902')
            return super().request(method, path, query=query, body=body)

    api = Refusing()
    api.lb_status = ['PENDING_UPDATE']
    with pytest.raises(ApiError):
        run_clocked(api, TCP)
    assert len(api.writes()) == 1


def test_a_balancer_busy_for_ever_ends_the_task_at_wait_timeout():
    """Kills engine-write-deadline: 409s while PENDING are retried until wait_timeout, then raised."""
    api = FakeV3()
    api.pending_writes = 10 ** 6
    api.lb_status = ['PENDING_UPDATE']
    clock = FakeTime()
    with pytest.raises(ApiError) as caught:
        run_clocked(api, dict(TCP, wait_timeout=20), clock=clock)
    assert caught.value.status == 409 and clock.now <= 20
    # rand() is 1.0: each pause is the whole step, base 2 s doubling up to the 10 s cap, the last cut at the deadline
    assert clock.sleeps == [2.0, 4.0, 8.0, 6.0]  # kills engine-poll-backoff as well


def test_a_balancer_in_error_fails_at_once():
    """Kills engine-wait-error: ERROR is final; no waiting until the timeout. And engine-failed-after-write-changed:
    the failure after the write still reports changed (the monitor was created)."""
    api = FakeV3()
    api.lb_status = ['ERROR']
    clock = FakeTime()
    with pytest.raises(FailedAfterWrite, match=r'The health check was written, but load balancer \S+ is ERROR\.$') as caught:
        run_clocked(api, TCP, clock=clock)
    assert clock.sleeps == []
    assert caught.value.result['changed'] is True and caught.value.result['healthmonitor']['id'] in api.monitors


def test_a_lower_case_status_counts():
    """Kills engine-status-upper: the status is compared without regard to case."""
    api = FakeV3()
    api.lb_status = ['active']
    clock = FakeTime()
    assert run_clocked(api, TCP, clock=clock)['changed'] and clock.sleeps == []


def test_a_balancer_pending_past_wait_timeout_fails_the_task_at_wait_timeout():
    """Kills engine-wait-timeout-ok (a wait that timed out counted as success) and engine-wait-deadline (the wait
    outlasting wait_timeout): the create is reported (changed) and the failure comes at 20 s, not later."""
    api = FakeV3()
    api.lb_status = ['PENDING_UPDATE']
    clock = FakeTime()
    with pytest.raises(FailedAfterWrite, match=r'did not become ACTIVE within wait_timeout \(20 s') as caught:
        run_clocked(api, dict(TCP, wait_timeout=20), clock=clock)
    assert clock.now == pytest.approx(20) and caught.value.result['changed'] is True and len(api.monitors) == 1


def test_a_read_failing_during_the_wait_still_reports_the_write():
    """Kills engine-failed-after-write-api: an API error while waiting for ACTIVE comes after the POST, so the
    task says changed and what was created (FailedAfterWrite), not a plain API failure."""
    class BalancerUnreadable(FakeV3):
        def request(self, method, path, query=None, body=None, repeatable=False):  # pylint: disable=unused-argument
            if 'loadbalancers' in path:
                self.calls.append((method, path))
                raise ApiError('internal error', status=500)
            return super().request(method, path, query=query, body=body)

    api = BalancerUnreadable()
    with pytest.raises(FailedAfterWrite, match='The health check was written, but reading load balancer') as caught:
        run_clocked(api, TCP)
    assert caught.value.result['changed'] is True and caught.value.result['healthmonitor']['id'] in api.monitors


def test_a_check_sees_the_values_the_monitor_keeps():
    """Kills family-effective-current: a task giving only timeout is checked against the monitor's delay."""
    api = FakeV3()
    run_clocked(api, dict(TCP, delay=5, timeout=3))
    warnings = []
    assert run_clocked(api, dict(pool='db', timeout=5), warnings=warnings)['changed']
    assert warnings == ['timeout (5) is not less than delay (5); the service advises a timeout below the delay.']


def test_no_diff_without_diff_mode():
    """Kills engine-diff-mode: the result carries a diff only when asked (--diff)."""
    api = FakeV3()
    assert 'diff' not in run_clocked(api, TCP)
    assert 'diff' in run_clocked(api, dict(TCP, delay=8), diff_mode=True)


def test_expected_codes_are_sent_normalised():
    """Kills: skipping the normalisation before sending (``Family.desired`` without ``Field.canonical``, or
    ``canonical`` returning a codes string as given): the POST body holds the folded, sorted form."""
    api = FakeV3()
    result = run_clocked(api, dict(V3_HTTP, expected_codes='204, 200-202,203'))
    monitor = api.monitors[result['healthmonitor']['id']]
    assert monitor['expected_codes'] == '200-204'
    run_clocked(api, dict(pool='web', expected_codes=' 202 , 200'))
    assert monitor['expected_codes'] == '200,202'


def test_a_409_while_active_is_raised_after_one_write():
    """Kills: ``Reconciler.write`` retrying every 409 as if the balancer were busy; with the balancer ACTIVE the
    409 (a quota error, a conflicting create) is the task's failure, after one POST."""
    api = FakeV3()
    api.pending_writes = 1  # the fake's 409, answered while the balancer reads ACTIVE
    with pytest.raises(ApiError) as caught:
        run_clocked(api, V3_HTTP)
    assert caught.value.status == 409
    assert [c[0] for c in api.writes()] == ['POST'] and not api.monitors


def test_a_409_on_update_while_active_is_raised_after_one_write():
    """Kills the retry-every-409 mutation on the PUT path."""
    api = FakeV3()
    run_clocked(api, V3_HTTP)
    api.calls.clear()
    api.pending_writes = 1
    with pytest.raises(ApiError):
        run_clocked(api, dict(pool='web', delay=9))
    assert [c[0] for c in api.writes()] == ['PUT']
