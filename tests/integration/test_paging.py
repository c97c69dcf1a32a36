# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lists longer than one page (issue 28): the modules ask for 2,000 items a page, the most the v3 list serves,
so these tests put 2,001 members or monitored pools into the emulator. A reader that stops after the first page
misses the last one; each test checks that exact item, not only a count."""

from __future__ import annotations

from .conftest import connection_env, run_playbook
from .test_member_health import V3
from .test_members_inventory import inventory

PAGE = 2000  # the modules' page size (PAGE_SIZE in module_utils) and the v3 list's largest page
BATCH = 200  # the emulator's batch-add limit


def many_members(elb, count=PAGE + 1):
    """``count`` members on demo-http-pool (no monitor, not loopback: never probed), added in batches; their names.

    One address, a port each: the emulator's duplicate check compares ports first, so adding stays cheap."""
    pool = elb.pool('demo-http-pool')['id']
    for start in range(0, count, BATCH):
        body = {'members': [dict(address='10.1.0.1', protocol_port=1000 + index, name='m-%d' % index)
                            for index in range(start, min(start + BATCH, count))]}
        elb.api('POST', '%s/pools/%s/members/batch-add' % (V3, pool), body)
    return ['m-%d' % index for index in range(count)]


def member_lists(elb):
    """The project-wide member list calls the last run made."""
    return [c for c in elb.calls(['GET']) if c[1].split('?')[0].endswith('/elb/members')]


def test_member_health_info_reads_every_page(elb, run_task):
    names = many_members(elb)
    elb.reset_stats()
    result = run_task('member_health_info', {'pool': 'demo-http-pool'})
    assert sorted(m['name'] for m in result['members']) == sorted(names)
    assert len(member_lists(elb)) == 2  # one call a page


def test_members_inventory_reads_every_page(elb, tmp_path):
    names = many_members(elb)
    config = {'plugin': 'hwcloud.elb.members', 'loadbalancers': ['demo-lb'], 'hostnames': ['name'],
              'compose': {'ansible_connection': "'local'"}}
    hosts = set(inventory(elb, tmp_path, config)['_meta']['hostvars'])
    assert hosts == set(names), sorted(set(names) - hosts)[:5]


def test_healthmonitors_reads_every_page_of_pools_and_monitors(elb):
    balancer = elb.api('GET', V3 + '/loadbalancers?name=demo-lb')['loadbalancers'][0]['id']
    monitor = dict(type='TCP', delay=5, timeout=3, max_retries=3)
    elb.admin('POST', 'bulk', {'family': 'v3', 'loadbalancer_id': balancer, 'count': PAGE + 1, 'protocol': 'TCP',
                               'monitor': monitor, 'name_prefix': 'paged-'})
    last = 'paged-%d' % PAGE  # the seeded pools come first: this one is on the second page
    tasks = [{'name': 'gathered', 'hwcloud.elb.healthmonitors': dict(state='gathered', scope=['demo-lb'])},
             {'name': 'merged', 'hwcloud.elb.healthmonitors': dict(config=[dict(monitor, pool=last, delay=7)])}]
    run = run_playbook([{'name': 'paging', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}],
                       env=connection_env(elb), expect_rc=0)
    gathered, merged = run.results
    pools = set(item['pool'] for item in gathered['gathered'])  # pool ids
    assert len(pools) == PAGE + 1 and elb.pool(last)['id'] in pools, len(pools)
    assert merged['changed'] and [c['method'] for c in merged['commands']] == ['PUT']
    assert elb.pool(last)['healthmonitor_id'] and elb.v3_monitor_of(last)['delay'] == 7
