# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Field validation shared by the API families.

Each check raises :class:`common.ApiError` with the family's 400 code and a
message naming the field, the value and the rule, in the style of the
service's ``Invalid input for field/attribute ...`` messages.
"""

from __future__ import annotations

import json
import re

from .common import ApiError

# Every pattern is matched against the whole value (re.fullmatch): "$" would let a trailing newline through.
# seed v3-dedicated-create-healthmonitor.txt table 4 "url_path": starts with /; letters, digits, -/.%?#&_ and _;~!()*[]@$^:',+
URL_PATH_CHARS_RE = re.compile(r"[A-Za-z0-9\-/.%?#&_;~!()*\[\]@$^:',+]*")
# seed v3-dedicated-create-healthmonitor.txt table 4 "domain_name": digits, letters, - and .; starts with a digit or letter
DOMAIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")
# seed v1.0-classic-create-healthcheck.md table 1 "healthcheck_uri": 1-80 characters, starts with /; letters, digits and -/.%?#&_=
CLASSIC_URI_RE = re.compile(r"/[A-Za-z0-9\-/.%?#&_=]*")
# seed v3-dedicated-create-healthmonitor.txt table 4 "expected_codes": 200 | 200,202 | 200-204 (and combinations);
# spaces are tolerated (the seed writes "200, 202"), other white space such as a newline is not
EXPECTED_CODES_RE = re.compile(r" *\d+( *- *\d+)?( *, *\d+( *- *\d+)?)* *")


def _show(value):
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


class Checker:
    """Validates the fields of one request body, raising 400 with ``code``."""

    def __init__(self, body, code="ELB.8902"):
        self.body = body
        self.code = code

    def fail(self, key, reason):
        """Raise the 400 answer for ``key``."""
        value = self.body.get(key) if isinstance(self.body, dict) else None
        raise ApiError(400, self.code, "Invalid input for field/attribute %s. Value: %s. %s" % (key, _show(value), reason))

    def present(self, key):
        """True if the body has ``key`` (even null)."""
        return key in self.body

    def require(self, *keys):
        """Every key must be present and non-null."""
        for key in keys:
            if self.body.get(key) is None:
                raise ApiError(400, self.code, "Invalid input for field/attribute %s. Value: null. The field is mandatory." % key)

    def _has_value(self, key, nullable):
        """True if ``key`` holds a value to check; False if absent or null (400 if null is not allowed)."""
        if key not in self.body:
            return False
        if self.body[key] is None:
            if not nullable:
                self.fail(key, "The value cannot be null.")
            return False
        return True

    def integer(self, key, lo, hi, nullable=False):
        """``key``, if present, is an integer in [lo, hi] (or null when allowed)."""
        if not self._has_value(key, nullable):
            return
        value = self.body[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, "The value must be an integer.")
        if value < lo or value > hi:
            self.fail(key, "The value must be between %d and %d." % (lo, hi))

    def boolean(self, key, nullable=False):
        """``key``, if present, is a JSON boolean."""
        if key not in self.body:
            return
        value = self.body[key]
        if value is None and nullable:
            return
        if not isinstance(value, bool):
            self.fail(key, "The value must be a boolean.")

    def string(self, key, max_len=None, min_len=0, pattern=None, nullable=False, pattern_text=""):
        """``key``, if present, is a string with the given length and pattern."""
        if not self._has_value(key, nullable):
            return
        value = self.body[key]
        if not isinstance(value, str):
            self.fail(key, "The value must be a string.")
        if len(value) < min_len:
            self.fail(key, "The value must be at least %d characters long." % min_len)
        if max_len is not None and len(value) > max_len:
            self.fail(key, "The value must be at most %d characters long." % max_len)
        if pattern is not None and value != "" and not pattern.fullmatch(value):
            self.fail(key, "The value is not valid%s." % (": " + pattern_text if pattern_text else ""))

    def enum(self, key, allowed, nullable=False):
        """``key``, if present, is one of ``allowed`` (case-sensitive)."""
        if key not in self.body:
            return
        value = self.body[key]
        if value is None and nullable:
            return
        if value not in allowed:
            self.fail(key, "The value must be one of %s." % ", ".join(allowed))


def check_expected_codes(chk, key, lo, hi, max_len=64):  # seed v2.0 table 2 "expected_codes": at most 64 characters
    """Validate an expected-codes string: ``200``, ``200,202`` or ``200-204``, codes in [lo, hi]."""
    chk.string(key, max_len=max_len, nullable=True)
    value = chk.body.get(key)
    if value is None:
        return
    if not EXPECTED_CODES_RE.fullmatch(value):
        chk.fail(key, "The value must be a code, a comma-separated list of codes or a range such as 200-204.")
    for part in value.split(","):
        bounds = [int(p) for p in part.split("-")]
        if any(b < lo or b > hi for b in bounds):
            chk.fail(key, "Each code must be between %d and %d." % (lo, hi))
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            chk.fail(key, "A range must go from the lower to the higher code.")


def check_url_path(chk, key, charset):
    """``key``, if given, starts with "/"; with ``charset`` (v3) every character must be in it.

    The message names the rule that is broken: the leading slash, or the first character outside the set.
    """
    value = chk.body.get(key)
    if not isinstance(value, str) or value == "":
        return  # type, null and length are Checker.string's
    if not value.startswith("/"):
        chk.fail(key, "The value must start with '/'.")
    if charset is not None and not charset.fullmatch(value):
        bad = next(c for c in value if not charset.fullmatch(c))
        chk.fail(key, "The character %s is not allowed: only letters, digits and -/.%%?#&_;~!()*[]@$^:',+." % json.dumps(bad))
