# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""extensions/audit/event_query.yml (indirect node counting) against the format AWX documents and real results.

The schema is the one of ansible/awx docs/indirect_node_counting/external_query_files.md: the file maps a module's
FQCN to ``{query: <jq>}``; each jq output is an object with ``name`` (string), ``canonical_facts`` (object) and
optionally ``facts`` (object). What AWX does with an output (awx/main/tasks/host_indirect.py) adds two rules the
page implies: an output with empty canonical facts is dropped, and canonical facts must hash (JSON scalars,
lists, objects; a null fails). ★ Beyond the page: that the name is non-empty, and that each module's outputs
identify what it wrote (the pool, the listener, the member), which is this collection's choice.
Every query runs here on the result of a real task (ansible-playbook against the emulator), as AWX would see it.
"""

from __future__ import annotations

import os

import jq
import pytest
import yaml

from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import

from .conftest import ROOT
from .monitor_families import V2, V3
from .test_healthcheck_v1 import HTTP as V1_HTTP
from .test_healthcheck_v1 import listener
from .test_member_traffic import web_fixture  # noqa: F401  pylint: disable=unused-import
from .test_public_names import public_names

QUERY_FILE = os.path.join(ROOT, 'extensions', 'audit', 'event_query.yml')
ALLOWED_KEYS = {'name', 'canonical_facts', 'facts'}


def queries():
    with open(QUERY_FILE, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def hashable(value):
    """AWX's get_hashable_form accepts these (and nothing else) in canonical facts."""
    if isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, dict):
        return all(hashable(item) for item in value.values())
    if isinstance(value, list):
        return all(hashable(item) for item in value)
    return False


def nodes(module, result):
    """The query's outputs on a task result, each checked against the documented schema."""
    result = dict((key, value) for key, value in result.items() if not key.startswith('_'))
    outputs = jq.compile(queries()['hwcloud.elb.' + module]['query']).input_value(result).all()
    for output in outputs:
        assert isinstance(output, dict), output
        assert set(output) <= ALLOWED_KEYS and {'name', 'canonical_facts'} <= set(output), output
        assert isinstance(output['name'], str) and output['name'], output
        assert isinstance(output['canonical_facts'], dict) and output['canonical_facts'], output
        assert hashable(output['canonical_facts']), output
        assert isinstance(output.get('facts', {}), dict), output
    return outputs


def test_the_file_has_one_query_per_module_that_writes():
    """Keys are FQCNs of public modules (tests/public-names.yml), each ``{query: <jq that compiles>}``; every
    module that manages something has one and the read-only ones (_info, _facts, and member_check, whose job only
    diagnoses) have none."""
    found = queries()
    modules = public_names()['modules']
    read_only = [name for name in modules if name.endswith(('_info', '_facts')) or name == 'member_check']
    writers = sorted('hwcloud.elb.' + name for name in modules if name not in read_only)
    assert sorted(found) == writers
    for fqcn, entry in found.items():
        assert set(entry) == {'query'} and isinstance(entry['query'], str), fqcn
        jq.compile(entry['query'])


@pytest.mark.parametrize('family, module', [(V3, 'healthmonitor_v3'), (V2, 'healthmonitor_v2')])
def test_a_pool_monitor_counts_its_pool_in_check_mode_create_and_rerun(elb, run_task, family, module):
    args = family.http
    predicted = run_task(module, args, check=True)
    created = run_task(module, args)
    rerun = run_task(module, args)
    pool = family.monitor_of(elb, args['pool'])['pools'][0]['id']
    for result in (predicted, created, rerun):
        (node,) = nodes(module, result)
        assert node['canonical_facts'] == {'pool_id': pool} and node['name'] == pool
    assert nodes(module, created)[0]['facts']['healthmonitor_id'] == created['healthmonitor']['id']
    deleted = run_task(module, dict(pool=args['pool'], state='absent'))
    assert deleted['changed'] and nodes(module, deleted) == []


def test_a_classic_health_check_counts_its_listener(elb, run_task):
    (node,) = nodes('healthcheck_v1', run_task('healthcheck_v1', V1_HTTP))
    ident = listener(elb, V1_HTTP['listener'])['id']
    assert node['canonical_facts'] == {'listener_id': ident} and node['name'] == ident


def test_the_resource_module_counts_each_pool_it_writes_once(elb, run_task):
    config = [dict(V3.http), dict(V3.tcp)]
    result = run_task('healthmonitors', dict(config=config))
    pools = sorted(elb.pool(item['pool'])['id'] for item in config)
    assert len(result['commands']) == 2
    assert sorted(node['canonical_facts']['pool_id'] for node in nodes('healthmonitors', result)) == pools
    assert nodes('healthmonitors', run_task('healthmonitors', dict(config=config))) == []  # no write, no count
    delay = run_task('healthmonitors', dict(config=[dict(pool=V3.http['pool'], delay=7)]))
    assert [node['canonical_facts'] for node in nodes('healthmonitors', delay)] == [
        {'pool_id': elb.pool(V3.http['pool'])['id']}]


def test_member_traffic_counts_each_member_it_drains(elb, run_task, web):
    task = dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=web['one'].port, state='drained',
                drain_timeout=0)
    (node,) = nodes('member_traffic', run_task('member_traffic', task))
    assert node['canonical_facts'] == {'member_id': web['first']['id']}
    assert node['name'] == '127.0.0.1:%d' % web['one'].port
    assert node['facts']['pool_id'] == web['pool']['id']


def test_member_counts_each_member_it_registers_not_one_it_deletes(elb, run_task, backends):
    backend = backends.http(200)
    task = dict(pool='demo-http-pool', address='127.0.0.1', protocol_port=backend.port, wait_for='none')
    assert nodes('member', run_task('member', task, check=True)) == []  # not created: no id
    (node,) = nodes('member', run_task('member', task))
    pool_id = elb.pool('demo-http-pool')['id']
    (member,) = elb.api('GET', '/v3/{project_id}/elb/pools/%s/members' % pool_id)['members']
    assert node['canonical_facts'] == {'member_id': member['id']}
    assert node['name'] == '127.0.0.1:%d' % backend.port and node['facts']['pool_id'] == pool_id
    assert nodes('member', run_task('member', dict(task, state='absent', drain_timeout=0))) == []
