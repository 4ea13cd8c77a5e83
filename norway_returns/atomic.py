"""Files and folders written whole or not at all.

A file is written to a temp file beside it, named .NAME.PID.tmp, and renamed over
it only when complete. A build killed meanwhile leaves its temp file behind; later
builds sweep the temp files whose process is gone.

An add stages its work in a folder beside raw/ (.add-PID-RANDOM) and, before it
writes raw/, journals there what it is about to change: if it is killed midway, the
next add or build puts raw/ back as it was (or finishes) and removes the folder.

A folder a command writes (`package DIR`, `publish files DIR`) is written beside
it and swapped in, and carries a marker of the command's own: a command replaces
only a folder it wrote, and never while it holds a file it did not write.
"""

import json
import os
import shutil
from pathlib import Path

from .errors import BuildError
from .reading.sources import sha256 as sha256_of


def temp_path(path):
    path = Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(folder, pattern=".*.tmp"):
    """Remove the temp files matching `pattern` in `folder` whose build is gone."""
    if folder is None or not Path(folder).is_dir():
        return
    for stale in Path(folder).glob(pattern):
        pid = stale.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not running(int(pid)):
            stale.unlink(missing_ok=True)


# The staging folder `add` builds in, beside raw/: .add-PID-RANDOM
STAGING_PREFIX = ".add-"


def staging_prefix():
    return f"{STAGING_PREFIX}{os.getpid()}-"


JOURNAL = "journal.json"


def journal(staging, raw, manifest_text, put, remove=()):
    """Say in the staging folder, before raw/ is written, what is about to change there:
    `put` [(NAME, sha256 of what is written)], then raw/manifest.yml (`manifest_text`),
    then `remove` [(NAME, sha256 it has)]. Each file `put` replaces is kept (a hard link)
    in staging/previous/. If the process is killed midway, the next command (recover)
    puts raw/ back as it was, or, where the manifest was written, finishes."""
    import hashlib

    staging, raw = Path(staging), Path(raw).resolve()
    previous = staging / "previous"
    previous.mkdir(exist_ok=True)
    for name, _ in put:
        if (raw / name).is_file():
            try:
                os.link(raw / name, previous / name)
            except OSError:
                shutil.copy2(raw / name, previous / name)
    record = {"raw": str(raw), "manifest_sha256": hashlib.sha256(manifest_text.encode("utf-8")).hexdigest(),
              "put": [list(p) for p in put], "remove": [list(r) for r in remove]}
    write_atomically(staging / JOURNAL, json.dumps(record).encode("utf-8"))


def recover(staging):
    """raw/ as a killed add left it (its staging folder's journal), made whole: the
    documents it put back as they were if it did not write the manifest; the documents
    it was replacing removed if it did."""
    staging = Path(staging)
    try:
        record = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
        raw = Path(record["raw"])
        written = (raw / "manifest.yml").is_file() and sha256_of(raw / "manifest.yml") == record["manifest_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if written:
        for name, digest in record["remove"]:
            if (raw / name).is_file() and sha256_of(raw / name) == digest:
                (raw / name).unlink()
        return
    for name, digest in record["put"]:
        if (raw / name).is_file() and sha256_of(raw / name) == digest:
            before = staging / "previous" / name
            if before.is_file():
                os.replace(before, raw / name)
            else:
                (raw / name).unlink()


def sweep_leftovers(raw):
    """What a killed add or update left: its temp files in raw/ and its staging folders
    beside raw/, those whose process is gone (raw/ first made whole from a staging
    folder's journal). Where raw/ cannot be written, they stay."""
    raw = Path(raw)
    try:
        sweep(raw)
        parent = raw.resolve().parent
        for stale in parent.glob(f"{STAGING_PREFIX}*"):
            pid = stale.name[len(STAGING_PREFIX):].split("-", 1)[0]
            if pid.isdigit() and not running(int(pid)) and stale.is_dir() and not stale.is_symlink():
                recover(stale)
                shutil.rmtree(stale, ignore_errors=True)
    except OSError:
        pass


def move_into_place(src, dst):
    """Put the file `src` at `dst` in one rename; from another file system, by a copy
    beside `dst` first (never a half-copied `dst`)."""
    src, dst = Path(src), Path(dst)
    try:
        os.replace(src, dst)
        return
    except OSError as e:
        import errno

        if e.errno != errno.EXDEV:
            raise
    tmp = temp_path(dst)
    try:
        shutil.copyfile(src, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    src.unlink(missing_ok=True)


def write_atomically(path, data):
    """Write `data` (bytes) to `path` whole or not at all: a temp file beside it, synced,
    then renamed over it."""
    path = Path(path)
    tmp = temp_path(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# --- folders a command writes: only its own, replaced whole ------------------------------

# The file a command puts in each folder it writes: which command wrote it, and every file
# it wrote there with its sha256. A folder without it is not the command's to replace.
MARKER = ".norway-returns-output.json"


class FolderRefused(BuildError):
    """A folder a command will not replace: it holds what the command did not write."""


def _files(folder):
    """Every file under `folder` (relative name -> path), the marker aside."""
    folder = Path(folder)
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
            if (p.is_file() or p.is_symlink()) and p.relative_to(folder).as_posix() != MARKER}


def written_by(folder):
    """(command, {name: sha256}) that wrote `folder`, from its marker; None if it has none."""
    try:
        data = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
        return str(data["command"]), {str(k): str(v) for k, v in dict(data["files"]).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def check_replaceable(target, command, earlier=None):
    """Refuse (FolderRefused) to replace `target` unless it is absent, empty, or a folder
    `command` wrote and nobody changed since: every file in it one the command wrote, as
    it wrote it. earlier(folder) -> {name: sha256} or None: what an earlier version of the
    command wrote there without a marker."""
    target = Path(target)
    if target.is_symlink():
        raise FolderRefused(target, None, "a symbolic link: give the folder itself (nothing was changed)")
    if not target.exists():
        return
    if not target.is_dir():
        raise FolderRefused(target, None, "a file, not a folder: give a new or empty folder (nothing was changed)")
    if not any(target.iterdir()):
        return
    mine = written_by(target)
    files = mine[1] if mine and mine[0] == command else (earlier(target) if earlier else None)
    if files is None:
        raise FolderRefused(target, None, f"not empty and not written by `{command}`: give a new or empty folder, "
                            "or one this command wrote (nothing was changed)")
    for name, path in _files(target).items():
        if name not in files:
            raise FolderRefused(path, None, f"not written by `{command}`, which would replace {target} whole: "
                                f"move it out of {target}, or give another folder (nothing was changed)")
        if path.is_symlink() or sha256_of(path) != files[name]:
            raise FolderRefused(path, None, f"changed since `{command}` wrote it, and {target} would be replaced "
                                "whole: move it out, or give another folder (nothing was changed)")


def _exchange(a, b):
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def replace_folder(target, write, command, earlier=None):
    """Write the folder `target` whole: `write(new)` fills a new folder beside it, a marker
    naming `command` and every file it wrote is added, and only then is it put in place of
    `target` (swapped in one rename where the system can). `target` must be absent, empty or
    the command's own unchanged output (check_replaceable); otherwise FolderRefused, and
    nothing is written. Returns `target`."""
    target = Path(target)
    check_replaceable(target, command, earlier)
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f".{target.name}.*.tmp"):  # left by a run that was killed
        pid = stale.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not running(int(pid)) and stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    new, old = (parent / f".{target.name}.{what}.{os.getpid()}.tmp" for what in ("new", "old"))
    for folder in (new, old):
        shutil.rmtree(folder, ignore_errors=True)
    new.mkdir()
    try:
        write(new)
        files = {name: sha256_of(path) for name, path in _files(new).items() if not path.is_symlink()}
        (new / MARKER).write_text(json.dumps({"command": command, "files": files}, indent=1, sort_keys=True) + "\n",
                                  encoding="utf-8")
        check_replaceable(target, command, earlier)  # again: the user may have put a file there meanwhile
        if target.is_dir() and not any(target.iterdir()):
            target.rmdir()
        if target.exists():
            if _exchange(new, target):
                new, old = old, new  # `new` (now the previous output) is removed below
            else:
                target.rename(old)
                new.rename(target)
        else:
            new.rename(target)
    finally:
        shutil.rmtree(new, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return target
