"""PDF publications: read with pdfplumber, they build exactly what their text twins build.

The PDFs are drawn at test time by tools/make_pdfs.py (reportlab) from the raw text
documents: the same prose lines and the tables as the build reads them, laid out as
the police lay them out (title and header repeated on every page, names wrapped in a
narrow column, empty cells for zero, a Total/Sum row), with ruled or unruled tables.
"""

import os
from pathlib import Path
import pty
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli
from norway_returns import build as build_module
from norway_returns.build import build
from norway_returns.errors import BuildError
from norway_returns.reading.pdf import extract_pdf, join_name

sys.path.insert(0, str(ROOT / "tools"))
import make_pdfs  # noqa: E402

VIEWS = ROOT / "sql" / "views"
RETURNS = "select period, kind, country, category, count from returns order by 1, 2, 3, 4"
FIGURES = "select * from monthly_figures order by period"


def rows(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def raw_dir(folder, documents, corrections=False):
    """A raw/ folder holding `documents` ({name: (path, publication or manifest entry)}) and their manifest."""
    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, (path, about) in documents.items():
        if path != raw / name:
            shutil.copy(path, raw / name)
        entry = about if isinstance(about, dict) else make_pdfs.manifest_entry(raw / name, about)
        entries.append(dict(entry, file=name, sha256=make_pdfs.sha256(raw / name)))
    make_pdfs.write_manifest(raw, entries)
    if corrections:
        shutil.copy(ROOT / "raw" / "corrections.yml", raw / "corrections.yml")
    return raw


_twins = {}


def text_twin(file, tmp_path_factory):
    """The database built from raw/FILE alone (with the corrections it needs)."""
    if file not in _twins:
        import yaml

        folder = tmp_path_factory.mktemp("twin")
        entry = next(e for e in yaml.safe_load((ROOT / "raw" / "manifest.yml").read_text(encoding="utf-8"))
                     if e["file"] == file)
        raw = raw_dir(folder, {file: (ROOT / "raw" / file, entry)}, corrections=file.startswith("2024-05"))
        build(raw, folder / "twin.db", VIEWS)
        _twins[file] = folder / "twin.db"
    return _twins[file]


def make_pdf(folder, file, **layout):
    pub = make_pdfs.from_text(ROOT / "raw", file)
    folder.mkdir(parents=True, exist_ok=True)
    path = make_pdfs.render(pub, folder / file.replace(".txt", ".pdf"), **layout)
    return path, pub


LAYOUTS = {
    "ruled": dict(ruled=True, valign="TOP"),
    "unruled": dict(ruled=False, valign="MIDDLE"),
}
TWINS = [(f, layout) for f in ("2022-06-en.txt", "2024-03-no.txt", "2024-05-en.txt", "2025-02-en.txt")
         for layout in LAYOUTS]


@pytest.mark.parametrize("file,layout", TWINS)
def test_a_pdf_builds_what_its_text_builds(tmp_path, tmp_path_factory, file, layout):
    # 2022-06: English, five columns; 2024-03: Norwegian; 2025-02: six columns;
    # 2024-05: drawn from the repaired and corrected tables, built with no corrections
    pdf, pub = make_pdf(tmp_path / "made", file, **LAYOUTS[layout])
    raw = raw_dir(tmp_path, {pdf.name: (pdf, pub)})
    db = tmp_path / "pdf.db"
    summary = build(raw, db, VIEWS, cache_dir=False)
    twin = text_twin(file, tmp_path_factory)
    assert rows(db, RETURNS) == rows(twin, RETURNS)
    assert rows(db, FIGURES) == rows(twin, FIGURES)
    assert rows(db, "select kind, category, count from published_totals order by 1, 2") == \
        rows(twin, "select kind, category, count from published_totals order by 1, 2")
    assert "0 mismatch(es)" in str(summary)
    # nothing to repair or correct in a PDF: every cell as printed
    assert rows(db, "select distinct status from returns") == [("printed",)]
    # every cell names the line and page of the PDF it was read from, and that line prints it
    lines = extract_pdf(raw / pdf.name, f"raw/{pdf.name}")
    pages = set()
    for source, count in rows(db, "select source, count from returns union all "
                                  "select source, count from published_totals"):
        name, number, page = re.fullmatch(r"(.+):(\d+) \(page (\d+)\)", source).groups()
        line = lines[int(number) - 1]
        assert name == f"raw/{pdf.name}" and int(page) == line.page
        assert str(count) in line.cells[1:], (source, line)
        pages.add(line.page)
    assert len(pages) >= 2  # the tables run over several pages
    for source, in rows(db, "select source from figure_sources"):
        name, number, page = re.fullmatch(r"(.+):(\d+) \(page (\d+)\)", source).groups()
        assert int(page) == lines[int(number) - 1].page


def test_lines_are_numbered_over_the_document_and_know_their_page(tmp_path):
    pdf, pub = make_pdf(tmp_path, "2025-02-en.txt", ruled=False)
    lines = extract_pdf(pdf, "raw/x.pdf")
    assert [l.number for l in lines] == list(range(1, len(lines) + 1))
    pages = [l.page for l in lines]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] >= 4
    # the tables continue over pages, each page repeating the header
    headers = [l for l in lines if l.cells[:2] == ("", "Asylum")]
    assert len({l.page for l in headers}) >= 3
    assert headers[0].cells == ("", "Asylum", "Dublin", "Granted international protection",
                                "Refused stay or entry", "Expulsion", "Total")
    # prose comes out as lines of text
    text = " ".join(l.text for l in lines)
    assert "The police forcibly returned 181 persons in February 2025, 50 of whom were convicted offenders." in text
    # the running title and the page numbers repeat on every page: no name cell, so never a row
    running = [l for l in lines if l.text == pub.title]
    assert len(running) >= 4 and all(l.cells == ("",) for l in running)


@pytest.mark.parametrize("layout", ["ruled", "unruled"])
def test_names_wrapped_in_their_cell_are_joined(tmp_path, layout):
    import pdfplumber

    pdf, _ = make_pdf(tmp_path, "2024-05-en.txt", **LAYOUTS[layout])
    lines = extract_pdf(pdf, "raw/x.pdf")
    congo = [l for l in lines if l.cells[0] == "Democratic Republic of the Congo"]
    assert len(congo) == 1 and congo[0].cells[1:] == ("", "", "3", "", "3")
    with pdfplumber.open(pdf) as doc:  # it is printed over several lines of its cell
        text = doc.pages[congo[0].page - 1].extract_text()
    assert "Democratic Republic of the Congo" not in text and "Democratic" in text


def test_joining_a_wrapped_name_tries_the_readings_of_a_break():
    assert join_name(["Democratic Republic", "of the Congo"]) == "Democratic Republic of the Congo"
    assert join_name(["Bosnia-Herzegovi", "na"]) == "Bosnia-Herzegovina"  # a word cut to fit the cell
    assert join_name(["Nord-", "Makedonia"]) == "Nord-Makedonia"
    assert join_name(["Elfenbens-", "kysten"]) == "Elfenbenskysten"
    assert join_name(["Saint Kitts", "and Nevis"]) == "Saint Kitts and Nevis"
    assert join_name(["Atlan-", "tis"]) == "Atlan-tis"  # unknown: the hyphen is kept for the error message


def test_numbers_centred_beside_names_at_the_bottom_of_their_cell(tmp_path, tmp_path_factory):
    # an unruled variant: numbers centred in their columns, at the foot of a wrapped name
    pdf, pub = make_pdf(tmp_path / "made", "2022-06-en.txt", ruled=False, valign="BOTTOM", align="CENTER")
    raw = raw_dir(tmp_path, {pdf.name: (pdf, pub)})
    build(raw, tmp_path / "pdf.db", VIEWS, cache_dir=False)
    assert rows(tmp_path / "pdf.db", RETURNS) == rows(text_twin("2022-06-en.txt", tmp_path_factory), RETURNS)


def test_an_owner_password_only_pdf_is_read(tmp_path, tmp_path_factory):
    # "encrypted" for permissions only, as many published PDFs are: it opens without a password
    from reportlab.lib.pdfencrypt import StandardEncryption

    pdf, pub = make_pdf(tmp_path / "made", "2024-03-no.txt", ruled=True,
                        encrypt=StandardEncryption("", ownerPassword="owner", canModify=0))
    assert b"/Encrypt" in pdf.read_bytes()
    raw = raw_dir(tmp_path, {pdf.name: (pdf, pub)})
    build(raw, tmp_path / "pdf.db", VIEWS, cache_dir=False)
    assert rows(tmp_path / "pdf.db", RETURNS) == rows(text_twin("2024-03-no.txt", tmp_path_factory), RETURNS)


# --- two consecutive months -----------------------------------------------------------


def test_consecutive_months_give_each_month_its_own_returns(tmp_path):
    feb = make_pdfs.from_text(ROOT / "raw", "2025-02-en.txt")
    mar = make_pdfs.next_month(feb, returned=57, seed=3)
    made = tmp_path / "made"
    made.mkdir()
    a = make_pdfs.render(feb, made / "2025-02-en.pdf", ruled=True)
    b = make_pdfs.render(mar, made / "2025-03-en.pdf", ruled=False)
    raw = raw_dir(tmp_path, {a.name: (a, feb), b.name: (b, mar)})
    db = tmp_path / "two.db"
    summary = build(raw, db, VIEWS, cache_dir=False)
    assert "0 mismatch(es)" in str(summary)
    assert rows(db, "select period, returned_in_month, ytd_total from monthly_figures order by 1") == [
        ("2025-02", 181, 345), ("2025-03", 57, 345 + 57)]

    # each cell of March's own returns is the difference of the two year-to-date cells
    ytd = {}
    for period, kind, country, category, count in rows(db, RETURNS):
        ytd[period, kind, country, category] = count
    expected = {}
    for (period, kind, country, category), count in ytd.items():
        if period == "2025-03":
            expected[kind, country, category] = count - ytd.get(("2025-02", kind, country, category), 0)
    assert sum(v for (kind, _, _), v in expected.items() if kind == "nationality") == 57
    assert sum(v for (kind, _, _), v in expected.items() if kind == "destination") == 57

    # the monthly_returns view says the same, and March's total is its returned_in_month
    view = rows(db, "select kind, country, category, returns from monthly_returns where period = '2025-03'")
    assert {(k, c, cat): r for k, c, cat, r in view if r} == {k: v for k, v in expected.items() if v}
    assert rows(db, """select sum(m.returns), f.returned_in_month from monthly_returns m
                       join monthly_figures f using (period)
                       where m.period = '2025-03' and m.kind = 'nationality'""") == [(57, 57)]


# --- bad PDFs ---------------------------------------------------------------------------


def _not_a_publication(path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 760, "Annual report 2024: Parking permits in Oslo")
    c.drawString(72, 740, "The city issued 12345 permits in 2024, 3 % more than in 2023.")
    c.showPage()
    c.save()


def _image_only(path):
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (200, 100), "white")
    for x in range(20, 180):
        image.putpixel((x, 50), (0, 0, 0))
    c = canvas.Canvas(str(path), pagesize=A4)
    for page in range(2):  # a "scan": an image and ruled lines, no text layer
        c.drawImage(ImageReader(image), 72, 400, width=400, height=200)
        c.rect(72, 100, 400, 250)
        c.line(72, 200, 472, 200)
        c.showPage()
    c.save()


def _encrypted(path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    pub = make_pdfs.from_text(ROOT / "raw", "2025-02-en.txt")
    make_pdfs.render(pub, path, encrypt=StandardEncryption("user-secret", ownerPassword="owner-secret"))


def _truncated(path):
    make_pdfs.render(make_pdfs.from_text(ROOT / "raw", "2025-02-en.txt"), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbage(path):
    path.write_bytes(b"<html><body>404 Not Found</body></html>\n" * 10)


def _broken_inside(path):
    # header and %%EOF in place, the objects in between overwritten
    make_pdfs.render(make_pdfs.from_text(ROOT / "raw", "2025-02-en.txt"), path)
    data = bytearray(path.read_bytes())
    for k in range(200, len(data) - 200, 7):
        data[k] = 0x41
    path.write_bytes(bytes(data))


BAD = {
    "zero bytes": (lambda p: p.write_bytes(b""), "raw/bad.pdf: empty file (0 bytes), not a PDF"),
    "truncated": (_truncated, "raw/bad.pdf: truncated PDF"),
    "encrypted": (_encrypted, "raw/bad.pdf: encrypted PDF: it cannot be read without its password"),
    "image only": (_image_only, "raw/bad.pdf: no text in the PDF (2 page(s) of images or drawings only"),
    "not a returns publication": (_not_a_publication, "raw/bad.pdf: no table by nationality found"),
    "not a PDF at all": (_garbage, "raw/bad.pdf: not a PDF"),
    "damaged inside": (_broken_inside, "raw/bad.pdf: "),
}


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    path = tmp_path_factory.mktemp("previous") / "returns.db"
    build(ROOT / "raw", path, VIEWS)
    return path


@pytest.mark.parametrize("case", BAD)
def test_a_bad_pdf_stops_the_build_and_keeps_the_database(tmp_path, previous, case):
    make, message = BAD[case]
    made = tmp_path / "made"
    made.mkdir()
    make(made / "bad.pdf")
    raw = raw_dir(tmp_path, {"bad.pdf": (made / "bad.pdf", dict(period="2025-03", language="en"))})
    db = tmp_path / "out" / "returns.db"
    db.parent.mkdir()
    shutil.copy(previous, db)
    before = db.read_bytes()
    result = run_cli("--raw", raw, "--db", db)
    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert db.read_bytes() == before
    # no temp file left; no cache entry for a PDF that could not be read
    assert [p.name for p in db.parent.rglob("*") if p.is_file() and p.parent.name != "extract"] == ["returns.db"]
    if "no table" not in message:
        assert not (db.parent / ".cache").exists()


def test_bad_pdfs_raise_build_errors_in_process(tmp_path):
    for case, (make, message) in BAD.items():
        if "no table" in message:
            continue  # that one is the table stage's error
        path = tmp_path / f"{case.replace(' ', '-')}.pdf"
        make(path)
        with pytest.raises(BuildError) as e:
            extract_pdf(path, "raw/bad.pdf")
        assert str(e.value).startswith(message), (case, str(e.value))


# --- parallel extraction, the cache, the progress bar ------------------------------------


@pytest.fixture(scope="module")
def five(tmp_path_factory):
    """Five consecutive synthetic months as PDFs: (folder, manifest entries)."""
    folder = tmp_path_factory.mktemp("five")
    entries = []
    for k, pub in enumerate(make_pdfs.Archive(seed=7).months("2024-10", 5)):
        path = make_pdfs.render(pub, folder / f"{pub.period}-{pub.language}.pdf", ruled=k % 2 == 0)
        entries.append((path, pub))
    return entries


def _raw_of(tmp_path, documents):
    return raw_dir(tmp_path, {p.name: (p, pub) for p, pub in documents})


def test_parallel_extraction_builds_the_same_database(tmp_path, five, monkeypatch):
    raw = _raw_of(tmp_path, five)
    monkeypatch.setenv("NORWAY_RETURNS_JOBS", "1")
    build(raw, tmp_path / "serial.db", VIEWS, cache_dir=False)
    monkeypatch.setenv("NORWAY_RETURNS_JOBS", "2")
    build(raw, tmp_path / "parallel.db", VIEWS, cache_dir=False)
    dump = lambda p: list(sqlite3.connect(p).iterdump())  # noqa: E731
    assert dump(tmp_path / "parallel.db") == dump(tmp_path / "serial.db")
    # the synthetic months grow: January restarts the year, and each month adds its returned_in_month
    got = rows(tmp_path / "serial.db", "select period, returned_in_month, ytd_total from monthly_figures order by 1")
    assert [p for p, _, _ in got] == ["2024-10", "2024-11", "2024-12", "2025-01", "2025-02"]
    for (p0, _, ytd0), (p1, month1, ytd1) in zip(got, got[1:]):
        assert ytd1 == (month1 if p1.endswith("-01") else ytd0 + month1)
    # the prose of each month (English and Norwegian) is read as the generator stated it
    from norway_returns.reading.figures import FIGURES

    conn = sqlite3.connect(tmp_path / "serial.db")
    conn.row_factory = sqlite3.Row
    for path, pub in five:
        read = dict(conn.execute("select * from monthly_figures where period = ?", (pub.period,)).fetchone())
        assert {f: read[f] for f in FIGURES} == {f: pub.figures.get(f) for f in FIGURES}, pub.period


def test_parallel_extraction_stops_where_a_serial_build_would(tmp_path, five, monkeypatch):
    # the first document (by period) fails in the table stage, a later one cannot be read
    # at all: the build reports the first, as a serial build does
    made = tmp_path / "made"
    made.mkdir()
    _not_a_publication(made / "a.pdf")
    (made / "b.pdf").write_bytes(b"")
    docs = {"a.pdf": (made / "a.pdf", dict(period="2020-01", language="en")),
            "b.pdf": (made / "b.pdf", dict(period="2020-02", language="en"))}
    docs.update({p.name: (p, pub) for p, pub in five})
    raw = raw_dir(tmp_path, docs)
    for jobs in ("1", "2"):
        monkeypatch.setenv("NORWAY_RETURNS_JOBS", jobs)
        with pytest.raises(BuildError) as e:
            build(raw, tmp_path / "x.db", VIEWS, cache_dir=tmp_path / "cache")
        assert str(e.value) == "raw/a.pdf: no table by nationality found"
    (raw / "a.pdf").unlink()
    docs.pop("a.pdf")
    raw = raw_dir(tmp_path / "second", docs)
    monkeypatch.setenv("NORWAY_RETURNS_JOBS", "2")
    with pytest.raises(BuildError) as e:
        build(raw, tmp_path / "x.db", VIEWS, cache_dir=tmp_path / "cache")
    assert str(e.value) == "raw/b.pdf: empty file (0 bytes), not a PDF"


def test_pdfs_are_cached_by_sha256(tmp_path, five, monkeypatch):
    raw = _raw_of(tmp_path, five[:3])
    monkeypatch.delenv("NORWAY_RETURNS_CACHE", raising=False)
    db = tmp_path / "out" / "returns.db"
    db.parent.mkdir()
    build(raw, db, VIEWS)
    cache = db.parent / ".cache"  # the default: beside the database
    extracted, built = (sorted(p.name for p in (cache / kind).iterdir()) for kind in ("extract", "rows"))
    for entries in extracted, built:
        assert len(entries) == 3 and all(e.endswith(".json") for e in entries)
        assert {e.split("-")[0] for e in entries} == {make_pdfs.sha256(p) for p, _ in five[:3]}
    first = list(sqlite3.connect(db).iterdump())

    def no_extraction(document):
        raise AssertionError(f"extracted {document.name} again")

    def no_rows(document, *args):
        raise AssertionError(f"built the rows of {document.name} again")

    # a second build reads nothing and builds no document's rows: all come from the cache
    monkeypatch.setattr(build_module, "extract", no_extraction)
    monkeypatch.setattr(build_module, "document_rows", no_rows)
    build(raw, db, VIEWS)
    assert list(sqlite3.connect(db).iterdump()) == first

    # new code (no rows entry): the rows are built again from the cached extractions
    monkeypatch.undo()
    monkeypatch.delenv("NORWAY_RETURNS_CACHE", raising=False)
    shutil.rmtree(cache / "rows")
    monkeypatch.setattr(build_module, "extract", no_extraction)
    build(raw, db, VIEWS)
    assert list(sqlite3.connect(db).iterdump()) == first
    assert sorted(p.name for p in (cache / "rows").iterdir()) == built

    # a changed manifest entry is not served stale rows: here the period, which the
    # document's title contradicts (cached rows would have built), then left out
    monkeypatch.undo()
    monkeypatch.delenv("NORWAY_RETURNS_CACHE", raising=False)
    manifest = raw / "manifest.yml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("period: 2024-12", "period: 2025-04"), encoding="utf-8")
    with pytest.raises(BuildError, match="period 2025-04, but raw/2024-12-no.pdf:1 .page 1. says "
                                         "'Månedsstatistikk desember 2024"):
        build(raw, db, VIEWS)
    manifest.write_text(text.replace("  period: 2024-12\n", ""), encoding="utf-8")
    build(raw, db, VIEWS)
    assert list(sqlite3.connect(db).iterdump()) == first
    assert len(list((cache / "rows").iterdir())) == 3  # the entry made for the old entry is gone
    manifest.write_text(text, encoding="utf-8")

    # a damaged cache entry is read again from the document, and rewritten
    (cache / "extract" / extracted[0]).write_text("{not json", encoding="utf-8")
    (cache / "rows" / built[0]).write_text('{"sha256": "x", "data": 1}', encoding="utf-8")
    build(raw, db, VIEWS)
    assert list(sqlite3.connect(db).iterdump()) == first
    for kind, entry in ("extract", extracted[0]), ("rows", built[0]):
        assert (cache / kind / entry).read_text(encoding="utf-8").startswith(f'{{"sha256": "{entry[:64]}"')

    # NORWAY_RETURNS_CACHE=off: no cache at all
    shutil.rmtree(cache)
    monkeypatch.setenv("NORWAY_RETURNS_CACHE", "off")
    build(raw, db, VIEWS)
    assert not cache.exists()


def test_text_documents_are_neither_cached_nor_sent_to_workers(tmp_path, monkeypatch):
    monkeypatch.delenv("NORWAY_RETURNS_CACHE", raising=False)
    db = tmp_path / "returns.db"
    build(ROOT / "raw", db, VIEWS)
    assert [p.name for p in tmp_path.iterdir()] == ["returns.db"]


def test_progress_bar_only_on_a_terminal(tmp_path, five):
    raw = _raw_of(tmp_path, five)
    env = dict(os.environ, NORWAY_RETURNS_CACHE=str(tmp_path / "cache"))
    result = run_cli("--raw", raw, "--db", tmp_path / "a.db")
    assert result.returncode == 0 and result.stderr == ""  # not a terminal: no bar
    master, slave = pty.openpty()
    proc = subprocess.run([sys.executable, str(ROOT / "build_db.py"), "--raw", str(raw), "--db",
                           str(tmp_path / "b.db")], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=slave,
                          timeout=300)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.returncode == 0, (proc.stdout.decode("utf-8", "replace")[-1000:], shown.decode("utf-8", "replace")[-2000:])
    assert b"Reading publications" in shown


def _stat(pid):
    """(state, parent pid) of a process, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[1])


def _children(pid):
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and (_stat(p.name) or ("", 0))[1] == pid]


def _descendants(pid):
    found, todo = [], [pid]
    while todo:
        children = _children(todo.pop())
        found += children
        todo += children
    return found


def _alive(pid):
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_with_a_killed_build(tmp_path, five):
    # SIGKILL the build while its worker processes extract: they must not linger
    import signal
    import time

    raw = _raw_of(tmp_path, five)
    env = dict(os.environ, NORWAY_RETURNS_CACHE="off", NORWAY_RETURNS_JOBS="2")
    proc = subprocess.Popen([sys.executable, str(ROOT / "build_db.py"), "--raw", str(raw), "--db",
                             str(tmp_path / "k.db")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    # the workers and anything they started
    everyone, deadline = [], time.monotonic() + 60
    while len(everyone) < 2 and proc.poll() is None and time.monotonic() < deadline:
        everyone = _descendants(proc.pid)
        time.sleep(0.02)
    assert len(everyone) >= 2, "the build started no worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in everyone) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in everyone if _alive(p)] == []
    assert not (tmp_path / "k.db").exists()


# Run in a process of its own, where pycountry's data is not loaded yet: once the pool
# exists, its main thread holds pycountry's loading lock (as the build's main thread did
# while it loaded the countries) while the pool forks a worker that reads a PDF, which
# needs the countries.
HELD_LOCK = """
import sys
from pathlib import Path
import pycountry
from norway_returns.add import _Probe, _lines
from norway_returns.errors import BuildError
from norway_returns.reading.workers import Readers
probe = _Probe(Path(sys.argv[1]), "raw/" + Path(sys.argv[1]).name)
readers = Readers(1)
with pycountry.countries._load_lock:
    try:
        lines = readers.result(probe, readers.submit(_lines, probe))
        print(len(lines), "lines")
    except BuildError as e:
        print(e)
    readers.close()
"""


def test_a_worker_never_waits_on_a_lock_the_build_held(five):
    # The worker inherited the lock held, with no thread to release it, and waited until
    # the time limit (one build in eight); the data is now loaded before the first fork,
    # and no worker takes the lock.
    path = five[0][0]
    env = dict(os.environ, NORWAY_RETURNS_READ_SECONDS="10")
    result = subprocess.run([sys.executable, "-c", HELD_LOCK, str(path)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(" lines\n"), result.stdout
    assert int(result.stdout.split()[0]) > 100
