"""A kept LibreOffice worker: start-up paid once, then ~0.3-0.5 s per conversion.

Needs Debian's python3-uno (the bridge runs under /usr/bin/python3, see `_uno_bridge.py`). One
worker owns one soffice and one profile slot; run one worker per core. A conversion that exceeds
its timeout kills the worker's whole process group; the next call starts a fresh one.
"""

from __future__ import annotations

import atexit
import functools
import json
import threading
import os
import select
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

from .errors import ExtractionError
from .office import FILTERS, ConversionTimeout, profile_slot, soffice_path

SYSTEM_PYTHON = "/usr/bin/python3"
BRIDGE = Path(__file__).with_name("_uno_bridge.py")


@functools.lru_cache(maxsize=1)
def available() -> bool:
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


class WarmOffice:
    def __init__(self, start_timeout: float = 60.0):
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen | None = None
        self._slot = None

    def __enter__(self) -> "WarmOffice":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        if not available():
            raise ExtractionError("warm LibreOffice worker needs python3-uno")
        self._slot = profile_slot()
        profile = self._slot.__enter__()
        self.proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(BRIDGE), soffice_path(), profile.as_uri(), f"nianbao{uuid.uuid4().hex[:12]}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True, text=True)
        reply = self._read(self.start_timeout)
        if not reply.get("ready"):
            self.close()
            raise ExtractionError(f"warm LibreOffice worker failed to start: {reply.get('error')}")

    def _read(self, timeout: float) -> dict:
        assert self.proc and self.proc.stdout
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.close()
            raise ConversionTimeout(f"LibreOffice conversion timed out after {timeout:g} s")
        line = self.proc.stdout.readline()
        if not line:
            self.close()
            raise ExtractionError("warm LibreOffice worker died")
        return json.loads(line)

    def convert(self, data: bytes, src_ext: str, target: str, timeout: float = 60.0) -> bytes:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        with tempfile.TemporaryDirectory(prefix="nianbao-warm-") as tmp:
            src = Path(tmp) / f"input.{src_ext}"
            out = Path(tmp) / f"output.{target}"
            src.write_bytes(data)
            request = {"in": str(src), "out": str(out), "filter": FILTERS[target].split(":", 1)[1]}
            assert self.proc and self.proc.stdin
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            reply = self._read(timeout)
            if "error" in reply:
                raise ExtractionError(f"LibreOffice could not convert {src_ext} to {target}: {reply['error']}")
            if not out.exists() or out.stat().st_size == 0:
                raise ExtractionError(f"LibreOffice produced no {target} output")
            return out.read_bytes()

    def close(self) -> None:
        if self.proc is not None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()  # the bridge then stops its soffice itself
                self.proc.wait(timeout=5)
            except (subprocess.TimeoutExpired, BrokenPipeError, OSError):
                pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the bridge's group: the bridge and its soffice
            except ProcessLookupError:
                pass
            self.proc.wait()
            self.proc = None
        if self._slot is not None:
            self._slot.__exit__(None, None, None)
            self._slot = None


_SHARED: WarmOffice | None = None
_SHARED_LOCK = threading.Lock()


def convert_warm(data: bytes, src_ext: str, target: str, timeout: float = 60.0) -> bytes:
    """Convert with this process's kept worker (started on first use, stopped at exit); one call at a time."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = WarmOffice()
            atexit.register(_SHARED.close)
        return _SHARED.convert(data, src_ext, target, timeout)
