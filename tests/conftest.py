"""Fixtures: the database built from raw/ once, and copies of raw/ to damage."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from norway_returns.build import build
from norway_returns.reading.sources import sha256

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(path of a database built from the repository's raw/, the build summary)."""
    path = tmp_path_factory.mktemp("db") / "returns.db"
    summary = build(ROOT / "raw", path, ROOT / "sql" / "views")
    return path, summary


@pytest.fixture(scope="session")
def db(built):
    conn = sqlite3.connect(built[0])
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def query(conn, sql, *params):
    return [dict(r) for r in conn.execute(sql, params)]


def value(conn, sql, *params):
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


class RawCopy:
    """A copy of raw/ in a temporary folder, to change and build from."""

    def __init__(self, path):
        self.path = path
        shutil.copytree(ROOT / "raw", path)

    def text(self, name):
        return (self.path / name).read_text(encoding="utf-8")

    def write(self, name, text, rehash=True):
        (self.path / name).write_text(text, encoding="utf-8")
        if rehash:
            self.rehash(name)

    def replace_line(self, name, number, old, new):
        lines = self.text(name).split("\n")
        assert old in lines[number - 1], (old, lines[number - 1])
        lines[number - 1] = lines[number - 1].replace(old, new, 1)
        self.write(name, "\n".join(lines))

    def mark_damaged(self, name, why="damaged for a test"):
        """Say in the manifest that `name`'s extraction is damaged, so that its sums may repair it."""
        manifest = self.path / "manifest.yml"
        lines = manifest.read_text(encoding="utf-8").split("\n")
        at = lines.index(f"- file: {name}") + 1
        while at < len(lines) and lines[at].startswith("  "):
            at += 1
        lines.insert(at, f'  damaged: "{why}"')
        manifest.write_text("\n".join(lines), encoding="utf-8")

    def rehash(self, name):
        manifest = self.path / "manifest.yml"
        entries = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        old = next(e["sha256"] for e in entries if e["file"] == name)
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(old, sha256(self.path / name)),
                            encoding="utf-8")


@pytest.fixture
def raw_copy(tmp_path):
    return RawCopy(tmp_path / "raw")


def run_cli(*args, cwd=ROOT, env=None):
    """`python build_db.py ARGS`, as a user runs it (env: variables to set)."""
    return subprocess.run([sys.executable, str(ROOT / "build_db.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env=None if env is None else {**os.environ, **env})


@pytest.fixture(scope="session")
def served_site(tmp_path_factory, built):
    """The site served as `make serve` serves it, on a free port: (base URL, db path, process).
    (The browser and hostile-SQL tests name it `site`; `site` elsewhere is the in-process one.)"""
    from norway_returns.site import serve

    folder = tmp_path_factory.mktemp("site")
    db_path = folder / "returns.db"
    shutil.copy(built[0], db_path)
    with serve.running(db_path, folder) as (base, proc):
        yield base, db_path, proc


@pytest.fixture(scope="session")
def local_site(built):
    """The site in process (Datasette's own test client), as `make serve` serves the database
    built from raw/: its plugin, metadata, settings and raw/ mount (no build prefix)."""
    from site_helpers import Site, serve_settings
    s = Site(built[0], settings=serve_settings())
    yield s
    s.close()


@pytest.fixture(scope="session")
def prefixed_site(built):
    """The same, served under a build's prefix as `norway-returns serve` serves it."""
    from site_helpers import Site, serve_settings
    s = Site(built[0], settings={**serve_settings(), "base_url": PREFIX})
    yield s
    s.close()


PREFIX = "/v-0123456789ab/"  # a build's prefix, as serve.build_prefix makes them


# The slow tests, by file: `make test` runs them all; `make test-fast` (pytest -m "not slow")
# leaves these out, so that a developer can run the rest in about a minute.
SLOW = {
    "test_browser.py": "Chromium",
    "test_fuzz.py": "thousands of generated tables",
    "test_crash_safety.py": "builds killed at random moments",
    "test_hostile_sql.py": "queries that run to the time limit",
    "test_scale.py": "a database grown by years",
    "test_publish.py": "datasette publish and a wheel",
    "test_wheel.py": "a new environment and a wheel",
    "test_older_publications.py": "older editions built in every form",
    "test_pdf.py": "PDFs read in worker processes",
    "test_add.py": "the program run many times, downloads",
    "test_documents.py": "every test document built",
    # the program run once per case, as a user runs it (a build each)
    "test_build.py": "the bad-input corpus, a build per case",
    "test_manifest.py": "a build per careless manifest",
    "test_package.py": "the data package written and validated",
    "test_cli.py": "every subcommand run",
    "test_one_writer.py": "commands started together, killed",
    "test_update.py": "a listing served and followed",
    "test_download.py": "servers that misbehave, slowly",
    "test_unwritable.py": "builds into folders that refuse",
    "test_text_layouts.py": "a build per layout",
    "test_publications.py": "the publications built one by one",
    "test_scans.py": "every scan read by OCR (tesseract: 3-13 s a scan, more on a busy machine)",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name in SLOW:
            item.add_marker(pytest.mark.slow)
