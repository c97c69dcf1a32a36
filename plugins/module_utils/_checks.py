# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rules that need the parent or the current monitor, built once and shared by the families.

Each builder returns a check ``(CheckContext) -> [(level, message)]`` (``_family.CheckContext``).
"""

from __future__ import annotations


def type_fits_protocol(type_name, compatible):
    """The monitor type must be one the parent's protocol allows (``compatible``: protocol -> types)."""
    def check(context):
        if type_name not in context.desired:
            return []
        protocol = (context.parent.get('protocol') or '').upper()
        allowed = compatible.get(protocol)
        wanted = context.desired[type_name]
        if allowed is None or wanted in allowed:
            return []
        return [('error', '%s is %r, which a %s of protocol %s cannot use; it must be %s.' % (
            type_name, wanted, context.family.parent.kind, protocol, ' or '.join(allowed)))]
    return check


def timeout_below_delay(timeout_name, delay_name):
    """Warn when a probe may wait as long as (or longer than) the gap between probes."""
    def check(context):
        if timeout_name not in context.desired and delay_name not in context.desired:
            return []
        timeout, delay = context.effective(timeout_name), context.effective(delay_name)
        if timeout is not None and delay is not None and timeout >= delay:
            return [('warning', '%s (%s) is not less than %s (%s); the service advises a %s below the %s.' % (
                timeout_name, timeout, delay_name, delay, timeout_name, delay_name))]
        return []
    return check


def port_required_for_any_port(port_name):
    """A pool that accepts any port (``any_port_enable``) needs an explicit monitor port."""
    def check(context):
        if context.parent.get('any_port_enable') and context.effective(port_name) is None:
            return [('error', '%s is not set, but %s %s accepts traffic on any port (any_port_enable); '
                              'set %s to the port to probe (1-65535).' % (
                                  port_name, context.family.parent.kind, context.parent.get('id'), port_name))]
        return []
    return check
