"""Documents as users' own tools make them build exactly their publication's cells.

tests/documents/ holds what tools/make_fixtures.py (`make fixtures`) made from the
publications of raw/: Word documents saved as PDF by LibreOffice (grid borders, no
borders, a banded table style; the header row repeated on each page or not; a running
title and page numbers; a long name wrapped in its cell, and one cut by a page break),
HTML tables printed to PDF by Chromium, and poppler's text of some of them: `pdftotext
-layout` (cells in columns by position) and plain `pdftotext` (cells one after another,
their positions lost), text copied from a PDF viewer, the article page as a news CMS
renders it and as Chromium saves it, LaTeX with numbered captions and with both tables
side by side, and a PDF printed through PostScript. documents.yml says which
publication each was made from.

Each is built alone through the command line, as a user adds a month, and must give
exactly the cells (period, kind, country, category, count) that the publication it was
made from gives; plain `pdftotext` text must be refused at its line, saying why, and a
text layer that does not decode to words refused with that reason.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from norway_returns.reading.sources import sha256

DOCUMENTS = ROOT / "tests" / "documents"
CLI = Path(ROOT / ".venv" / "bin" / "norway-returns")
ENTRIES = yaml.safe_load((DOCUMENTS / "documents.yml").read_text(encoding="utf-8"))
CELLS = "select period, kind, country, category, count from returns order by 1, 2, 3, 4"


def cli():
    found = shutil.which("norway-returns")
    return [str(CLI)] if CLI.exists() else [found]


def build_alone(tmp_path, entry, folder=DOCUMENTS, previous=None, timeout=300):
    """`norway-returns build` of a raw/ holding this document alone (from `folder`), over a
    database holding `previous` where given: (result, db path)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(folder / entry["file"], raw / entry["file"])
    manifest = [{"file": entry["file"], "period": entry["period"], "language": entry["language"],
                 "title": entry["title"], "sha256": sha256(raw / entry["file"])}]
    (raw / "manifest.yml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "returns.db"
    if previous is not None:
        db.write_bytes(previous)
    result = subprocess.run(cli() + ["build", "--raw", str(raw), "--db", str(db), "--views",
                                     str(ROOT / "sql" / "views")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=timeout)
    return result, db


def cells(db, period=None):
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(CELLS).fetchall()
    finally:
        conn.close()
    return [r for r in rows if period is None or r[0] == period]


def test_the_documents_are_of_every_kind_asked_for():
    made = " | ".join(e["made_with"] for e in ENTRIES)
    for what in ("grid borders", "none borders", "banded borders", "shaded borders", "header repeated",
                 "header not repeated",
                 "across a page break", "Chromium", "pdftotext -layout", "pdftotext (no -layout)",
                 "left-aligned", "center-aligned", "no style sheet", "<table border=1>", "landscape",
                 "web page as a news CMS renders it", "as Chromium saves it", "tables typed in its editor",
                 "as a PDF viewer copies it", "LaTeX", "caption below its table", "caption above its table",
                 "side by side on one landscape page", "printed through PostScript"):
        assert what in made, what
    # the six-category layout of 2025 in every form the older layouts come in
    forms_2025 = " | ".join(e["made_with"] for e in ENTRIES if e["period"] == "2025-02" and e["expect"] == "build")
    for what in ("grid borders", "none borders", "banded borders", "shaded borders", "left-aligned",
                 "header not repeated", "Chromium", "no style sheet", "landscape", "pdftotext -layout",
                 "as a PDF viewer copies it", "web page", "LaTeX"):
        assert what in forms_2025, what
    pages = [e for e in ENTRIES if e["file"].endswith(".html")]
    assert {e["language"] for e in pages} == {"en", "no"}
    assert {e["language"] for e in pages if "saved" in e["file"]} == {"en", "no"}
    assert {e["language"] for e in ENTRIES} == {"en", "no"}
    assert {e["made_from"] for e in ENTRIES} == {f"raw/{f}" for f in
                                                ("2022-06-en.txt", "2024-03-no.txt", "2024-05-en.txt",
                                                 "2025-02-en.txt")}
    # small enough to keep in the repository
    assert sum(p.stat().st_size for p in DOCUMENTS.iterdir()) < 6_000_000


BUILDS = [e for e in ENTRIES if e["expect"] == "build"]
REFUSED = [e for e in ENTRIES if e["expect"] == "refuse" and e["why"] == "cell positions are gone"]
UNDECODED = [e for e in ENTRIES if e["expect"] == "refuse" and e["why"] == "the text layer does not decode to words"]


@pytest.mark.parametrize("entry", BUILDS, ids=[e["file"] for e in BUILDS])
def test_a_document_builds_exactly_its_publications_cells(tmp_path, db, entry):
    result, built = build_alone(tmp_path, entry)
    assert result.returncode == 0, result.stderr
    expected = [tuple(r) for r in db.execute(CELLS.replace("order by", "where period = ? order by"),
                                             (entry["period"],))]
    got = cells(built)
    assert got == expected
    assert len(got) > 150  # both tables, every cell
    # every cell as printed: nothing to repair in a document made by office software
    conn = sqlite3.connect(built)
    try:
        assert conn.execute("select distinct status from returns").fetchall() == [("printed",)]
        assert conn.execute("select count(*) from checks where outcome = 'mismatch'").fetchone()[0] == 0
    finally:
        conn.close()


@pytest.mark.parametrize("entry", REFUSED, ids=[e["file"] for e in REFUSED])
def test_text_whose_cells_lost_their_positions_is_refused_at_its_line(tmp_path, entry):
    previous = tmp_path / "returns.db"
    previous.write_bytes(b"the previous database")
    result, built = build_alone(tmp_path, entry)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith(f"raw/{entry['file']}:")
    line = int(first.split(":")[1])
    text = (DOCUMENTS / entry["file"]).read_text(encoding="utf-8").split("\n")
    assert text[line - 1].strip().isdigit()  # a number alone on its line, where the table's row was
    assert "lost their positions" in first and "pdftotext -layout" in first
    assert built.read_bytes() == b"the previous database"


@pytest.mark.parametrize("entry", UNDECODED, ids=[e["file"] for e in UNDECODED])
def test_a_text_layer_that_does_not_decode_to_words_is_refused_with_that_reason(tmp_path, entry):
    """A PDF printed through PostScript whose fonts lost their mapping to characters has a
    text layer of character ids: the build says so and advises OCR, not "no table found"."""
    previous = tmp_path / "returns.db"
    previous.write_bytes(b"the previous database")
    result, built = build_alone(tmp_path, entry)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith(f"raw/{entry['file']}: ")
    assert "text layer does not decode to words" in first
    assert "OCR" in first
    assert "no table" not in result.stderr
    assert built.read_bytes() == b"the previous database"
