# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Both implementations of the field rules against the seed pages' table (issue 22, hole 8).

``seed_table.ROWS`` is written from the seeds. The emulator's copy of the rules is exercised with raw
requests (a token from its IAM, no module in between: the modules validate first, so otherwise the emulator's
rules are never reached); the modules' copy through ``Family.desired`` and ``Family.validate``, which every
monitor module runs before its first call. Each side must accept exactly the rows marked valid.

Kills: any off-by-one, dropped bound, widened enum or loosened pattern in either copy (for example
``_fields.Field.problem`` with ``value <= self.minimum``, or a v3 type list that gains QUIC).
"""

from __future__ import annotations

import importlib

import pytest

from ansible_collections.hwcloud.elb.plugins.module_utils._family_v1 import FAMILY as V1
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v2 import FAMILY as V2
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import FAMILY as V3

from .conftest import AK, PROJECT_ID, SK, run_module
from .seed_table import KNOWN_WRONG, QUERY_ROWS, ROWS

FAMILIES = {'v1': V1, 'v2': V2, 'v3': V3}
V3_POOLS = {'UDP_CONNECT': 'demo-udp-pool', 'TCP': 'demo-tcp-pool'}  # any other type: the HTTP pool
V2_POOLS = {'UDP_CONNECT': 'shared-udp-pool', 'TCP': 'shared-tcp-pool'}
V1_LISTENERS = {'HTTP': 'classic-http-listener', 'TCP': 'classic-tcp-listener', 'UDP': 'classic-udp-listener'}


def params(side):
    """The table's rows as pytest params; a row a side is known to get wrong is a strict xfail there."""
    out = []
    for row in ROWS:
        family, field, value, valid, context, _source = row
        shown = value if not isinstance(value, str) or len(value) <= 20 else '%s...(%d)' % (value[:12], len(value))
        marks = []
        why = KNOWN_WRONG.get((family, field, value), {}).get(side)
        if why:
            marks.append(pytest.mark.xfail(strict=True, reason='%s side is wrong: %s' % (side, why)))
        out.append(pytest.param(row, id='%s-%s-%r-%s' % (family, field, shown, 'ok' if valid else 'bad'), marks=marks))
    return out


def test_the_table_covers_every_field_of_every_family():
    """Every field a family declares has rows, except the ones whose rules the seeds leave open."""
    unruled = {('v3', 'name')}  # the v3 pages give no range for name
    for family_name, family in FAMILIES.items():
        tabled = {field for family_, field, *_rest in ROWS if family_ == family_name}
        missing = {field.name for field in family.fields} - tabled - {f for fam, f in unruled if fam == family_name}
        assert not missing, '%s fields with no row in seed_table.py: %s' % (family_name, sorted(missing))
    assert all(key in {(r[0], r[1], r[2]) for r in ROWS} for key in KNOWN_WRONG)


# -- the modules' side -----------------------------------------------------------------------------------

@pytest.mark.parametrize('row', params('module'))
def test_the_modules_validation_agrees_with_the_seeds(row):
    family_name, field, value, valid, context, source = row
    family = FAMILIES[family_name]
    desired = family.desired({field: value})
    errors = family.validate(desired, desired.get(family.type_field) or context)
    if valid:
        assert errors == [], '%s %s=%r is valid (%s) but the module refuses it: %s' % (
            family_name, field, value, source, errors)
    else:
        assert errors, '%s %s=%r is invalid (%s) but the module accepts it' % (family_name, field, value, source)


# -- the emulator's side -----------------------------------------------------------------------------------

def create_request(elb, family_name, field, value, context):
    """(path, body) of a create that is valid but for ``field``, on a parent that takes ``context``."""
    if family_name == 'v1':
        listeners = elb.api('GET', '/v1.0/{project_id}/elbaas/listeners?name=' + V1_LISTENERS.get(context, 'classic-http-listener'))
        body = dict(listener_id=listeners[0]['id'], healthcheck_protocol=context, healthcheck_interval=5,
                    healthcheck_timeout=3)
        body[field] = value
        return '/v1.0/%s/elbaas/healthcheck' % PROJECT_ID, body
    monitor = dict(type=context, delay=5, timeout=3, max_retries=3)
    monitor[field] = value
    if family_name == 'v3':
        monitor['pool_id'] = elb.pool(V3_POOLS.get(context, 'demo-http-pool'))['id']
        return '/v3/%s/elb/healthmonitors' % PROJECT_ID, {'healthmonitor': monitor}
    monitor['pool_id'] = elb.pool(V2_POOLS.get(context, 'shared-http-pool'), family='v2')['id']
    return '/v2.0/lbaas/healthmonitors', {'healthmonitor': monitor}


@pytest.mark.parametrize('row', params('emulator'))
def test_the_emulator_agrees_with_the_seeds(elb, row):
    family_name, field, value, valid, context, source = row
    path, body = create_request(elb, family_name, field, value, context)
    response = elb.http.post(elb.url + path, json=body, headers={'X-Auth-Token': elb.token()}, timeout=30)
    if valid:
        assert response.status_code in (200, 201), '%s %s=%r is valid (%s) but the emulator answers %s %s' % (
            family_name, field, value, source, response.status_code, response.text[:300])
    else:
        assert response.status_code == 400, '%s %s=%r is invalid (%s) but the emulator answers %s %s' % (
            family_name, field, value, source, response.status_code, response.text[:300])


# -- list query keys the seed does not declare (issue 27.16) -------------------------------------------------

def two_v3_monitors(elb):
    """A monitor on the HTTP pool and one on the TCP pool: (monitors by pool name)."""
    made = {}
    for name, mtype in (('demo-http-pool', 'HTTP'), ('demo-tcp-pool', 'TCP')):
        body = dict(pool_id=elb.pool(name)['id'], type=mtype, delay=5, timeout=3, max_retries=3)
        made[name] = elb.api('POST', '/v3/{project_id}/elb/healthmonitors', {'healthmonitor': body})['healthmonitor']
    return made


@pytest.mark.parametrize('row', QUERY_ROWS, ids=lambda row: '%s-%s' % (row[0], row[2]))
def test_the_emulator_ignores_an_undeclared_list_key(elb, row):
    """Not a filter and not an error: the same answer as without the key."""
    _family, path, key, source = row
    made = two_v3_monitors(elb)
    url = elb.url + path.format(project_id=PROJECT_ID)
    headers = {'X-Auth-Token': elb.token()}
    plain = elb.http.get(url, headers=headers, timeout=30)
    with_key = elb.http.get(url, params={key: made['demo-tcp-pool']['pools'][0]['id']}, headers=headers, timeout=30)
    assert with_key.status_code == 200, '%s (%s): %s' % (key, source, with_key.text[:300])
    listed = [m['id'] for m in with_key.json()['healthmonitors']]
    assert listed == [m['id'] for m in plain.json()['healthmonitors']] == [m['id'] for m in made.values()]


@pytest.mark.parametrize('row', QUERY_ROWS, ids=lambda row: '%s-%s' % (row[0], row[2]))
def test_the_modules_select_by_pool_without_the_undeclared_key(elb, row):
    """healthmonitor_info's pool filter must not lean on the key the service ignores: it gets that pool's monitor."""
    family_name = row[0]
    made = two_v3_monitors(elb)
    module = importlib.import_module('ansible_collections.hwcloud.elb.plugins.modules.healthmonitor_info')
    connection = dict(elb_endpoint=elb.url, access_key=AK, secret_key=SK, project_id=PROJECT_ID, api_retries=1)
    result = run_module(module, dict(connection, api_version=family_name, pool='demo-tcp-pool'))
    assert [m['id'] for m in result['healthmonitors']] == [made['demo-tcp-pool']['id']], result
