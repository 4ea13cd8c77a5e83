"""Values read off each publication by eye, against the built database.

Each test names the line of raw/ it was read from.
"""

import pytest

from conftest import query, value

CATS5 = ("asylum", "refused_entry_or_stay", "dublin", "expulsion")


def cell(db, period, kind, country, category):
    return value(db, "select count from returns where period=? and kind=? and country=? and category=?",
                 period, kind, country, category)


def totals(db, period, kind):
    return {r["category"]: r["count"] for r in query(
        db, "select category, count from published_totals where period=? and kind=?", period, kind)}


def figures(db, period):
    return query(db, "select * from monthly_figures where period=?", period)[0]


# --- the printed Total rows: both tables of each publication --------------------

@pytest.mark.parametrize("period,expected", [
    ("2022-06", {"asylum": 72, "refused_entry_or_stay": 515, "dublin": 126, "expulsion": 376, "total": 1089}),
    ("2024-03", {"asylum": 64, "refused_entry_or_stay": 130, "dublin": 171, "expulsion": 189, "total": 554}),
    ("2024-05", {"asylum": 104, "refused_entry_or_stay": 241, "dublin": 368, "expulsion": 320, "total": 1033}),
    ("2025-02", {"asylum": 37, "dublin": 83, "international_protection": 18, "refused_entry_or_stay": 89,
                 "expulsion": 118, "total": 345}),
])
@pytest.mark.parametrize("kind", ["nationality", "destination"])
def test_total_rows(db, period, kind, expected):
    assert totals(db, period, kind) == expected


# --- cells, with every quirk of the seeds README --------------------------------

CELLS = [
    # June 2022, space-aligned
    ("2022-06", "nationality", "AFG", "dublin", 17, "printed", 111),  # "Afghanistan   6 17 4 27": empty first cell
    ("2022-06", "nationality", "ALB", "expulsion", 21, "printed", 112),
    ("2022-06", "nationality", "BIH", "refused_entry_or_stay", 2, "repaired", 121),  # the stray "2."
    ("2022-06", "nationality", "DOM", "refused_entry_or_stay", 4, "printed", 133),  # "Dominican" / "Republic"
    ("2022-06", "nationality", "PHL", "expulsion", 16, "printed", 143),  # "The" / "Philippines"
    ("2022-06", "nationality", "COG", "dublin", 4, "printed", 181),  # "Republic of" / "the Congo"
    ("2022-06", "nationality", "GBR", "refused_entry_or_stay", 36, "printed", 242),  # "The United" / "Kingdom"
    ("2022-06", "nationality", "XXA", "refused_entry_or_stay", 9, "printed", 240),  # Stateless
    ("2022-06", "nationality", "YUG", "expulsion", 1, "printed", 173),  # Yugoslavia
    ("2022-06", "nationality", "XXX", "expulsion", 3, "printed", 265),  # Unknown
    ("2022-06", "destination", "SWE", "refused_entry_or_stay", 84, "printed", 419),
    ("2022-06", "destination", "ARE", "refused_entry_or_stay", 1, "printed", 317),  # "United Arab" / "Emirates"
    # March 2024, Norwegian
    ("2024-03", "nationality", "DEU", "expulsion", 3, "printed", 192),  # Tyskland
    ("2024-03", "nationality", "GBR", "refused_entry_or_stay", 12, "printed", 181),  # Storbritannia
    ("2024-03", "nationality", "CIV", "refused_entry_or_stay", 1, "printed", 121),  # "Elfenbens-" / "kysten"
    ("2024-03", "nationality", "XXA", "dublin", 2, "printed", 180),  # Statsløs
    ("2024-03", "nationality", "UKR", "dublin", 67, "printed", 200),  # Ukraina
    ("2024-03", "nationality", "MKD", "refused_entry_or_stay", 1, "printed", 165),  # "Nord-" / "Makedonia"
    ("2024-03", "destination", "AUT", "dublin", 2, "printed", 297),  # Østerrike
    ("2024-03", "destination", "POL", "dublin", 50, "printed", 270),  # Polen
    # May 2024, OCR-damaged
    ("2024-05", "nationality", "SYR", "dublin", 44, "printed", 165),
    ("2024-05", "nationality", "UKR", "dublin", 149, "printed", 179),
    ("2024-05", "nationality", "GBR", "expulsion", 12, "repaired", 162),  # "United" 13 / "Kingdom" 12: 12 adds up
    ("2024-05", "nationality", "BIH", "asylum", 6, "printed", 77),  # numbers repeat on both wrapped lines
    ("2024-05", "nationality", "IND", "refused_entry_or_stay", 21, "printed", 103),  # page 2: Total cut to "2"
    ("2024-05", "nationality", "FRA", "expulsion", 2, "printed", 94),  # Total printed "7": the sums say 2
    ("2024-05", "nationality", "MKD", "asylum", 3, "repaired", 139),  # "North" 3 / "Macedonia" 5: 3 balances
    ("2024-05", "nationality", "LBY", "dublin", 7, "corrected", "123-125"),  # "Libya Lithuania" merged
    ("2024-05", "nationality", "LTU", "expulsion", 28, "corrected", "123-125"),
    ("2024-05", "nationality", "COD", "dublin", 3, "corrected", "113-116"),
    ("2024-05", "nationality", "TUR", "dublin", 20, "printed", 176),  # Türkiye
    ("2024-05", "nationality", "NLD", "expulsion", 4, "printed", 136),  # "Nederland" in the English edition
    ("2024-05", "destination", "GBR", "refused_entry_or_stay", 31, "repaired", 269),  # "24 ... 4.5" / "31 ... 15"
    ("2024-05", "destination", "LUX", "dublin", 2, "printed", 237),  # row "3 2 30 | 2": only Dublin 2 balances
    ("2024-05", "destination", "POL", "dublin", 109, "printed", 255),
    ("2024-05", "destination", "DEU", "dublin", 65, "printed", 280),
    # February 2025: six columns, another order, the total row called "Sum"
    ("2025-02", "nationality", "UKR", "dublin", 20, "printed", 134),
    ("2025-02", "nationality", "SYR", "international_protection", 4, "printed", 128),
    ("2025-02", "nationality", "AFG", "international_protection", 6, "printed", 66),
    ("2025-02", "nationality", "PSE", "dublin", 9, "printed", 114),  # Palestine
    ("2025-02", "nationality", "COG", "dublin", 1, "printed", 100),  # "Congo"
    ("2025-02", "nationality", "COL", "asylum", 11, "printed", 79),
    ("2025-02", "destination", "GRC", "international_protection", 10, "printed", 159),
    ("2025-02", "destination", "GBR", "refused_entry_or_stay", 41, "printed", 189),  # page headed "Returns ..."
    ("2025-02", "destination", "CZE", "refused_entry_or_stay", 1, "printed", 192),  # "The Czech Republic"
]


@pytest.mark.parametrize("period,kind,country,category,count,status,line", CELLS)
def test_cells(db, period, kind, country, category, count, status, line):
    row = query(db, "select count, status, source from returns where period=? and kind=? and country=? "
                    "and category=?", period, kind, country, category)
    assert row == [{"count": count, "status": status,
                    "source": f"raw/{period}-{'no' if period == '2024-03' else 'en'}.txt:{line}"}]


def test_empty_cells_are_no_rows(db):
    # "Afghanistan   6 17 4 27" (2022-06:114): no asylum returns printed
    assert cell(db, "2022-06", "nationality", "AFG", "asylum") is None
    # Luxembourg by destination, 2024-05:237: the "3" and "30" bled in from Lithuania's row above
    assert cell(db, "2024-05", "destination", "LUX", "expulsion") is None
    # Rwanda, 2024-05:147: "20" and "3" repeat the lines above and below (corrections.yml)
    assert query(db, "select category, count from returns where period='2024-05' and country='RWA'") == [
        {"category": "expulsion", "count": 1}]
    assert value(db, "select count(*) from returns where count <= 0") == 0


def test_row_counts(db):
    # rows of each table: in the clean publications, the lines ending in a Total cell between
    # each header and its Total row; 2024-05 by nationality counted by hand, 29 + 42 + 32 rows
    # on its three pages, Libya and Lithuania apart
    counts = {(r["period"], r["kind"]): r["n"] for r in query(
        db, "select period, kind, count(distinct country) n from returns group by 1, 2")}
    assert counts == {
        ("2022-06", "nationality"): 112, ("2022-06", "destination"): 93,
        ("2024-03", "nationality"): 88, ("2024-03", "destination"): 75,
        ("2024-05", "nationality"): 103, ("2024-05", "destination"): 88,
        ("2025-02", "nationality"): 69, ("2025-02", "destination"): 55,
    }


# --- headline figures from the prose --------------------------------------------

FIGURES = {
    "2022-06": dict(returned_in_month=175, convicted_in_month=55, convicted_in_month_pct_published=31,
                    convicted_ytd=289, convicted_ytd_prev_year=1160, minors_in_month=7,
                    minors_unaccompanied_in_month=0, charter_flights_in_month=0, charter_flights_ytd=0,
                    ytd_total=1089, ytd_total_prev_year=10441, ytd_change_pct_published=-89.6),
    "2024-03": dict(returned_in_month=217, convicted_in_month=59, convicted_in_month_pct_published=27,
                    convicted_ytd=183, convicted_ytd_prev_year=166, minors_in_month=17,
                    minors_unaccompanied_in_month=0, charter_flights_in_month=0, charter_flights_ytd=0,
                    ytd_total=554, ytd_total_prev_year=651, ytd_change_pct_published=-15),
    "2024-05": dict(returned_in_month=233, convicted_in_month=47, convicted_in_month_pct_published=20,
                    convicted_ytd=288, convicted_ytd_prev_year=251, minors_in_month=5,  # "five minors"
                    minors_unaccompanied_in_month=0, charter_flights_in_month=0, charter_flights_ytd=2,
                    ytd_total=1033, ytd_total_prev_year=954, ytd_change_pct_published=8),
    "2025-02": dict(returned_in_month=181, convicted_in_month=50, convicted_in_month_pct_published=28,
                    convicted_ytd=114, convicted_ytd_prev_year=128, minors_in_month=10,
                    minors_unaccompanied_in_month=1, charter_flights_in_month=0, charter_flights_ytd=1,
                    ytd_total=345, ytd_total_prev_year=349, ytd_change_pct_published=-1.1),
}


@pytest.mark.parametrize("period", FIGURES)
def test_headline_figures(db, period):
    got = figures(db, period)
    assert {k: got[k] for k in FIGURES[period]} == FIGURES[period]


TOP = {
    "2022-06": [("ROU", 19), ("POL", 14), ("LTU", 12)],
    "2024-03": [("ROU", 18), ("LTU", 13), ("POL", 9)],  # "Romania (18 prosent), Litauen ..., Polen ..."
    "2024-05": [("ROU", 17), ("LTU", 10), ("POL", 9)],  # "Romanian (17%), Lithuanian ..., Polish ..."
    "2025-02": [("ROU", 14), ("LTU", 10), ("POL", 9)],
}


@pytest.mark.parametrize("period", TOP)
def test_convicted_top_nationalities(db, period):
    rows = query(db, "select country, share_pct from convicted_top_nationalities where period=? order by rank",
                 period)
    assert [(r["country"], r["share_pct"]) for r in rows] == TOP[period]


def test_figures_trace_to_their_line(db):
    row = query(db, "select source, quote from figure_sources where period='2024-05' and figure='minors_in_month'")
    assert row == [{"source": "raw/2024-05-en.txt:36", "quote": "A total of five minors were returned in"}]
    row = query(db, "select source from figure_sources where period='2024-03' and figure='convicted_ytd'")
    assert row == [{"source": "raw/2024-03-no.txt:36"}]


def test_every_figure_traces_to_a_line(db):
    # every publication here states all twelve figures; each has its line and words
    assert value(db, "select count(*) from figure_sources") == 4 * 12
    assert value(db, "select count(*) from figure_sources where source not like 'raw/%:%' or quote = ''") == 0
    assert figures(db, "2022-06")["charter_flights_ytd"] == 0  # "No chartered return flights ... so far"


def test_publications_and_categories(db):
    pubs = query(db, "select period, language, as_of, source_file from publications order by period")
    assert pubs == [
        {"period": "2022-06", "language": "en", "as_of": "2022-06-30", "source_file": "raw/2022-06-en.txt"},
        {"period": "2024-03", "language": "no", "as_of": "2024-03-31", "source_file": "raw/2024-03-no.txt"},
        {"period": "2024-05", "language": "en", "as_of": "2024-05-31", "source_file": "raw/2024-05-en.txt"},
        {"period": "2025-02", "language": "en", "as_of": "2025-02-28", "source_file": "raw/2025-02-en.txt"},
    ]
    assert value(db, "select first_period from categories where code='international_protection'") == "2025-01"
    assert value(db, "select name_no from countries where code='DEU'") == "Tyskland"
    assert value(db, "select code from country_names where name='Storbritannia' and language='no'") == "GBR"
    assert value(db, "select code from country_names where name='Nederland' and language='en'") == "NLD"
