"""Scans, as offices make them, are read by OCR and build exactly their cells, or are refused.

tests/documents/scans/ holds what tools/make_scans.py (`make scans`) made of test PDFs of
tests/documents/: pages rasterised by poppler, black and white at 300 and 200 dpi,
greyscale JPEG turned by a small skew, and a poor photocopy (150 dpi, faint, speckled),
wrapped as PDFs of page images by img2pdf. scans.yml says which publication each was
made from. Each is built alone through the command line: it builds exactly the cells
of its publication (as the text PDF it was made from builds them), every repair recorded
with the OCR's reading, or it is refused naming where; never a wrong cell.

Also here: the two defects OCR showed (a stray dash beside a header label read as a
category; a comparison table's figures left NULL without a word), a category the
publication's period does not print, a page with an image and text not OCR'd, and the
cache's key for OCR.
"""

import sqlite3

import pytest
import yaml

from conftest import ROOT, run_cli, value
from norway_returns.reading.sources import sha256
from test_documents import CELLS, build_alone

SCANS = ROOT / "tests" / "documents" / "scans"
ENTRIES = yaml.safe_load((SCANS / "scans.yml").read_text(encoding="utf-8"))
# Real values of the publications, read off the printed tables.
PRINTED = {
    "2025-02": [("nationality", "AFG", "dublin", 4), ("nationality", "AFG", "international_protection", 6),
                ("destination", "DEU", "dublin", None)],
    "2024-03": [("nationality", "UKR", "dublin", 67), ("nationality", "AFG", "dublin", 5)],
    "2022-06": [("nationality", "AFG", "dublin", 17), ("nationality", "ALB", "expulsion", 21)],
    "2024-05": [],
}
GRAND_TOTAL = {"2025-02": 345, "2024-03": 554, "2022-06": 1089, "2024-05": 1033}


def build_scan(tmp_path, entry):
    """The scan built alone, over a previous database that a refusal must leave as it was."""
    return build_alone(tmp_path, entry, SCANS, previous=b"the previous database", timeout=600)


def test_the_scans_are_of_every_kind_asked_for():
    made = " | ".join(f"{e['dpi']} dpi {e['made_with']}" for e in ENTRIES)
    for what in ("300 dpi bw", "200 dpi bw", "grey", "skew", "faint", "noise", "searchable"):
        assert what in made, what
    assert {e["language"] for e in ENTRIES} == {"en", "no"}
    assert sum(p.stat().st_size for p in SCANS.iterdir()) < 4_000_000  # small enough to keep


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["file"] for e in ENTRIES])
def test_a_scan_builds_exactly_its_publications_cells_or_is_refused_naming_where(tmp_path, db, entry):
    result, built = build_scan(tmp_path, entry)
    assert "Traceback" not in result.stderr
    if entry["expect"] == "refuse":
        assert result.returncode == 1
        first = result.stderr.strip().splitlines()[0]
        assert first.startswith(f"raw/{entry['file']}:"), first
        assert built.read_bytes() == b"the previous database"
        return
    assert result.returncode == 0, result.stderr
    expected = [tuple(r) for r in db.execute(CELLS.replace("order by", "where period = ? order by"),
                                             (entry["period"],))]
    conn = sqlite3.connect(built)
    try:
        got = conn.execute(CELLS).fetchall()
        assert got == expected  # never a wrong cell: every cell as the publication prints it
        assert len(got) > 150
        for kind, country, category, count in PRINTED[entry["period"]]:
            found = value(conn, "select count from returns where kind = ? and country = ? and category = ?",
                          kind, country, category)
            assert found == count if count is not None else found is not None
        assert value(conn, "select count from published_totals where kind = 'nationality' and category = "
                           "'total'") == GRAND_TOTAL[entry["period"]]
        # a category the publication does not print is never stored, not even with a Total of 0
        printed = {c for (c,) in conn.execute("select distinct category from published_totals")}
        assert printed <= {"asylum", "dublin", "international_protection", "refused_entry_or_stay",
                           "expulsion", "other", "total"}
        assert "OCR" in value(conn, "select damaged from publications")
        # every repair recorded with the OCR's reading
        for detail, outcome in conn.execute("select detail, outcome from checks where outcome = 'repaired' "
                                            "and \"check\" in ('row_total', 'country_name')"):
            assert "OCR" in detail or "line" in detail, detail
        assert value(conn, "select count(*) from checks where outcome = 'mismatch'") == 0
    finally:
        conn.close()


def test_a_stray_dash_beside_a_header_label_is_no_category(tmp_path, db):
    """OCR read a rule's remains between two labels as `-`: it became a column of the older
    category "Asylum - rejected" (with a Total of 0 in published_totals), or part of a label
    ("Refused - or entry"): it is no piece of any label."""
    name = "2025-02-en-grid-layout.txt"
    text = (ROOT / "tests" / "documents" / name).read_text(encoding="utf-8").split("\n")
    header = next(k for k, l in enumerate(text) if "Granted    Refused stay" in l)
    at = text[header + 1].index("international") + len("international") + 4  # between two labels
    text[header + 1] = text[header + 1][:at] + "-" + text[header + 1][at + 1:]
    assert text[header + 1].split() == ["international", "-", "or", "entry"]
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / name).write_text("\n".join(text), encoding="utf-8")
    manifest = [{"file": name, "period": "2025-02", "language": "en", "sha256": sha256(raw / name)}]
    (raw / "manifest.yml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    result = run_cli("--raw", raw, "--db", tmp_path / "returns.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "returns.db")
    try:
        cats = [c for (c,) in conn.execute("select category from published_totals where kind = 'nationality' "
                                           "order by category")]
        assert cats == ["asylum", "dublin", "expulsion", "international_protection", "refused_entry_or_stay",
                        "total"]
        assert conn.execute(CELLS).fetchall() == [tuple(r) for r in db.execute(
            CELLS.replace("order by", "where period = '2025-02' order by"))]
    finally:
        conn.close()


def test_a_category_the_period_does_not_print_stops_at_its_header(raw_copy, tmp_path):
    line = next(k for k, l in enumerate(raw_copy.text("2025-02-en.txt").split("\n"), start=1)
                if l.startswith("\tAsylum\tDublin"))
    raw_copy.replace_line("2025-02-en.txt", line, "\tAsylum\t", "\tAsylum rejected\t")
    result = run_cli("--raw", raw_copy.path, "--db", tmp_path / "returns.db", cwd=tmp_path)
    assert result.returncode == 1
    first = result.stderr.strip().splitlines()[0]
    assert first.startswith(f"raw/2025-02-en.txt:{line}: ")
    assert "asylum_rejected" in first and "until 2021-12" in first
    assert not (tmp_path / "returns.db").exists()


def test_a_comparison_figure_the_build_cannot_read_is_reported_not_left_null(raw_copy, tmp_path):
    """OCR lost the comparison table's number: the year-to-date total was NULL without a word."""
    line = next(k for k, l in enumerate(raw_copy.text("2025-02-en.txt").split("\n"), start=1)
                if l.startswith("As at 28 February 2025"))
    raw_copy.replace_line("2025-02-en.txt", line, "2025\t345", "2025\t;,:")
    db = tmp_path / "returns.db"
    result = run_cli("--raw", raw_copy.path, "--db", db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "figure(s) stated but not read" in result.stdout
    assert "ytd_total" in result.stdout and f"raw/2025-02-en.txt:{line}" in result.stdout
    conn = sqlite3.connect(db)
    try:
        assert value(conn, "select ytd_total from monthly_figures where period = '2025-02'") is None
        assert value(conn, "select ytd_total_prev_year from monthly_figures where period = '2025-02'") == 349
        rows = conn.execute("select subject, outcome, detail from checks where \"check\" = 'figure_unread'").fetchall()
        assert [(s, o) for s, o, _ in rows] == [("ytd_total", "unread")]
        assert f"raw/2025-02-en.txt:{line}" in rows[0][2]
    finally:
        conn.close()


def test_a_page_with_an_image_and_text_is_not_ocrd(tmp_path, monkeypatch):
    """A page whose image covers it (a letterhead, a background) but whose text layer decodes
    is read from its text: OCR is only for a page without words."""
    import pdfplumber
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from norway_returns.reading import pdf

    background = tmp_path / "background.png"
    Image.new("L", (200, 280), 230).save(background)
    path = tmp_path / "letterhead.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(str(background), 0, 0, width=A4[0], height=A4[1])
    c.drawString(72, 760, "Statistics for February 2025: Forced returns from Norway")
    c.save()

    def no_ocr(page):
        raise AssertionError("a page with text was OCR'd")

    monkeypatch.setattr(pdf, "ocr_words", no_ocr)
    with pdfplumber.open(path) as doc:
        page = doc.pages[0]
        assert pdf.is_scan(page)
        words = pdf.page_words(page)
    assert [w["text"] for w in words][:2] == ["Statistics", "for"]
    assert not any("conf" in w for w in words)


def test_the_cache_of_what_ocr_read_is_keyed_on_tesseracts_version_and_language_data(monkeypatch):
    from norway_returns.reading import cache, ocr

    def key(engine):
        monkeypatch.setattr(ocr, "engine", lambda: engine)
        cache.fingerprint.cache_clear()
        return cache.fingerprint(cache.EXTRACTOR_MODULES), cache.fingerprint()

    try:
        first = key(("5.3.0", "aaaa"))
        assert key(("5.3.0", "aaaa")) == first
        assert key(("5.4.1", "aaaa"))[0] != first[0]  # another tesseract
        assert key(("5.3.0", "bbbb"))[0] != first[0]  # other language data
        assert key(("5.3.0", "bbbb"))[1] != first[1]  # the rows' cache too
    finally:
        cache.fingerprint.cache_clear()
