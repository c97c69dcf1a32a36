# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What hwcloud.elb.healthmonitors reads, by list calls: the balancers (when a scope is given), the parents, the
monitors (v1 has no monitor list call: one GET per listener that has a check); and which parent an item names."""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils._client import PAGE_SIZE
from ansible_collections.hwcloud.elb.plugins.module_utils._engine import read_monitor
from ansible_collections.hwcloud.elb.plugins.module_utils._family import InputError, ParentNotFound


def current_of(family, parent, monitors):
    """The monitor ``parent`` holds, among ``monitors`` (id -> monitor), or None."""
    ident = family.parent.monitor_id(parent)
    return monitors.get(ident) if ident else None


class SetReads:
    """The reads of one task, each list call made once (the balancers and each balancer's record are kept)."""

    def __init__(self, family, client, scope):
        self.family = family
        self.client = client
        self.scope = scope          # the balancers the task names (ids or names), or empty
        self.scope_ids = None       # their ids, once resolve_scope has run
        self._balancers = None
        self._balancer_reads = {}

    def balancers(self):
        if self._balancers is None:
            path = self.family.loadbalancer.path
            if self.family.listed:
                self._balancers = list(self.client.paginate(path, 'loadbalancers', limit=PAGE_SIZE))
            else:
                data = self.client.get(path) or {}
                self._balancers = data.get('loadbalancers', []) if isinstance(data, dict) else data
        return self._balancers

    def find_balancer(self, value, what):
        """The id of the balancer named or identified by ``value``; InputError naming ``what`` otherwise."""
        by_id = [b for b in self.balancers() if b.get('id') == value]
        matches = by_id or [b for b in self.balancers() if b.get('name') == value]
        if len(matches) == 1:
            return matches[0]['id']
        if not matches:
            raise ParentNotFound('%s is %r; no load balancer has that id or name.' % (what, value))
        raise InputError('%s is %r; %d load balancers have that name (ids %s): give the id instead.' % (
            what, value, len(matches), ', '.join(sorted(b['id'] for b in matches))))

    def resolve_scope(self):
        """The ids of the balancers in scope (None without a scope); every one not found is named at once."""
        if not self.scope:
            return None
        problems, ids = [], set()
        for value in self.scope:
            try:
                ids.add(self.find_balancer(value, 'scope'))
            except InputError as err:
                problems.append(str(err))
        if problems:
            raise InputError(' '.join(problems) + ' Nothing was written.')
        self.scope_ids = ids
        return ids

    def list_parents(self):
        """The pools (listeners) of the balancers in scope, else of the project: list calls, filtered by balancer."""
        parent = self.family.parent
        scope_ids = self.scope_ids
        one_value = self.family.one_value_filters or not self.family.listed
        if scope_ids and (not one_value or len(scope_ids) == 1):
            queries = [{'loadbalancer_id': sorted(scope_ids)}]
        elif scope_ids and not self.family.listed:
            queries = [{'loadbalancer_id': ident} for ident in sorted(scope_ids)]
        else:
            queries = [{}]  # the whole project in one listing (v2 filters on one balancer at a time)
        found = []
        for query in queries:
            if self.family.listed:
                found.extend(self.client.paginate(parent.path, parent.list_key, query, limit=PAGE_SIZE))
            else:
                data = self.client.get(parent.path, query) or []
                found.extend(data.get(parent.list_key, []) if isinstance(data, dict) else data)
        if scope_ids:
            found = [item for item in found if parent.loadbalancer_id(item) in scope_ids]
        return found

    def read_monitors(self, parents):
        """Monitor id -> monitor: one listing (paginated), or for a family without one a GET per parent's check."""
        family = self.family
        if family.listed:
            listed = self.client.paginate(family.path, family.list_key, limit=PAGE_SIZE)
            return dict((monitor['id'], monitor) for monitor in listed)
        monitors = {}
        for ident in sorted(set(filter(None, (family.parent.monitor_id(parent) for parent in parents)))):
            monitor = read_monitor(family, self.client, ident)
            if monitor is not None:
                monitors[ident] = monitor
        return monitors

    def read_balancer(self, parent):
        """The balancer of ``parent`` as a rule needs it (v1: its type), read once per balancer."""
        ident = self.family.parent.loadbalancer_id(parent)
        if ident not in self._balancer_reads:
            self._balancer_reads[ident] = self.family.loadbalancer.read(self.client, ident) if ident else None
        return self._balancer_reads[ident]

    def match(self, item, parents):
        """The one parent an item names, by id else name, narrowed to its balancer (v1); InputError otherwise."""
        parent = self.family.parent
        value = item[parent.option]
        candidates = parents
        where = ''
        narrow = item.get('loadbalancer') if 'loadbalancer' in parent.narrowing else None
        if narrow:
            balancer = self.find_balancer(narrow, 'loadbalancer')
            candidates = [p for p in parents if parent.loadbalancer_id(p) == balancer]
            where = ' in load balancer %s' % narrow
        matches = [p for p in candidates if p.get('id') == value] or [p for p in candidates if p.get('name') == value]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            if narrow and any(p.get('id') == value for p in parents):
                raise ParentNotFound('%s is %r, which is not%s.' % (parent.option, value, where))
            inside = ' within scope (%s)' % ', '.join(self.scope) if self.scope else ''
            raise ParentNotFound('%s is %r; no %s%s has that id or name%s.' % (
                parent.option, value, parent.kind, where, inside))
        raise InputError('%s is %r; %d %ss have that name (ids %s): give the id instead.' % (
            parent.option, value, len(matches), parent.kind, ', '.join(sorted(p['id'] for p in matches))))
