"""A folder the database cannot be written to is named as the user gave it: `build` and
`add` say "cannot write returns.db in FOLDER/: read-only file system", never the name of
a hidden temp file, and leave everything as it was.

The read-only folder is a read-only bind mount in a mount namespace of the command's own
(`unshare -r --mount`, util-linux), since permissions do not stop root.
"""

import shutil
import subprocess

from conftest import ROOT
from test_add import PROGRAM, SEEDS, home, snapshot  # noqa: F401  (home: a fixture)

READ_ONLY = "mount --bind {0} {0} && mount -o remount,bind,ro {0} && exec \"$@\""


def in_read_only(folder, *command, cwd):
    """`command`, run where `folder` is a read-only file system."""
    assert shutil.which("unshare"), "util-linux's unshare is needed"
    return subprocess.run(["unshare", "-r", "--mount", "sh", "-c", READ_ONLY.format(folder), "sh", *map(str, command)],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def test_build_into_a_read_only_folder(tmp_path):
    (tmp_path / "site").mkdir()
    result = in_read_only("site", PROGRAM, "build", "--raw", ROOT / "raw", "--views", ROOT / "sql" / "views",
                          "--db", "site/returns.db", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ("site/returns.db: cannot write returns.db in site/: read-only file system\n"
                             "build failed; site/returns.db is unchanged\n")
    assert list((tmp_path / "site").iterdir()) == []


def test_build_into_a_folder_that_is_a_file(tmp_path):
    (tmp_path / "site").write_text("a file")
    result = subprocess.run([PROGRAM, "build", "--raw", ROOT / "raw", "--views", ROOT / "sql" / "views",
                             "--db", "site/returns.db"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.startswith("site/returns.db: cannot write returns.db in site/: not a directory\n")


def test_add_with_a_database_in_a_read_only_folder(home):
    (home / "site").mkdir()
    before = snapshot(home / "raw")
    result = in_read_only("site", PROGRAM, "add", SEEDS / "2025-02-en.txt", "--db", "site/returns.db", cwd=home)
    assert result.returncode == 1
    assert result.stderr.startswith("site/returns.db: cannot write returns.db in site/: read-only file system\n")
    assert "nothing added" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(home / "raw") == before and list((home / "site").iterdir()) == []


def test_add_where_raw_is_writable_but_not_the_folder_beside_it(home):
    # raw/ its own (writable) mount inside a read-only folder: add stages beside raw/, and says so
    before = snapshot(home / "raw")
    script = ("mount --bind . . && mount --bind raw raw && mount -o remount,bind,ro . && cd . && "
              "exec \"$@\"")
    result = subprocess.run(["unshare", "-r", "--mount", "sh", "-c", script, "sh", PROGRAM, "add",
                             str(SEEDS / "2025-02-en.txt"), "--db", str(home.parent / "elsewhere" / "returns.db")],
                            cwd=home, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{home}: cannot make a staging folder beside raw/ here: read-only file system\n")
    assert "Traceback" not in result.stderr and snapshot(home / "raw") == before
