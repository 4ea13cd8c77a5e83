"""`norway-returns add`: a publication into raw/ and the manifest, checked by a build,
through the installed program. Every refusal leaves raw/ byte-identical.

The counts asserted are the publications' own: Syria by nationality, Dublin, is 8 in
February 2025 (raw/2025-02-en.txt:128, `Syria  8 4  12`) and 26 in March 2024
(raw/2024-03-no.txt:184, `Syria 2 1 26 2 31`).
"""

import http.server
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import make_pdfs  # noqa: E402

import make_fixtures  # noqa: E402

PROGRAM = str(Path(sys.executable).with_name("norway-returns"))


def publication_page(name, folder):
    """A publication's web page: its title, prose and both tables as HTML (make_fixtures)."""
    return make_fixtures.html_document(make_pdfs.from_text(SEEDS, name), Path(folder) / f"{name[:10]}.html")
SEEDS = ROOT / "raw"
DAMAGED_2022 = "a stray point after a number ('2.')"


def add(*args, cwd=ROOT, timeout=300):
    return subprocess.run([PROGRAM, "add", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def snapshot(*paths):
    """Every file under `paths`, by path, as bytes: what must not change."""
    out = {}
    for p in map(Path, paths):
        for f in sorted(p.rglob("*")) if p.is_dir() else [p]:
            if f.is_file():
                out[str(f)] = f.read_bytes()
    return out


def rows(db, period=None):
    sql = "select period, kind, country, category, count, status from returns"
    return sorted(sqlite3.connect(db).execute(sql + (" where period = ?" if period else ""),
                                              (period,) if period else ()).fetchall())


@pytest.fixture
def home(tmp_path):
    """A folder with an empty raw/ and the views, as a user's checkout would have."""
    (tmp_path / "raw").mkdir()
    shutil.copytree(ROOT / "sql", tmp_path / "sql")
    return tmp_path


def assert_refused(result, before, *paths, message):
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "nothing added" in result.stderr
    assert snapshot(*paths) == before


def test_adding_the_clean_seeds_one_by_one_gives_todays_rows(home, built):
    for name, extra in (("2025-02-en.txt", []), ("2024-03-no.txt", []), ("2022-06-en.txt", ["--damaged", DAMAGED_2022])):
        result = add(SEEDS / name, *extra, cwd=home)
        assert result.returncode == 0, result.stderr
        period, language = name[:7], name[8:10]
        assert result.stdout.startswith(f"added raw/{name}: {period} {language}, "), result.stdout
        assert f"{period} {language} raw/{name}: " in result.stdout  # the build's summary line for it
        assert (home / "raw" / name).read_bytes() == (SEEDS / name).read_bytes()
        assert rows(home / "returns.db", period) == rows(built[0], period)
    entries = yaml.safe_load((home / "raw" / "manifest.yml").read_text(encoding="utf-8"))
    assert [(e["file"], e["period"], e["language"]) for e in entries] == [
        ("2025-02-en.txt", "2025-02", "en"), ("2024-03-no.txt", "2024-03", "no"), ("2022-06-en.txt", "2022-06", "en")]
    assert entries[1]["title"] == "Månedsstatistikk mars 2024: Uttransporteringer fra Norge"
    assert entries[2]["damaged"] == DAMAGED_2022
    db = sqlite3.connect(home / "returns.db")
    assert db.execute("select count from returns where period = '2025-02' and kind = 'nationality' and "
                      "country = 'SYR' and category = 'dublin'").fetchone() == (8,)
    assert db.execute("select count from returns where period = '2024-03' and kind = 'nationality' and "
                      "country = 'SYR' and category = 'dublin'").fetchone() == (26,)
    # and a plain `norway-returns build` of what add wrote builds the same
    again = subprocess.run([PROGRAM, "build", "--db", "again.db"], cwd=home, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert rows(home / "again.db") == rows(home / "returns.db")


def test_a_manifest_keeps_its_comments_and_order(home):
    manifest = home / "raw" / "manifest.yml"
    shutil.copy(SEEDS / "2024-03-no.txt", home / "raw")
    text = ("# Our copy of the police's statistics.\n"
            "- file: 2024-03-no.txt   # the Norwegian edition\n"
            "  language: no\n"  # unquoted, as a Norwegian user writes it; the period from its title
            f"  sha256: {make_pdfs.sha256(home / 'raw' / '2024-03-no.txt')}\n"
            "# end of list")
    manifest.write_text(text, encoding="utf-8")
    result = add(SEEDS / "2025-02-en.txt", cwd=home)
    assert result.returncode == 0, result.stderr
    new = manifest.read_text(encoding="utf-8")
    assert new.startswith(text + "\n- file: 2025-02-en.txt\n")
    # a second document for February 2025 in English: refused, then replaced with --replace
    variant = home / "variant.txt"
    variant.write_text((SEEDS / "2025-02-en.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    before = snapshot(home / "raw", home / "returns.db")
    assert_refused(add(variant, cwd=home), before, home / "raw", home / "returns.db",
                   message="raw/manifest.yml:6: 2025-02 in en is already listed, as 2025-02-en.txt: "
                           "give --replace to replace it")
    result = add(variant, "--replace", cwd=home)
    assert result.returncode == 0, result.stderr
    assert "(replacing raw/2025-02-en.txt)" in result.stdout
    assert (home / "raw" / "2025-02-en.txt").read_bytes() == variant.read_bytes()
    after = manifest.read_text(encoding="utf-8")
    assert after.startswith(text + "\n- file: 2025-02-en.txt\n")
    assert make_pdfs.sha256(variant) in after and make_pdfs.sha256(SEEDS / "2025-02-en.txt") not in after


def test_adding_a_pdf(home, tmp_path):
    pub = make_pdfs.from_text(SEEDS, "2025-02-en.txt")
    pdf = make_pdfs.render(pub, tmp_path / "Statistics February 2025.pdf", ruled=False)
    result = add(pdf, cwd=home)
    assert result.returncode == 0, result.stderr
    assert "added raw/2025-02-en.pdf: 2025-02 en" in result.stdout
    db = sqlite3.connect(home / "returns.db")
    assert db.execute("select count, source from returns where period = '2025-02' and kind = 'nationality' and "
                      "country = 'SYR' and category = 'dublin'").fetchone()[0] == 8
    assert db.execute("select source_file from publications").fetchall() == [("raw/2025-02-en.pdf",)]


def test_refusals_leave_raw_as_it_was(home, tmp_path):
    assert add(SEEDS / "2024-03-no.txt", cwd=home).returncode == 0
    keep = (home / "raw", home / "returns.db")
    before = snapshot(*keep)
    # the same document again
    assert_refused(add(SEEDS / "2024-03-no.txt", cwd=home), before, *keep,
                   message="this document is already listed, as 2024-03-no.txt")
    # the same document again, as a copy with another name, even with --replace
    copy = tmp_path / "copy.txt"
    shutil.copy(SEEDS / "2024-03-no.txt", copy)
    assert_refused(add(copy, "--replace", cwd=home), before, *keep, message="already listed")
    # a document whose numbers do not add up: the build's own message, at its line
    text = (SEEDS / "2025-02-en.txt").read_text(encoding="utf-8").split("\n")
    n = next(k for k, l in enumerate(text) if l.startswith("Syria\t"))
    broken = tmp_path / "broken.txt"
    broken.write_text("\n".join(text[:n] + [text[n].replace("\t8\t", "\t9\t", 1)] + text[n + 1:]), encoding="utf-8")
    result = add(broken, cwd=home)
    assert_refused(result, before, *keep, message=f"raw/2025-02-en.txt:{n + 1}: ")
    # a text that states no month: asks for the option
    untitled = tmp_path / "untitled.txt"
    untitled.write_text("\n".join(l for l in text if "February 2025" not in l), encoding="utf-8")
    assert_refused(add(untitled, cwd=home), before, *keep,
                   message=f"{untitled}: states no period in a title line")
    # an option that contradicts the document: the build says where
    assert_refused(add(SEEDS / "2025-02-en.txt", "--period", "2025-03", cwd=home), before, *keep,
                   message="period 2025-03, but raw/2025-03-en.txt:5 says 'Statistics for February 2025")
    assert_refused(add(SEEDS / "2025-02-en.txt", "--period", "2025-13", cwd=home), before, *keep,
                   message="period '2025-13' is not YYYY-MM")
    # a web page that is no publication (its title, but no tables): read as a page, and refused
    page = tmp_path / "page.txt"
    page.write_text("<!DOCTYPE html><html><body>Statistics for May 2024</body></html>", encoding="utf-8")
    assert_refused(add(page, cwd=home), before, *keep, message="raw/2024-05-en.html: no table by nationality found")
    docx = tmp_path / "table.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert_refused(add(docx, cwd=home), before, *keep, message="an office document")
    assert_refused(add(tmp_path / "nowhere.pdf", cwd=home), before, *keep, message="no such file")


# --- downloads from a server on this machine ----------------------------------------------


class Publisher(http.server.BaseHTTPRequestHandler):
    """A web server with the answers a user meets: the document, a redirect, a 404, an HTML
    page, a slow answer, and bodies larger than a publication."""

    document = b""

    def do_GET(self):  # noqa: N802
        routes = {
            "/statistics-february-2025.txt": (200, "text/plain; charset=utf-8", self.document),
            "/latest": (302, None, b""),
            "/page": (200, "text/html; charset=utf-8", b"<html><body>Statistikk</body></html>"),
            "/page-as-text": (200, "text/plain", b"<!doctype html><html><body>Statistikk</body></html>"),
        }
        if self.path == "/statistics/february-2025/":  # the publication's web page
            body = self.page
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(40):  # a trickle: each byte within a socket timeout, the whole far beyond it
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
            return
        if self.path in ("/huge", "/huge-unannounced"):
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            if self.path == "/huge":
                self.send_header("Content-Length", str(30_000_000))
            self.end_headers()
            try:
                chunk = b"%PDF-1.4\n" + b"0" * (1 << 20)
                for _ in range(30):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client gave up, as it should
            return
        status, ctype, body = routes.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/statistics-february-2025.txt")
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    Publisher.document = (SEEDS / "2025-02-en.txt").read_bytes()
    Publisher.page = publication_page("2025-02-en.txt", tmp_path_factory.mktemp("page")).read_bytes()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_adding_from_a_url(home, server):
    result = add(f"{server}/latest", cwd=home)  # a redirect to the document
    assert result.returncode == 0, result.stderr
    entry = yaml.safe_load((home / "raw" / "manifest.yml").read_text(encoding="utf-8"))[0]
    assert entry["file"] == "2025-02-en.txt" and entry["source_url"] == f"{server}/latest"
    assert entry["retrieved"]
    assert (home / "raw" / "2025-02-en.txt").read_bytes() == (SEEDS / "2025-02-en.txt").read_bytes()


def test_adding_a_publications_web_page(home, server):
    url = f"{server}/statistics/february-2025/"
    result = add(url, cwd=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("added raw/2025-02-en.html: 2025-02 en")
    entry = yaml.safe_load((home / "raw" / "manifest.yml").read_text(encoding="utf-8"))[0]
    assert entry["file"] == "2025-02-en.html" and entry["source_url"] == url and entry["retrieved"]
    assert (home / "raw" / "2025-02-en.html").read_bytes() == Publisher.page
    db = sqlite3.connect(home / "returns.db")
    assert db.execute("select count from returns where period = '2025-02' and kind = 'nationality' and "
                      "country = 'SYR' and category = 'dublin'").fetchone() == (8,)
    assert db.execute("select source_url from publications").fetchall() == [(url,)]


@pytest.mark.parametrize("path, args, message", [
    ("/missing.pdf", [], "the server answered HTTP 404"),
    # web pages that are no publication: read as pages (no title, no tables), and refused
    ("/page", [], ""),
    ("/page-as-text", [], ""),
    ("/slow", ["--timeout", "1"], "no whole answer within 1 s"),
    ("/huge", [], "30.0 MB: too large for a monthly publication"),
    ("/huge-unannounced", [], "more than 20 MB: too large for a monthly publication"),
])
def test_download_refusals(home, server, path, args, message):
    before = snapshot(home / "raw")
    started = time.monotonic()
    result = add(server + path, *args, cwd=home, timeout=60)
    assert_refused(result, before, home / "raw", message=f"{server}{path}: {message}")
    assert time.monotonic() - started < 30
    assert not (home / "returns.db").exists()


def test_an_unreachable_address(home, tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = snapshot(home / "raw")
    assert_refused(add(f"http://127.0.0.1:{port}/x.pdf", cwd=home), before, home / "raw",
                   message="cannot be fetched")


def test_a_decompression_bomb_is_read_within_the_limits(home, tmp_path):
    # add reads a PDF's title as the build reads the PDF: in a worker with a memory limit
    from hostile_pdfs import write_pdf

    bomb = tmp_path / "bomb.pdf"
    assert write_pdf(bomb, b"\0", 1 << 30) == 1 << 30
    before = snapshot(home / "raw")
    assert_refused(add(bomb, cwd=home), before, home / "raw",
                   message=f"{bomb}: reading it needs more than 512 MB of memory, the limit for one document")
