# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the ELB emulator (run: python -m pytest tests/emulator/tests -q)."""

from __future__ import annotations
