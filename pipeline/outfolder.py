"""The output folder as runs share it: one run writes to it at a time, and a run that died
(killed, disk full) leaves nothing behind that the next run must have cleared by hand."""
from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"  # in the output folder; holds the pid of the run writing to it
STAGING_PREFIX = ".staging-"  # a run's tables until they are complete (`TableWriter`)


class OutputUnusable(OSError):
    """The output folder cannot take the tables: it is a file, cannot be created or
    written, or another run is writing to it."""


class WriteFailed(OSError):
    """Writing the tables failed part way (a full disk): the previous tables are as they
    were and nothing of the failed run is left in the folder."""


@contextmanager
def hold(out: Path) -> Iterator[None]:
    """Lock `out` for this run (created if missing), first removing what dead runs left
    there; raises `OutputUnusable` at once, never waits, if another run holds it. The lock
    (flock) goes with the process however it ends, so it never needs removing by hand."""
    if out.exists() and not out.is_dir():
        raise OutputUnusable(f"the output folder {out} is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = (out / LOCK_FILE).open("a+", encoding="ascii")
    except OSError as error:
        raise OutputUnusable(f"cannot write to the output folder {out}: "
                             f"{error.strerror or error}") from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise OutputUnusable(
                f"another run is writing to {out} (pid {holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        for staging in out.glob(f"{STAGING_PREFIX}*"):  # no live run holds them: we do
            shutil.rmtree(staging, ignore_errors=True)
        yield
