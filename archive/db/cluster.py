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
  runs in a kept child process (``Sandbox``: plain ``subprocess``, since Dask worker processes are daemons
  and may not use multiprocessing), which is killed when the limit passes; the document is recorded as
  ``failed`` with the reason and the next task gets a fresh child. A child that crashes (segfault) is an
  ``error`` with its exit status.
"""

from __future__ import annotations

import collections
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time

DEFAULT_TASK_TIMEOUT = 300.0
RECYCLE_AFTER = 500  # tasks per child process (bounds any slow leak in an extractor)
_HEADER = struct.Struct("!Q")


# --- the child process: runs one document at a time ------------------------------------------------------------
def _child_main() -> None:
    """Loop: read (archive_dir, info, processor), write (processed, status, error). Protocol on the original
    stdin/stdout; fd 1 then points at stderr so that a chatty extractor cannot corrupt the stream."""
    from archive.db.build import _process
    from archive.originals.store import ArchiveStore

    inp = os.fdopen(os.dup(0), "rb")
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    while True:
        head = inp.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return
        archive_dir, info, processor = pickle.loads(inp.read(_HEADER.unpack(head)[0]))
        try:
            result = _process(ArchiveStore(archive_dir), info, processor)
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            data = pickle.dumps((None, "error", f"{type(exc).__name__}: {exc}"))
        out.write(_HEADER.pack(len(data)) + data)
        out.flush()


class Sandbox:
    """A kept child Python process that processes documents one at a time, with a time limit each."""

    def __init__(self):
        self.proc: subprocess.Popen | None = None
        self.done = 0

    def _start(self) -> subprocess.Popen:
        env = dict(os.environ)
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = os.pathsep.join(p for p in [here, env.get("PYTHONPATH", "")] if p)
        return subprocess.Popen([sys.executable, "-c", "from archive.db.cluster import _child_main; _child_main()"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for fh in (self.proc.stdin, self.proc.stdout):
                try:
                    fh.close()
                except OSError:
                    pass
            self.proc = None
            self.done = 0

    def run(self, archive_dir: str, info, processor, timeout: float):
        if self.proc is None or self.proc.poll() is not None or self.done >= RECYCLE_AFTER:
            self.stop()
            self.proc = self._start()
        payload = pickle.dumps((archive_dir, info, processor), protocol=pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + timeout
        try:
            self.proc.stdin.write(_HEADER.pack(len(payload)) + payload)
            self.proc.stdin.flush()
            head = self._read(_HEADER.size, deadline)
            result = pickle.loads(self._read(_HEADER.unpack(head)[0], deadline))
        except TimeoutError:
            self.stop()
            return None, "failed", f"processing took longer than the per-document limit of {timeout:g} s (stopped)"
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            code = self.proc.poll() if self.proc else None
            self.stop()
            return None, "error", f"the processing child process died (exit status {code}): {exc}"
        self.done += 1
        return result

    def _read(self, n: int, deadline: float) -> bytes:
        fd = self.proc.stdout.fileno()
        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise EOFError("end of stream")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)


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
