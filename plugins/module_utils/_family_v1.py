# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classic ELB (v1.0): health checks of listeners, ``/v1.0/{project_id}/elbaas/healthcheck``.

Bodies are flat, create answers 200, and there is no list call: a listener's ``healthcheck_id`` leads
to its check.
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _checks, _members
from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._family import HEX32, Family, InputError, ParentNotFound, Role
from ansible_collections.hwcloud.elb.plugins.module_utils._fields import Field
from ansible_collections.hwcloud.elb.plugins.module_utils._lookup import LoadBalancer, Lookup, Parent

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


def udp_not_on_internal(context):
    """The service refuses UDP checks under a private-network (Internal) balancer.

    Reading the balancer's ``type`` costs a GET, so it happens only when a UDP check is about to be
    created or switched to, never on a run that keeps the check as it is.
    """
    listener = context.parent
    if (context.desired.get('healthcheck_protocol') != 'UDP'
            or str((context.current or {}).get('healthcheck_protocol')).upper() == 'UDP'):
        return []
    if (listener.get('protocol') or '').upper() != 'UDP':
        return []  # type_fits_protocol already refuses UDP there
    balancer = listener.loadbalancer()
    if (balancer.get('type') or '').lower() != 'internal':
        return []
    return [('error', "healthcheck_protocol is 'UDP', but listener %s belongs to load balancer %s, which is "
                      "Internal (private network): the service allows no UDP health check there, and a UDP "
                      "listener takes no other." % (listener.get('id'), balancer.get('id')))]


API = '/v1.0/{project_id}/elbaas'
HEALTHCHECKS, LISTENERS, LOADBALANCERS = API + '/healthcheck', API + '/listeners', API + '/loadbalancers'
BALANCER = Lookup(kind='load balancer', option='loadbalancer', path=LOADBALANCERS, wrapper=None,
                  list_key='loadbalancers', id_pattern=HEX32)


class ListenerParent(Parent):
    """A classic listener, found by id or name, narrowed to the balancer of the ``loadbalancer`` option when given
    (listener names are unique only within a balancer). A balancer given by name costs one GET for its id."""

    narrowing = ('loadbalancer',)

    def find_for(self, client, params):
        narrow = params.get('loadbalancer')
        if not narrow:
            return self.find(client, params[self.option])
        value = params[self.option]
        balancer, where = narrow, ' in load balancer %s' % narrow
        if not BALANCER.id_pattern.fullmatch(narrow):
            balancer = BALANCER.find(client, narrow)['id']
            where = ' in load balancer %s (%s)' % (narrow, balancer)
        if self.id_pattern.fullmatch(value):
            found = self.get(client, value)
            if found is not None:
                if found.get('loadbalancer_id') != balancer:  # both given, and they disagree
                    raise InputError('%s is %r, which is not%s but in load balancer %s.' % (
                        self.option, value, where, found.get('loadbalancer_id')))
                return found
        return self.find(client, value, {'loadbalancer_id': balancer}, where)

    def listeners(self, client, params):
        """The listeners an info query names: by listener and/or balancer (id or name), else all of them."""
        query = {}
        if params.get('loadbalancer'):
            balancer = params['loadbalancer']
            if not BALANCER.id_pattern.fullmatch(balancer):  # an id needs no look-up
                try:
                    balancer = BALANCER.find(client, balancer)['id']
                except ParentNotFound:
                    return []
            query['loadbalancer_id'] = balancer
        if params.get('listener'):
            listeners = self.matching(client, params['listener'], query)
            if query:  # a listener given by id must still belong to the balancer given
                listeners = [item for item in listeners if item.get('loadbalancer_id') == query['loadbalancer_id']]
            return listeners
        return client.get(self.path, query) or []


def query_checks(client, family, params):
    """Classic has no list call for health checks: they are found through their listeners' healthcheck_id,
    one GET each."""
    if params.get('id'):
        ids = params['id']
    else:
        ids = [family.parent.monitor_id(listener) for listener in family.parent.listeners(client, params)]
    checks = []
    for ident in sorted(set(filter(None, ids))):
        try:
            checks.append(family.unwrap(client.get('%s/%s' % (family.path, ident))))
        except ApiError as err:
            if err.status != 404:
                raise
    return checks


FAMILY = Family(
    name='v1',
    module='hwcloud.elb.healthcheck_v1',
    identity_spec=dict(listener=dict(type='str', required=True, aliases=['listener_id']),
                       loadbalancer=dict(type='str', aliases=['loadbalancer_id'])),
    result_key='healthcheck',
    path=HEALTHCHECKS,
    wrapper=None,
    fields=FIELDS,
    type_field='healthcheck_protocol',
    # The protocol the service picks when none is sent is unverified, and the protocol decides which
    # fields apply: a create names it.
    create_required=('healthcheck_protocol',),
    # The listener list filters on its response fields (name, loadbalancer_id, ...) and answers a bare array.
    parent=ListenerParent(kind='listener', option='listener', path=LISTENERS,
                          wrapper=None, list_key=None, link_field='healthcheck_id', body_field='listener_id',
                          id_pattern=HEX32, loadbalancer_id=lambda listener: listener.get('loadbalancer_id')),
    loadbalancer=LoadBalancer(LOADBALANCERS, None, status_field='status'),
    record=lambda listener_id: dict(id=None, listener_id=listener_id, create_time=None, update_time=None),
    role=Role(label='classic (v1)',
              options=dict(type='healthcheck_protocol', interval='healthcheck_interval', timeout='healthcheck_timeout',
                           healthy_threshold='healthy_threshold', unhealthy_threshold='unhealthy_threshold',
                           port='healthcheck_connect_port', path='healthcheck_uri'),
              lacks=('domain', 'expected_codes', 'method')),
    query_filters=('listener', 'loadbalancer', 'id'),
    query=query_checks,
    checks=(_checks.type_fits_protocol('healthcheck_protocol', COMPATIBLE), udp_not_on_internal),
    members=_members.ListenerMembers(LOADBALANCERS, listeners=LISTENERS, members=LISTENERS + '/{listener_id}/members',
                                     healthchecks=HEALTHCHECKS),
)
