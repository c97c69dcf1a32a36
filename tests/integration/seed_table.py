# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The health-check field rules as the seed pages state them, as boundary rows: value just inside, just outside.

Written from /work/shared/seeds/ (the official API pages) and /work/shared/api-notes.md §2, never from
plugins/module_utils or tests/emulator: test_seed_conformance.py holds both implementations to it. A rule the
seeds do not state (v3 string lengths, expected_codes bounds, enum case) has no row: neither side is held to
what the seeds do not say.

A row: (family, field, value, valid, context, source). ``context`` is the monitor type (v3, v2) or the check
protocol (v1) the value is tried with, which also picks the parent (a pool or listener that takes it).
``KNOWN_WRONG`` names the rows where a side is known to disagree with the seeds today, and which side.
"""

from __future__ import annotations

V3_CREATE = 'seeds/v3-dedicated-create-healthmonitor.txt Table 4'
V2_CREATE = 'seeds/v2.0-shared-create-healthmonitor.txt Table 2'
V1_CREATE = 'seeds/v1.0-classic-create-healthcheck.md request table'
V3_LIST = 'seeds/v3-dedicated-list-healthmonitors.txt'
NOTES_V3 = 'api-notes.md §2 v3 table'
NOTES_V2 = 'api-notes.md §2 v2'
NOTES_V1 = 'api-notes.md §2 v1.0'


def int_rows(family, field, low, high, context, source):
    """The four boundaries of an integer range low..high."""
    return [(family, field, low - 1, False, context, source), (family, field, low, True, context, source),
            (family, field, high, True, context, source), (family, field, high + 1, False, context, source)]


def codes_of_length(length):
    """A valid expected_codes list exactly ``length`` characters long (16 codes, spaces after commas as needed)."""
    codes = [str(code) for code in range(200, 232, 2)]  # 16 codes: 63 characters with bare commas
    text = ','.join(codes)
    spaces = length - len(text)
    assert 0 <= spaces <= len(codes) - 1
    return text.replace(',', ', ', spaces)


# Without spaces a list of 3-digit codes is 63 or 67 characters long, never 65: the shortest over-long one
# that stays over-long however it is respaced (the module sends lists without spaces).
LONGEST_BARE_CODES = ','.join(str(code) for code in range(200, 234, 2))  # 17 codes, 67 characters

ROWS = []

# -- v3 (dedicated) ------------------------------------------------------------------------------------------
ROWS += [('v3', 'type', value, True, value, V3_CREATE + ' type: TCP, UDP_CONNECT, HTTP, HTTPS, GRPC, or TLS')
         for value in ('TCP', 'UDP_CONNECT', 'HTTP', 'HTTPS', 'GRPC', 'TLS')]
ROWS += [('v3', 'type', 'QUIC', False, 'HTTP', V3_CREATE + ' type: "QUIC protocol is not supported"'),
         ('v3', 'type', 'UDP', False, 'HTTP', V3_CREATE + ' type range')]
ROWS += int_rows('v3', 'delay', 1, 50, 'TCP', V3_CREATE + ' delay: 1 to 50')
ROWS += int_rows('v3', 'timeout', 1, 50, 'TCP', NOTES_V3 + ' timeout 1-50 s (the create table says N/A)')
ROWS += int_rows('v3', 'max_retries', 1, 10, 'TCP', V3_CREATE + ' max_retries: 1 to 10')
ROWS += int_rows('v3', 'max_retries_down', 1, 10, 'TCP', V3_CREATE + ' max_retries_down: 1 to 10')
ROWS += int_rows('v3', 'monitor_port', 1, 65535, 'TCP', V3_CREATE + ' monitor_port: 1 to 65535, or null')
ROWS += [('v3', 'admin_state_up', value, True, 'TCP', V3_CREATE + ' admin_state_up: true/false') for value in (True, False)]
DOMAIN_RULE = ' domain_name: digits, letters, hyphens, periods; starts with a digit or letter'
ROWS += [('v3', 'domain_name', value, valid, 'HTTP', V3_CREATE + DOMAIN_RULE) for value, valid in (
    ('www.test.com', True), ('0a-b.example', True), ('a', True),
    ('-bad.example', False), ('.bad.example', False), ('bad_name.example', False), ('bad name', False))]
URL_RULE = " url_path: starts with '/'; letters, digits, -/.%?#& and _;~!()*[]@$^:',+"
ROWS += [('v3', 'url_path', value, valid, 'HTTP', V3_CREATE + URL_RULE) for value, valid in (
    ('/', True), ('/a-b/c.d%20?x#y&z', True), ("/_;~!()*[]@$^:',+", True),
    ('healthz', False), ('/a b', False), ('/a=b', False), ('/a"b', False), ('/a|b', False))]
ROWS += [('v3', 'http_method', value, valid, 'HTTP', V3_CREATE + ' http_method: GET, HEAD, or POST')
         for value, valid in (('GET', True), ('HEAD', True), ('POST', True), ('PUT', False), ('PATCH', False))]
CODES_RULE = ' expected_codes: a value (200), a list (200, 202), a range (200-204)'
ROWS += [('v3', 'expected_codes', value, valid, 'HTTP', V3_CREATE + CODES_RULE) for value, valid in (
    ('200', True), ('200,202', True), ('200, 202', True), ('200-204', True), ('200,202-204', True),
    ('200;202', False), ('abc', False), ('200-', False), ('-200', False))]
ROWS += [('v3', 'expected_codes', '0', True, 'GRPC', V3_CREATE + ' expected_codes: GRPC default 0')]

# -- v2 (shared) ---------------------------------------------------------------------------------------------
ROWS += [('v2', 'type', value, True, value, V2_CREATE + ' type: TCP, UDP_CONNECT, or HTTP')
         for value in ('TCP', 'UDP_CONNECT', 'HTTP')]
ROWS += [('v2', 'type', value, False, 'HTTP', V2_CREATE + ' type: TCP, UDP_CONNECT, or HTTP') for value in ('HTTPS', 'GRPC')]
ROWS += int_rows('v2', 'delay', 1, 50, 'TCP', V2_CREATE + ' delay: 1 to 50')
ROWS += int_rows('v2', 'timeout', 1, 50, 'TCP', V2_CREATE + ' timeout: 1 to 50')
ROWS += int_rows('v2', 'max_retries', 1, 10, 'TCP', V2_CREATE + ' max_retries: 1 to 10')
ROWS += int_rows('v2', 'max_retries_down', 1, 10, 'TCP', V2_CREATE + ' max_retries_down: 1 to 10')
ROWS += int_rows('v2', 'monitor_port', 1, 65535, 'TCP', V2_CREATE + ' monitor_port: 1 to 65535')
ROWS += [('v2', 'name', 'n' * 255, True, 'TCP', V2_CREATE + ' name: at most 255 characters'),
         ('v2', 'name', 'n' * 256, False, 'TCP', V2_CREATE + ' name: at most 255 characters')]
ROWS += [('v2', 'domain_name', value, valid, 'HTTP', V2_CREATE + DOMAIN_RULE + '; at most 100 characters')
         for value, valid in (('www.test.com', True), ('d' * 100, True), ('d' * 101, False), ('-bad.example', False),
                              ('bad_name.example', False))]
V2_URL_RULE = " url_path: at most 80 characters, must start with '/' (no character set)"
ROWS += [('v2', 'url_path', value, valid, 'HTTP', V2_CREATE + V2_URL_RULE) for value, valid in (
    ('/', True), ('/' + 'u' * 79, True), ('/' + 'u' * 80, False), ('healthz', False),
    ('/a=b', True), ('/a|b', True))]
V2_METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'CONNECT', 'PATCH')
ROWS += [('v2', 'http_method', value, True, 'HTTP', V2_CREATE + ' http_method: GET, HEAD, POST, PUT, ... PATCH')
         for value in V2_METHODS]
ROWS += [('v2', 'http_method', 'FETCH', False, 'HTTP', V2_CREATE + ' http_method list')]
ROWS += [('v2', 'expected_codes', value, valid, 'HTTP', V2_CREATE + ' expected_codes: 200, 200,202, 200-204; '
          'at most 64 characters') for value, valid in (
    ('200', True), ('200,202', True), ('200-204', True), (codes_of_length(64), True), (LONGEST_BARE_CODES, False),
    ('200;202', False))]
ROWS += [('v2', 'admin_state_up', value, True, 'TCP', V2_CREATE + ' admin_state_up: true or false') for value in (True, False)]

# -- v1.0 (classic) ------------------------------------------------------------------------------------------
ROWS += [('v1', 'healthcheck_protocol', value, True, value, V1_CREATE + ' healthcheck_protocol: HTTP, TCP, UDP')
         for value in ('HTTP', 'TCP', 'UDP')]
ROWS += [('v1', 'healthcheck_protocol', value, False, 'HTTP', V1_CREATE + ' healthcheck_protocol: HTTP, TCP, UDP')
         for value in ('HTTPS', 'ICMP')]
V1_URI_RULE = " healthcheck_uri: 1 to 80 characters, starts with '/', letters, digits and -/.%?#&_="
ROWS += [('v1', 'healthcheck_uri', value, valid, 'HTTP', V1_CREATE + V1_URI_RULE) for value, valid in (
    ('/', True), ('/' + 'u' * 79, True), ('/' + 'u' * 80, False), ('/a-b/c.d%20?x=1#y&z_', True),
    ('healthz', False), ('/a b', False), ('/a;b', False), ('/a~b', False))]
ROWS += int_rows('v1', 'healthcheck_connect_port', 1, 65535, 'TCP', V1_CREATE + ' healthcheck_connect_port: 1 to 65535')
ROWS += int_rows('v1', 'healthy_threshold', 1, 10, 'TCP', V1_CREATE + ' healthy_threshold: 1 to 10')
ROWS += int_rows('v1', 'unhealthy_threshold', 1, 10, 'TCP', V1_CREATE + ' unhealthy_threshold: 1 to 10')
ROWS += int_rows('v1', 'healthcheck_timeout', 1, 50, 'TCP', V1_CREATE + ' healthcheck_timeout: 1 to 50')
ROWS += int_rows('v1', 'healthcheck_interval', 1, 50, 'TCP', V1_CREATE + ' healthcheck_interval: 1 to 50')

# -- list query keys the list seed does not declare ---------------------------------------------------------
# The v3 list seed's Table 2 names every key it filters on, and pool_id is not one of them (api-notes §4: "There is
# no pool_id filter"). What the service does with an undeclared key is not written down; the emulator ignores it
# (tests/emulator/README.md ★), so a client must not use one as a filter: it would get every record. A row:
# (family, list path, undeclared key, source). Both sides are held to "not a filter": the emulator answers as if
# the key were absent, and the modules' own filter by that parent works without it.
QUERY_ROWS = [('v3', '/v3/{project_id}/elb/healthmonitors', 'pool_id',
               V3_LIST + ' Table 2 query parameters: no pool_id (api-notes §4 "There is no pool_id filter")')]

# Rows where a side disagrees with the seeds today: (family, field, value) -> {side: why}. Sides: 'emulator'
# (tests/emulator) and 'module' (plugins/module_utils). Remove an entry once that side is fixed; the tests
# are strict xfails, so a fixed side turns them red until the entry goes.
# None today: the v2 url_path rows (seed 003: a leading '/', at most 80 characters) agree on both sides since
# issue 16 gave v2 its own rule.
KNOWN_WRONG = {}
