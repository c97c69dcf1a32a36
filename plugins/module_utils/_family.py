# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an API family is, as data: where its monitors live, how a monitor's parent and balancer are found,
its fields and rules, what its list call filters on, and the vocabulary the roles map onto it.

Each family is one file (``_family_v3.py`` and its kin) declaring a ``Family``, and one line in
``_families.py``. Nothing here calls the service (``_lookup.py`` does the look-ups the families declare) or
runs a task: the engine (``_engine.py``) and the read side (``_query.py``) do, knowing no family by name.
"""

from __future__ import annotations

from collections import namedtuple

UUID = r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
HEX32 = r'[0-9a-f]{32}'


class Role(namedtuple('Role', 'label options lacks defaults_not_sent module identity narrowing',
                      defaults=((), (), None, None, ()))):
    """The roles' vocabulary (``_profiles.py``) mapped onto a family's monitor module, for the filter
    ``monitor_targets``. A family declares the first four; ``Family`` adds the last three from its own facts.

    label: the family's name in messages; options: role key -> module option; lacks: role keys the module has no
    option for; defaults_not_sent: profile defaults left out of the task; module: the module's FQCN; identity: the
    option naming the parent; narrowing: the options that help find it."""

    __slots__ = ()


class MemberApi(namedtuple('MemberApi', 'subnet_field subnet_required batches instance_ids check settle')):
    """What a pool family's member API takes beyond a create, a weight and a delete at ``Family.member_path``.

    subnet_field: the body key naming a member's subnet; subnet_required: a create must name one; batches: the
    batch-add, batch-update and batch-delete endpoints; instance_ids: instance-type members, named by instance_id;
    check: the member check job (member_check, diagnose); settle: member_traffic's settle can read what it needs."""

    __slots__ = ()


NO_MEMBER_API = MemberApi(subnet_field=None, subnet_required=False, batches=False, instance_ids=False, check=False,
                          settle=False)


class InputError(Exception):
    """The task's options cannot work; the message names the option, the value and what is allowed."""


class ParentNotFound(InputError):
    """No pool or listener has the id or name the task gives."""


def pool_loadbalancer_id(pool):
    """A v3 or v2 pool's balancer: the first of ``loadbalancers``, else ``loadbalancer_id``."""
    balancers = pool.get('loadbalancers') or [{}]
    return balancers[0].get('id') or pool.get('loadbalancer_id')


class ParentView(dict):
    """The parent as read, plus its balancer fetched on first use: a rule that needs the balancer
    (v1: its type) costs a GET only on the runs where it applies."""

    def __init__(self, parent, read_loadbalancer):
        super().__init__(parent)
        self._read_loadbalancer = read_loadbalancer
        self._loadbalancer = None

    def loadbalancer(self):
        if self._loadbalancer is None:
            self._loadbalancer = self._read_loadbalancer() or {}
        return self._loadbalancer


class CheckContext:
    """What a rule that needs the service sees: the task's fields, the effective type, the parent, the monitor."""

    def __init__(self, family, desired, monitor_type, parent, current):
        self.family = family
        self.desired = desired
        self.monitor_type = monitor_type
        self.parent = parent
        self.current = current

    def effective(self, name):
        """The value a field will have: the task's, else the monitor's current one."""
        return self.desired[name] if name in self.desired else (self.current or {}).get(name)


class Family:
    """One API generation's health-check resource, declared as data plus a few hooks.

    module: the FQCN of its monitor module; identity_spec: that module's options naming the parent.
    path: where its monitors live (item at path/{id}); wrapper: the key around one monitor in a body, or None (flat);
    list_key: the key around the monitors of a list answer. parent: a ``_lookup.Parent``; loadbalancer: a
    ``_lookup.LoadBalancer``. record: parent id -> the keys the service adds to a monitor it creates (check mode
    shows them). checks: rules ``(CheckContext) -> [(level, message)]``, level ``error`` or ``warning``, for what
    needs the parent. query_filters: the options healthmonitor_info takes for this family; one_value_filters: its
    list call takes one value per filter; query: ``(client, family, params) -> monitors`` for a family without a
    list call (``listed`` is False then). role: a ``Role``, the roles' vocabulary.
    members: how its backend members and their health are read (a reader of ``_members.py``), or None.
    member_path: where a pool's members are written (``{pool_id}`` in it: create, weight, delete); None for a
    family whose members have no weight to write (classic: member_traffic refuses it, member adds by job).
    member_api: a ``MemberApi``, what more its member API takes (default: nothing more).
    clearable: the fields an update may clear by sending null (healthmonitors' ``replaced`` uses it).
    """

    def __init__(self, name, module, identity_spec, result_key, path, wrapper, fields, type_field, create_required,
                 parent, loadbalancer, record, role, query_filters, checks=(), one_value_filters=False, query=None,
                 list_key=None, members=None, member_path=None, member_api=NO_MEMBER_API, clearable=()):
        self.name = name
        self.module = module
        self.identity_spec = identity_spec
        self.result_key = result_key
        self.path = path
        self.wrapper = wrapper
        self.fields = fields
        self.by_name = dict((field.name, field) for field in fields)
        self.type_field = type_field
        self.create_required = create_required
        self.parent = parent
        self.loadbalancer = loadbalancer
        self.record = record
        self.role = role._replace(module=module, identity=parent.option, narrowing=parent.narrowing)
        self.query_filters = frozenset(query_filters)
        self.checks = checks
        self.one_value_filters = one_value_filters
        self.query = query
        self.listed = query is None  # the monitors come from one list call (else from ``query``)
        self.list_key = list_key
        if self.listed and not list_key:
            raise ValueError('family %s has a list call: declare its list_key' % name)
        self.members = members
        self.member_path = member_path
        self.member_api = member_api
        self.clearable = tuple(clearable)

    def unwrap(self, data):
        return data.get(self.wrapper) if self.wrapper and isinstance(data, dict) else data

    def wrap(self, body):
        return {self.wrapper: body} if self.wrapper else body

    def desired(self, params):
        """The fields the user gave, canonical: every option that is not None counts, false and 0 too."""
        return dict((field.name, field.canonical(params.get(field.name)))
                    for field in self.fields if params.get(field.name) is not None)

    def validate(self, desired, monitor_type, current=None):
        """The errors of the rules that need no parent: each field's own, and on a type change
        the kept values' (``_plan.problems`` adds the family's checks, which need the parent)."""
        errors = [problem for problem in (self.by_name[name].problem(value, monitor_type)
                                          for name, value in desired.items()) if problem]
        type_changes = desired.get(self.type_field) not in (None, (current or {}).get(self.type_field))
        if current is not None and monitor_type and type_changes:
            errors.extend(self.kept_values_misfit(desired, monitor_type, current))
        return errors

    def kept_values_misfit(self, desired, new_type, current):
        """On a type change, the values the monitor keeps (not given by the task) must suit the new type: the
        service would otherwise hold a monitor its own create rule refuses (GRPC codes 0-99 on an HTTP check)."""
        problems = []
        for field in self.fields:
            value = current.get(field.name)
            if field.name in desired or value in (None, '') or (field.types and new_type not in field.types):
                continue
            if field.problem(value, new_type):
                problems.append('type changes from %s to %s, but the monitor keeps %s %r, which a %s monitor cannot '
                                'have; give %s for the new type in the same task.' % (
                                    current.get(self.type_field), new_type, field.name, value, new_type, field.name))
        return problems
