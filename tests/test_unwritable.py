"""A folder the database cannot be written to is named as the user gave it: `build` and
`add` say "cannot write returns.db in FOLDER/: read-only file system" (or "permission
denied"), never the name of a hidden temp file, and leave everything as it was.

As root, whom permissions do not stop, the folder is a read-only bind mount in a mount
namespace of the command's own (`unshare --mount`, util-linux); otherwise it is a folder
without write permission.
"""

import contextlib
import os
import subprocess

from conftest import ROOT
from test_add import PROGRAM, SEEDS, home, snapshot  # noqa: F401  (home: a fixture)

REMOUNT = "mount -o remount,bind,ro {0} && exec \"$@\""


@contextlib.contextmanager
def unwritable(folder, keep_writable=None):
    """(a prefix that runs a command where `folder` cannot be written, the reason the system
    gives). keep_writable: a folder inside it that stays writable."""
    folder = os.path.abspath(folder)
    if os.geteuid() == 0:
        binds = f"mount --bind {folder} {folder} && " + (
            f"mount --bind {keep_writable} {keep_writable} && " if keep_writable else "")
        yield ["unshare", "--mount", "sh", "-c", binds + REMOUNT.format(folder), "sh"], "read-only file system"
        return
    mode = os.stat(folder).st_mode
    os.chmod(folder, 0o555)
    try:
        yield [], "permission denied"
    finally:
        os.chmod(folder, mode)


def run(prefix, *command, cwd):
    return subprocess.run([*prefix, *map(str, command)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_build_into_a_folder_that_cannot_be_written(tmp_path):
    (tmp_path / "site").mkdir()
    with unwritable(tmp_path / "site") as (prefix, reason):
        result = run(prefix, PROGRAM, "build", "--raw", ROOT / "raw", "--views", ROOT / "sql" / "views",
                     "--db", "site/returns.db", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == (f"site/returns.db: cannot write returns.db in site/: {reason}\n"
                             "build failed; site/returns.db is unchanged\n")
    assert list((tmp_path / "site").iterdir()) == []


def test_build_into_a_folder_that_is_a_file(tmp_path):
    (tmp_path / "site").write_text("a file")
    result = run([], PROGRAM, "build", "--raw", ROOT / "raw", "--views", ROOT / "sql" / "views",
                 "--db", "site/returns.db", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("site/returns.db: cannot write returns.db in site/: not a directory\n")


def test_add_with_a_database_in_a_folder_that_cannot_be_written(home):
    (home / "site").mkdir()
    before = snapshot(home / "raw")
    with unwritable(home / "site") as (prefix, reason):
        result = run(prefix, PROGRAM, "add", SEEDS / "2025-02-en.txt", "--db", "site/returns.db", cwd=home)
    assert result.returncode == 1
    assert result.stderr.startswith(f"site/returns.db: cannot write returns.db in site/: {reason}\n")
    assert "nothing added" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(home / "raw") == before and list((home / "site").iterdir()) == []


def test_add_where_raw_is_writable_but_not_the_folder_beside_it(home):
    # add stages beside raw/ (on its file system), and says where it cannot
    before = snapshot(home / "raw")
    with unwritable(home, keep_writable=home / "raw") as (prefix, reason):
        result = run(prefix, PROGRAM, "add", SEEDS / "2025-02-en.txt", "--db", home.parent / "elsewhere" / "returns.db",
                     cwd=home)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{home}: cannot make a staging folder beside raw/ here: {reason}\n")
    assert "Traceback" not in result.stderr and snapshot(home / "raw") == before
