"""LibreOffice headless conversions, shared by the extractors and the document farm.

Every conversion runs `soffice --convert-to` with a profile (`-env:UserInstallation`) that no other
running soffice uses: concurrent instances sharing one profile silently lose outputs. Profiles are
slots under a per-user directory, each guarded by an exclusive `flock`, so concurrent calls from
threads or processes never share one, and a finished call leaves its slot warm for the next
(a fresh profile costs ~0.3 s more). A hard timeout kills the whole process group of a hung
conversion. The output is checked to exist and be non-empty; callers must still validate it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import ExtractionError

# target extension -> LibreOffice export filter
FILTERS = {
    "docx": "docx:MS Word 2007 XML",
    "doc": "doc:MS Word 97",
    "odt": "odt:writer8",
    "rtf": "rtf:Rich Text Format",
    "pdf": "pdf:writer_pdf_Export",
    "xls": "xls:MS Excel 97",
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "html": "html:XHTML Writer File:UTF8",
}
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 2048
PROFILE_ROOT = Path(tempfile.gettempdir()) / f"nianbao-lo-profiles-{os.getuid()}"
MAX_SLOTS = 16


class ConversionTimeout(ExtractionError):
    pass


def soffice_path() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise ExtractionError("LibreOffice (soffice) is not installed; run scripts/install-system-deps.sh")
    return path


@contextmanager
def profile_slot() -> Iterator[Path]:
    """An exclusive LibreOffice profile directory for the duration of one soffice run."""
    PROFILE_ROOT.mkdir(parents=True, exist_ok=True)
    for i in range(MAX_SLOTS):
        slot = PROFILE_ROOT / f"slot-{i}"
        slot.mkdir(exist_ok=True)
        lock = open(slot / ".lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        try:
            yield slot / "profile"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
        return
    # Every slot busy: a throw-away profile is slower but still private.
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        yield Path(tmp) / "profile"


def _memory_cap(memory_mb: int | None):
    if not memory_mb:
        return None

    def apply() -> None:
        import resource

        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_soffice(args: list[str], timeout: float, profile: Path,
                memory_mb: int | None = DEFAULT_MEMORY_MB) -> subprocess.CompletedProcess:
    """Run soffice in its own process group with capped memory; on timeout kill the group (soffice.bin too)."""
    cmd = [soffice_path(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "HOME": str(profile.parent)}, preexec_fn=_memory_cap(memory_mb))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise ConversionTimeout(f"LibreOffice conversion timed out after {timeout:g} s")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert_files(paths: list[Path], target: str, outdir: Path, timeout: float = DEFAULT_TIMEOUT,
                  memory_mb: int | None = DEFAULT_MEMORY_MB) -> list[Path]:
    """Convert files with one soffice process; returns the output path of each input (missing ones raise)."""
    filt = FILTERS.get(target, target)
    with profile_slot() as profile:
        result = run_soffice(["--convert-to", filt, "--outdir", str(outdir), *map(str, paths)], timeout, profile,
                             memory_mb)
    outputs = []
    for path in paths:
        out = outdir / (path.stem + "." + target.split(":")[0])
        if not out.exists() or out.stat().st_size == 0:
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-300:]
            raise ExtractionError(f"LibreOffice could not convert {path.suffix or 'the file'} to {target}"
                                  + (f": {detail}" if detail else ""))
        outputs.append(out)
    return outputs


def convert(data: bytes, src_ext: str, target: str, timeout: float = DEFAULT_TIMEOUT,
            memory_mb: int | None = DEFAULT_MEMORY_MB) -> bytes:
    """Convert a document given as bytes (`src_ext` like "doc") to `target` ("docx", "pdf", …)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-conv-") as tmp:
        src = Path(tmp) / f"input.{src_ext.lstrip('.')}"
        src.write_bytes(data)
        outdir = Path(tmp) / "out"
        outdir.mkdir()
        (out,) = convert_files([src], target, outdir, timeout, memory_mb)
        return out.read_bytes()


def convert_many(items: list[tuple[bytes, str]], target: str, timeout: float = DEFAULT_TIMEOUT) -> list[bytes]:
    """Convert several documents with one soffice start (the "warm" path: start-up paid once)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-conv-") as tmp:
        paths = []
        for i, (data, ext) in enumerate(items):
            p = Path(tmp) / f"input{i}.{ext.lstrip('.')}"
            p.write_bytes(data)
            paths.append(p)
        outdir = Path(tmp) / "out"
        outdir.mkdir()
        return [p.read_bytes() for p in convert_files(paths, target, outdir, timeout * max(1, len(items)))]
