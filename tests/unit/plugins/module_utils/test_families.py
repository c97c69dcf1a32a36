# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry of families: everything that depends on the set of families derives from it, so a new family
is its declaration plus one registry entry; and each family's declarations agree with its module's documentation."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from ansible_collections.hwcloud.elb.plugins.filter.monitor_targets import monitor_targets
from ansible_collections.hwcloud.elb.plugins.module_utils import _families, _monitor_query_module
from ansible_collections.hwcloud.elb.plugins.module_utils._family import HEX32, Family, Role, pool_loadbalancer_id
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import Field
from ansible_collections.hwcloud.elb.plugins.module_utils._lookup import LoadBalancer, Parent
from ansible_collections.hwcloud.elb.plugins.module_utils._monitor_module import monitor_argument_spec
from ansible_collections.hwcloud.elb.plugins.module_utils._pool_family import POOL_ROLE_OPTIONS


def throwaway_family(**changed):
    """A fourth family, declared here only: pools of a made-up v9 API with a field nobody else has."""
    declared = dict(
        name='v9', module='hwcloud.elb.healthmonitor_v9',
        identity_spec=dict(pool=dict(type='str', required=True)),
        result_key='healthmonitor', path='/v9/{project_id}/monitors', wrapper='monitor', list_key='monitors',
        fields=[Field('type', 'enum', choices=('TCP', 'HTTP')), Field('delay', 'int', minimum=1, maximum=9),
                Field('timeout', 'int', minimum=1, maximum=9), Field('max_retries', 'int', minimum=1, maximum=3),
                Field('max_retries_down', 'int', minimum=1, maximum=3), Field('monitor_port', 'int', minimum=1, maximum=9),
                Field('url_path', 'str', max_length=9), Field('jitter', 'int', minimum=0, maximum=5)],
        type_field='type', create_required=('type',),
        parent=Parent(kind='pool', option='pool', path='/v9/{project_id}/pools', wrapper='pool', list_key='pools',
                      link_field='monitor_id', body_field='pool_id', id_pattern=HEX32,
                      loadbalancer_id=pool_loadbalancer_id),
        loadbalancer=LoadBalancer('/v9/{project_id}/balancers', 'balancer'),
        record=lambda pool_id: dict(id=None, pool_id=pool_id),
        role=Role(label='made-up (v9)', options=POOL_ROLE_OPTIONS, lacks=('domain', 'expected_codes', 'method')),
        query_filters=('id', 'jitter', 'pool'))
    declared.update(changed)
    return Family(**declared)


@pytest.fixture
def fourth_family(monkeypatch):
    family = throwaway_family()
    monkeypatch.setitem(_families.FAMILIES, family.name, family)
    return family


def test_a_fourth_family_is_taken_by_the_query_the_roles_filter_and_the_argument_specs(fourth_family):
    spec = _monitor_query_module.query_argument_spec()
    assert 'v9' in spec['api_version']['choices'] and spec['jitter'] == dict(type='list', elements='str')
    params = dict((name, None) for name in spec)
    _monitor_query_module.check_filters(dict(params, api_version='v9', jitter=['3'], pool='p'))
    with pytest.raises(_monitor_query_module.InputError, match='jitter is 7; it must be a whole number from 0 to 5'):
        _monitor_query_module.check_filters(dict(params, api_version='v9', jitter=['7']))
    with pytest.raises(_monitor_query_module.InputError, match='name cannot filter v9 health checks'):
        _monitor_query_module.check_filters(dict(params, api_version='v9', name=['x']))

    resolved = monitor_targets([{'pool': 'web', 'path': '/h'}], 'http', api_version='v9')
    assert resolved == [dict(pool='web', state='present', type='HTTP', delay=5, timeout=3, max_retries=3,
                             max_retries_down=3, url_path='/h')]
    with pytest.raises(Exception, match='delay'):  # the family's own range (1 to 9) applies
        monitor_targets([{'pool': 'web', 'interval': 10}], 'tcp', api_version='v9')

    module_spec = monitor_argument_spec(fourth_family)
    assert module_spec['pool'] == dict(type='str', required=True) and module_spec['jitter'] == dict(type='int')
    assert {'state', 'wait', 'wait_timeout'} <= set(module_spec)


def test_the_registry_is_the_only_list_of_families():
    assert sorted(_families.FAMILIES) == ['v1', 'v2', 'v3']
    assert _monitor_query_module.query_argument_spec()['api_version']['choices'] == ['v1', 'v2', 'v3']
    for name, family in _families.FAMILIES.items():
        assert family.name == name and family.role.module == family.module
        assert family.parent.option in family.identity_spec
        assert family.listed == (family.query is None) and bool(family.list_key) == family.listed


def test_a_family_with_a_list_call_must_say_its_list_key():
    with pytest.raises(ValueError, match='v9 has a list call: declare its list_key'):
        throwaway_family(list_key=None)
    assert not throwaway_family(list_key=None, query=lambda client, family, params: []).listed


# -- declarations and documentation cannot drift ---------------------------------------------------------------

def _documented_options(module):
    ansible_doc = shutil.which('ansible-doc')
    if not ansible_doc or not os.environ.get('ANSIBLE_COLLECTIONS_PATH'):
        pytest.skip('needs ansible-doc and ANSIBLE_COLLECTIONS_PATH (make units sets both)')
    output = subprocess.run([ansible_doc, '--json', module], capture_output=True, text=True, check=True).stdout
    return json.loads(output)[module]['doc']['options']


def _text(option):
    description = option.get('description')
    return ' '.join(description) if isinstance(description, list) else description


def _expected_mentions(field):
    """What a field's declaration says that its documentation must say too."""
    mentions = []
    if field.kind == 'int':
        mentions.append('%s to %s' % (field.minimum, field.maximum))
    if field.kind == 'enum':
        mentions.extend('V(%s)' % choice for choice in field.choices)
    if field.max_length is not None:
        mentions.append('%d characters' % field.max_length)
    if field.kind == 'codes':
        ranges = [field.code_range] if not callable(field.code_range) else [field.code_range(t) for t in field.types]
        mentions.extend('%d to %d' % pair for pair in sorted(set(ranges)))
    if field.default is not None and not callable(field.default) and field.default != '':
        mentions.append('V(%s)' % (str(field.default).lower() if isinstance(field.default, bool) else field.default))
    return mentions


@pytest.mark.parametrize('name', sorted(_families.FAMILIES))
def test_every_field_range_choice_and_default_is_in_the_module_documentation(name):
    family = _families.FAMILIES[name]
    options = _documented_options(family.module)
    missing = []
    for field in family.fields:
        assert field.name in options, field.name
        text = _text(options[field.name])
        missing.extend('%s: %s' % (field.name, mention) for mention in _expected_mentions(field) if mention not in text)
        assert options[field.name]['type'] == field.argument_spec()['type'], field.name
    assert not missing, missing
