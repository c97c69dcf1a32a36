# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding objects on the service: one object of a kind by id or name (``Lookup``), a monitor's parent
(``Parent``) and a balancer's provisioning status (``LoadBalancer``). The families declare them (``_family.py``
says what a family is); this module is what calls the service for them."""

from __future__ import annotations

import re

from ansible_collections.hwcloud.elb.plugins.module_utils._errors import ApiError
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentNotFound


class Lookup:
    """How to find one object of a kind by id, else by name (one GET either way)."""

    def __init__(self, kind, option, path, wrapper, list_key, id_pattern):
        self.kind = kind                      # "pool" / "listener" / "load balancer", for messages
        self.option = option                  # the module option naming it
        self.path = path                      # collection path; item at path/{id}
        self.wrapper = wrapper                # response key around one object, or None (flat)
        self.list_key = list_key              # response key around a list, or None (bare list)
        self.id_pattern = re.compile(id_pattern)

    def get(self, client, ident):
        try:
            data = client.get('%s/%s' % (self.path, ident))
        except ApiError as err:
            if err.status == 404:
                return None
            raise
        return data.get(self.wrapper) if self.wrapper else data

    def find_by_name(self, client, name, query=None):
        data = client.get(self.path, dict(query or {}, name=name)) or []
        items = data.get(self.list_key, []) if isinstance(data, dict) else data
        return [item for item in items if item.get('name') == name]

    def matching(self, client, value, query=None):
        """Every object with the id ``value``, else with that name (narrowed by ``query``); empty when none."""
        if self.id_pattern.fullmatch(value):
            found = self.get(client, value)
            if found is not None:
                return [found]
        return self.find_by_name(client, value, query)

    def find(self, client, value, query=None, where=''):
        """The one object named or identified by ``value``; InputError when none or several match."""
        matches = self.matching(client, value, query)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ParentNotFound('%s is %r; no %s has that id or name%s.' % (self.option, value, self.kind, where))
        raise InputError('%s is %r; %d %ss have that name (ids %s): give the id instead.' % (
            self.option, value, len(matches), self.kind, ', '.join(sorted(m['id'] for m in matches))))


class Parent(Lookup):
    """What a monitor belongs to (a pool or a listener): how it links to its monitor and to its balancer."""

    narrowing = ()  # options besides ``option`` that help find the parent (v1: the listener's balancer)

    def __init__(self, kind, option, path, wrapper, list_key, link_field, body_field, id_pattern, loadbalancer_id):
        super().__init__(kind, option, path, wrapper, list_key, id_pattern)
        self.link_field = link_field          # the parent's field holding the monitor id
        self.body_field = body_field          # the monitor's field holding the parent id
        self.loadbalancer_id = loadbalancer_id  # parent dict -> balancer id

    def find_for(self, client, params):
        """The parent a task names (its ``option``); a family whose parent needs more overrides this."""
        return self.find(client, params[self.option])

    def monitor_id(self, parent):
        return parent.get(self.link_field) or None


class LoadBalancer:
    """Where a family reads a balancer's provisioning status."""

    def __init__(self, path, wrapper, status_field='provisioning_status'):
        self.path = path
        self.wrapper = wrapper
        self.status_field = status_field

    def read(self, client, ident):
        data = client.get('%s/%s' % (self.path, ident))
        return data.get(self.wrapper) if self.wrapper else data

    def status(self, client, ident):
        return (self.read(client, ident).get(self.status_field) or '').upper()
