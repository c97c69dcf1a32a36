# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Local emulator of the Huawei Cloud ELB API (classic v1.0, shared v2.0, dedicated v3) and IAM.

Run it with ``python3 tests/emulator --host 127.0.0.1 --port 0``; see README.md.
"""

from __future__ import annotations
