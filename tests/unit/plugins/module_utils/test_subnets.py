# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A member's subnet by id or name: the VPC endpoint beside the ELB one, one paginated list walk for names only,
ambiguous and unknown names refused naming option and value, and no call when nothing is created."""

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.hwcloud.elb.plugins.module_utils import _subnets
from ansible_collections.hwcloud.elb.plugins.module_utils._client import ElbClient
from ansible_collections.hwcloud.elb.plugins.module_utils._connection import ConnectionSettings
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError

PROJECT = '0123456789abcdef0123456789abcdef'
WEB = dict(id='1a0b2c3d-0000-4000-8000-000000000001', name='web', cidr='10.0.0.0/24', vpc_id='vpc-a',
           neutron_subnet_id='9a0b2c3d-0000-4000-8000-000000000001')
APP = dict(id='1a0b2c3d-0000-4000-8000-000000000002', name='app', cidr='10.0.1.0/24', vpc_id='vpc-a',
           neutron_subnet_id='9a0b2c3d-0000-4000-8000-000000000002',
           neutron_subnet_id_v6='9a0b2c3d-0000-4000-8000-000000000006')
TWINS = [dict(id='1a0b2c3d-0000-4000-8000-00000000000%d' % n, name='twin', cidr='10.0.%d.0/24' % n, vpc_id='vpc-%d' % n,
              neutron_subnet_id='9a0b2c3d-0000-4000-8000-00000000001%d' % n) for n in (3, 4)]


def page(items):
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps({'subnets': items}).encode()  # no page_info, no links: the VPC list's shape
    return response


class Session:
    def __init__(self, pages):
        self.pages = list(pages)
        self.calls = []
        self.headers = {}

    def request(self, method, url, data=None, headers=None, timeout=None, verify=True):
        self.calls.append((method, url))
        return self.pages.pop(0)


def client(pages, endpoint='https://elb.cn-north-4.myhuaweicloud.com'):
    settings = ConnectionSettings(dict(access_key='AK', secret_key='SK', project_id=PROJECT, elb_endpoint=endpoint,
                                       api_retries=0, api_timeout=5), environ={})
    made = ElbClient(settings, sleep=lambda seconds: None)
    made.session = Session(pages)
    return made


@pytest.mark.parametrize('elb, vpc', [
    ('https://elb.cn-north-4.myhuaweicloud.com', 'https://vpc.cn-north-4.myhuaweicloud.com'),
    ('https://ELB.eu-west-101.myhuaweicloud.eu:8443/prefix', 'https://vpc.eu-west-101.myhuaweicloud.eu:8443/prefix'),
    ('http://127.0.0.1:8443', 'http://127.0.0.1:8443'),
    ('https://elb-proxy.example.com', 'https://elb-proxy.example.com'),
    ('https://elb', 'https://elb'),
])
def test_the_vpc_endpoint_replaces_the_first_label_elb_or_is_the_elb_endpoint(elb, vpc):
    assert _subnets.vpc_endpoint(elb) == vpc


def test_ids_pass_through_without_a_call_and_names_become_neutron_subnet_ids():
    made = client([page([WEB, APP])])
    wanted = [('subnet', WEB['neutron_subnet_id'], '10.0.0.5'), ('members[1].subnet', 'web', '10.0.0.6'),
              ('members[2].subnet', 'app', '10.0.1.7'), ('members[3].subnet', 'app', 'fd00::7')]
    assert _subnets.resolve(made, wanted) == [WEB['neutron_subnet_id'], WEB['neutron_subnet_id'],
                                              APP['neutron_subnet_id'], APP['neutron_subnet_id_v6']]
    assert made.session.calls == [('GET', 'https://vpc.cn-north-4.myhuaweicloud.com/v1/%s/subnets?limit=2000' % PROJECT)]
    assert made.settings.elb_endpoint == 'https://elb.cn-north-4.myhuaweicloud.com'  # the ELB client is unchanged
    only_ids = client([])
    assert _subnets.resolve(only_ids, [('subnet', APP['id'].upper(), '10.0.1.7')]) == [APP['id'].upper()]
    assert only_ids.session.calls == []


def test_the_list_is_walked_page_by_page_with_the_last_id_as_marker(monkeypatch):
    monkeypatch.setattr(_subnets, 'PAGE_SIZE', 2)
    made = client([page([WEB, TWINS[0]]), page([TWINS[1], APP]), page([])])
    assert _subnets.resolve(made, [('subnet', 'app', '10.0.1.1')]) == [APP['neutron_subnet_id']]
    assert [url.split('?')[1] for _method, url in made.session.calls] == [
        'limit=2', 'limit=2&marker=%s' % TWINS[0]['id'], 'limit=2&marker=%s' % APP['id']]


def test_ambiguous_and_unknown_names_are_refused_naming_option_value_and_ids():
    with pytest.raises(InputError) as caught:
        _subnets.resolve(client([page([WEB] + TWINS)]), [
            ('members[0].subnet', 'twin', '10.0.3.1'), ('subnet', 'nope', '10.0.0.1'), ('subnet', 'web', 'fd00::1')])
    message = str(caught.value)
    assert "members[0].subnet is 'twin'; 2 subnets have that name" in message
    assert all('%s (%s in VPC %s)' % (t['neutron_subnet_id'], t['cidr'], t['vpc_id']) in message for t in TWINS)
    assert "subnet is 'nope'; no subnet of the project has that name" in message
    assert "subnet is 'web'; that subnet has no neutron_subnet_id_v6 for address fd00::1" in message
    assert message.endswith('Nothing was written.')


def test_only_planned_creates_are_resolved_and_named_by_their_option():
    made = client([page([WEB, APP])])
    existing = dict(id='m-1')
    plan = [(dict(address='10.0.0.1', subnet='web'), None), (dict(address='10.0.1.1', subnet='app'), existing),
            (dict(address='10.0.1.2', subnet='app'), None), (dict(address='10.0.1.3', subnet=None), None)]
    _subnets.resolve_creates(made, plan, dict(members=[dict(subnet=None)] * 4))
    assert [item['subnet'] for item, _member in plan] == [WEB['neutron_subnet_id'], 'app', APP['neutron_subnet_id'], None]
    nothing_new = client([])
    _subnets.resolve_creates(nothing_new, [(dict(address='10.0.0.1', subnet='web'), existing)], dict(members=None))
    assert nothing_new.session.calls == []
    with pytest.raises(InputError, match=r"members\[1\]\.subnet is 'gone'"):
        _subnets.resolve_creates(client([page([WEB])]), [(dict(address='10.0.0.1', subnet='web'), None),
                                                         (dict(address='10.0.0.2', subnet='gone'), None)],
                                 dict(members=[dict(subnet=None), dict(subnet='gone')]))
