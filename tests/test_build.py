"""The build as a whole: reconciliation, layouts, and the command line on bad input."""

import shutil
import sqlite3

import pytest

from conftest import ROOT, query, run_cli, value
from hostile_pdfs import write_pdf
from layouts import spaces_to_tabs, tabs_to_spaces
from norway_returns.build import build
from norway_returns.reading.sources import sha256


def test_returns_add_up_to_the_printed_totals(db):
    # every period, kind and category: the cells sum to the printed Total row
    rows = query(db, """
        select t.period, t.kind, t.category, t.count printed,
               coalesce((select sum(r.count) from returns r where r.period = t.period and r.kind = t.kind
                         and (t.category = 'total' or r.category = t.category)), 0) summed
        from published_totals t""")
    assert len(rows) == 2 * (5 + 5 + 5 + 6)
    assert [r for r in rows if r["printed"] != r["summed"]] == []


def test_no_mismatch_and_every_check_recorded(db, built):
    assert value(db, "select count(*) from checks where outcome = 'mismatch'") == 0
    assert "0 mismatch(es)" in str(built[1])
    # one row check per printed row, a column check per column, for every table
    assert value(db, "select count(*) from checks where check_ = 'row_total'".replace("check_", "\"check\"")) == \
        value(db, "select count(*) from (select distinct period, kind, country from returns)")
    outcomes = dict(db.execute("select outcome, count(*) from checks where period = '2024-05' group by 1"))
    assert outcomes["corrected"] == 4  # Congo, Libya, Lithuania, Rwanda
    assert outcomes.get("mismatch", 0) == 0


def test_repairs_say_what_was_printed(db):
    detail = value(db, "select detail from checks where period='2024-05' and kind='nationality' "
                       "and subject='Georgia'")
    assert "'1!'" in detail and "15" in detail  # "Georgia 4 6 5 1!" (2024-05:96)
    luxembourg = query(db, "select expected, found, outcome from checks where period='2024-05' "
                           "and kind='destination' and subject='Luxembourg'")
    assert luxembourg == [{"expected": "2", "found": "2", "outcome": "repaired"}]
    header = value(db, "select detail from checks where period='2024-05' and \"check\"='header' "
                       "and detail like '%Dubiiii%'")
    assert "dublin" in header
    reason = value(db, "select detail from checks where period='2024-05' and subject='Libya'")
    assert "Libya Lithuania" in reason and "Alternatives" in reason


def test_only_publications_marked_damaged_are_repaired(db):
    damaged = dict(db.execute("select period, damaged from publications"))
    assert damaged["2024-03"] is None and damaged["2025-02"] is None
    assert damaged["2024-05"].startswith("OCR damage") and "'2.'" in damaged["2022-06"]
    repaired = [r[0] for r in db.execute("select distinct period from returns where status = 'repaired'")]
    assert sorted(repaired) == ["2022-06", "2024-05"]


def test_the_same_stray_character_is_repaired_only_where_the_manifest_says_damaged(raw_copy, tmp_path):
    # 2025-02 marked damaged: "23*" is settled by the sums and recorded
    raw_copy.replace_line("2025-02-en.txt", 125, "\t23\t", "\t23*\t")
    raw_copy.mark_damaged("2025-02-en.txt", "a footnote mark")
    out = tmp_path / "x.db"
    build(raw_copy.path, out, ROOT / "sql" / "views")
    conn = sqlite3.connect(out)
    assert conn.execute("select count, status, source from returns where period = '2025-02' and kind = 'nationality' "
                        "and country = 'GBR' and category = 'refused_entry_or_stay'").fetchone() == \
        (23, "repaired", "raw/2025-02-en.txt:125")
    assert "printed '23*'" in conn.execute("select detail from checks where period = '2025-02' "
                                           "and subject = 'United Kingdom' and kind = 'nationality'").fetchone()[0]
    # unmarked, the same line stops the build (see BAD: "a number with a stray character")


def test_the_same_raw_builds_the_same_data(built, tmp_path):
    again = tmp_path / "again.db"
    build(ROOT / "raw", again, ROOT / "sql" / "views")
    dump = lambda p: list(sqlite3.connect(p).iterdump())  # noqa: E731
    assert dump(again) == dump(built[0])


def _returns(path):
    return sorted(sqlite3.connect(path).execute("select * from returns"))


@pytest.mark.parametrize("name,relay", [
    ("2025-02-en.txt", tabs_to_spaces),   # TAB-separated -> space-aligned
    ("2022-06-en.txt", spaces_to_tabs),   # space-aligned -> TAB-separated
    ("2024-03-no.txt", spaces_to_tabs),
])
def test_the_other_layout_builds_the_same_rows(raw_copy, built, tmp_path, name, relay):
    before = raw_copy.text(name)
    raw_copy.write(name, relay(before))
    assert raw_copy.text(name) != before
    out = tmp_path / "relaid.db"
    build(raw_copy.path, out, ROOT / "sql" / "views")
    assert _returns(out) == _returns(built[0])


def _recode(raw, name, encode):
    """Save raw/NAME in another encoding (encode: text -> bytes), its manifest entry updated."""
    (raw.path / name).write_bytes(encode(raw.text(name)))
    raw.rehash(name)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig", "cp1252"])
def test_a_text_in_another_readable_encoding_builds_the_same_rows(raw_copy, built, tmp_path, encoding):
    # the Norwegian text (Statsløs, Sør-Sudan, Østerrike) saved as Windows editors do: UTF-16 or
    # UTF-32 with a byte-order mark (utf-16-be: "\xfe\xff" then big-endian), UTF-8 with a mark,
    # or Windows-1252, which reads unambiguously when no byte of it is UTF-8
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")
    _recode(raw_copy, "2024-03-no.txt", lambda t: (bom + t).encode(encoding))
    assert (raw_copy.path / "2024-03-no.txt").read_bytes() != (ROOT / "raw" / "2024-03-no.txt").read_bytes()
    out = tmp_path / "recoded.db"
    build(raw_copy.path, out, ROOT / "sql" / "views")
    assert _returns(out) == _returns(built[0])
    assert sqlite3.connect(out).execute("select code from country_names where name = 'Statsløs'").fetchone() == ("XXA",)


# --- the command line ----------------------------------------------------------

def test_cli_builds_and_summarises(tmp_path):
    out = tmp_path / "cli.db"
    result = run_cli("--raw", ROOT / "raw", "--db", out)
    assert result.returncode == 0, result.stderr
    assert "2024-05 en raw/2024-05-en.txt:" in result.stdout
    assert "7 corrected" in result.stdout
    assert "0 mismatch(es)" in result.stdout
    assert value(sqlite3.connect(out), "select count(*) from returns") == 1303


def _entry(raw, marker):
    """The entry of raw/corrections.yml holding `marker`, as text (to list it again)."""
    text = raw.text("corrections.yml")
    start = text.rindex("\n- file:", 0, text.index(marker)) + 1
    end = text.find("\n- file:", start + 1)
    return text[start:] if end < 0 else text[start:end + 1]


BAD = {
    "unknown country": (
        lambda r: r.replace_line("2025-02-en.txt", 66, "Afghanistan", "Atlantis"),
        "raw/2025-02-en.txt:66: unknown country name 'Atlantis'"),
    "unknown column header": (
        lambda r: r.replace_line("2025-02-en.txt", 65, "Granted international protection", "Transit"),
        "raw/2025-02-en.txt:65: unknown column header 'Transit'"),
    "unknown header word, space layout": (
        lambda r: r.replace_line("2024-03-no.txt", 101, "Bortvisning", "Overføring"),
        "raw/2024-03-no.txt:101: unknown column header 'overføring'"),
    "a number that cannot be read": (
        lambda r: r.replace_line("2025-02-en.txt", 66, "\t4\t6\t", "\tx\t6\t"),
        "raw/2025-02-en.txt:66: dublin of Afghanistan reads 'x': not a number; if the publication's text is "
        "damaged, say so in raw/manifest.yml"),
    "unreadable numbers the sums cannot decide, in a document marked damaged": (
        # four cells at the corners of a rectangle: each row and column keeps its sum
        lambda r: [r.replace_line("2025-02-en.txt", 66, "\t4\t6\t", "\tx\ty\t"),
                   r.replace_line("2025-02-en.txt", 82, "\t6\t2\t", "\tz\tw\t"),
                   r.mark_damaged("2025-02-en.txt")],
        "raw/2025-02-en.txt:66: dublin of Afghanistan reads 'x': not a number, and the printed sums "
        "do not decide it"),
    "a number with a thousands separator": (
        lambda r: r.replace_line("2025-02-en.txt", 139, "\t345", "\t1,345"),
        "raw/2025-02-en.txt:139: total of the Total row reads '1,345': a thousands separator, which the "
        "publications do not print"),
    "a number with a stray character": (
        # a footnote mark, say; in a document not marked damaged nothing is repaired
        lambda r: r.replace_line("2025-02-en.txt", 125, "\t23\t", "\t23*\t"),
        "raw/2025-02-en.txt:125: refused_entry_or_stay of United Kingdom reads '23*': not a number"),
    "a row that does not add up to its Total cell": (
        lambda r: r.replace_line("2025-02-en.txt", 66, "\t10", "\t11"),
        "raw/2025-02-en.txt:66: the cells of Afghanistan add up to 10, its Total cell says 11"),
    "table that does not reconcile": (
        # Afghanistan Dublin 4 -> 5 with its Total 10 -> 11: the row adds up, the columns do not
        lambda r: r.replace_line("2025-02-en.txt", 66, "\t4\t6\t\t\t10", "\t5\t6\t\t\t11"),
        "raw/2025-02-en.txt:139: the nationality table does not reconcile (dublin: rows add up to 84, "
        "the Total row says 83; total: rows add up to 346, the Total row says 345)"),
    "file not in the manifest": (
        lambda r: (r.path / "2025-03-en.txt").write_text("Statistics for March 2025\n", encoding="utf-8"),
        "raw/manifest.yml:31: raw/2025-03-en.txt is in raw/ but not listed here"),
    "file differs from its hash": (
        lambda r: r.write("2024-03-no.txt", r.text("2024-03-no.txt").replace("Ukraina 4", "Ukraina 5"),
                          rehash=False),
        "raw/manifest.yml:13: raw/2024-03-no.txt has sha256 "),
    "file listed but missing": (
        lambda r: (r.path / "2022-06-en.txt").unlink(),
        "raw/manifest.yml:6: 2022-06-en.txt is listed but not in raw/"),
    "a file name with spaces": (
        lambda r: [(r.path / "2025-02-en.txt").rename(r.path / "2025 02 en.txt"),
                   r.write("manifest.yml", r.text("manifest.yml").replace("file: 2025-02-en.txt", "file: 2025 02 en.txt"),
                           rehash=False)],
        "raw/manifest.yml:26: raw/2025 02 en.txt: a file name with spaces, which make and the source columns "
        "(raw/FILE:LINE) cannot carry"),
    "duplicated period": (
        lambda r: r.write("manifest.yml", r.text("manifest.yml").replace('period: "2025-02"', 'period: "2024-05"'),
                          rehash=False),
        "raw/manifest.yml:26: period 2024-05 is listed twice (first at line 19)"),
    "malformed manifest": (
        lambda r: r.write("manifest.yml", r.text("manifest.yml").replace("  language: en\n", "  language: [en\n", 1),
                          rehash=False),
        "raw/manifest.yml:9: not valid YAML"),
    "manifest entry without its hash": (
        lambda r: r.write("manifest.yml", r.text("manifest.yml").replace(
            "  sha256: 78d9ce26e0ae6c1f9c2028cd3d554c64491cb37a9d63da8543cc3442f63381e6\n", ""), rehash=False),
        "raw/manifest.yml:13: entry lacks sha256"),
    "a document too large to be a publication": (
        lambda r: r.write("2025-02-en.txt", r.text("2025-02-en.txt") + "x" * 50_000_000),
        "raw/manifest.yml:26: raw/2025-02-en.txt is 50.0 MB: too large for a monthly publication"),
    "malformed corrections file": (
        lambda r: r.write("corrections.yml", r.text("corrections.yml").replace("  kind: nationality\n",
                                                                              "  kind: nationality: x\n", 1),
                          rehash=False),
        "raw/corrections.yml:22: not valid YAML"),
    "correction for lines that are not rows": (
        lambda r: r.write("corrections.yml", r.text("corrections.yml").replace("lines: [147, 147]", "lines: [150, 151]"),
                          rehash=False),
        "raw/corrections.yml:50: lines 150-151 are not all rows of the nationality table of raw/2024-05-en.txt"),
    "correction naming an unknown country": (
        lambda r: r.write("corrections.yml", r.text("corrections.yml").replace("country: Rwanda", "country: Ruanda"),
                          rehash=False),
        "raw/corrections.yml:50: unknown country 'Ruanda'"),
    "correction for a document not in the manifest": (
        lambda r: r.write("corrections.yml", r.text("corrections.yml") + "\n- file: 2023-01-en.txt\n"
                          "  kind: nationality\n  lines: [1, 1]\n  rows: [{country: Chad, asylum: 1}]\n"
                          "  reason: test\n", rehash=False),
        "raw/corrections.yml:63: 2023-01-en.txt is not listed in raw/manifest.yml"),
    "correction listed twice": (
        lambda r: r.write("corrections.yml", r.text("corrections.yml") + "\n" + _entry(r, "lines: [147, 147]"),
                          rehash=False),
        "raw/corrections.yml:63: this correction of lines 147-147 of the nationality table of raw/2024-05-en.txt "
        "lists the same lines again, corrected at raw/corrections.yml:50"),
    "corrections of overlapping lines": (
        lambda r: r.write("corrections.yml", r.text("corrections.yml") + "\n" + _entry(r, "lines: [123, 125]")
                          .replace("lines: [123, 125]", "lines: [124, 126]"), rehash=False),
        "raw/corrections.yml:63: this correction of lines 124-126 of the nationality table of raw/2024-05-en.txt "
        "overlaps lines 123-125, corrected at raw/corrections.yml:34"),
    "a correction naming a country printed elsewhere in its table": (
        # line 146 prints Russia; the correction of line 147 (Rwanda) says Russia too
        lambda r: r.write("corrections.yml", r.text("corrections.yml").replace("country: Rwanda", "country: Russia"),
                          rehash=False),
        "raw/corrections.yml:50: 'Russia' of this correction and 'Russia' (line 146) both name RUS in the "
        "nationality table of raw/2024-05-en.txt"),
    "a country under two names in one table": (
        # Türkiye is Tyrkia (line 191): the same country's numbers twice, not a second country
        lambda r: r.replace_line("2024-03-no.txt", 190, "Turkmenistan", "Türkiye"),
        "raw/2024-03-no.txt:191: 'Tyrkia' and 'Türkiye' (line 190) both name TUR in the nationality table of "
        "raw/2024-03-no.txt; a country is one row of a table"),
    "a country printed twice under one name": (
        lambda r: r.replace_line("2024-03-no.txt", 288, "Tyrkia", "Turkmenistan"),
        "raw/2024-03-no.txt:288: 'Turkmenistan' and 'Turkmenistan' (line 287) both name TKM in the destination "
        "table"),
    "a text in UTF-16 without its byte-order mark": (
        lambda r: _recode(r, "2024-03-no.txt", lambda t: t.encode("utf-16-le")),
        "raw/2024-03-no.txt:1: this text seems to be UTF-16 (little-endian) without a byte-order mark; "
        "save it as UTF-8"),
    "a text in two encodings": (
        # UTF-8 throughout (Sør-Sudan, line 4...) but for one name saved in Windows-1252
        lambda r: _recode(r, "2024-03-no.txt", lambda t: t.encode().replace("Statsløs".encode(),
                                                                              "Statsløs".encode("cp1252"), 1)),
        "raw/2024-03-no.txt:180: not UTF-8 text (byte 0xf8), though line 4 is UTF-8 ('å'): the text mixes two "
        "encodings; save it as UTF-8"),
    "a text in no encoding": (
        # 0x81 is in neither UTF-8 nor Windows-1252
        lambda r: _recode(r, "2024-03-no.txt", lambda t: t.encode("cp1252").replace(b"Tyskland", b"Tysk\x81land")),
        "raw/2024-03-no.txt:192: not UTF-8 text (byte 0x81), nor Windows-1252 or Latin-1; save it as UTF-8"),
    "a text that reads as Windows-1252 only with control characters": (
        lambda r: _recode(r, "2024-03-no.txt", lambda t: t.encode("cp1252").replace(b"Tyskland", b"Tysk\x1bland")),
        "raw/2024-03-no.txt:192: not UTF-8 text (byte 0xe5 at line 4); read as Windows-1252 it holds '\\x1b', "
        "which no publication prints"),
    "a text with a zero byte": (
        lambda r: _recode(r, "2024-03-no.txt", lambda t: t.encode().replace(b"Tyskland", b"Tysk\x00land")),
        "raw/2024-03-no.txt:192: binary data where text was expected (a zero byte)"),
    "header in an unknown language": (
        lambda r: r.replace_line("2024-03-no.txt", 101, "Asyl Bortvisning Dublin Utvisning Sum",
                                 "Asile Refoulement Transfert Expulsion Somme"),
        "raw/2024-03-no.txt:101: expected the column header of the table by nationality after its title "
        "(line 100), found 'Asile Refoulement Transfert Expulsion Somme'"),
    "two columns run together": (
        lambda r: r.replace_line("2024-03-no.txt", 103, "Afghanistan 1 2 5 3 11", "Afghanistan 1 2  5 3 11"),
        "raw/2024-03-no.txt:103: 2 spaces before '5': cannot tell how many empty cells they hold"),
    "a row with more cells than columns": (
        lambda r: r.replace_line("2025-02-en.txt", 66, "\t10", "\t10\t4"),
        "raw/2025-02-en.txt:66: more cells than the 6 columns of the header"),
    "a repeated header with other columns than the table's": (
        lambda r: r.replace_line("2025-02-en.txt", 98, "Granted international protection", "Other"),
        "raw/2025-02-en.txt:98: the header repeated here reads the columns asylum, dublin, other, "
        "refused_entry_or_stay, expulsion, total; the table's header at line 65 reads asylum, dublin, "
        "international_protection, refused_entry_or_stay, expulsion, total: one table, two sets of columns"),
    "table without a Total row": (
        lambda r: r.replace_line("2025-02-en.txt", 202, "Sum\t37", "Austria\t37"),
        "raw/2025-02-en.txt:143: table ends without a Total (Sum) row"),
}


@pytest.fixture
def previous_db(tmp_path):
    path = tmp_path / "returns.db"
    build(ROOT / "raw", path, ROOT / "sql" / "views")
    return path


@pytest.mark.parametrize("case", BAD)
def test_bad_input_stops_the_build_and_keeps_the_database(raw_copy, previous_db, case):
    damage, message = BAD[case]
    damage(raw_copy)
    before = previous_db.read_bytes()
    result = run_cli("--raw", raw_copy.path, "--db", previous_db)
    assert message in result.stderr, result.stderr
    assert_stopped(result, message.split(":")[0], previous_db, before)


def assert_stopped(result, start, db, before):
    """The build stopped with exit 1 and a message starting `start`, no traceback, and
    left the database's bytes as they were and no temp file."""
    assert result.returncode == 1
    assert result.stderr.startswith(start), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert db.read_bytes() == before
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []  # no temp file left


# --- documents that would take unbounded work ---------------------------------------
# Each PDF is read in a worker process with a memory and a time limit (reading/workers.py).

def _add_pdf(raw, name, pattern, size):
    """A one-page PDF whose content stream inflates to `size` bytes of `pattern`, listed in the manifest."""
    inflated = write_pdf(raw.path / name, pattern, size)
    with open(raw.path / "manifest.yml", "a", encoding="utf-8") as f:
        f.write(f'- file: {name}\n  period: "2025-03"\n  language: en\n  sha256: {sha256(raw.path / name)}\n')
    return inflated


def test_a_decompression_bomb_stops_the_build_within_its_memory(raw_copy, previous_db):
    # a 1 MB PDF whose page inflates to a gigabyte of zeros: the worker reading it may
    # take 512 MB more than it started with, and stops there
    assert _add_pdf(raw_copy, "bomb.pdf", b"\0", 1 << 30) == 1 << 30
    assert (raw_copy.path / "bomb.pdf").stat().st_size < 1_100_000
    before = previous_db.read_bytes()
    result = run_cli("--raw", raw_copy.path, "--db", previous_db)
    assert_stopped(result, "raw/bomb.pdf: reading it needs more than 512 MB of memory, the limit for one "
                   "document: stopped", previous_db, before)


def test_a_pdf_whose_page_takes_too_long_stops_the_build_in_time(raw_copy, previous_db):
    # forty million bytes of "q Q " (save and restore the graphics state, 20 million
    # operators): little memory, minutes of work. The limit set to 3 s for the test
    # (NORWAY_RETURNS_READ_SECONDS; the default is 60 s).
    _add_pdf(raw_copy, "slow.pdf", b"q Q ", 40_000_000)
    before = previous_db.read_bytes()
    result = run_cli("--raw", raw_copy.path, "--db", previous_db, env={"NORWAY_RETURNS_READ_SECONDS": "3"})
    assert_stopped(result, "raw/slow.pdf: reading it took longer than 3 s, the limit for one document: "
                   "stopped", previous_db, before)


def test_a_build_from_another_folder_finds_the_packages_views(tmp_path):
    # the views ship in the package: a build run anywhere has them
    result = run_cli("--raw", ROOT / "raw", "--db", tmp_path / "returns.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "returns.db")
    assert conn.execute("select total from returns_wide where period = '2024-05' and kind = 'nationality' "
                        "and country = 'SYR'").fetchone() == (59,)


def test_a_build_with_an_empty_views_folder_stops(previous_db, tmp_path):
    before = previous_db.read_bytes()
    (tmp_path / "views").mkdir()
    result = run_cli("--raw", ROOT / "raw", "--db", previous_db, "--views", tmp_path / "views", cwd=tmp_path)
    assert_stopped(result, f"{tmp_path / 'views'}: no view definitions (NAME.sql) in this folder", previous_db, before)


@pytest.mark.parametrize("view,line,edit,message", [
    # the stored tables carry their query in a /* comment */ of their schema
    ("returns_wide", 3, lambda t: t + " /* or */", "sql/views/returns_wide.sql:3: '*/' cannot appear"),
    ("returns_wide", 12, lambda t: t.replace("r.kind", "r.knid"),
     "sql/views/returns_wide.sql: the query does not run: no such column: r.knid"),
    ("minors", 16, lambda t: t.replace("monthly_figures", "monthly_figurez"),
     "sql/views/minors.sql: the query does not run: no such table: main.monthly_figurez"),
])
def test_a_view_that_does_not_run_stops_the_build(previous_db, tmp_path, view, line, edit, message):
    views = tmp_path / "sql" / "views"
    shutil.copytree(ROOT / "sql" / "views", views)
    text = (views / f"{view}.sql").read_text(encoding="utf-8").split("\n")
    text[line - 1] = edit(text[line - 1])
    (views / f"{view}.sql").write_text("\n".join(text), encoding="utf-8")
    before = previous_db.read_bytes()
    result = run_cli("--raw", ROOT / "raw", "--db", previous_db, "--views", views)
    assert_stopped(result, message, previous_db, before)


def test_a_figure_not_stated_is_null(raw_copy, tmp_path):
    # drop the charter sentence of May 2024 (line 48): the figures become NULL, not 0
    text = raw_copy.text("2024-05-en.txt").split("\n")
    assert text[47].startswith("No returnee flights were chartered in May")
    text[47] = ""
    raw_copy.write("2024-05-en.txt", "\n".join(text))
    out = tmp_path / "x.db"
    build(raw_copy.path, out, ROOT / "sql" / "views")
    conn = sqlite3.connect(out)
    assert conn.execute("select charter_flights_in_month, charter_flights_ytd, minors_in_month "
                        "from monthly_figures where period='2024-05'").fetchone() == (None, None, 5)
