"""One writer at a time: raw/ and a database, locked while a command reads, checks and writes.

`add` and `update` hold raw/ exclusively, from reading its manifest to writing the new
entry, so that two started together cannot both add to the manifest as each read it
(the last would keep only its own entry). A build holds raw/ shared (it waits while
an add writes, never sees a document before its entry) and its database exclusively.

The locks are the system's (flock): held by the open file, let go when the process
ends, however it ends, so a killed command never leaves raw/ locked. raw/ is locked
as the folder itself (nothing is written into it for the lock); a database by a
hidden file beside it, `.NAME.lock`, there while the lock is held. A lock taken again
by the thread that holds it is the same lock (update adds through add).
"""

import contextlib
import fcntl
import os
import sys
import threading
import time
from pathlib import Path

from .errors import BuildError

# How long a command waits for another to finish with raw/ or the database, in
# seconds (NORWAY_RETURNS_LOCK_WAIT): an add takes seconds, a build of years a minute.
WAIT_ENV = "NORWAY_RETURNS_LOCK_WAIT"
WAIT_SECONDS = 600.0
POLL_SECONDS = 0.05

_held = {}  # (thread, device, inode) -> [fd, exclusive, depth]: the locks this process's threads hold


def _wait_seconds():
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, WAIT_SECONDS)))
    except ValueError:
        return WAIT_SECONDS


@contextlib.contextmanager
def _locked(fd, name, exclusive, what):
    """Hold the lock of the open file `fd` (named `name` in messages) for the block."""
    stat = os.fstat(fd)
    key = (threading.get_ident(), stat.st_dev, stat.st_ino)
    if key in _held:  # taken again by this thread: the same lock (another thread waits, as another process)
        os.close(fd)
        held = _held[key]
        if exclusive and not held[1]:
            raise RuntimeError(f"{name}: locked shared by this process, then asked for exclusively")
        held[2] += 1
        try:
            yield
        finally:
            held[2] -= 1
        return
    mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    try:
        _acquire(fd, mode, name, what)
    except BaseException:
        os.close(fd)
        raise
    _held[key] = [fd, exclusive, 1]
    try:
        yield
    finally:
        del _held[key]
        os.close(fd)  # lets the lock go


def _acquire(fd, mode, name, what):
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    wait = _wait_seconds()
    print(f"{name}: {what} by another command (add, update or build); waiting for it to finish "
          f"(at most {wait:g} s)", file=sys.stderr, flush=True)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BuildError(name, None, f"still {what} by another command after {wait:g} s: try again "
                                 f"when it has finished ({WAIT_ENV} sets how long to wait)") from None
            time.sleep(POLL_SECONDS)


def raw_folder(raw, exclusive):
    """raw/ locked for the block: exclusively to change it (add, update), shared to read
    it (build). A raw/ that does not exist is not locked (there is nothing to read)."""
    raw = Path(raw)
    try:
        fd = os.open(raw, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        return contextlib.nullcontext()
    return _locked(fd, f"{raw}/", exclusive, "being changed" if not exclusive else "in use")


def database(db_path):
    """The database at `db_path` locked for the block, by `.NAME.lock` beside it, removed
    when the lock is let go. A folder where that file cannot be made is one where the
    database cannot be written: a BuildError naming the database and its folder."""
    return _database_lock(Path(db_path))


@contextlib.contextmanager
def _database_lock(db_path):
    from .writing.db import cannot_write

    lock = db_path.with_name(f".{db_path.name}.lock")
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise cannot_write(db_path, e) from None
        mine = os.fstat(fd)  # (before _locked, which closes a second fd of a lock this process holds)
        with _locked(fd, str(db_path), True, "being written"):
            try:
                current = os.stat(lock)
            except FileNotFoundError:
                current = None
            if current is None or (current.st_dev, current.st_ino) != (mine.st_dev, mine.st_ino):
                continue  # the file was removed by the one who held it before: lock the new one
            outermost = _held[(threading.get_ident(), mine.st_dev, mine.st_ino)][2] == 1
            try:
                yield
            finally:
                if outermost:
                    lock.unlink(missing_ok=True)  # while still held: whoever waits on it then retries
            return
