# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What healthmonitors' set run reads (``_set_reads.SetReads``): the parents of the balancers in scope only."""

from __future__ import annotations

import copy

from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
from ansible_collections.hwcloud.elb.plugins.module_utils._set_reads import SetReads

from .fake_elb_v2 import FakeV2

BALANCERS = {'lb-a': 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'lb-b': 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
             'lb-c': 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'}


class ThreeBalancers(FakeV2):
    """One v2 pool per balancer (pool ``web-a`` on ``lb-a`` ...); its list calls take one value per filter, as v2's do,
    and record their queries."""

    def __init__(self):
        super().__init__(dict(('web-' + name[-1], 'HTTP') for name in BALANCERS))
        for pool in self.pools.values():
            pool['loadbalancers'] = [{'id': BALANCERS['lb-' + pool['name'][-1]]}]
        self.queries = []

    def paginate(self, path, key, query=None, limit=None):
        self.queries.append((key, dict(query or {})))
        if key == 'loadbalancers':
            return [{'id': ident, 'name': name} for name, ident in BALANCERS.items()]
        wanted = (query or {}).get('loadbalancer_id')
        assert wanted is None or isinstance(wanted, str) or len(wanted) == 1, 'v2 takes one balancer per filter'
        wanted = [wanted] if isinstance(wanted, str) else wanted
        return [copy.deepcopy(p) for p in self.pools.values() if not wanted or p['loadbalancers'][0]['id'] in wanted]


def parents_in_scope(api, scope):
    reads = SetReads(FAMILIES['v2'], api, scope)
    reads.resolve_scope()
    return sorted(pool['name'] for pool in reads.list_parents())


def test_a_v2_scope_of_several_balancers_lists_the_project_and_keeps_only_their_pools():
    """Kills set-reads-scope: the one listing of the whole project holds the pool of lb-c too; the filter drops it."""
    api = ThreeBalancers()
    assert parents_in_scope(api, ['lb-a', BALANCERS['lb-b']]) == ['web-a', 'web-b']
    # one unfiltered listing: the filter, not the service, narrowed it to the scope
    assert [query for key, query in api.queries if key == 'pools'] == [{}]


def test_a_v2_scope_of_one_balancer_is_filtered_by_the_service():
    api = ThreeBalancers()
    assert parents_in_scope(api, ['lb-c']) == ['web-c']
    assert [query for key, query in api.queries if key == 'pools'] == [{'loadbalancer_id': [BALANCERS['lb-c']]}]


def test_without_scope_every_pool_of_the_project_is_a_parent():
    assert parents_in_scope(ThreeBalancers(), None) == ['web-a', 'web-b', 'web-c']
