"""`nianbao run`: one whole scheduled cycle, for cron.

crawl every source → rebuild the database from the archive → publish it atomically.

Exit codes (one line per problem on stderr):
  0   all sources healthy, database published
  1   a source broke (named); the database was still rebuilt and published from what the archive holds
  2   the source registry is bad (every bad line named); nothing was crawled or published
  3   the run failed (crawl crashed or the build failed); the previously published database is untouched
  75  another run holds the lock (EX_TEMPFAIL: cron will simply try again next time)

The log (ARCHIVE_DIR/logs/nianbao-run.log) is rotated at `LOG_MAX_BYTES`, keeping `LOG_BACKUPS` old files.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
from logging.handlers import RotatingFileHandler
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from archive.originals.layout import ArchiveLayout
from archive.originals.runs import CrawlRun, latest_run
from archive.originals.store import ArchiveStore

EXIT_OK, EXIT_SOURCE_BROKEN, EXIT_BAD_REGISTRY, EXIT_FAILED, EXIT_LOCKED = 0, 1, 2, 3, 75
LOG_MAX_BYTES, LOG_BACKUPS = 10 * 1024 * 1024, 5
log = logging.getLogger("nianbao.run")


class LockHeld(RuntimeError):
    pass


@contextmanager
def run_lock(path: Path):
    """An exclusive, non-blocking lock; the kernel drops it if the process dies, so no stale locks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            raise LockHeld(f"another nianbao run holds {path} ({fh.read().strip() or 'pid unknown'})") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {dt.datetime.now().isoformat(timespec='seconds')}\n")
        fh.flush()
        yield fh
    finally:
        fh.close()


def _setup_logging(log_file: Path) -> logging.Handler:
    """The run's log, rotated before a run once it has grown past LOG_MAX_BYTES (the crawl and the build
    append to it too, so it is rotated between runs, never in the middle of one)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    if log_file.exists() and log_file.stat().st_size >= LOG_MAX_BYTES:
        handler.doRollover()
    handler.maxBytes = 0  # no rollover while the run writes: the crawl's process holds the file open too
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def _die_with_parent() -> None:
    """In the crawl's process, before it runs: the kernel sends it SIGKILL when the run that started it dies
    (prctl PR_SET_PDEATHSIG), so a `kill -9` of `nianbao run` leaves no crawl behind."""
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(3)


def crawl_step(sources: str | None, archive_dir: Path, jobdir: Path, polite: bool, log_file: Path,
               lock=None) -> int:
    """Run the crawl in its own process (Twisted's reactor starts once per process) and return its exit code.

    The crawl holds the run's lock too (the locked file is open in it), so no other run starts while any part
    of this one lives, and it dies with the run (`_die_with_parent`)."""
    cmd = [sys.executable, "-m", "nianbao", "crawl", "--archive-dir", str(archive_dir), "--jobdir", str(jobdir)]
    if sources:
        cmd += ["--sources", str(sources)]
    if not polite:
        cmd.append("--no-polite")
    log.info("crawl: %s", " ".join(cmd))
    with open(log_file, "a", encoding="utf-8") as out:
        out.flush()
        rc = subprocess.call(cmd, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                             pass_fds=(lock.fileno(),) if lock is not None else (),
                             preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
    if rc in (0, 1):
        # The crawl finished: its resume state must not leak into the next run (its seen-requests filter
        # would skip the listing pages). A killed crawl (other codes) keeps it, and the next run resumes.
        shutil.rmtree(jobdir, ignore_errors=True)
    return rc


def broken_sources(record: CrawlRun | None) -> list[str]:
    """One line per broken source of a crawl run record."""
    if record is None:
        return []
    lines = []
    for sid in record.broken_sources:
        source = record.sources.get(sid)
        lines.append(f"source {sid} broken: {(source.error if source else None) or 'no reports found'}")
    return lines


def run_cycle(archive_dir: Path, db: Path, sources: str | None = None, polite: bool = True,
              crawl: bool = True, log_file: Path | None = None, echo=print) -> int:
    archive_dir.mkdir(parents=True, exist_ok=True)
    layout = ArchiveLayout(archive_dir)
    log_file = log_file or layout.run_log
    handler = _setup_logging(log_file)
    try:
        with run_lock(layout.run_lock) as lock:
            return _cycle(archive_dir, db, sources, polite, crawl, log_file, echo, lock)
    except LockHeld as exc:
        echo(f"nianbao run: {exc}")
        return EXIT_LOCKED
    finally:
        log.removeHandler(handler)
        handler.close()


def _cycle(archive_dir: Path, db: Path, sources, polite, crawl, log_file, echo, lock=None) -> int:
    from archive.db.build import build

    problems: list[str] = []
    failed = False
    log.info("run started: archive %s, database %s", archive_dir, db)
    if crawl:
        jobdir = ArchiveLayout(archive_dir).jobdir
        rc = crawl_step(sources, archive_dir, jobdir, polite, log_file, lock)
        record = latest_run(ArchiveLayout(archive_dir))
        if rc == 1:
            problems += broken_sources(record) or ["a source broke (see the crawl run record)"]
        elif rc == 2:
            return _finish([f"the source registry is bad (the crawl's lines above name each bad line, see "
                            f"{log_file}); nothing was crawled, the published database {db} is unchanged"],
                           EXIT_BAD_REGISTRY, echo)
        elif rc != 0:
            resume = ("its queue is kept in " + str(jobdir) + " and the next run resumes it" if jobdir.exists()
                      else "the next run crawls again from the listings")
            return _finish([f"crawl failed with exit code {rc} (see {log_file}); {resume}; the published "
                            f"database {db} is unchanged"], EXIT_FAILED, echo)
    try:
        merged = ArchiveStore(archive_dir).compact()  # per-process logs of ended crawls: one log again
        if merged:
            log.info("merged %d per-process fetch log(s) into fetches.jsonl", len(merged))
    except OSError as exc:  # reading still merges every log: a failed compaction loses nothing
        log.warning("fetch logs not compacted: %s", exc)
    try:
        with open(log_file, "a", encoding="utf-8") as progress:
            counts = build(archive_dir, db, sources_file=sources, progress=True, stream=progress,
                           jobs=os.cpu_count() or 1)
        log.info("published %s: %s", db, counts)
        from archive.originals.processed import ProcessedCache

        for old in ProcessedCache(archive_dir).prune():  # results of older pipelines are never read again
            log.info("removed the processing cache of an older pipeline: %s", old)
    except Exception as exc:  # the previous database stays in place: build writes a temporary file first
        log.exception("build failed")
        failed = True
        problems.append(f"build failed: {exc!r}; the previous database at {db} is unchanged")
    return _finish(problems, EXIT_FAILED if failed else EXIT_SOURCE_BROKEN if problems else EXIT_OK, echo)


def _finish(problems: list[str], status: int, echo) -> int:
    for line in problems:
        log.error(line)
        echo(f"nianbao run: {line}")
    log.info("run finished with exit code %d", status)
    return status


@click.command()
@click.option("--archive-dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The archive of originals (created if missing).")
@click.option("--db", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The published database; replaced atomically when the new one is complete.")
@click.option("--sources", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Source registry CSV (default: the bundled crawler/sources.csv).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Log file (default: ARCHIVE_DIR/logs/nianbao-run.log).")
@click.option("--polite/--no-polite", default=True, show_default=True)
@click.option("--no-crawl", "no_crawl", is_flag=True,
              help="Only re-process the archive into a new database (after a parser upgrade).")
def run(archive_dir: Path, db: Path, sources, log_file, polite: bool, no_crawl: bool) -> None:
    """One scheduled cycle: crawl, rebuild, publish. Exit 0 ok, 1 a source broke, 3 failed, 75 locked."""
    sys.exit(run_cycle(archive_dir, db, sources, polite, not no_crawl, log_file,
                       echo=lambda m: click.echo(m, err=True)))
