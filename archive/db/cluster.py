"""Extraction and parsing on a Dask cluster: ``nianbao build … --cluster tcp://HOST:PORT``.

The build sends one task per original that the processing cache does not already hold (cache hits never
leave this machine). A task carries the archive path and the document's sha256, not its bytes: **every
worker must see ARCHIVE_DIR at the same path** (a shared file system: NFS, CephFS, a bind mount) and run the
same version of nianbao. Results come back to the one SQLite writer in document order (a window of tasks is
kept in flight), so the database is the same as a local build's.

- **A worker that dies** (killed, out of memory, machine lost) loses nothing: the scheduler re-runs its
  tasks elsewhere. A document that kills ``distributed.scheduler.allowed-failures`` workers in a row comes
  back as ``KilledWorker`` and is recorded as an error with that reason; the build goes on.
- **A document that hangs** is stopped by a per-task limit (``task_timeout``): inside the worker the work
  runs in a kept child process (`archive.db.sandbox.Sandbox`: plain ``subprocess``, since Dask worker processes
  are daemons and may not use multiprocessing), which is killed when the limit passes; the document is recorded as
  ``failed`` with the reason and the next task gets a fresh child. A child that crashes (segfault) is an
  ``error`` with its exit status.
"""

from __future__ import annotations

import collections
import os
import threading
import time

from archive.db.sandbox import DEFAULT_TASK_TIMEOUT, Sandbox

_sandboxes = threading.local()


def process_task(archive_dir: str, info, processor, timeout: float):
    """The task a Dask worker runs for one document: (Processed | None, status, error)."""
    box = getattr(_sandboxes, "box", None)
    if box is None:
        box = _sandboxes.box = Sandbox()
    return box.run(archive_dir, info, processor, timeout)


# --- the client side ---------------------------------------------------------------------------------------------
def cluster_results(archive_dir, docs, processor, address: str, timeout: float = DEFAULT_TASK_TIMEOUT,
                    window: int | None = None):
    """(info, processed, status, error) for `docs`, in their order, computed on the cluster at `address`."""
    from distributed import Client
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    if not docs:
        return
    archive_dir = os.path.abspath(os.fspath(archive_dir))
    with Client(address, timeout="60s", set_as_default=False) as client:
        threads = sum((client.nthreads() or {}).values()) or 1
        window = window or max(64, 8 * threads)
        pending: collections.deque = collections.deque()
        todo = iter(enumerate(docs))
        stamp = f"{os.getpid()}-{time.monotonic_ns()}"

        def submit_more():
            while len(pending) < window:
                nxt = next(todo, None)
                if nxt is None:
                    return
                i, info = nxt
                fut = client.submit(process_task, archive_dir, info, processor, timeout,
                                    key=f"nianbao-doc-{info.sha256[:16]}-{stamp}-{i}", pure=False)
                pending.append((info, fut))

        submit_more()
        while pending:
            info, fut = pending.popleft()
            try:
                processed, status, error = fut.result()
            except KilledWorker as exc:
                processed, status, error = None, "error", f"workers died processing it: {exc}"
            except FutureCancelledError as exc:
                processed, status, error = None, "error", f"cancelled on the cluster: {exc}"
            fut.release()
            submit_more()
            yield info, processed, status, error
