# -*- coding: utf-8 -*-
# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry of API families: the one place that lists them.

The query options and their ``api_version`` choices, the roles' filter and the documentation checks all
derive from it. A new family is its ``_family_<name>.py`` plus one entry here (see docs/architecture.md).
"""

from __future__ import annotations

from ansible_collections.hwcloud.elb.plugins.module_utils import _family_v1, _family_v2, _family_v3

FAMILIES = dict((family.name, family) for family in (
    _family_v3.FAMILY,
    _family_v2.FAMILY,
    _family_v1.FAMILY,
))
DEFAULT = 'v3'
