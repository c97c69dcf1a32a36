# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared ELB (v2.0): health monitors of pools, ``/v2.0/lbaas/healthmonitors`` (project from the token).

Two rules of its own beyond the v3 vocabulary: the service changes a monitor's type only between TCP and
HTTP on a TCP or HTTP pool (ELB.9899), and it documents ``expected_codes`` and ``http_method`` as reserved,
so a value it does not keep must never turn every run into a change (see ``ReservedField``).
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _checks, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._family import MemberApi
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import DOMAIN_NAME, DOMAIN_NAME_HINT
from ansible_collections.hwcloud.elb.plugins.module_utils._family_v3 import FAMILY as V3
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import Field
from ansible_collections.hwcloud.elb.plugins.module_utils._pool_family import pool_family

TYPES = ('TCP', 'UDP_CONNECT', 'HTTP')
# The v2.0 create page asks only that url_path start with '/' (and hold at most 80 characters, max_length):
# none of v3's character set. Control characters are refused for every option (_fields.control_problem).
URL_PATH = r'/.*'
URL_PATH_HINT = "a path starting with '/'"
HTTP_TYPES = ('HTTP',)
HTTP_METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'CONNECT', 'PATCH')

# Which monitor types a pool of each protocol accepts (QUIC runs over UDP, as in v3).
COMPATIBLE = {
    'UDP': ('UDP_CONNECT',), 'QUIC': ('UDP_CONNECT',),
    'TCP': ('TCP', 'HTTP'), 'HTTP': ('TCP', 'HTTP'),
}
# The service changes a monitor's type only from one of these to another, on a pool of one of these protocols.
TYPE_CHANGEABLE = ('TCP', 'HTTP')

# What the list call filters on, one value each (api-notes section 4).
QUERY_FILTERS = ('id', 'name', 'type', 'delay', 'timeout', 'max_retries', 'max_retries_down', 'monitor_port',
                 'domain_name', 'url_path', 'http_method', 'expected_codes', 'admin_state_up', 'pool',
                 'loadbalancer')


class ReservedField(Field):
    """A field the service documents as reserved: it may ignore the value it is sent.

    Sent when the monitor is created; on an existing monitor a different value is never written and never
    counts as a change (so a value the service does not keep cannot make every run report one); the
    ``reserved_not_kept`` check warns instead. ``fixed``: the value the service is documented to hold
    whatever it is sent, so the warning can come on the creating run already.
    """

    def __init__(self, name, fixed=None, **kwargs):
        super().__init__(name, **kwargs)
        self.fixed = fixed

    def equal(self, wanted, current, monitor_type):
        return True

    def ignored(self, wanted, current, monitor_type):
        """The value the service holds instead of ``wanted`` (for a create: is documented to hold), or None."""
        held = self.fixed if current is None else current.get(self.name)
        if held is None and current is not None:
            held = self.server_default(monitor_type)
        if held is None or super().equal(wanted, held, monitor_type):
            return None
        return held

    def problem(self, value, monitor_type=None):
        # Field checks the length of plain strings only; a codes string has a limit too.
        if self.kind != 'str' and self.max_length is not None and len(str(value)) > self.max_length:
            return self._bad(value, 'at most %d characters (it has %d)' % (self.max_length, len(str(value))))
        return super().problem(value, monitor_type)


def reserved_not_kept(context):
    """One warning, naming every reserved option the task gives that the service does not keep."""
    names, details = [], []
    for field in context.family.fields:
        if isinstance(field, ReservedField) and field.name in context.desired:
            held = field.ignored(context.desired[field.name], context.current, context.monitor_type)
            if held is not None:
                names.append(field.name)
                details.append('%s is %r but the service keeps %r' % (field.name, context.desired[field.name], held))
    if not names:
        return []
    return [('warning', 'The shared ELB service documents %s as reserved and may ignore what it is sent: %s. The '
                        'module never writes a reserved option to an existing health check nor counts it as a '
                        'change; remove it from the task, or give the value the service keeps, to silence this '
                        'warning.' % (' and '.join(names), '; '.join(details)))]


def _type_change_refused(context):
    """The service's ELB.9899 rule, said before any write: why the type cannot change, and what to do."""
    current, parent = context.current, context.parent
    if current is None or 'type' not in context.desired:
        return []
    old, new = (current.get('type') or '').upper(), context.desired['type']
    protocol = (parent.get('protocol') or '').upper()
    if old == new or (old in TYPE_CHANGEABLE and new in TYPE_CHANGEABLE and protocol in TYPE_CHANGEABLE):
        return []
    why = ('type cannot change from %s to %s: the shared ELB service changes the type of a health check only '
           'between TCP and HTTP, on a pool of protocol TCP or HTTP (it refuses anything else with ELB.9899), and '
           'this is a %s health check on pool %s of protocol %s.' % (old, new, old, parent.get('id'), protocol))
    allowed = COMPATIBLE.get(protocol)
    if allowed is None or new in allowed:
        return [('error', '%s To get a %s health check, delete this one (state: absent), then create it again '
                          'with type %s.' % (why, new, new))]
    hosts = sorted(p for p, types in COMPATIBLE.items() if new in types)
    return [('error', '%s A %s pool takes only %s health checks: keep type %s, or put the %s health check on a '
                      'pool of protocol %s.' % (why, protocol, ' or '.join(allowed), ' or '.join(allowed), new,
                                                ' or '.join(hosts)))]


_type_fits_protocol = _checks.type_fits_protocol('type', COMPATIBLE)


def type_rules(context):
    """A refused type change speaks for itself; otherwise the type must suit the pool's protocol."""
    return _type_change_refused(context) or _type_fits_protocol(context)


def _http_default(value):
    return lambda monitor_type: value if monitor_type in HTTP_TYPES else None


# Where the two APIs define a field the same way (range, default), it is v3's own declaration.
AGREED = ('delay', 'timeout', 'max_retries', 'max_retries_down', 'admin_state_up', 'monitor_port', 'name')

FIELDS = [Field('type', 'enum', choices=TYPES)] + [V3.by_name[name] for name in AGREED] + [
    Field('domain_name', 'str', max_length=100, pattern=DOMAIN_NAME, pattern_hint=DOMAIN_NAME_HINT, types=HTTP_TYPES),
    Field('url_path', 'str', max_length=80, pattern=URL_PATH, pattern_hint=URL_PATH_HINT, types=HTTP_TYPES,
          default=_http_default('/')),
    ReservedField('http_method', kind='enum', choices=HTTP_METHODS, types=HTTP_TYPES, default=_http_default('GET')),
    ReservedField('expected_codes', fixed='200', kind='codes', max_length=64, types=HTTP_TYPES,
                  default=_http_default('200'), code_range=(200, 599)),
]

FAMILY = pool_family(
    name='v2',
    module='hwcloud.elb.healthmonitor_v2',
    api='/v2.0/lbaas',  # the project comes from the token
    label='shared (v2)',
    member_reader=_members.TreeMembers,
    members_path='/pools/{pool_id}/members',
    member_api=MemberApi(subnet_field='subnet_id', subnet_required=True, batches=False, instance_ids=False,
                         check=False, settle=False),
    one_value_filters=True,
    defaults_not_sent=('expected_codes', 'method'),
    fields=FIELDS,
    record=lambda pool_id: dict(id=None, project_id=None, tenant_id=None, pools=[{'id': pool_id}]),
    query_filters=QUERY_FILTERS,
    checks=(type_rules, reserved_not_kept, _checks.timeout_below_delay('timeout', 'delay')),
)
