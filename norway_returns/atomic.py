"""Files written whole or not at all.

A file is written to a temp file beside it, named .NAME.PID.tmp, and renamed over
it only when complete. A build killed meanwhile leaves its temp file behind; later
builds sweep the temp files whose process is gone.
"""

import os
from pathlib import Path


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
