# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The event source's tests (make eda): the integration harness's emulator and the loopback backends."""

from __future__ import annotations

from emulator.tests.backends import backends_fixture  # noqa: F401  pylint: disable=unused-import
from integration.conftest import elb, emulator  # noqa: F401  pylint: disable=unused-import
