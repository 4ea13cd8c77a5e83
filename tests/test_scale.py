"""As months are added: a database built from raw/ and grown by three years of synthetic
months (tools/loadtest.py's `grow`, the database `make loadtest` measures at twenty).

The stored views must still be exactly their queries' rows, and what Datasette runs for
the big pages (each default facet and the row count) must read an index, so that pages
stay fast however many months there are. `make loadtest` prints the times themselves.
"""

import shutil
import sqlite3
import sys

import pytest

from norway_returns.writing import db as schema
from site_helpers import DATABASE, ROOT, Site, chart_rows, database_metadata, live_view, serve_settings

sys.path.insert(0, str(ROOT / "tools"))
from loadtest import grow  # noqa: E402

# what the grown database holds: 4 publications plus 36 synthetic months, less the
# four months the publications already are
YEARS = 3


@pytest.fixture(scope="module")
def grown(built, tmp_path_factory):
    path = tmp_path_factory.mktemp("grown") / "returns.db"
    shutil.copy(built[0], path)
    grow(path, YEARS)
    return path


@pytest.fixture(scope="module")
def conn(grown):
    c = sqlite3.connect(grown)
    yield c
    c.close()


def test_the_database_grew(conn):
    periods = [r[0] for r in conn.execute("select period from publications order by period")]
    assert periods[0] == "2022-06" and periods[-1] == "2025-12"
    assert len(periods) == 36 + 1  # 2023-01 to 2025-12, and the real 2022-06
    assert conn.execute("select count(*) from returns").fetchone()[0] > 10_000


@pytest.mark.parametrize("view", sorted(schema.STORED_VIEWS))
def test_a_stored_view_is_stored_again_when_its_rows_grow(built, conn, view):
    stored = conn.execute(f"select * from [{view}]").fetchall()
    assert stored == conn.execute(f"select * from [{live_view(conn, view)}]").fetchall()
    # 37 publications where there were 4
    published = sqlite3.connect(built[0]).execute(f"select count(*) from [{view}]").fetchone()[0]
    assert len(stored) > 5 * published


def test_monthly_returns_of_a_grown_month_are_its_difference(conn):
    # March 2024 is real; April 2024 is synthetic: its own returns are April's minus March's
    april = dict(conn.execute("select kind || country || category, count from returns where period = '2024-04'"))
    march = dict(conn.execute("select kind || country || category, count from returns where period = '2024-03'"))
    derived = dict(conn.execute("select kind || country || category, returns from monthly_returns "
                                "where period = '2024-04'"))
    assert derived == {k: april.get(k, 0) - march.get(k, 0) for k in april.keys() | march.keys()}


def big_tables():
    """`returns` and the stored views, each with its default facets from metadata.yml."""
    tables = database_metadata()["tables"]
    return [(name, tables[name]["facets"]) for name in ["returns", *sorted(schema.STORED_VIEWS)]]


@pytest.mark.parametrize("table,facets", big_tables())
def test_count_and_default_facets_read_an_index(conn, table, facets):
    # the queries Datasette 0.65 runs for a table page: its count and a group-by per facet
    for sql in [f"select count(*) from [{table}]"] + [
            f"select [{f}] as value, count(*) as count from (select * from [{table}]) "
            f"where [{f}] is not null group by [{f}] order by count desc, value limit 31" for f in facets]:
        plan = [r[3] for r in conn.execute(f"explain query plan {sql}")]
        # (SQLite reads `x is not null` on an index of x alone as a SEARCH for x > NULL)
        scans = [step for step in plan if step.startswith(("SCAN ", "SEARCH "))]
        # one pass over an index, not a scan of a table, nor of a view's computed rows
        assert len(scans) == 1 and "USING COVERING INDEX" in scans[0], f"{sql}\n  {plan}"


@pytest.mark.parametrize("table,facets", big_tables())
def test_the_grown_pages_count_and_facet_in_full(grown, conn, table, facets):
    site = Site(grown, settings=serve_settings())
    try:
        # JSON counts the default facets when it asks for a facet (site/json_facets.py)
        page = site.json(f"/{DATABASE}/{table}.json?kind=nationality&_facet=kind")
    finally:
        site.close()
    assert page["filtered_table_rows_count"] == conn.execute(
        f"select count(*) from [{table}] where kind = 'nationality'").fetchone()[0]
    # a facet that ran out of time would be missing here
    assert set(page["facet_results"]) == set(facets)
    assert page["facet_results"]["kind"]["results"][0]["value"] == "nationality"


# ------------------------------------------------ the dashboards stay the size they were

@pytest.fixture(scope="module")
def grown_site(grown):
    site = Site(grown, settings=serve_settings())
    yield site
    site.close()



def test_the_overviews_series_keep_their_size_as_publications_are_added(grown_site, conn):
    periods = [r[0] for r in conn.execute("select period from publications order by period")]
    # by category: the chosen publication (the latest when none is) and the eleven before it,
    # each with the categories its Total row printed
    printed = conn.execute("select count(*) from published_totals where kind = 'nationality' and category != 'total'"
                           " and period in (select period from publications order by period desc limit 12)").fetchone()[0]
    rows = chart_rows(grown_site, "overview", "categories", "")
    assert sorted({r["period"] for r in rows}) == periods[-12:] and len(rows) == printed
    rows = chart_rows(grown_site, "overview", "categories", "period=2024-05&kind=nationality")
    assert sorted({r["period"] for r in rows}) == periods[:periods.index("2024-05") + 1][-12:]
    # the months and the convicted share: the 24 months to the chosen publication
    for slug in ("months", "convicted_share"):
        assert [r["period"] for r in chart_rows(grown_site, "overview", slug, "")] == periods[-24:]
        assert chart_rows(grown_site, "overview", slug, "period=2024-05")[-1]["period"] == "2024-05"
    # a country's page: the latest twelve publications
    for slug in ("by_nationality", "by_destination", "both"):
        assert sorted({r["period"] for r in chart_rows(grown_site, "country", slug, "country=Ukraine")}) \
            == periods[-12:]


def test_the_bounded_charts_link_to_every_publication(grown_site, conn):
    html = grown_site.ok("/-/dashboards/overview").text
    assert 'href="/returns/category_totals"' in html and 'href="/returns/monthly_figures"' in html
    every = grown_site.csv("/returns/category_totals.csv?_size=max&_stream=on")
    assert len({r["period"] for r in every}) == conn.execute("select count(*) from publications").fetchone()[0]
    html = grown_site.ok("/-/dashboards/country?country=Ukraine").text
    assert 'href="/returns/country_profile?since=2000-01"' in html


def test_the_period_filter_lists_every_publication(grown_site, conn):
    # the one list on the overview that grows: an option per publication (about 10 bytes
    # gzipped each), so that any publication can be chosen
    html = grown_site.ok("/-/dashboards/overview").text
    assert html.count('<option value="20') == conn.execute("select count(*) from publications").fetchone()[0]
