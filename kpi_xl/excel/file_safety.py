"""Nothing lost when a workbook file is written: no change made since it was read is overwritten,
no write behind Excel's back, no read-only file replaced, no temporary file left behind.

* :func:`fingerprint` at reading, :func:`save_guard` around the replacement: the file must still be
  what was read (another kpi-xl import or refresh, or Excel, may have saved it meanwhile);
* a lock file beside the workbook makes that check and the replacement one step for every kpi-xl
  process (a lock whose process is gone, or older than an hour, is stale and taken over);
* Excel's owner file (``~$BOOK.xlsm``) means the workbook is open in Excel: refuse;
* temporary files of an interrupted save (``.kpi-xl-BOOK-*.tmp``) are removed at the next save.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import KpiInputError

__all__ = ["Fingerprint", "fingerprint", "save_guard", "temp_prefix", "STALE_LOCK_SECONDS"]

STALE_LOCK_SECONDS = 3600  # no save takes an hour: a lock that old was left by a killed process


@dataclass(frozen=True)
class Fingerprint:
    """What identifies a file's content without reading it: size, modification time, inode."""

    size: int
    mtime_ns: int
    inode: int


def fingerprint(path: Path) -> Fingerprint | None:
    """The file's fingerprint, or None when it does not exist."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return Fingerprint(stat.st_size, stat.st_mtime_ns, stat.st_ino)


def temp_prefix(target: Path) -> str:
    """The name start of the temporary files of saves of ``target`` (hidden, recognisable)."""
    return f".kpi-xl-{target.name}-"


def _lock_path(target: Path) -> Path:
    return target.with_name(f".~lock.kpi-xl.{target.name}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _stale(lock: Path) -> bool:
    try:
        host, pid, _started = lock.read_text(encoding="utf-8").split("\n")[:3]
        age = time.time() - lock.stat().st_mtime
    except (OSError, ValueError):
        return True  # unreadable or half written: left by a crash
    if age > STALE_LOCK_SECONDS:
        return True
    return host == socket.gethostname() and pid.isdigit() and not _alive(int(pid))


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    lock = _lock_path(target)
    for _attempt in range(50):  # another kpi-xl save of this workbook takes well under a second
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if _stale(lock):
                lock.unlink(missing_ok=True)
                continue
            time.sleep(0.1)
            continue
        except PermissionError:
            raise KpiInputError(f"cannot write in the folder of {target}: it is read-only for you") from None
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(f"{socket.gethostname()}\n{os.getpid()}\n{time.time():.0f}\n")
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)
        return
    raise KpiInputError(f"{target.name} is being saved by another kpi-xl command (lock file {lock.name}): "
                        "nothing was written; run the command again once it has finished")


def _excel_owner(target: Path) -> Path | None:
    """Excel's owner file of an open workbook, when there is one."""
    for name in (f"~${target.name}", f"~${target.name[2:]}"):
        owner = target.with_name(name)
        if owner.exists():
            return owner
    return None


def _clean_leftovers(target: Path) -> None:
    for leftover in target.parent.glob(temp_prefix(target) + "*.tmp"):
        leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def save_guard(source: Path, read: Fingerprint | None, target: Path) -> Iterator[None]:
    """Hold while ``target`` is replaced by a new version of ``source`` (read with fingerprint ``read``).

    Raises :class:`KpiInputError`, before anything is written, when the folder does not exist, the
    target is read-only or open in Excel, or the source changed since it was read.
    """
    if not target.parent.is_dir():
        raise KpiInputError(f"cannot write {target}: the folder {target.parent} does not exist")
    if target.exists() and (not target.stat().st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise KpiInputError(f"{target} is read-only: nothing was written (clear its read-only flag, or write a "
                            "copy with --out)")
    owner = _excel_owner(target)
    if owner is not None:
        raise KpiInputError(f"{target.name} is open in Excel ({owner.name} is beside it): close it in Excel first, "
                            "or use the KPI ribbon inside Excel; nothing was written")
    with _locked(target):
        _clean_leftovers(target)
        if fingerprint(source) != read:
            raise KpiInputError(f"{source.name} changed since kpi-xl read it (another import or refresh, or Excel, "
                                "saved it meanwhile): nothing was written, so no change is lost; run the command "
                                "again")
        yield
