"""A build killed at any moment leaves either the previous database or a complete new one."""

import random
import resource
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from norway_returns.build import build
from test_build import assert_stopped


def state(path):
    """(integrity, publications, cells) of a database file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (conn.execute("pragma integrity_check").fetchone()[0],
                conn.execute("select count(*) from publications").fetchone()[0],
                conn.execute("select count(*) from returns").fetchone()[0])
    finally:
        conn.close()


def test_sigkill_at_random_moments(raw_copy, tmp_path):
    # the previous database: three publications; the new build: all four
    db = tmp_path / "returns.db"
    four = tmp_path / "four.db"
    build(ROOT / "raw", four, ROOT / "sql" / "views")
    manifest = raw_copy.path / "manifest.yml"
    entries = manifest.read_text(encoding="utf-8").split("\n- file: ")
    manifest.write_text("\n- file: ".join(e for e in entries if not e.startswith("2025-02")), encoding="utf-8")
    (raw_copy.path / "2025-02-en.txt").unlink()
    build(raw_copy.path, db, ROOT / "sql" / "views")
    previous, new = state(db), state(four)
    assert previous == ("ok", 3, 1303 - 216) and new == ("ok", 4, 1303)

    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "build_db.py"), "--db", str(tmp_path / "timing.db")],
                   cwd=ROOT, check=True, capture_output=True)
    duration = time.monotonic() - started

    rng = random.Random(20240531)
    killed_mid_build = attempt = 0
    while killed_mid_build < 20:  # 20 kills that land while the build runs
        attempt += 1
        assert attempt <= 80, f"only {killed_mid_build} of {attempt} kills landed mid-build"
        proc = subprocess.Popen([sys.executable, str(ROOT / "build_db.py"), "--db", str(db)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration * 0.9))
        killed_mid_build += proc.poll() is None
        proc.kill()  # SIGKILL; a no-op if the build already finished
        proc.wait()
        now = state(db)
        assert now in (previous, new), (attempt, now)
        if now == new:  # put the previous database back, so that the next kill can catch either
            build(raw_copy.path, db, ROOT / "sql" / "views")
    # a later build sweeps the temp files the killed builds left
    build(ROOT / "raw", db, ROOT / "sql" / "views")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("fraction", [0.03, 0.3, 0.95])
def test_a_disk_that_fills_up_stops_the_build_and_keeps_the_database(tmp_path, fraction):
    # The build may write only part of the database: a file-size limit (ulimit -f) in the
    # build's process, which refuses the write that would pass it (EFBIG) as a full disk
    # refuses one (ENOSPC), at an early table, midway, or while the last views are stored.
    db = tmp_path / "returns.db"
    build(ROOT / "raw", db, ROOT / "sql" / "views")
    before = db.read_bytes()
    limit = int(len(before) * fraction)

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run([sys.executable, str(ROOT / "build_db.py"), "--db", str(db)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300, preexec_fn=limited)
    assert_stopped(result, f"{db}: cannot write the database: this process may not write a file larger than "
                   f"{limit:,} bytes (ulimit -f) (disk I/O error)", db, before)
    assert result.stderr.endswith(f"build failed; {db} is unchanged\n")
    assert state(db) == ("ok", 4, 1303)
