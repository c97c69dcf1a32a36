# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entry point: ``python3 tests/emulator --host 127.0.0.1 --port PORT [...]``.

Running the directory executes this file as a script; it puts the directory's
parent on ``sys.path`` so that the modules beside it load as the ``emulator``
package (they use relative imports).
"""

from __future__ import annotations

import os
import sys

if not __package__:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from emulator.server import main  # pylint: disable=import-error
else:
    from .server import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
