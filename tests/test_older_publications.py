"""Publications in the older layout (until 2021): three categories, older wording.

The documents in tests/documents/older/ are made by tools/make_older_publications.py
from the seeds' tables summed into the older categories: 2018-03-en.txt (TAB, from
raw/2024-05-en.txt), 2015-03-no.txt (space-aligned, Removed, expelled and other; from
raw/2022-06-en.txt), 2019-02-no.pdf (ruled, from raw/2025-02-en.txt, whose Dublin and
international protection are one older column), 2016-03-en.pdf (unruled, from
raw/2024-03-no.txt) and 2017-09-en.pdf (a web page printed by Chromium, from
raw/2024-05-en.txt). They are built with the seeds through the command line, as a
user adds them to raw/; the expected numbers are read off the documents (the line is
named beside each).
"""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, query, value
from norway_returns.reading.sources import sha256

OLDER = ROOT / "tests" / "documents" / "older"
CLI = Path(sys.executable).parent / "norway-returns"


def make_raw(folder, documents=OLDER, change=None, leave_out=()):
    """raw/ with the seeds and the older documents, one manifest; `change(path)` edits a document
    first; `leave_out`: keys left out of the older documents' entries."""
    shutil.copytree(ROOT / "raw", folder)
    entries = yaml.safe_load((folder / "manifest.yml").read_text(encoding="utf-8"))
    for entry in yaml.safe_load((documents / "manifest.yml").read_text(encoding="utf-8")):
        shutil.copy(documents / entry["file"], folder / entry["file"])
        if change:
            change(folder / entry["file"])
        entry = {k: v for k, v in entry.items() if k not in leave_out}
        entries.append(dict(entry, sha256=sha256(folder / entry["file"])))
    (folder / "manifest.yml").write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")
    return folder


def build(raw, db):
    return subprocess.run([str(CLI), "build", "--raw", str(raw), "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def older(tmp_path_factory):
    folder = tmp_path_factory.mktemp("older")
    result = build(make_raw(folder / "raw"), folder / "returns.db")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(folder / "returns.db")
    conn.row_factory = sqlite3.Row
    yield conn, result.stdout
    conn.close()


@pytest.fixture
def conn(older):
    return older[0]


def cell(conn, period, country, category, kind="nationality"):
    return value(conn, "select count from returns where period=? and kind=? and country=? and category=?",
                 period, kind, country, category)


def test_every_older_document_builds_without_a_repair_or_mismatch(older):
    out = older[1]
    for line in ("2015-03 no raw/2015-03-no.txt: 295 cells printed, 0 repaired",
                 "2016-03 en raw/2016-03-en.pdf: 247 cells printed, 0 repaired",
                 "2017-09 en raw/2017-09-en.pdf: 297 cells printed, 0 repaired",
                 "2018-03 en raw/2018-03-en.txt: 297 cells printed, 0 repaired",
                 "2019-02 no raw/2019-02-no.pdf: 169 cells printed, 0 repaired"):
        assert line in out, out
    assert "0 mismatch(es)" in out


def test_the_older_categories_are_categories_of_their_own(conn):
    rows = {r["code"]: r for r in query(conn, "select * from categories")}
    assert {k: (rows[k]["label_en"], rows[k]["label_no"], rows[k]["first_period"], rows[k]["last_period"])
            for k in ("asylum_rejected", "dublin_safe_third_country", "removed_or_expelled",
                      "removed_expelled_or_other")} == {
        "asylum_rejected": ("Asylum rejected", "Avslag asyl", None, "2021-12"),
        "dublin_safe_third_country": ("Dublin/safe third country", "Dublin/trygt tredjeland", None, "2021-12"),
        "removed_or_expelled": ("Removed or expelled", "Bort- og utviste", "2016-01", "2021-12"),
        "removed_expelled_or_other": ("Removed, expelled and other", "Bort-, utviste og andre", None, "2015-12"),
    }
    assert (rows["asylum"]["first_period"], rows["asylum"]["last_period"]) == ("2022-01", None)


def test_an_older_publication_keeps_its_own_categories(conn):
    printed = {(r["period"], r["category"]) for r in query(conn, "select distinct period, category from returns")}
    by_period = {}
    for period, category in printed:
        by_period.setdefault(period, set()).add(category)
    # never rewritten into today's categories, and today's never into the older ones
    assert by_period["2015-03"] == {"asylum_rejected", "dublin_safe_third_country", "removed_expelled_or_other"}
    for period in ("2016-03", "2017-09", "2018-03", "2019-02"):
        assert by_period[period] == {"asylum_rejected", "dublin_safe_third_country", "removed_or_expelled"}
    assert by_period["2024-05"] == {"asylum", "dublin", "refused_entry_or_stay", "expulsion"}
    assert by_period["2025-02"] == {"asylum", "dublin", "international_protection", "refused_entry_or_stay",
                                    "expulsion"}


def test_cells_as_printed_in_each_layout(conn):
    # 2018-03-en.txt:18 "Afghanistan<TAB>1<TAB>11<TAB>8<TAB>20", :93 "Romania<TAB><TAB><TAB>51<TAB>51"
    assert [cell(conn, "2018-03", "AFG", c) for c in ("asylum_rejected", "dublin_safe_third_country",
                                                      "removed_or_expelled")] == [1, 11, 8]
    assert cell(conn, "2018-03", "ROU", "removed_or_expelled") == 51
    assert cell(conn, "2018-03", "ROU", "asylum_rejected") is None  # an empty cell is no row
    assert value(conn, "select source from returns where period='2018-03' and kind='nationality' and "
                       "country='AFG' and category='removed_or_expelled'") == "raw/2018-03-en.txt:18"
    # 2015-03-no.txt:19 "Albania 10   38 48" (three spaces: an empty Dublin cell); :122 "Syria 2 28 19 49"
    assert cell(conn, "2015-03", "ALB", "asylum_rejected") == 10
    assert cell(conn, "2015-03", "ALB", "dublin_safe_third_country") is None
    assert cell(conn, "2015-03", "ALB", "removed_expelled_or_other") == 38
    assert cell(conn, "2015-03", "SYR", "dublin_safe_third_country") == 28
    # 2015-03-no.txt:27-28 "Den dominikanske" / "republikk     6 6", wrapped
    assert cell(conn, "2015-03", "DOM", "removed_expelled_or_other") == 6
    # the ruled PDF: Afghanistan's 10 under Dublin/trygt tredjeland; "Bosnia-Hercegovi" / "na" wrapped
    assert cell(conn, "2019-02", "AFG", "dublin_safe_third_country") == 10
    assert cell(conn, "2019-02", "BIH", "removed_or_expelled") == 1
    # the unruled PDF: Syria 2, 26, 3
    assert [cell(conn, "2016-03", "SYR", c) for c in ("asylum_rejected", "dublin_safe_third_country",
                                                      "removed_or_expelled")] == [2, 26, 3]
    # the page printed by Chromium: Syria 7, 44, 8 on page 3
    assert [cell(conn, "2017-09", "SYR", c) for c in ("asylum_rejected", "dublin_safe_third_country",
                                                      "removed_or_expelled")] == [7, 44, 8]
    assert value(conn, "select source from returns where period='2017-09' and kind='nationality' and "
                       "country='SYR' and category='asylum_rejected'") == "raw/2017-09-en.pdf:104 (page 3)"


def test_the_printed_totals_of_the_older_tables(conn):
    totals = {(r["period"], r["category"]): r["count"] for r in query(
        conn, "select period, category, count from published_totals where kind='destination' and period < '2022'")}
    assert totals == {
        # 2018-03-en.txt:235 "Total 104 368 561 1033"
        ("2018-03", "asylum_rejected"): 104, ("2018-03", "dublin_safe_third_country"): 368,
        ("2018-03", "removed_or_expelled"): 561, ("2018-03", "total"): 1033,
        # 2015-03-no.txt:257 "Sum 72 126 891 1089"
        ("2015-03", "asylum_rejected"): 72, ("2015-03", "dublin_safe_third_country"): 126,
        ("2015-03", "removed_expelled_or_other"): 891, ("2015-03", "total"): 1089,
        ("2019-02", "asylum_rejected"): 37, ("2019-02", "dublin_safe_third_country"): 101,
        ("2019-02", "removed_or_expelled"): 207, ("2019-02", "total"): 345,
        ("2016-03", "asylum_rejected"): 64, ("2016-03", "dublin_safe_third_country"): 171,
        ("2016-03", "removed_or_expelled"): 319, ("2016-03", "total"): 554,
        ("2017-09", "asylum_rejected"): 104, ("2017-09", "dublin_safe_third_country"): 368,
        ("2017-09", "removed_or_expelled"): 561, ("2017-09", "total"): 1033,
    }
    # every column adds up to its printed total
    assert value(conn, "select count(*) from reconciliation where period < '2022' and difference != 0") == 0
    assert value(conn, "select count(*) from reconciliation where period < '2022'") == 5 * 4 * 2


def test_the_crosswalk(conn):
    rows = {(r["older"], r["current"]) for r in query(conn, "select older, current from category_crosswalk")}
    assert rows == {
        ("asylum_rejected", "asylum"),
        ("dublin_safe_third_country", "dublin"), ("dublin_safe_third_country", "international_protection"),
        ("removed_or_expelled", "refused_entry_or_stay"), ("removed_or_expelled", "expulsion"),
        ("removed_expelled_or_other", "refused_entry_or_stay"), ("removed_expelled_or_other", "expulsion"),
        ("removed_expelled_or_other", "other"),
    }
    note = value(conn, "select note from category_crosswalk where older='dublin_safe_third_country' "
                       "and current='international_protection'")
    assert "from 2025" in note


def series(conn, name, period, country, kind="nationality"):
    row = conn.execute("select count, categories from comparable_series where series=? and period=? and kind=? "
                       "and country=?", (name, period, kind, country)).fetchone()
    return tuple(row) if row else None


def test_comparable_series_across_the_changes(conn):
    # Romania: Removed or expelled 51 in March 2018 (2018-03-en.txt:93); in May 2024 refused entry or
    # stay 5 + expulsion 46 (2024-05-en.txt:145)
    assert series(conn, "removed_or_expelled", "2018-03", "ROU") == (51, "removed_or_expelled")
    assert (cell(conn, "2024-05", "ROU", "refused_entry_or_stay"), cell(conn, "2024-05", "ROU", "expulsion")) == (5, 46)
    assert series(conn, "removed_or_expelled", "2024-05", "ROU") == (51, "expulsion + refused_entry_or_stay")
    # Dublin/safe third country against Dublin + granted international protection from 2025:
    # Afghanistan 10 in February 2019; Dublin 4 + international protection 6 in February 2025
    assert series(conn, "dublin_safe_third_country", "2019-02", "AFG") == (10, "dublin_safe_third_country")
    assert series(conn, "dublin_safe_third_country", "2025-02", "AFG") == (10, "dublin + international_protection")
    # ... and against Dublin alone in 2022-2024 (Syria: 44 in May 2024, 44 in March 2018)
    assert series(conn, "dublin_safe_third_country", "2024-05", "SYR") == (44, "dublin")
    assert series(conn, "dublin_safe_third_country", "2018-03", "SYR") == (44, "dublin_safe_third_country")
    # asylum against asylum rejected
    assert series(conn, "asylum_rejected", "2018-03", "SYR") == (7, "asylum_rejected")
    assert series(conn, "asylum_rejected", "2024-05", "SYR") == (7, "asylum")
    # until 2015: Removed, expelled and other (Romania 81 in March 2015; 34 + 47 in June 2022)
    assert series(conn, "removed_expelled_or_other", "2015-03", "ROU") == (81, "removed_expelled_or_other")
    assert series(conn, "removed_expelled_or_other", "2022-06", "ROU") == (81, "expulsion + refused_entry_or_stay")
    # where the tables of a year do not print a series' scope, it has no row
    assert series(conn, "removed_or_expelled", "2015-03", "ROU") is None
    assert series(conn, "removed_expelled_or_other", "2018-03", "ROU") is None


def test_comparable_series_sum_to_the_printed_totals(conn):
    # each series, summed over countries, is the printed Total of its categories
    sums = dict(((r[0], r[1]), r[2]) for r in conn.execute(
        "select series, period, sum(count) from comparable_series where kind='nationality' group by 1, 2"))
    assert sums[("removed_or_expelled", "2018-03")] == 561
    assert sums[("removed_or_expelled", "2024-05")] == value(
        conn, "select sum(count) from published_totals where period='2024-05' and kind='nationality' "
              "and category in ('refused_entry_or_stay', 'expulsion')")
    assert sums[("dublin_safe_third_country", "2019-02")] == 101
    assert sums[("dublin_safe_third_country", "2025-02")] == value(
        conn, "select sum(count) from published_totals where period='2025-02' and kind='nationality' "
              "and category in ('dublin', 'international_protection')")


def test_returns_wide_shows_the_older_columns(conn):
    row = dict(conn.execute("select * from returns_wide where period='2018-03' and kind='nationality' "
                            "and country='AFG'").fetchone())
    assert (row["asylum_rejected"], row["dublin_safe_third_country"], row["removed_or_expelled"],
            row["total"]) == (1, 11, 8, 20)
    assert row["asylum"] is None and row["removed_expelled_or_other"] is None


def test_the_older_prose(conn):
    figures = {r["period"]: r for r in query(conn, "select * from monthly_figures where period < '2022'")}
    assert (figures["2015-03"]["returned_in_month"], figures["2015-03"]["convicted_in_month"]) == (541, 197)
    assert (figures["2018-03"]["returned_in_month"], figures["2018-03"]["convicted_in_month"]) == (375, 136)
    assert (figures["2019-02"]["returned_in_month"], figures["2019-02"]["convicted_in_month"]) == (171, 64)
    assert (figures["2016-03"]["returned_in_month"], figures["2016-03"]["convicted_in_month"]) == (230, 88)
    assert (figures["2017-09"]["returned_in_month"], figures["2017-09"]["convicted_in_month"]) == (402, 151)
    assert figures["2015-03"]["ytd_total"] == 1089 and figures["2018-03"]["ytd_total_prev_year"] == 1187
    quotes = {(r["period"], r["figure"]): (r["source"], r["quote"]) for r in query(
        conn, "select * from figure_sources where period in ('2015-03', '2018-03')")}
    assert quotes[("2015-03", "returned_in_month")] == (
        "raw/2015-03-no.txt:3", "Politiets utlendingsenhet (PU) uttransporterte 541 personer i")
    assert quotes[("2015-03", "convicted_in_month")] == ("raw/2015-03-no.txt:3", "Av disse var 197 ilagt")
    assert quotes[("2018-03", "returned_in_month")] == ("raw/2018-03-en.txt:3", "forcibly returned 375 persons in")
    assert quotes[("2018-03", "convicted_in_month")] == ("raw/2018-03-en.txt:3",
                                                         "136 of these were convicted offenders")
    # the prose's year-to-date total agrees with the tables
    assert value(conn, "select outcome from checks where period='2015-03' and [check]='prose_ytd_total'") == "ok"


def test_the_seeds_build_as_they_do_alone(conn, db):
    # `db`: the repository's raw/ built alone (conftest)
    for table, order in (("returns", "period, kind, country, category"), ("published_totals", "1, 2, 3"),
                         ("monthly_figures", "period"), ("figure_sources", "period, figure")):
        alone = [tuple(r) for r in db.execute(f"select * from {table} order by {order}")]
        here = [tuple(r) for r in conn.execute(f"select * from {table} where period >= '2022' order by {order}")]
        assert here == alone and alone, table


# a printed variant of an older header: (document, header as made, variant, category, printed total)
HEADERS = [
    ("2018-03-en.txt", "Dublin/safe third country", "Dublin / safe third country", "dublin_safe_third_country", 368),
    ("2018-03-en.txt", "Removed or expelled", "Removed and expelled", "removed_or_expelled", 561),
    ("2015-03-no.txt", "Dublin/trygt tredjeland", "Dublin/ trygt tredjeland", "dublin_safe_third_country", 126),
    # a lone '/' between words, in the space-aligned layout: text, not a cell
    ("2015-03-no.txt", "Dublin/trygt tredjeland", "Dublin / trygt tredjeland", "dublin_safe_third_country", 126),
    ("2015-03-no.txt", "Bort-, utviste og andre", "Bortviste, utviste og andre", "removed_expelled_or_other", 891),
    ("2015-03-no.txt", "Sum", "Totalt", "total", 1089),  # the Total column and row
]


@pytest.mark.parametrize("document,original,variant,category,total", HEADERS)
def test_header_variants_read_as_the_same_category(tmp_path, document, original, variant, category, total):
    def change(path):
        if path.name == document:
            text = path.read_text(encoding="utf-8")
            assert text.count(original) >= 3  # the headers of every page, and the definition
            path.write_text(text.replace(original, variant), encoding="utf-8")

    result = build(make_raw(tmp_path / "raw", change=change), tmp_path / "returns.db")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "returns.db")
    assert conn.execute("select count from published_totals where period=? and kind='nationality' "
                        "and category=?", (document[:7], category)).fetchone() == (total,)
    conn.close()


def test_a_wrapped_name_with_and_is_a_row_not_a_header(tmp_path):
    # "Trinidad og" / "Tobago     1 1": 'og' is a word of the header "Bort- og utviste" too
    def change(path):
        if path.name == "2015-03-no.txt":
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("Costa Rica     1 1", "Trinidad og\nTobago     1 1", 1), encoding="utf-8")

    result = build(make_raw(tmp_path / "raw", change=change), tmp_path / "returns.db")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "returns.db")
    assert conn.execute("select count, source from returns where period='2015-03' and kind='nationality' "
                        "and country='TTO'").fetchall() == [(1, "raw/2015-03-no.txt:36")]
    assert conn.execute("select code from country_names where name='Trinidad og Tobago'").fetchall() == [("TTO",)]
    conn.close()


def test_an_unknown_older_header_stops_at_its_line(tmp_path):
    def change(path):
        if path.name == "2018-03-en.txt":
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("Removed or expelled", "Removed or deported", 1), encoding="utf-8")

    db = tmp_path / "returns.db"
    result = build(make_raw(tmp_path / "raw", change=change), db)
    assert result.returncode == 1
    assert result.stderr.startswith("raw/2018-03-en.txt:16: unknown column header 'Removed or deported'"), \
        result.stderr
    assert "Traceback" not in result.stderr and not db.exists()


def test_the_documents_are_what_the_tool_makes(tmp_path):
    import pdfplumber

    subprocess.run([sys.executable, str(ROOT / "tools" / "make_older_publications.py"), str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in OLDER.iterdir())

    def pages(path):
        with pdfplumber.open(path) as pdf:
            return [page.extract_text() for page in pdf.pages]

    for name in made:
        if name.endswith(".pdf"):  # another reportlab or Chromium may write other bytes, never other text
            assert pages(tmp_path / name) == pages(OLDER / name), name
        elif name == "manifest.yml":
            def entries(folder):
                return [{k: v for k, v in e.items() if not (k == "sha256" and e["file"].endswith(".pdf"))}
                        for e in yaml.safe_load((folder / name).read_text(encoding="utf-8"))]
            assert entries(tmp_path) == entries(OLDER)
        else:
            assert (tmp_path / name).read_bytes() == (OLDER / name).read_bytes(), name


def test_the_site_shows_the_older_tables(older):
    from site_helpers import DATABASE, Site, serve_settings

    conn = older[0]
    path = conn.execute("pragma database_list").fetchone()[2]
    site = Site(path, settings=serve_settings())
    try:
        ros = site.rows(f"/{DATABASE}/comparable_series?series=removed_or_expelled&kind=nationality&country=ROU"
                        "&_sort=period")
        assert [(r["period"], r["count"]) for r in ros] == [
            ("2016-03", 33), ("2017-09", 51), ("2018-03", 51), ("2019-02", 17),  # Removed or expelled, as printed
            ("2022-06", 81), ("2024-03", 33), ("2024-05", 51), ("2025-02", 17)]  # refused + expulsion
        # the codes show their names: the series by its category, the country by its name
        labelled = site.json(f"/{DATABASE}/comparable_series.json?_labels=on&_shape=array&series=asylum_rejected"
                             "&period=2018-03&kind=nationality&country=SYR")
        assert labelled[0]["series"] == {"value": "asylum_rejected", "label": "Asylum rejected"}
        assert labelled[0]["country"] == {"value": "SYR", "label": "Syria"}
        crosswalk = site.rows(f"/{DATABASE}/category_crosswalk?older=removed_or_expelled")
        assert {r["current"] for r in crosswalk} == {"refused_entry_or_stay", "expulsion"}
        (afg,) = site.rows(f"/{DATABASE}/country_profile?country=AFG&kind=nationality&since=2000-01")[:1]
        assert (afg["period"], afg["dublin_safe_third_country"], afg["removed_expelled_or_other"]) == ("2015-03", 17, 10)
        page = site.ok(f"/{DATABASE}/categories/removed_expelled_or_other").text
        assert "Bort-, utviste og andre" in page and "2015-12" in page
    finally:
        site.close()


def test_the_older_titles_give_period_and_language(tmp_path):
    # "Statistics for March 2018: ...", "Månedsstatistikk mars 2015: ..." read as the manifest would say
    result = build(make_raw(tmp_path / "raw", leave_out=("period", "language")), tmp_path / "returns.db")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "returns.db")
    assert conn.execute("select period, language, source_file from publications where period < '2022' "
                        "order by period").fetchall() == [
        ("2015-03", "no", "raw/2015-03-no.txt"), ("2016-03", "en", "raw/2016-03-en.pdf"),
        ("2017-09", "en", "raw/2017-09-en.pdf"),
        ("2018-03", "en", "raw/2018-03-en.txt"), ("2019-02", "no", "raw/2019-02-no.pdf")]
    conn.close()
