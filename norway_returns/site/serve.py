"""How the site is served: one Datasette command line for `make serve` and the tests.

The database is served immutable (`-i`, with counts from an inspect file), with a SQL
time limit for a public site that takes SQL from anyone. Its pages are served under a
prefix named after the build (Datasette's base_url, `/v-BUILD/`), so that they can be
cached for as long as the build stands: see caching.py.

Everything else the site is made of comes with the package: its plugin (this package,
registered as a `datasette` entry point, with its templates and static files), and its
metadata (resources.METADATA). What is the user's is named on the command line: the
database, the raw/ folder whose publications it serves at /raw/, and the data package.
"""

import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import distributions, version
from pathlib import Path

import click

from ..reading.sources import sha256
from ..resources import METADATA, SITE

SETTINGS = {
    "sql_time_limit_ms": 2000,  # a public site: no query may hold a thread for long
    "facet_time_limit_ms": 500,
    "default_facet_size": 30,  # the countries of a month fit on one facet list
    "default_page_size": 100,
    "max_returned_rows": 5000,
    "num_sql_threads": 3,
    "allow_csv_stream": "on",  # the whole returns table as one CSV: ?_stream=on
    "suggest_facets": "off",  # suggestions re-run every view once per column: too slow at archive scale
    "default_cache_ttl": 60,  # pages outside the build's prefix (/, links without it): a minute
}

def datasette():
    return str(Path(sys.executable).with_name("datasette"))


def inspect(db, inspect_file):
    """Write Datasette's inspect file (table counts) for an immutable database."""
    subprocess.run([datasette(), "inspect", str(db), "--inspect-file", str(inspect_file)], check=True)


def site_options(raw="raw", package=None):
    """The options that give Datasette the site's metadata and the user's files: the
    publications of `raw` at /raw/ (so that every number's source links to its document) and
    the data package at /package/, when given."""
    args = ["--metadata", str(METADATA), "--static", f"raw:{Path(raw).resolve()}"]
    if package:
        args += ["--static", f"package:{Path(package).resolve()}"]
    return args


def build_prefix(db_hash, package=None):
    """`/v-BUILD/`: BUILD names the database (its sha256), the files the pages are made of
    (the site's package: plugin, templates, static files, metadata; and the data package's,
    when served) and the versions of this project, Datasette and its plugins, so any change
    makes new URLs."""
    h = hashlib.sha256(db_hash.encode())
    folders = [SITE] + ([Path(package)] if package else [])
    for folder in folders:
        for f in sorted(folder.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(str(f.relative_to(folder)).encode() + b"\0" + f.read_bytes())
    h.update(" ".join(sorted(f"{d.metadata['Name']}=={d.version}" for d in distributions()
                             if "datasette" in (d.metadata["Name"] or "").lower())).encode())
    h.update(f"norway-returns=={version('norway-returns')}".encode())
    return f"/v-{h.hexdigest()[:12]}/"


def db_hash(db, inspect_file=None):
    """The database's sha256, from Datasette's inspect file when there is one."""
    if inspect_file and Path(inspect_file).exists():
        return next(iter(json.loads(Path(inspect_file).read_text()).values()))["hash"]
    return sha256(db)  # what Datasette's inspect file records


def settings(db, inspect_file=None, package=None, base_url=None):
    """SETTINGS, and base_url: the build's prefix (under `base_url`, such as /data/, when given)."""
    prefix = build_prefix(db_hash(db, inspect_file), package=package)
    return {**SETTINGS, "base_url": (base_url or "/").rstrip("/") + prefix}


def command(db="returns.db", inspect_file="inspect-data.json", raw="raw",
            host="127.0.0.1", port=8001, base_url=None, package=None):
    """raw: the publications' folder, served at /raw/; package: the folder `norway-returns
    package` wrote, served at /package/ when given; base_url: a path such as /data/ to serve
    the site under."""
    args = [datasette(), "serve", "-i", str(db), "--inspect-file", str(inspect_file),
            *site_options(raw, package), "-h", host, "-p", str(port)]
    for name, value in settings(db, inspect_file, package, base_url).items():
        args += ["--setting", name, str(value)]
    return args


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(db, folder, raw="raw", base_url=None, package=None):
    """The site serving `db` on a free port, as `make serve` runs it (under `base_url`, a
    path such as /data/, when given): yields (base URL, process)."""
    inspect_file = Path(folder) / "inspect-data.json"
    inspect(db, inspect_file)
    port = free_port()
    base = f"http://127.0.0.1:{port}" + (base_url or "/").rstrip("/")
    args = command(db, inspect_file, raw, port=port, base_url=base_url, package=package)
    with running_command(args, base, "the site") as proc:
        yield base, proc


@contextlib.contextmanager
def running_command(args, base, name, cwd=None, env=None):
    """A Datasette command line running until the block ends, once `base` answers: yields
    the process. (The load test runs a bare Datasette beside the site with it.)"""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=env)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{name} did not start on {base}")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # still busy with queued requests
            proc.kill()
            proc.wait()


@click.command()
@click.option("--db", default="returns.db", show_default=True, type=click.Path(dir_okay=False, exists=True),
              help="The database to serve (built by `norway-returns build`).")
@click.option("--inspect-file", default="inspect-data.json", show_default=True,
              help="Datasette's table counts for the immutable database; remade when older than it.")
@click.option("--raw", default="raw", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="The publications the database was built from, served at /raw/.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, help="Port to listen on.")
@click.option("--package", default="package", show_default=True, type=click.Path(file_okay=False),
              help="The data package (`norway-returns package DIR`), served at /package/ when the folder exists.")
def serve(db, inspect_file, raw, host, port, package):
    """Serve the database with Datasette, exactly as `make serve` does: immutable, with
    this project's metadata, plugin and settings (a 2-second SQL time limit among them),
    and the publications of RAW at /raw/.

    \b
    Example:
        norway-returns serve --db returns.db --raw raw --port 8001
    """
    if not Path(inspect_file).exists() or Path(inspect_file).stat().st_mtime < Path(db).stat().st_mtime:
        inspect(db, inspect_file)
    args = command(db, inspect_file, raw, host=host, port=port,
                   package=package if (Path(package) / "datapackage.json").exists() else None)
    os.execv(args[0], args)
