"""Text layouts are decided per table, not per file; a text whose cells lost their positions is refused.

Built through the command line from copies of raw/ changed as a user's tools change a
text: TABs in the prose and spaces in the tables (or the reverse), Windows line ends and
a byte-order mark, a row whose empty cells were dropped.
"""

import sqlite3

import pytest

from conftest import run_cli
from layouts import spaces_to_tabs, tabs_to_spaces

CELLS = "select period, kind, country, category, count from returns where period = ? order by 1, 2, 3, 4"


def build_one(raw_copy, tmp_path, keep):
    """Build the copy of raw/ with only `keep` left in it (and its manifest entry)."""
    import yaml

    manifest = raw_copy.path / "manifest.yml"
    entries = [e for e in yaml.safe_load(manifest.read_text(encoding="utf-8")) if e["file"] == keep]
    for p in raw_copy.path.iterdir():
        if p.name not in (keep, "manifest.yml"):
            p.unlink()
    manifest.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    db = tmp_path / "out.db"
    return run_cli("--raw", raw_copy.path, "--db", db), db


def cells(db, period):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(CELLS, (period,)).fetchall()
    finally:
        conn.close()


def _split_at_first_table(text):
    lines = text.split("\n")
    first = next(k for k, l in enumerate(lines) if "by nationality" in l or "etter nasjonalitet" in l)
    return "\n".join(lines[:first]), "\n".join(lines[first:])


def test_tabs_in_the_prose_and_spaces_in_the_tables(raw_copy, tmp_path, db):
    # February 2025 prints its prose comparison with TABs ("As at 28 February 2025<TAB>345");
    # here its tables are space-aligned, as another extraction tool gives them
    prose, tables = _split_at_first_table(raw_copy.text("2025-02-en.txt"))
    assert "\t" in prose
    raw_copy.write("2025-02-en.txt", prose + "\n" + tabs_to_spaces(tables))
    assert "\t" not in tabs_to_spaces(tables)
    result, built = build_one(raw_copy, tmp_path, "2025-02-en.txt")
    assert result.returncode == 0, result.stderr
    assert cells(built, "2025-02") == [tuple(r) for r in db.execute(CELLS, ("2025-02",))]
    # "Syria<TAB><TAB>8<TAB>4<TAB><TAB><TAB>12" as printed: Dublin 8, international protection 4
    assert {("2025-02", "nationality", "SYR", "dublin", 8),
            ("2025-02", "nationality", "SYR", "international_protection", 4)} <= set(cells(built, "2025-02"))


def test_spaces_in_the_prose_and_tabs_in_the_tables(raw_copy, tmp_path, db):
    prose, tables = _split_at_first_table(raw_copy.text("2024-03-no.txt"))
    raw_copy.write("2024-03-no.txt", prose + "\n" + spaces_to_tabs(tables))
    result, built = build_one(raw_copy, tmp_path, "2024-03-no.txt")
    assert result.returncode == 0, result.stderr
    assert cells(built, "2024-03") == [tuple(r) for r in db.execute(CELLS, ("2024-03",))]


@pytest.mark.parametrize("file", ["2022-06-en.txt", "2025-02-en.txt"])
def test_windows_line_ends_and_a_byte_order_mark(raw_copy, tmp_path, db, file):
    text = raw_copy.text(file)
    (raw_copy.path / file).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    raw_copy.rehash(file)
    result, built = build_one(raw_copy, tmp_path, file)
    assert result.returncode == 0, result.stderr
    assert cells(built, file[:7]) == [tuple(r) for r in db.execute(CELLS, (file[:7],))]


def test_a_row_whose_empty_cells_were_dropped_is_refused_at_its_line(raw_copy, tmp_path):
    # "Albania 10 17   21 48": the three spaces hold the empty Dublin cell; with them
    # gone, nothing says which of the five columns the four numbers stand in
    lines = raw_copy.text("2022-06-en.txt").split("\n")
    number = next(k for k, l in enumerate(lines, 1) if l.startswith("Albania 10 17   21 48"))
    raw_copy.replace_line("2022-06-en.txt", number, "Albania 10 17   21 48", "Albania 10 17 21 48")
    result, _ = build_one(raw_copy, tmp_path, "2022-06-en.txt")
    assert result.returncode == 1
    assert result.stderr.startswith(f"raw/2022-06-en.txt:{number}: 4 numbers for the 5 columns, and no spacing "
                                    "shows which cells are empty: the table's cells have lost their positions")
    assert "Traceback" not in result.stderr


def test_page_numbers_in_a_layout_text_are_never_rows(tmp_path, db):
    # `pdftotext -layout` text of a Word table whose header is not repeated: the rows of
    # the next pages stand under no header. Its footers "Page 3 of 5" are changed to
    # "Page 3" (a word and a number, like a row) and bare "3": neither is a row, and the
    # table still reads exactly
    import re

    import yaml
    from conftest import ROOT
    from norway_returns.reading.sources import sha256

    source = ROOT / "tests" / "documents" / "2025-02-en-noborders-layout.txt"
    text = source.read_text(encoding="utf-8")
    for k, footer in enumerate((lambda m: f"Page {m.group(1)}", lambda m: m.group(1))):
        raw = tmp_path / f"raw{k}"
        raw.mkdir()
        changed, n = re.subn(r"Page (\d) of 5", footer, text)
        assert n == 5
        (raw / "doc.txt").write_text(changed, encoding="utf-8")
        entry = dict(file="doc.txt", period="2025-02", language="en",
                     title="Statistics for February 2025: Forced returns from Norway", sha256=sha256(raw / "doc.txt"))
        (raw / "manifest.yml").write_text(yaml.safe_dump([entry]), encoding="utf-8")
        result = run_cli("--raw", raw, "--db", raw / "out.db")
        assert result.returncode == 0, result.stderr
        assert cells(raw / "out.db", "2025-02") == [tuple(r) for r in db.execute(CELLS, ("2025-02",))]


def test_cells_shifted_by_the_layout_keep_their_order():
    # pdftotext -layout of March 2024 (no borders), destination table, page 6 under no
    # header: "Østerrike 1 2 3" printed its Bortvisning and Dublin cells 3-4 characters right
    # of the columns' other numbers ("Sum 64 130 171 189 554" stands at 38-40, 59-62,
    # 67-70, 89-92 and 101-104). Nearest alone would put the 1 under Dublin; in order it
    # is Bortvisning, and the 2 Dublin.
    from norway_returns.reading.positional import align

    columns = [(38, 40), (59, 62), (67, 70), (89, 92), (101, 104)]
    assert align([(65, 66), (73, 74), (103, 104)], columns) == [1, 2, 4]
    assert align([(38, 40), (59, 62), (67, 70), (89, 92), (101, 104)], columns) == [0, 1, 2, 3, 4]
    assert align([(1, 2)] * 6, columns) is None  # more numbers than columns
