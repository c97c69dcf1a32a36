# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules that need the parent or the current monitor, built once and shared by the families.

Each builder returns a check ``(family, desired, monitor_type, parent, current) -> [(level, message)]``.
"""

from __future__ import annotations


def _effective(name, desired, current):
    return desired[name] if name in desired else (current or {}).get(name)


def type_fits_protocol(type_name, compatible, protocol_of=lambda parent: parent.get('protocol')):
    """The monitor type must be one the parent's protocol allows (``compatible``: protocol -> types)."""
    def check(family, desired, monitor_type, parent, current):
        if type_name not in desired:
            return []
        protocol = (protocol_of(parent) or '').upper()
        allowed = compatible.get(protocol)
        if allowed is None or desired[type_name] in allowed:
            return []
        return [('error', '%s is %r, which a %s of protocol %s cannot use; it must be %s.' % (
            type_name, desired[type_name], family.parent.kind, protocol, ' or '.join(allowed)))]
    return check


def timeout_below_delay(timeout_name, delay_name):
    """Warn when a probe may wait as long as (or longer than) the gap between probes."""
    def check(family, desired, monitor_type, parent, current):
        if timeout_name not in desired and delay_name not in desired:
            return []
        timeout, delay = _effective(timeout_name, desired, current), _effective(delay_name, desired, current)
        if timeout is not None and delay is not None and timeout >= delay:
            return [('warning', '%s (%s) is not less than %s (%s); the service advises a %s below the %s.' % (
                timeout_name, timeout, delay_name, delay, timeout_name, delay_name))]
        return []
    return check


def port_required_for_any_port(port_name):
    """A pool that accepts any port (``any_port_enable``) needs an explicit monitor port."""
    def check(family, desired, monitor_type, parent, current):
        if parent.get('any_port_enable') and _effective(port_name, desired, current) is None:
            return [('error', '%s is not set, but %s %s accepts traffic on any port (any_port_enable); '
                              'set %s to the port to probe (1-65535).' % (
                                  port_name, family.parent.kind, parent.get('id'), port_name))]
        return []
    return check
