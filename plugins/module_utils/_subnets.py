# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A member's subnet by id or by name: a value shaped like an id (a UUID) is the subnet id ELB takes and is sent as
given; any other value is a subnet name, looked up with one (paginated) call to the VPC API's subnet list and
replaced by that subnet's ``neutron_subnet_id`` - the id v3 ``subnet_cidr_id`` and v2 ``subnet_id`` take (the
CreateMember references: "the IPv4 subnet id is the neutron_subnet_id of GET /v1/{project_id}/subnets"; for an
IPv6 address, v3 takes ``neutron_subnet_id_v6``).

The VPC endpoint is derived from the ELB one - its first label ``elb`` replaced by ``vpc``
(https://elb.cn-north-4.myhuaweicloud.com -> https://vpc.cn-north-4.myhuaweicloud.com) - and is the ELB endpoint
itself when its host has no such label (a private endpoint, the emulator on 127.0.0.1): the connection options have
no VPC endpoint of their own.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError

SUBNETS_PATH = '/v1/{project_id}/subnets'
PAGE_SIZE = 2000  # the largest page the VPC subnet list serves
SUBNET_ID = re.compile(r'[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}')


def is_subnet_id(value):
    """Whether ``value`` has the shape of a subnet id (a UUID); anything else is a name."""
    return bool(SUBNET_ID.fullmatch(str(value).strip()))


def vpc_endpoint(elb_endpoint):
    """The VPC endpoint beside an ELB endpoint: the first host label ``elb`` becomes ``vpc``; without that label
    the ELB endpoint itself."""
    parts = urlsplit(elb_endpoint)
    host = parts.hostname or ''
    label, dot, rest = host.partition('.')
    if label.lower() != 'elb' or not dot:
        return elb_endpoint
    netloc = 'vpc.' + rest + (':%d' % parts.port if parts.port else '')
    return urlunsplit(parts._replace(netloc=netloc))


def vpc_client(client):
    """The module's client (session, credentials, retries) pointed at the VPC endpoint."""
    vpc = copy.copy(client)
    vpc.settings = copy.copy(client.settings)
    vpc.settings.elb_endpoint = vpc_endpoint(client.settings.elb_endpoint)
    return vpc


def subnet_text(subnet):
    return '%s (%s in VPC %s)' % (subnet.get('neutron_subnet_id'), subnet.get('cidr'), subnet.get('vpc_id'))


def resolve(client, wanted):
    """The subnet ids of ``wanted``, a list of ``(option, value, address)``: ids as given, names looked up with one
    list walk (only when there is a name). Raises InputError, before any write, naming each option and value that
    names no subnet or several."""
    names = set(value for _option, value, _address in wanted if not is_subnet_id(value))
    found = {}
    if names:
        for subnet in vpc_client(client).paginate(SUBNETS_PATH, 'subnets', limit=PAGE_SIZE):
            if subnet.get('name') in names:
                found.setdefault(subnet['name'], []).append(subnet)
    ids, problems = [], []
    for option, value, address in wanted:
        if is_subnet_id(value):
            ids.append(value.strip())
            continue
        matches = found.get(value, [])
        key = 'neutron_subnet_id_v6' if ipaddress.ip_address(str(address).strip()).version == 6 else 'neutron_subnet_id'
        if len(matches) > 1:
            problem = '%s is %r; %d subnets have that name: give the subnet id - %s.' % (
                option, value, len(matches), ', '.join(map(subnet_text, matches)))
        elif not matches:
            problem = ('%s is %r; no subnet of the project has that name: give a subnet name or id (the neutron_subnet_id '
                       'of the VPC subnet list).' % (option, value))
        elif not matches[0].get(key):
            problem = '%s is %r; that subnet has no %s for address %s.' % (option, value, key, address)
        else:
            ids.append(matches[0][key])
            continue
        if problem not in problems:
            problems.append(problem)
    if problems:
        raise InputError('%s Nothing was written.' % ' '.join(problems))
    return ids


def resolve_creates(client, plan, params):
    """Put the subnet id into each planned create (``(item, None)`` in ``plan``, in the order of ``members`` when
    given) whose ``subnet`` is a name; only creates use a subnet, so a task that creates nothing makes no VPC call."""
    items = params.get('members')
    creates = [(index, item) for index, (item, member) in enumerate(plan) if member is None and item.get('subnet')]
    wanted = [('members[%d].subnet' % index if items and items[index].get('subnet') else 'subnet', item['subnet'],
               item['address']) for index, item in creates]
    for (_index, item), subnet_id in zip(creates, resolve(client, wanted) if wanted else []):
        item['subnet'] = subnet_id
