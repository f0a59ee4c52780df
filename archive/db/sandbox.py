"""Each document processed in a kept child process, with a time and a memory limit: one file can never take
the build down.

`Sandbox` runs documents one at a time in a child Python process (plain ``subprocess``: it also works inside
Dask workers, which may not use multiprocessing). The child's address space is capped (``RLIMIT_AS``,
`memory_mb`): an allocation past it fails inside the child (a MemoryError, or the child dies) and the document is
recorded with the reason. A document over `timeout` seconds gets its child killed and is recorded as failed;
the next document gets a fresh child. The local build (`nianbao build`) and the cluster tasks both use it.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import struct
import subprocess
import sys
import time

DEFAULT_TASK_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 3072  # OCR of a scanned page peaks near 1.9 GB of address space
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

    def __init__(self, memory_mb: int | None = DEFAULT_MEMORY_MB, ocr_threads: int | None = None):
        """`ocr_threads`: the OCR engine's threads in the child (NIANBAO_OCR_THREADS, unless the environment
        already sets it); several children at once should share the cores, not each take them all."""
        self.proc: subprocess.Popen | None = None
        self.done = 0
        self.memory_mb = memory_mb
        self.ocr_threads = ocr_threads

    def _limit(self) -> None:  # in the child, before it runs anything
        if self.memory_mb:
            limit = self.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def _start(self) -> subprocess.Popen:
        env = dict(os.environ)
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = os.pathsep.join(p for p in [here, env.get("PYTHONPATH", "")] if p)
        if self.ocr_threads:
            env.setdefault("NIANBAO_OCR_THREADS", str(self.ocr_threads))
        return subprocess.Popen([sys.executable, "-c", "from archive.db.sandbox import _child_main; _child_main()"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, preexec_fn=self._limit)

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
        try:
            payload = pickle.dumps((archive_dir, info, processor), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:  # e.g. a processor defined in a function
            return None, "error", f"cannot be sent to the processing child: {exc}"
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
