# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The official SDK (huaweicloudsdkelb v2 and v3) against every monitor call's documented errors and issue 16's fixes.

The lifecycles are in test_v2.py / test_v3.py; here each documented error of a monitor call comes back
through the SDK's exception with its status, error_code and request_id (api-notes section 5).
"""

from __future__ import annotations

import re

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkelb.v2 import ElbClient as ElbClientV2
from huaweicloudsdkelb.v2 import model as m2
from huaweicloudsdkelb.v3 import ElbClient as ElbClientV3
from huaweicloudsdkelb.v3 import model as m3

from ..seed import seed_id

from .conftest import DEMO, P1, P2

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
MISSING = "00000000-0000-4000-8000-000000000000"


def _client(cls, emu, sk=DEMO["sk"], project=P1):
    builder = cls.new_builder().with_credentials(BasicCredentials(DEMO["ak"], sk, project))
    if cls is ElbClientV3:
        return builder.with_endpoints([emu.base_url]).build()
    return builder.with_endpoint(emu.base_url).build()


@pytest.fixture(name="v3")
def v3_client(emu):
    return _client(ElbClientV3, emu)


@pytest.fixture(name="v2")
def v2_client(emu):
    return _client(ElbClientV2, emu)


def fails(call, status, code):
    """Run ``call``; it must raise the SDK's exception with ``status`` and ``code``."""
    with pytest.raises(exceptions.SdkException) as info:
        call()
    err = info.value
    assert (err.status_code, err.error_code) == (status, code), (err.status_code, err.error_code, err.error_msg)
    assert UUID.fullmatch(err.request_id), err.request_id  # issue 16 item 4, through the SDK
    return err


def v3_create(v3, pool="demo-http-pool", **fields):
    option = {"pool_id": seed_id(P1, "v3", "pool", pool), "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3, **fields}
    return v3.create_health_monitor(m3.CreateHealthMonitorRequest(m3.CreateHealthMonitorRequestBody(
        healthmonitor=m3.CreateHealthMonitorOption(**option)))).healthmonitor


def v2_create(v2, pool="shared-http-pool", **fields):
    option = {"pool_id": seed_id(P1, "v2", "pool", pool), "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 3, **fields}
    return v2.create_healthmonitor(m2.CreateHealthmonitorRequest(m2.CreateHealthmonitorRequestBody(
        healthmonitor=m2.CreateHealthmonitorReq(**option)))).healthmonitor


def v3_update(v3, rid, **fields):
    return v3.update_health_monitor(m3.UpdateHealthMonitorRequest(rid, m3.UpdateHealthMonitorRequestBody(
        healthmonitor=m3.UpdateHealthMonitorOption(**fields)))).healthmonitor


def v2_update(v2, rid, **fields):
    return v2.update_healthmonitor(m2.UpdateHealthmonitorRequest(rid, m2.UpdateHealthmonitorRequestBody(
        healthmonitor=m2.UpdateHealthmonitorReq(**fields)))).healthmonitor


# --- v3 -------------------------------------------------------------------------------------

def test_v3_monitor_call_errors(v3, emu, api):
    fails(lambda: v3_create(v3, delay=51), 400, "ELB.8902")
    fails(lambda: v3_create(v3, url_path="/health\n"), 400, "ELB.8902")
    fails(lambda: v3_create(v3, pool="demo-udp-pool"), 400, "ELB.8902")  # an HTTP check on a UDP pool
    fails(lambda: v3_create(v3, pool="demo-ip-any-port-pool", type="TCP"), 400, "ELB.8902")  # any-port pool needs monitor_port
    fails(lambda: v3.create_health_monitor(m3.CreateHealthMonitorRequest(m3.CreateHealthMonitorRequestBody(
        healthmonitor=m3.CreateHealthMonitorOption(pool_id=MISSING, type="TCP", delay=5, timeout=3, max_retries=3)))), 404, "ELB.8904")
    monitor = v3_create(v3)
    fails(lambda: v3_create(v3), 409, "ELB.8907")  # one monitor per pool
    fails(lambda: v3_update(v3, monitor.id, type="GRPC", expected_codes="200"), 400, "ELB.8902")
    fails(lambda: v3_update(v3, MISSING, delay=6), 404, "ELB.8904")
    fails(lambda: v3.show_health_monitor(m3.ShowHealthMonitorRequest(healthmonitor_id=MISSING)), 404, "ELB.8904")
    fails(lambda: v3.delete_health_monitor(m3.DeleteHealthMonitorRequest(healthmonitor_id=MISSING)), 404, "ELB.8904")
    fails(lambda: v3.list_health_monitors(m3.ListHealthMonitorsRequest(limit=2001)), 400, "ELB.8902")
    fails(lambda: v3.list_health_monitors(m3.ListHealthMonitorsRequest(limit=2, marker=MISSING)), 400, "ELB.8902")
    # A balancer in PENDING_UPDATE: updates and deletes wait for ACTIVE.
    api.admin("POST", "config", {"pending_seconds": 30})
    v3_update(v3, monitor.id, delay=6)
    fails(lambda: v3_update(v3, monitor.id, delay=7), 409, "ELB.8907")
    fails(lambda: v3.delete_health_monitor(m3.DeleteHealthMonitorRequest(healthmonitor_id=monitor.id)), 409, "ELB.8907")


def test_v3_gateway_errors(emu, api):
    fails(lambda: _client(ElbClientV3, emu, sk="wrong").list_health_monitors(m3.ListHealthMonitorsRequest()), 401, "APIGW.0301")
    fails(lambda: _client(ElbClientV3, emu, project=P2).list_health_monitors(m3.ListHealthMonitorsRequest()), 403, "ELB.1102")
    v3 = _client(ElbClientV3, emu)
    # On a 429 the SDK's transport (urllib3 Retry) raises before reading the body, so its error_code is the
    # status: a client-side limit. The emulator's APIGW.0308 body is pinned by test_faults.py.
    api.admin("POST", "faults", {"path": "/healthmonitors$", "status": 429, "times": 1})
    with pytest.raises(exceptions.SdkException) as info:
        v3.list_health_monitors(m3.ListHealthMonitorsRequest())
    assert info.value.status_code == 429
    api.admin("POST", "faults", {"path": "/healthmonitors$", "status": 503, "times": 1})
    fails(lambda: v3.list_health_monitors(m3.ListHealthMonitorsRequest()), 503, "APIGW.0203")


def test_v3_list_page_info_through_the_sdk(v3):
    """Issue 16 item 2: the SDK reads next_marker on the last (short) page, and the marker needs a limit."""
    pools = v3.list_pools(m3.ListPoolsRequest(limit=3)).pools
    last = v3.list_pools(m3.ListPoolsRequest(limit=3, marker=pools[-1].id))
    assert len(last.pools) == 2 and last.page_info.next_marker == last.pools[-1].id
    assert len(v3.list_pools(m3.ListPoolsRequest(marker=pools[-1].id)).pools) == 5  # ignored without limit


def test_v3_repeated_integer_filters_and_the_strict_signature(v3):
    """Issue 22.5: the verifier sorts the query (api-notes section 6), and the official SDK must keep working.

    The SDK sorts repeated integer values as numbers when it signs (delay=5 before delay=10); the verifier
    accepts that one variant besides the text order (README ★). test_auth pins that an unsorted query fails.
    """
    v3_create(v3, delay=10)
    assert len(v3.list_health_monitors(m3.ListHealthMonitorsRequest(delay=[10, 20], type=["HTTP", "TCP"])).healthmonitors) == 1
    assert len(v3.list_health_monitors(m3.ListHealthMonitorsRequest(delay=[5, 10])).healthmonitors) == 1


# --- v2 -------------------------------------------------------------------------------------

def test_v2_monitor_call_errors(v2, api):
    fails(lambda: v2_create(v2, timeout=0), 400, "ELB.8902")
    fails(lambda: v2_create(v2, url_path="health"), 400, "ELB.8902")
    fails(lambda: v2_create(v2, type="HTTPS"), 400, "ELB.8902")
    fails(lambda: v2_create(v2, pool="shared-udp-pool"), 400, "ELB.8902")
    fails(lambda: v2.create_healthmonitor(m2.CreateHealthmonitorRequest(m2.CreateHealthmonitorRequestBody(
        healthmonitor=m2.CreateHealthmonitorReq(pool_id=MISSING, type="TCP", delay=5, timeout=3, max_retries=3)))), 404, "ELB.8904")
    monitor = v2_create(v2, url_path="/health?check=1")  # issue 16 item 1 through the SDK
    assert monitor.url_path == "/health?check=1"
    fails(lambda: v2_create(v2), 409, "ELB.8907")
    fails(lambda: v2_update(v2, monitor.id, type="UDP_CONNECT"), 400, "ELB.9899")
    fails(lambda: v2_update(v2, MISSING, delay=6), 404, "ELB.8904")
    fails(lambda: v2.show_healthmonitors(m2.ShowHealthmonitorsRequest(healthmonitor_id=MISSING)), 404, "ELB.8904")
    fails(lambda: v2.delete_healthmonitor(m2.DeleteHealthmonitorRequest(healthmonitor_id=MISSING)), 404, "ELB.8904")
    fails(lambda: v2.list_healthmonitors(m2.ListHealthmonitorsRequest(limit=2, marker=MISSING)), 400, "ELB.8902")
    api.admin("POST", "config", {"pending_seconds": 30})
    v2_update(v2, monitor.id, delay=6)
    fails(lambda: v2_update(v2, monitor.id, delay=7), 409, "ELB.8907")
    fails(lambda: v2.delete_healthmonitor(m2.DeleteHealthmonitorRequest(healthmonitor_id=monitor.id)), 409, "ELB.8907")


def test_v2_gateway_errors(emu):
    fails(lambda: _client(ElbClientV2, emu, sk="wrong").list_healthmonitors(m2.ListHealthmonitorsRequest()), 401, "APIGW.0301")
    fails(lambda: _client(ElbClientV2, emu, project=P2).list_healthmonitors(m2.ListHealthmonitorsRequest()), 403, "ELB.1102")
