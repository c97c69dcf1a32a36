# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The input edge, swept: every option of every module, each with the wrong values of its declared type.

For each (module, option, bad value) the module runs in-process against the real emulator over HTTP and must
fail with a message naming that option, make no write (the emulator's stats), and show no traceback. The
catalogue is by type, so a new option is swept the day it is declared. The roles' edge is in test_input_edge_play.

Swept once (issue 28): the connection options, shared by every module through ElbModule, are swept in one module
(CONNECTION_SWEPT_IN), and the _facts modules, which declare the same options as their _info module, not at all;
two tests hold that sharing, so an option declared apart from it is swept again.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml

from .conftest import AK, PROJECT_ID, SK, run_module
from .conftest import module_argument_spec as module_spec  # (module, whole spec)

# The module whose connection options are swept; every other module must declare them identically.
CONNECTION_SWEPT_IN = 'healthmonitor_v3'
# A _facts module and the _info module it must declare the same options as.
SAME_SPEC_AS = {'healthmonitor_facts': 'healthmonitor_info', 'member_health_facts': 'member_health_info'}

# A task each module accepts, the base that one bad option at a time is put into.
VALID = {
    'healthmonitor_v3': dict(pool='demo-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3),
    'healthmonitor_v2': dict(pool='shared-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3),
    'healthcheck_v1': dict(listener='classic-http-listener', healthcheck_protocol='HTTP'),
    'healthmonitor_info': dict(api_version='v3'),
    'healthmonitor_facts': dict(api_version='v3'),
    'member_health_info': dict(api_version='v3', pool='demo-http-pool'),
    'member_health_facts': dict(api_version='v3', pool='demo-http-pool'),
    'member_traffic': dict(api_version='v3', pool='demo-http-pool', address='127.0.0.1', state='drained'),
    'member': dict(api_version='v3', pool='demo-http-pool', address='127.0.0.1', protocol_port=80),
    'member_check': dict(api_version='v3', pool='demo-http-pool', address='127.0.0.1'),
    'healthmonitors': dict(config=[dict(pool='demo-http-pool', type='HTTP', delay=5, timeout=3, max_retries=3)]),
}

CONTROL = ['x\n', '/x\n', 'a\rb', 'a\x1b[31mb', 'a\x00b', '\t', 'a\x7fb', 'a\x85b']
NOT_SCALAR = [['a-list-item'], {'a-key': 1}]  # longer than one letter: a secret's value is masked everywhere
# Wrong values by declared type: none of them may reach the service.
BAD = {
    'int': [True, False, 'yes', 'five', 1.5, '1.5', 'nan', 'inf', '-inf', '1e400', 10 ** 30, -1] + NOT_SCALAR,
    'float': [True, False, 'fast', 'nan', 'inf', '-inf', -1, 0, 10 ** 9] + NOT_SCALAR,
    'bool': ['maybe', 5, -1, 'nan', 2.5] + NOT_SCALAR,
    'str': CONTROL + NOT_SCALAR,
    'path': CONTROL + NOT_SCALAR,
    'list': [[value] for value in CONTROL] + [{'a': 1}],
    'dict': [5, 'a-string', ['a-list-item'], {'some-id': True}, {'some-id': 0}, {'some-id': 'five'}],
}
# Options of a monitor module whose every value is meaningful to the service: over-long and out-of-set values.
OVERLONG = 'x' * 5000
ENDPOINTS = ['127.0.0.1:1234', 'elb.example.internal', 'ftp://elb.example.com', 'http://[::1', 'https://',
             'http://host:99999', 'http://host:0', 'https://elb.example.com/?a=1', 'https://elb.example.com/#f',
             'https://user:secret@elb.example.com', 'https://exa mple.com', 'file:///etc/passwd']


def connection_options():
    from ansible_collections.hwcloud.elb.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
    return CONNECTION_ARGUMENT_SPEC


def cases():
    for name in sorted(set(VALID) - set(SAME_SPEC_AS)):
        _module, spec = module_spec(name)
        for option, declaration in sorted(spec.items()):
            if option in connection_options() and name != CONNECTION_SWEPT_IN:
                continue
            kind = declaration.get('type', 'str')
            values = list(BAD[kind])
            if option in ('elb_endpoint', 'auth_url'):
                values += ENDPOINTS
            if kind == 'str' and declaration.get('choices'):
                values += [declaration['choices'][0] + '\n', 'not-a-choice']
            if option in ('name', 'domain_name', 'url_path', 'healthcheck_uri', 'project_id'):
                values.append(OVERLONG)
            for value in values:
                yield pytest.param(name, option, value, id='%s-%s-%r' % (name, option, value)[:120])
            if declaration.get('options') and VALID[name].get(option):
                # a list of dicts (healthmonitors' config): each suboption, in a copy of the valid first item
                for sub, subdeclaration in sorted(declaration['options'].items()):
                    values = list(BAD[subdeclaration.get('type', 'str')])
                    if sub in ('name', 'domain_name', 'url_path', 'healthcheck_uri'):
                        values.append(OVERLONG)
                    for value in values:
                        yield pytest.param(name, '%s.%s' % (option, sub), value,
                                           id='%s-%s.%s-%r' % (name, option, sub, value)[:120])


def test_the_sweep_covers_every_option_of_every_module():
    """Guards the sweep itself: a module, or an option without bad values, would silently escape it."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(root, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        assert set(VALID) == set(yaml.safe_load(handle)['action_groups']['all'])
    swept = set((name, option) for name, option, _value in (case.values for case in cases()))
    for name in set(VALID) - set(SAME_SPEC_AS):
        own = set(module_spec(name)[1]) - set(connection_options())
        assert set((name, option) for option in own) <= swept, name
    assert set((CONNECTION_SWEPT_IN, option) for option in connection_options()) <= swept


@pytest.mark.parametrize('name', sorted(VALID))
def test_every_module_declares_the_connection_options_alike(name):
    """What makes sweeping them in one module enough."""
    spec = module_spec(name)[1]
    assert dict((option, spec.get(option)) for option in connection_options()) == connection_options()


@pytest.mark.parametrize('name', sorted(SAME_SPEC_AS))
def test_a_facts_module_declares_what_its_info_module_does(name):
    """What makes sweeping the _info module enough."""
    assert module_spec(name)[1] == module_spec(SAME_SPEC_AS[name])[1]


@pytest.mark.parametrize('name, option, value', list(cases()))
def test_a_bad_value_fails_naming_the_option_before_any_write(elb, name, option, value):
    module, spec = module_spec(name)
    args = dict(VALID[name], elb_endpoint=elb.url, access_key=AK, secret_key=SK, project_id=PROJECT_ID,
                api_retries=0)
    if '.' in option:  # a suboption of the first item of a list of dicts
        option, sub = option.split('.')
        args[option] = [dict(VALID[name][option][0], **{sub: value})]
    else:
        sub = None
        args[option] = value
    elb.reset_stats()
    result = run_module(module, args)
    text = json.dumps(result)
    assert result.get('failed'), 'accepted %s=%r: %s' % (sub or option, value, text)
    assert (sub or option) in result['msg'], 'the message does not name %s: %s' % (sub or option, result['msg'])
    assert elb.writes() == [], 'wrote after %s=%r' % (option, value)
    assert 'Traceback' not in text and 'MODULE FAILURE' not in text
    if spec[option].get('no_log') and isinstance(value, str) and len(value) > 2:
        assert value not in result['msg']


# -- the roles: every target key and role variable, through the filter the roles run before any call ----------

def role_cases():
    from ansible_collections.hwcloud.elb.plugins.module_utils._families import FAMILIES
    from ansible_collections.hwcloud.elb.plugins.module_utils._profiles import INT_KEYS, KIND_KEYS
    for kind in ('http', 'tcp'):
        for api_version, family in sorted(FAMILIES.items()):
            role = family.role
            keys = [role.identity] + list(role.narrowing) + ['profile', 'state'] + [
                key for key in KIND_KEYS[kind] if key not in role.lacks]
            for key in keys:
                values = BAD['int'] if key in INT_KEYS else CONTROL + NOT_SCALAR + [True]
                for value in values:
                    yield pytest.param(kind, api_version, key, value, id='%s-%s-%s-%r' % (kind, api_version, key, value))


@pytest.mark.parametrize('kind, api_version, key, value', list(role_cases()))
def test_a_bad_target_value_fails_the_role_naming_the_key(kind, api_version, key, value):
    """The roles resolve every target with hwcloud.elb.monitor_targets before any module runs: this is their edge.
    (A few of the same cases run through ansible-playbook in test_roles.py and test_input_edge_play.py.)"""
    from ansible.errors import AnsibleFilterError
    from ansible_collections.hwcloud.elb.plugins.filter.monitor_targets import monitor_targets
    target = {'listener': 'classic-http-listener'} if api_version == 'v1' else {'pool': 'demo-http-pool'}
    target[key] = value
    with pytest.raises(AnsibleFilterError) as info:
        monitor_targets([target], kind, api_version=api_version)
    assert key in str(info.value) and 'Traceback' not in str(info.value)


@pytest.mark.parametrize('variable, value', [('kind', 'udp'), ('api_version', 'v4'), ('profile', 'fastest'),
                                             ('state', 'present\n'), ('targets', 'demo-http-pool')])
def test_a_bad_role_variable_fails_naming_it(variable, value):
    from ansible.errors import AnsibleFilterError
    from ansible_collections.hwcloud.elb.plugins.filter.monitor_targets import monitor_targets
    args = dict(kind='http')
    args[variable] = value
    targets = args.pop('targets', [{'pool': 'demo-http-pool'}])
    with pytest.raises(AnsibleFilterError, match=variable):
        monitor_targets(targets, **args)
