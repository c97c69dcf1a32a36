# Copyright: hwcloud.elb contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulator's state: one dict of collections behind one lock, optionally persisted.

Layout (also the ``--state`` file's JSON)::

    {"format": ..., "seed": true, "seeded_projects": [...], "secret": "<hex>",
     "v3": {"loadbalancers": {id: record}, "listeners": {}, "pools": {}, "healthmonitors": {}},
     "v2": {... same ...},
     "v1": {"loadbalancers": {}, "listeners": {}, "healthchecks": {}, "jobs": {}},
     "vpc": {"subnets": {}}}

Each collection is an insertion-ordered dict, so listing is in creation order.
A record is the resource as the API shows it plus a private ``"_"`` dict
(raw values, parent links, pending deadline) that is never sent.

Persistence: every mutation marks the state dirty; a writer thread coalesces
the writes (at most one every ``COALESCE_S``) and writes a temporary file then
``os.replace``-s it, so the file is always complete.  ``close()`` writes once
more, synchronously.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading

FORMAT = "hwcloud-elb-emulator/1"
COALESCE_S = 0.2

COLLECTIONS = {
    "v3": ("loadbalancers", "listeners", "pools", "healthmonitors", "members"),
    "v2": ("loadbalancers", "listeners", "pools", "healthmonitors", "members"),
    "v1": ("loadbalancers", "listeners", "healthchecks", "jobs", "members"),
    "vpc": ("subnets",),  # the VPC API's subnets that members name (vpc.py)
}


def empty_state():
    """A state with no resources."""
    data = {"format": FORMAT, "seed": False, "seeded_projects": []}
    for family, kinds in COLLECTIONS.items():
        data[family] = {kind: {} for kind in kinds}
    return data


class Store:
    """Holds the state; ``lock`` must be held to read or change it."""

    def __init__(self, path=None, seeder=None):
        self.lock = threading.RLock()
        self.path = path
        self.seeder = seeder
        self.data = empty_state()
        self.secret = None
        self._dirty = False
        self._cond = threading.Condition(threading.Lock())
        self._write_lock = threading.Lock()
        self._stopping = False
        self._stop_event = threading.Event()
        self._writer = None

    # -- lifecycle ----------------------------------------------------------

    def open(self, project_ids):
        """Load the state file if there is one, else seed every project."""
        loaded = None
        if self.path and os.path.exists(self.path):
            with open(self.path, encoding="utf-8") as handle:
                loaded = json.load(handle)
            if not isinstance(loaded, dict) or loaded.get("format") != FORMAT:
                raise ValueError("%s is not an emulator state file" % self.path)
        with self.lock:
            if loaded is not None:
                data = empty_state()
                for key, value in loaded.items():
                    if key in COLLECTIONS:
                        for kind in COLLECTIONS[key]:
                            data[key][kind] = dict(value.get(kind, {}))
                    elif key != "secret":
                        data[key] = value
                self.data = data
                self.secret = loaded.get("secret")
                if data.get("seed"):
                    missing = [p for p in project_ids if p not in data.get("seeded_projects", [])]
                    if missing:
                        self._seed(missing)
            else:
                self._seed(project_ids)
                self.data["seed"] = True
            if not self.secret:
                self.secret = os.urandom(32).hex()
        if self.path:
            self.flush()
            self._writer = threading.Thread(target=self._writer_loop, name="state-writer", daemon=True)
            self._writer.start()

    def close(self):
        """Stop the writer and write the state one last time."""
        self._stop_event.set()
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._writer is not None:
            self._writer.join(timeout=10)
        self.flush()

    def reset(self, project_ids, seed=True):
        """Back to the seed topology (or to nothing when ``seed`` is false)."""
        with self.lock:
            self.data = empty_state()
            if seed:
                self._seed(project_ids)
                self.data["seed"] = True
        self.mark_dirty()

    def _seed(self, project_ids):
        if self.seeder is not None:
            for project_id in project_ids:
                self.seeder(self.data, project_id)
                self.data["seeded_projects"].append(project_id)

    # -- access -------------------------------------------------------------

    def coll(self, family, kind):
        """The ``{id: record}`` dict of one collection (hold ``lock``)."""
        return self.data[family][kind]

    # -- persistence --------------------------------------------------------

    def mark_dirty(self):
        """Note a mutation; the writer thread will persist it soon."""
        if not self.path:
            return
        with self._cond:
            self._dirty = True
            self._cond.notify_all()

    def _writer_loop(self):
        while True:
            with self._cond:
                while not self._dirty and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
            # Coalesce a burst of writes into one file write.
            if self._stop_event.wait(COALESCE_S):
                return
            self.flush()

    def flush(self):
        """Write the state file now (atomically) if there is one."""
        if not self.path:
            return
        with self._write_lock:
            with self._cond:
                self._dirty = False
            with self.lock:
                snapshot = dict(self.data)
                snapshot["secret"] = self.secret
                text = json.dumps(snapshot, separators=(",", ":"))
            directory = os.path.dirname(os.path.abspath(self.path)) or "."
            fd, tmp = tempfile.mkstemp(prefix=".emulator-state-", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
