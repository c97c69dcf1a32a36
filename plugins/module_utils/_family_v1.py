# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classic ELB (v1.0): health checks of listeners, ``/v1.0/{project_id}/elbaas/healthcheck``.

Bodies are flat, create answers 200, and there is no list call: a listener's ``healthcheck_id`` leads
to its check.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _checks
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import HEX32, Family, LoadBalancer, Lookup, Parent
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import Field

PROTOCOLS = ('HTTP', 'TCP', 'UDP')

# Which check protocols a listener of each protocol accepts: UDP only with UDP.
COMPATIBLE = {
    'UDP': ('UDP',),
    'TCP': ('TCP', 'HTTP'), 'HTTP': ('TCP', 'HTTP'), 'HTTPS': ('TCP', 'HTTP'), 'SSL': ('TCP', 'HTTP'),
}

URI = r'^/[A-Za-z0-9\-/.%?#&_=]*$'
URI_HINT = "a path starting with '/' made of letters, digits and -/.%?#&_= (1 to 80 characters)"

# The defaults are the seed examples' values: what the service holds for an omitted field is unverified.
# Only check mode's prediction of a create uses them; an existing check always carries its values.
FIELDS = [
    Field('healthcheck_protocol', 'enum', choices=PROTOCOLS, aliases=['protocol']),
    Field('healthcheck_uri', 'str', max_length=80, pattern=URI, pattern_hint=URI_HINT, types=('HTTP',),
          default='/', aliases=['uri']),
    Field('healthcheck_connect_port', 'int', minimum=1, maximum=65535, aliases=['connect_port']),
    Field('healthy_threshold', 'int', minimum=1, maximum=10, default=3),
    Field('unhealthy_threshold', 'int', minimum=1, maximum=10, default=3),
    Field('healthcheck_timeout', 'int', minimum=1, maximum=50, default=10, aliases=['timeout']),
    Field('healthcheck_interval', 'int', minimum=1, maximum=50, default=5, aliases=['interval']),
]


def udp_not_on_internal(family, desired, protocol, listener, current):
    """The service refuses UDP checks under a private-network (Internal) balancer.

    Reading the balancer's ``type`` costs a GET, so it happens only when a UDP check is about to be
    created or switched to, never on a run that keeps the check as it is.
    """
    if desired.get('healthcheck_protocol') != 'UDP' or str((current or {}).get('healthcheck_protocol')).upper() == 'UDP':
        return []
    if (listener.get('protocol') or '').upper() != 'UDP':
        return []  # type_fits_protocol already refuses UDP there
    balancer = listener.loadbalancer()
    if (balancer.get('type') or '').lower() != 'internal':
        return []
    return [('error', "healthcheck_protocol is 'UDP', but listener %s belongs to load balancer %s, which is "
                      "Internal (private network): the service allows no UDP health check there, and a UDP "
                      "listener takes no other." % (listener.get('id'), balancer.get('id')))]


LOADBALANCERS = '/v1.0/{project_id}/elbaas/loadbalancers'

FAMILY = Family(
    name='v1',
    result_key='healthcheck',
    path='/v1.0/{project_id}/elbaas/healthcheck',
    wrapper=None,
    fields=FIELDS,
    type_field='healthcheck_protocol',
    # The protocol the service picks when none is sent is unverified, and the protocol decides which
    # fields apply: a create names it.
    create_required=('healthcheck_protocol',),
    # The listener list filters on its response fields (name, loadbalancer_id, ...) and answers a bare array.
    parent=Parent(kind='listener', option='listener', path='/v1.0/{project_id}/elbaas/listeners', wrapper=None,
                  list_key=None, link_field='healthcheck_id', body_field='listener_id', id_pattern=HEX32,
                  loadbalancer_id=lambda listener: listener.get('loadbalancer_id'),
                  narrow_field='loadbalancer_id',
                  narrow_by=Lookup(kind='load balancer', option='loadbalancer', path=LOADBALANCERS, wrapper=None,
                                   list_key='loadbalancers', id_pattern=HEX32)),
    loadbalancer=LoadBalancer(LOADBALANCERS, None, status_field='status'),
    record=lambda listener_id: dict(id=None, listener_id=listener_id, create_time=None, update_time=None),
    checks=(_checks.type_fits_protocol('healthcheck_protocol', COMPATIBLE), udp_not_on_internal),
)
