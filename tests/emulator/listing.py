# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filtering and pagination of list answers (v3 ``page_info``, v2 Neutron links)."""

from __future__ import annotations

from urllib.parse import urlencode

from .common import ApiError, parse_bool, parse_int

V3_MAX_LIMIT = 2000  # seed v3-dedicated-list-healthmonitors.txt table 2 "limit": 0 to 2000, default 2000


def _norm(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return None
    return str(value)


def make_filter(req, spec):
    """A predicate over records from the query string.

    ``spec`` maps a query key to ``(accessor, kind)``: the accessor is a record
    key or a callable (which may return a list: any element may match); kind is
    ``"str"``, ``"int"`` or ``"bool"``.  Repeating a key means any of the values.
    """
    tests = []
    for key, (accessor, kind) in spec.items():
        values = req.q_all(key)
        if not values:
            continue
        if kind == "int":
            wanted = {parse_int(v, key) for v in values}
        elif kind == "bool":
            wanted = {parse_bool(values[-1], key)}
        else:
            wanted = set(values)
        get = accessor if callable(accessor) else (lambda rec, k=accessor: rec.get(k))
        tests.append((get, wanted, kind))
    if not tests:
        return None

    def predicate(rec):
        for get, wanted, kind in tests:
            value = get(rec)
            items = value if isinstance(value, list) else [value]
            if kind == "str":
                items = [_norm(v) for v in items]
            if not any(v in wanted for v in items if v is not None):
                return False
        return True

    return predicate


def _marker_index(records, marker):
    for index, rec in enumerate(records):
        if rec["id"] == marker:
            return index
    raise ApiError(400, "ELB.8902", "Invalid input for field/attribute marker. Value: %s. The marker is not an existing id." % marker)


def _window(records, predicate, marker, limit, reverse):
    """(page, more_in_direction) of ``records`` after/before ``marker``."""
    if marker is not None:
        index = _marker_index(records, marker)
        candidates = records[:index] if reverse else records[index + 1:]
    else:
        candidates = records
    if predicate is not None:
        candidates = [r for r in candidates if predicate(r)]
    if limit is None:
        return candidates, False
    if reverse:
        page = candidates[-limit:] if limit else []
        return page, len(candidates) > len(page)
    page = candidates[:limit]
    return page, len(candidates) > len(page)


def v3_page(req, records, predicate):
    """Paginate like v3: ``limit`` 0-2000 (default 2000), ``marker``, ``page_reverse``; returns (page, page_info).

    seed v3-dedicated-list-healthmonitors.txt: "Parameters marker and page_reverse take effect only when they
    are used together with parameter limit" (so without ``limit`` they are ignored); table 2 "limit": 0 to 2000,
    default 2000; table 5: previous_marker = the first record of the page, next_marker = the last one. Its
    example lists everything and still shows next_marker, so both are there on every non-empty page: a client
    knows the last page by a short (or empty) page, not by a missing marker.
    """
    raw_limit = req.q_one("limit")
    limit = V3_MAX_LIMIT
    marker = None
    reverse = False
    if raw_limit is not None:
        limit = parse_int(raw_limit, "limit")
        if limit < 0 or limit > V3_MAX_LIMIT:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute limit. Value: %s. "
                           "The value must be between 0 and %d." % (raw_limit, V3_MAX_LIMIT))
        raw_reverse = req.q_one("page_reverse")
        reverse = parse_bool(raw_reverse, "page_reverse") if raw_reverse is not None else False
        marker = req.q_one("marker")
        if marker == "":  # table 2 "marker": "cannot be left blank or set to an invalid ID"
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute marker. Value: . The marker cannot be blank.")
    page, _more = _window(records, predicate, marker, limit, reverse)
    info = {"current_count": len(page)}
    if page:
        info["previous_marker"] = page[0]["id"]
        info["next_marker"] = page[-1]["id"]
    return page, info


def v2_page(req, records, predicate, with_links, passthrough):
    """Paginate like Neutron: ``limit`` (0 or absent: all), ``marker``, ``page_reverse``.

    Returns (page, links) where links is None unless ``with_links`` and a limit was given.
    ``passthrough`` lists the filter keys to repeat in the links.
    """
    raw_limit = req.q_one("limit")
    limit = None
    if raw_limit is not None:
        limit = parse_int(raw_limit, "limit")
        if limit < 0:
            raise ApiError(400, "ELB.8902", "Invalid input for field/attribute limit. Value: %s. The value must not be negative." % raw_limit)
        if limit == 0:
            limit = None
    raw_reverse = req.q_one("page_reverse")
    reverse = parse_bool(raw_reverse, "page_reverse") if raw_reverse is not None else False
    marker = req.q_one("marker")
    if marker == "":
        marker = None
    page, more = _window(records, predicate, marker, limit, reverse)
    if not with_links or limit is None:
        return page, None
    base = [(k, v) for k, v in req.query if k in passthrough]
    links = []

    def href(extra):
        return "%s%s?%s" % (req.base_url, req.raw_path, urlencode(base + [("limit", limit)] + extra))

    if page:
        has_next = (marker is not None) if reverse else more
        has_previous = more if reverse else (marker is not None)
        if has_next:
            links.append({"href": href([("marker", page[-1]["id"])]), "rel": "next"})
        if has_previous:
            links.append({"href": href([("marker", page[0]["id"]), ("page_reverse", "True")]), "rel": "previous"})
    return page, links
