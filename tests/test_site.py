"""The published site: returns.db served by Datasette 0.65 with metadata.yml and the
views of sql/views/, exercised through Datasette's own test client.

The database is built once, from the repository's raw/, into a temporary folder (the
repository's returns.db is never touched) and served immutable with the settings of
`make serve`.
"""

import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest

from norway_returns.writing import db as schema
from norway_returns.build import build
from norway_returns.writing.package import build as build_package
from site_helpers import (CHART_COLUMN_KEYS, CHART_KEYS, CHART_MARKS, CHART_TYPES, DATABASE, ROOT,
                          VIEWS_DIR, Site, database_metadata, links, live_view, load_metadata, serve_settings,
                          split_fragment)

TABLES = list(schema.SCHEMA)
VIEWS = sorted(p.stem for p in VIEWS_DIR.glob("*.sql"))
REQUIRED_VIEWS = {"returns_wide", "monthly_returns", "convicted_share", "minors", "charter_flights",
                  "year_over_year", "category_totals", "reconciliation", "periods"}
# monthly_returns has no chart link: none of its months can be derived from these publications
CHARTED_VIEWS = {"convicted_share", "category_totals", "year_over_year"}
FACET_COLUMNS = ("period", "kind", "category", "country")
# a code column may be faceted by the column of its name instead, which a reader can read
FACET_NAMES = {"country": "country_name", "category": "category_label"}

# Every canned query, with parameters that select something; each is also run with
# every parameter left empty.
QUERY_EXAMPLES = {
    "country_profile": {"country": "UKR", "kind": "nationality", "since": ""},
    "top_countries": {"period": "2024-03", "kind": "destination", "limit": "5"},
    "period_summary": {"period": "2024-03"},
    "nationality_vs_destination": {"country": "UKR", "since": ""},
    "cell_checks": {"period": "2024-05", "kind": "nationality", "country": "LBY"},
    "publications_feed": {},
    "country_lookup": {"name": "Ukraina"},
    "publications_feed_nb": {},
}


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="session")
def site_db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("site") / "returns.db"
    build(raw=ROOT / "raw", db_path=path, views=VIEWS_DIR)
    return path


@pytest.fixture(scope="session")
def conn(site_db_path):
    c = sqlite3.connect(site_db_path)
    c.row_factory = sqlite3.Row
    yield c
    c.close()


@pytest.fixture(scope="session")
def web(site_db_path):
    # served with its data package at /package/, as `make serve` does
    package = build_package(site_db_path, site_db_path.parent / "package")
    s = Site(site_db_path, settings=serve_settings(), static_mounts=[("package", str(package))])
    yield s
    s.close()


@pytest.fixture(scope="session")
def metadata():
    return load_metadata()


@pytest.fixture(scope="session")
def db_meta(metadata):
    return database_metadata(metadata)


def columns_of(conn, name):
    return [r[1] for r in conn.execute(f"pragma table_xinfo([{name}])")]


def count(conn, name, where="1"):
    return conn.execute(f"select count(*) from [{name}] where {where}").fetchone()[0]


def one(rows, **match):
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


# ------------------------------------------------------------- the SQL views

def test_views_are_the_expected_ones(conn):
    in_db = {r[0] for r in conn.execute("select name from sqlite_master where type = 'view'")}
    assert REQUIRED_VIEWS <= set(VIEWS)
    assert in_db == set(VIEWS) - set(schema.STORED_VIEWS)
    stored = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert set(schema.STORED_VIEWS) <= stored & set(VIEWS)


def live_rows(conn, view):
    """The rows of sql/views/VIEW.sql, computed now."""
    return [tuple(r) for r in conn.execute(f"select * from [{live_view(conn, view)}]")]


@pytest.mark.parametrize("view", sorted(schema.STORED_VIEWS))
def test_a_stored_view_holds_exactly_its_querys_rows(conn, view):
    stored, live = [tuple(r) for r in conn.execute(f"select * from [{view}]")], live_rows(conn, view)
    # the same values of the same types, in the same order, under the same column names
    assert stored == live and len(stored) >= 30
    assert [[type(v) for v in r] for r in stored] == [[type(v) for v in r] for r in live]
    assert columns_of(conn, view) == columns_of(conn, f"live_{view}")


@pytest.mark.parametrize("view", sorted(schema.STORED_VIEWS))
def test_a_stored_views_page_shows_its_query(web, view):
    # a reader of the site sees how the rows are computed, as on a view's page
    html = web.ok(f"/{DATABASE}/{view}").text
    query = (VIEWS_DIR / f"{view}.sql").read_text(encoding="utf-8")
    assert f"stored when the database was built (sql/views/{view}.sql)" in html
    for line in (query.strip().splitlines()[0], query.strip().splitlines()[-1]):
        assert line in html.replace("&#39;", "'").replace("&#x27;", "'"), line


@pytest.mark.parametrize("view", VIEWS)
def test_view_file_opens_with_a_comment_and_uses_no_other_view(view):
    text = (VIEWS_DIR / f"{view}.sql").read_text(encoding="utf-8")
    assert text.lstrip().startswith("--"), f"{view}.sql must open with a comment saying what it computes"
    assert text.lstrip().splitlines()[0].startswith(f"-- {view}:"), "the comment names the view"
    code = "\n".join(line.split("--")[0] for line in text.splitlines())
    for other in VIEWS:
        if other != view:
            assert not re.search(rf"\b(from|join)\s+\[?{other}\b", code, re.I), \
                f"{view} uses the view {other}: views are built in file order; keep them independent"


# ------------------------------------------------- every page, HTML and JSON

@pytest.mark.parametrize("view", ["category_totals", "reconciliation"])
def test_sums_by_category_read_a_covering_index(conn, view):
    # so that these queries stay quick to build, and to run by hand, as months are added
    plan = " | ".join(r[3] for r in conn.execute(f"explain query plan select * from [{live_view(conn, view)}]"))
    assert "SCAN returns USING COVERING INDEX idx_returns_period_kind_category_count" in plan, plan


@pytest.mark.parametrize("name", TABLES + VIEWS)
def test_every_table_and_view_serves_html_and_json(web, conn, db_meta, name):
    html = web.ok(f"/{DATABASE}/{name}").text
    assert "<table" in html
    meta = db_meta["tables"][name]
    description = meta.get("description") or re.sub(r"<[^>]+>", "", meta["description_html"])
    assert " ".join(description.split()[:4]) in " ".join(html.split()), "description not shown"
    assert 'class="column-descriptions"' in html

    rows = web.rows(f"/{DATABASE}/{name}")
    page_size = meta.get("size") or serve_settings().get("default_page_size", 100)
    assert len(rows) == min(count(conn, name), page_size)
    assert rows and set(rows[0]) >= set(columns_of(conn, name)) - {"rowid"}


def test_database_and_index_pages(web, db_meta):
    index = web.ok("/").text
    assert "Forced returns from Norway" in index and "UDI" in index
    assert "data.norge.no/nlod" in index and "politiet.no" in index
    page = web.ok(f"/{DATABASE}").text
    for name, query in db_meta["queries"].items():
        assert query["title"] in page
        if query.get("fragment"):
            assert f"/{DATABASE}/{name}#{query['fragment']}".replace("&", "&amp;") in page
    plugins = {p["name"] for p in web.json("/-/plugins.json")}
    assert "datasette-vega" in plugins


def test_default_facets_render_without_errors(web, db_meta):
    for name, meta in db_meta["tables"].items():
        if not meta.get("facets"):
            continue
        # JSON counts facets when it asks for one (site/json_facets.py): then every default one too
        assert web.json(f"/{DATABASE}/{name}.json")["facet_results"] == {}, name
        data = web.json(f"/{DATABASE}/{name}.json?_facet={meta['facets'][0]}")
        assert set(data["facet_results"]) == set(meta["facets"]), name
        assert all(f["results"] for f in data["facet_results"].values()), name
        assert not data.get("facets_timed_out"), name


def test_every_sortable_column_sorts(web, db_meta):
    for name, meta in db_meta["tables"].items():
        for column in meta.get("sortable_columns", []):
            web.ok(f"/{DATABASE}/{name}.json?_sort_desc={column}&_size=1")
            web.ok(f"/{DATABASE}/{name}?_sort={column}&_size=5")


@pytest.mark.parametrize("view", VIEWS)
def test_filters_work_on_every_view_column(web, conn, view):
    """Datasette filters (?column=value) compare numbers on views too: the views CAST
    what they compute, which gives the column a type."""
    for column in columns_of(conn, view):
        value = conn.execute(f"select [{column}] from [{view}] where [{column}] is not null limit 1").fetchone()
        if value is None:
            continue
        query = urlencode({column: value[0], "_size": 1})
        assert web.rows(f"/{DATABASE}/{view}?{query}"), f"{view}?{query} finds nothing"


# ------------------------------------------------------------------- metadata

def test_every_table_view_and_column_is_described(conn, db_meta):
    described = db_meta["tables"]
    names = [r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view') "
                                        "and name not like 'sqlite_%' order by name")]
    missing = []
    for name in names:
        meta = described.get(name) or {}
        if not (meta.get("description") or meta.get("description_html") or "").strip():
            missing.append(f"{name}: no description")
        columns = meta.get("columns") or {}
        for column in columns_of(conn, name):
            if not str(columns.get(column) or "").strip():
                missing.append(f"{name}.{column}: no description")
        for column in set(columns) - set(columns_of(conn, name)):
            missing.append(f"{name}.{column}: described but not in the database")
    for name in set(described) - set(names):
        missing.append(f"{name}: in metadata.yml but not in the database")
    assert not missing, "\n".join(missing)


def test_source_license_and_labels(metadata, db_meta):
    for key in ("title", "description_html", "license", "license_url", "source", "source_url"):
        assert metadata.get(key), key
    text = metadata["description_html"]
    for needle in ("Forced returns only", "UDI", "year-to-date", "late registrations",
                   "international protection", "May 2024", "corrections.yml", "checks"):
        assert needle in text, needle
    labels = {t: m.get("label_column") for t, m in db_meta["tables"].items()}
    assert labels["countries"] == "name_en"
    assert labels["categories"] == "label_en"
    assert labels["publications"] == "period"  # not the long title


def test_facets_and_sorting_name_real_columns(conn, db_meta):
    for name, meta in db_meta["tables"].items():
        columns = set(columns_of(conn, name))
        assert set(meta.get("facets", [])) <= columns, name
        sortable = set(meta.get("sortable_columns", columns))
        assert sortable <= columns, name
        for key in ("sort", "sort_desc"):
            if key in meta:
                assert meta[key] in sortable, (name, key)
        # period, kind, category and country are default facets wherever a value repeats
        rows = count(conn, name)
        for column in FACET_COLUMNS:
            if column in columns:
                distinct = conn.execute(f"select count(distinct [{column}]) from [{name}]").fetchone()[0]
                if distinct < rows:
                    named = FACET_NAMES.get(column) if FACET_NAMES.get(column) in columns else None
                    assert {column, named} & set(meta.get("facets", [])), f"{name}: facet {column}"


# ------------------------------------------------------------- canned queries

def test_every_canned_query_has_an_example(db_meta):
    assert set(db_meta["queries"]) == set(QUERY_EXAMPLES)
    for name, query in db_meta["queries"].items():
        assert query.get("title") and query.get("description"), name
        code = re.sub(r"'[^']*'", "''", re.sub(r"--[^\n]*", "", query["sql"]))  # no colon in a string or comment
        params = set(re.findall(r"(?<!:):(\w+)", code))
        assert params == set(QUERY_EXAMPLES[name]), name


@pytest.mark.parametrize("name", sorted(QUERY_EXAMPLES))
def test_canned_query_with_and_without_parameters(web, name):
    params = QUERY_EXAMPLES[name]
    empty = "&".join(f"{k}=" for k in params)
    for path in (f"/{DATABASE}/{name}", f"/{DATABASE}/{name}?{empty}"):
        web.ok(path)
        assert web.rows(path), f"{path}: no rows with parameters left empty"
    given = "&".join(f"{k}={v}" for k, v in params.items())
    web.ok(f"/{DATABASE}/{name}?{given}")
    assert web.rows(f"/{DATABASE}/{name}?{given}")


def test_country_profile(web, conn):
    every = web.rows(f"/{DATABASE}/country_profile")
    assert len(every) == count(conn, "returns_wide")
    by_code = web.rows(f"/{DATABASE}/country_profile?country=UKR")
    assert {r["country"] for r in by_code} == {"UKR"}
    assert {r["kind"] for r in by_code} == {"nationality", "destination"}
    assert one(by_code, period="2025-02", kind="nationality")["dublin"] == 20
    # a name in English or Norwegian, any case, finds the same rows
    assert web.rows(f"/{DATABASE}/country_profile?country=ukraine") == by_code
    assert web.rows(f"/{DATABASE}/country_profile?country=Ukraina") == by_code
    only = web.rows(f"/{DATABASE}/country_profile?country=UKR&kind=destination")
    assert only and {r["kind"] for r in only} == {"destination"}
    assert web.rows(f"/{DATABASE}/country_profile?country=Atlantis") == []


def test_top_countries(web, conn):
    latest = conn.execute("select max(period) from publications").fetchone()[0]
    rows = web.rows(f"/{DATABASE}/top_countries")
    assert len(rows) == 20
    assert {(r["period"], r["kind"]) for r in rows} == {(latest, "nationality")}
    assert [r["rank"] for r in rows][:1] == [1]
    assert [r["total"] for r in rows] == sorted((r["total"] for r in rows), reverse=True)
    top3 = web.rows(f"/{DATABASE}/top_countries?period=2024-03&kind=destination&limit=3")
    assert len(top3) == 3 and {r["period"] for r in top3} == {"2024-03"}
    assert top3[0]["total"] == conn.execute(
        "select max(total) from returns_wide where period = '2024-03' and kind = 'destination'").fetchone()[0]


def test_period_summary(web, conn):
    every = web.rows(f"/{DATABASE}/period_summary")
    assert [r["period"] for r in every] == [r[0] for r in conn.execute("select period from publications "
                                                                       "order by period")]
    (march,) = web.rows(f"/{DATABASE}/period_summary?period=2024-03")
    assert march["returned_in_month"] == 217
    assert march["convicted_in_month"] == 59
    assert march["minors_in_month"] == 17
    assert march["ytd_table_total"] == march["ytd_total"] == 554


def test_the_country_queries_show_the_latest_twelve_publications_or_those_since_a_month(tmp_path):
    """At 20 years of months a page of every row would grow with the archive: bounded."""
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    from loadtest import grow  # the load test's synthetic months
    db = tmp_path / "returns.db"
    build(raw=ROOT / "raw", db_path=db, views=VIEWS_DIR)
    grow(db, 3)
    web = Site(db, settings=serve_settings())
    try:
        periods = [r["period"] for r in web.rows(f"/{DATABASE}/publications?_sort=period&_size=max")]
        latest = sorted(set(periods))[-12:]
        rows = web.rows(f"/{DATABASE}/country_profile?country=UKR&kind=nationality")
        assert sorted({r["period"] for r in rows}) == latest
        since = web.rows(f"/{DATABASE}/country_profile?country=UKR&kind=nationality&since=2024-01")
        assert min(r["period"] for r in since) >= "2024-01" and len(since) > len(rows)
        both = web.rows(f"/{DATABASE}/nationality_vs_destination?country=UKR")
        assert sorted({r["period"] for r in both}) == latest
        # the real figure is there still: Ukraine's Dublin returns by nationality, Jan-Feb 2025
        assert one(both, period="2025-02", category="dublin")["by_nationality"] == 20
    finally:
        web.close()


def test_nationality_vs_destination(web):
    rows = web.rows(f"/{DATABASE}/nationality_vs_destination?country=UKR")
    assert {r["country"] for r in rows} == {"UKR"}
    assert one(rows, period="2025-02", category="dublin")["by_nationality"] == 20
    total = one(rows, period="2025-02", category="total")
    assert (total["by_nationality"], total["to_destination"]) == (26, 1)
    assert web.rows(f"/{DATABASE}/nationality_vs_destination?country=Ukraina") == rows


# --------------------------------------------------- figures of the publications

def test_convicted_share_may_2024(web):
    may = one(web.rows(f"/{DATABASE}/convicted_share"), period="2024-05")
    assert (may["convicted_in_month"], may["returned_in_month"]) == (47, 233)
    assert may["convicted_in_month_pct"] == 20.2
    assert may["convicted_in_month_pct_published"] == 20


def test_march_2024_headline_figures(web):
    march = one(web.rows(f"/{DATABASE}/convicted_share"), period="2024-03")
    assert (march["returned_in_month"], march["convicted_in_month"]) == (217, 59)
    minors = one(web.rows(f"/{DATABASE}/minors"), period="2024-03")
    assert minors["minors_in_month"] == 17
    assert minors["unaccompanied"] + minors["accompanied"] == 17


def test_ukraine_dublin_february_2025(web):
    rows = web.rows(f"/{DATABASE}/returns_wide?country=UKR&kind=nationality&period=2025-02")
    assert len(rows) == 1 and rows[0]["dublin"] == 20 and rows[0]["country_name"] == "Ukraine"


def test_reconciliation_has_no_difference(web, conn):
    rows = web.rows(f"/{DATABASE}/reconciliation?_size=max")
    assert len(rows) == count(conn, "published_totals")
    assert [r for r in rows if r["difference"] != 0 or r["published_total"] is None] == []
    assert web.rows(f"/{DATABASE}/reconciliation?difference__not=0") == []
    assert {r["category"] for r in rows} >= {"total", "asylum", "dublin", "expulsion"}


def test_year_over_year_agrees_with_the_printed_change(web):
    rows = {r["period"]: r for r in web.rows(f"/{DATABASE}/year_over_year")}
    printed = {"2022-06": (-89.6, 1), "2024-03": (-15, 0), "2024-05": (8, 0), "2025-02": (-1.1, 1)}
    for period, (change, decimals) in printed.items():
        assert rows[period]["ytd_change_pct_published"] == change
        assert rows[period]["published_decimals"] == decimals
        assert rows[period]["agrees"] == 1, rows[period]
    assert rows["2024-05"]["change_pct"] == 8.3  # 1033 against 954, printed as "8"


def test_category_totals_match_the_printed_totals(web, conn):
    for r in web.rows(f"/{DATABASE}/category_totals?_size=max"):
        printed = conn.execute("select count from published_totals where period = ? and kind = ? and category = ?",
                               (r["period"], r["kind"], r["category"])).fetchone()[0]
        assert r["returns"] == printed
        grand = conn.execute("select count from published_totals where period = ? and kind = ? "
                             "and category = 'total'", (r["period"], r["kind"])).fetchone()[0]
        assert r["kind_total"] == grand


def test_monthly_returns_are_null_without_the_previous_month(web, conn):
    # None of the publications here follows the month before it in the same year.
    rows = web.rows(f"/{DATABASE}/monthly_returns?_size=max")
    assert len(rows) == count(conn, "returns")
    assert all(r["returns"] is None and r["previous_ytd"] is None for r in rows)
    # and each says why, instead of leaving the cell (and a chart of it) empty
    may = one(rows, period="2024-05", kind="nationality", country="SYR", category="dublin")
    assert may["note"] == "cannot be derived: the 2024-04 publication is not in the database"
    assert (may["ytd"], may["country_name"], may["category_label"]) == (44, "Syria", "Dublin")


# ----------------------------------------------------------- CSV downloads

def test_csv_carries_labels(web):
    rows = web.csv(f"/{DATABASE}/returns.csv?_labels=on&country=UKR")
    assert rows and {r["country"] for r in rows} == {"UKR"}
    assert {r["country_label"] for r in rows} == {"Ukraine"}
    assert "Dublin" in {r["category_label"] for r in rows}


def test_returns_streams_as_csv_with_every_row(site_db_path, conn):
    # a small max_returned_rows, so the stream has to go past one page
    small = Site(site_db_path, settings={**serve_settings(), "max_returned_rows": 100})
    try:
        rows = small.csv(f"/{DATABASE}/returns.csv?_stream=on&_size=max")
    finally:
        small.close()
    assert len(rows) == count(conn, "returns") > 100
    assert len({(r["period"], r["kind"], r["country"], r["category"]) for r in rows}) == len(rows)


# ------------------------------------------------------------ chart links

def chart_links(db_meta):
    """(table, href) for every link in a description_html that sets a chart."""
    for name, meta in db_meta["tables"].items():
        for href in links(meta.get("description_html", "")):
            if "#" in href and split_fragment(href.split("#", 1)[1]):
                yield name, href


def check_chart(fragment, columns, where):
    chart = split_fragment(fragment)
    assert set(chart) <= CHART_KEYS, where
    assert chart.get("mark") in CHART_MARKS, where
    for key in ("x_type", "y_type"):
        assert chart.get(key, "quantitative") in CHART_TYPES, (where, key)
    assert chart.get("x_column") and chart.get("y_column"), where
    for key in CHART_COLUMN_KEYS:
        if chart.get(key):
            assert chart[key].removesuffix(".label") in columns, f"{where}: {key}={chart[key]}"


def test_charted_views_link_to_charts(db_meta):
    linked = {name for name, _ in chart_links(db_meta)}
    assert CHARTED_VIEWS <= linked


def test_chart_links_name_existing_views_and_columns(web, conn, db_meta):
    views = set(VIEWS) | set(TABLES)
    found = list(chart_links(db_meta))
    assert found
    for name, href in found:
        url = urlsplit(urljoin(f"http://localhost/{DATABASE}/{name}", href))
        database, _, target = url.path.strip("/").partition("/")
        assert database == DATABASE and target in views, href
        columns = set(columns_of(conn, target))
        check_chart(url.fragment, columns, href)
        for key, _ in parse_qsl(url.query):
            if not key.startswith("_"):
                assert key.split("__")[0] in columns, f"{href}: filter on {key}"
        # the page the link opens has rows for the chart (datasette-vega needs two or more)
        assert len(web.rows(f"{url.path}?{url.query}")) > 1, href


def test_canned_query_fragments_name_their_columns(web, db_meta):
    fragments = {n: q["fragment"] for n, q in db_meta["queries"].items() if q.get("fragment")}
    assert fragments
    for name, fragment in fragments.items():
        columns = set(web.json(f"/{DATABASE}/{name}.json")["columns"])
        check_chart(fragment, columns, name)


def test_the_plugin_still_reads_this_fragment_format():
    import datasette_vega
    static = Path(datasette_vega.__file__).parent / "static"
    js = "".join(p.read_text(encoding="utf-8") for p in static.glob("main.*.js"))
    assert "location.hash" in js
    for key in CHART_KEYS:
        assert key in js, key
    assert '"g"' in js  # the prefix: g.mark=..., g.x_column=...


def test_every_link_in_the_metadata_opens_a_page(web, metadata, db_meta):
    pages = [("/", metadata.get("description_html", "")), (f"/{DATABASE}", db_meta.get("description_html", ""))]
    pages += [(f"/{DATABASE}/{name}", meta.get("description_html", "")) for name, meta in db_meta["tables"].items()]
    for page, html in pages:
        for href in links(html):
            url = urlsplit(urljoin(f"http://localhost{page}", href))
            if url.netloc == "localhost":
                web.ok(url.path + (f"?{url.query}" if url.query else ""))


CHROMIUM = Path("/usr/bin/chromium")  # the Makefile's CHROMIUM

# How much of a datasette-vega chart is marks: the coloured pixels of its canvas (axes
# and text are grey or black; marks are coloured), or the marks of its SVG.
DRAWN_MARKS = """() => {
  const canvas = document.querySelector(".vega-embed canvas");
  if (canvas) {
    const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) n++;
    return n;
  }
  return 100 * document.querySelectorAll(".vega-embed svg .mark-rect path, .vega-embed svg .mark-line path, "
                                         + ".vega-embed svg .mark-symbol path").length;
}"""


def test_chart_links_draw_a_chart_in_a_browser(served_site, db_meta):
    """Each chart link and canned-query fragment, opened in Chromium against the site as
    `make serve` runs it, draws a datasette-vega chart without a script error."""
    from playwright import sync_api  # installed by `make test`, as is Chromium: never skipped

    assert CHROMIUM.exists(), f"no {CHROMIUM}: `make test` installs it"
    base = served_site[0]
    urls = [urljoin(f"{base}/{DATABASE}/{name}", href) for name, href in chart_links(db_meta)]
    urls += [f"{base}/{DATABASE}/{name}#{q['fragment']}" for name, q in db_meta["queries"].items()
             if q.get("fragment")]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            for url in urls:
                page.goto(url)
                page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=15000)
                chart = split_fragment(urlsplit(url).fragment)
                assert page.eval_on_selector("select[name=y_column]", "e => e.value") == chart["y_column"], url
                # and it draws marks: coloured bars, lines or points, not only axes
                page.wait_for_function(f"({DRAWN_MARKS})() > 50", timeout=15000)
            assert not errors, errors
        finally:
            browser.close()


# ------------------------------------------- the views' logic, on made-up data

def synthetic_tables():
    """Four publications (January, February and April 2024, January 2025), two countries."""
    pubs = ["2024-01", "2024-02", "2024-04", "2025-01"]
    cells = [  # period, kind, country, category, year-to-date count
        ("2024-01", "nationality", "SWE", "asylum", 3),
        ("2024-01", "nationality", "POL", "asylum", 1),   # gone from February: revised down
        ("2024-02", "nationality", "SWE", "asylum", 5),
        ("2024-02", "nationality", "POL", "dublin", 4),   # new in February
        ("2024-04", "nationality", "SWE", "asylum", 9),   # March missing
        ("2025-01", "nationality", "SWE", "asylum", 2),   # a new year
    ]
    totals = [("2024-01", "nationality", "asylum", 4), ("2024-01", "nationality", "total", 4),
              ("2024-02", "nationality", "asylum", 5), ("2024-02", "nationality", "dublin", 4),
              ("2024-02", "nationality", "total", 9),
              ("2024-04", "nationality", "asylum", 10),  # printed one more than the cells
              ("2024-04", "nationality", "total", 9),
              ("2025-01", "nationality", "asylum", 2), ("2025-01", "nationality", "total", 2)]
    return {
        "publications": [dict(period=p, year=int(p[:4]), month=int(p[5:]), title=p) for p in pubs],
        "categories": [dict(code=c, label_en=c) for c in ("asylum", "dublin")],
        "countries": [dict(code="SWE", name_en="Sweden"), dict(code="POL", name_en="Poland")],
        "returns": [dict(period=p, kind=k, country=c, category=cat, count=n, status="printed", source="x:1")
                    for p, k, c, cat, n in cells],
        "published_totals": [dict(period=p, kind=k, category=c, count=n, source="x:2") for p, k, c, n in totals],
        "monthly_figures": [dict(period="2024-02", ytd_total=9, ytd_total_prev_year=8, ytd_change_pct_published=12.5),
                            dict(period="2024-04", ytd_total=9, ytd_total_prev_year=8, ytd_change_pct_published=14)],
        "figure_sources": [dict(period="2024-02", figure="ytd_change_pct_published", value=12.5,
                                source="x:3", quote="Change in percent 12,5"),
                           dict(period="2024-04", figure="ytd_change_pct_published", value=14,
                                source="x:3", quote="Change in percent 14 %")],
    }


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "returns.db"
    schema.write(path, synthetic_tables(), VIEWS_DIR)
    c = sqlite3.connect(path)
    c.row_factory = sqlite3.Row
    yield c
    c.close()


def test_monthly_returns_from_consecutive_year_to_date_tables(synthetic):
    rows = {(r["period"], r["country"], r["category"]): dict(r)
            for r in synthetic.execute("select * from monthly_returns")}
    # January is its own year to date
    assert rows["2024-01", "SWE", "asylum"]["returns"] == 3
    assert rows["2025-01", "SWE", "asylum"]["returns"] == 2
    assert rows["2025-01", "SWE", "asylum"]["previous_period"] is None
    # February minus January
    feb = rows["2024-02", "SWE", "asylum"]
    assert (feb["ytd"], feb["previous_period"], feb["previous_ytd"], feb["returns"]) == (5, "2024-01", 3, 2)
    # a cell missing from January counts 0 ...
    assert rows["2024-02", "POL", "dublin"]["returns"] == 4
    # ... and so does one missing from February
    gone = rows["2024-02", "POL", "asylum"]
    assert (gone["ytd"], gone["previous_ytd"], gone["returns"]) == (0, 1, -1)
    # April without March: not computed
    assert rows["2024-04", "SWE", "asylum"]["returns"] is None
    assert rows["2024-04", "SWE", "asylum"]["previous_period"] == "2024-03"
    # a new year does not subtract December
    assert ("2025-01", "POL", "dublin") not in rows


def test_reconciliation_shows_a_difference(synthetic):
    rows = [dict(r) for r in synthetic.execute("select * from reconciliation where difference != 0")]
    assert rows == [dict(period="2024-04", kind="nationality", category="asylum", category_label="asylum", sum_of_cells=9,
                         published_total=10, difference=-1, source="x:2")]


def test_year_over_year_flags_a_disagreement(synthetic):
    rows = {r["period"]: dict(r) for r in synthetic.execute("select * from year_over_year")}
    assert (rows["2024-02"]["change_pct"], rows["2024-02"]["published_decimals"], rows["2024-02"]["agrees"]) \
        == (12.5, 1, 1)
    assert (rows["2024-04"]["published_decimals"], rows["2024-04"]["agrees"]) == (0, 0)  # 12.5 rounds to 13, not 14


# ------------------------------------------- every number traced to its page

def test_a_cells_source_links_to_its_line_and_its_status_to_the_reason(web):
    # Libya's Dublin cell of May 2024 was read by a person (raw/corrections.yml, lines 123-125)
    html = web.ok(f"/{DATABASE}/returns/2024-05,nationality,LBY,dublin").text
    assert '<a href="/-/source/2024-05-en.txt?lines=123-125#L123">raw/2024-05-en.txt:123-125</a>' in html
    why = re.search(r'corrected \(<a href="([^"]+)">why</a>\)', html)
    assert why, "a corrected cell links to its checks"
    # the row shows names, not only codes
    assert ">Libya</a>" in html and ">Dublin</a>" in html
    checks = web.rows(why[1].replace("&amp;", "&"))
    assert [(c["subject"], c["outcome"]) for c in checks] == [("Libya", "corrected")]
    assert "Two rows run together" in checks[0]["detail"] and "dublin 7 (corrected" in checks[0]["cells"]


def test_the_source_viewer_highlights_the_line_and_the_file_is_served(web):
    html = web.ok("/-/source/2024-05-en.txt?lines=165").text
    line = re.search(r'<tr id="L165" class="wanted">(.*?)</tr>', html)[1]
    assert "Syria" in line and "59" in line  # "Syria 7 2 44 6 59", the cell's own line
    raw = web.ok("/raw/2024-05-en.txt").text
    assert raw.split("\n")[164].startswith("Syria")
    outside = web.get("/-/source/~2E~2E~2Fmetadata~2Eyml")  # ../metadata.yml, as Datasette escapes it
    assert outside.status_code == 404 and "datasette-dashboards" not in outside.text
    assert web.get("/-/source/nothing.txt").status_code == 404


def test_a_repaired_cell_in_the_wide_table_links_to_its_check(web):
    rows = web.ok(f"/{DATABASE}/returns_wide?period=2022-06&kind=nationality&country=BIH").text
    why = re.search(r'repaired \(<a href="([^"]+)">why</a>\)', rows)
    checks = web.rows(why[1].replace("&amp;", "&"))
    repaired = [c for c in checks if c["outcome"] == "repaired"]
    assert len(repaired) == 1 and "printed '2.'" in repaired[0]["detail"]


# ------------------------------------------------- what users expect of a site

def test_robots_keep_crawlers_off_facets_and_downloads(web):
    robots = web.ok("/robots.txt").text.splitlines()
    assert robots[0] == "User-agent: *"
    assert {"Disallow: /*?", "Disallow: /*.csv", "Disallow: /returns.db"} <= set(robots)
    assert "Disallow: /" not in robots  # the front page and the overview stay open


def test_atom_feed_of_the_publications(web):
    feed = web.ok(f"/{DATABASE}/publications_feed.atom")
    assert feed.text.lstrip().startswith("<?xml") and "<feed" in feed.text
    titles = re.findall(r"<title>(.*?)</title>", feed.text)
    assert "Statistics for February 2025: Forced returns from Norway" in titles
    assert "Persons forcibly returned so far this year (Jan–May 2024): 1033. Returned in May 2024: 233" in feed.text


def test_copyable_and_csv_downloads(web):
    assert "copyable" in web.ok(f"/{DATABASE}/returns_wide?country=UKR").text
    csv = web.get(f"/{DATABASE}/returns.csv?country=UKR&_dl=1")
    assert csv.status_code == 200 and "attachment" in csv.headers.get("content-disposition", "")


def test_periods_say_what_so_far_this_year_covers(web):
    rows = {r["period"]: r for r in web.rows(f"/{DATABASE}/periods")}
    assert (rows["2024-05"]["ytd_label_en"], rows["2024-05"]["ytd_label_no"]) == ("Jan–May 2024", "jan.–mai 2024")
    assert rows["2025-02"]["month_label_en"] == "February 2025"


def test_stored_views_facet_by_names(web):
    facets = web.json(f"/{DATABASE}/returns_wide.json?period=2024-05&country_name=Syria&_facet=country_name")["facet_results"]
    assert [(f["value"], f["count"]) for f in facets["country_name"]["results"]] == [("Syria", 1)]
    facets = web.json(f"/{DATABASE}/category_totals.json?_facet=category_label")["facet_results"]
    assert {f["value"] for f in facets["category_label"]["results"]} >= {"Asylum", "Dublin", "Expulsion"}


def test_facet_counts_say_they_count_rows_not_persons(web):
    page = web.ok(f"/{DATABASE}/returns?period=2025-02&kind=nationality").text
    assert "counts rows of this table, not persons" in page
    assert "add up <code>count</code> within one period and one kind" in page
    # Syria by nationality in February 2025: two cells (Dublin 8, international protection 4,
    # raw/2025-02-en.txt), so its facet says 2, not the 12 persons
    facets = web.json(f"/{DATABASE}/returns.json?period=2025-02&kind=nationality&country=SYR&_facet=country")["facet_results"]
    assert [(f["value"], f["count"]) for f in facets["country"]["results"]] == [("SYR", 2)]
    assert sum(r["count"] for r in web.rows(f"/{DATABASE}/returns?period=2025-02&kind=nationality&country=SYR")) == 12
    wide = web.ok(f"/{DATABASE}/returns_wide").text
    assert "counts rows of this table, not persons" in wide and "add up <code>count</code>" not in wide
    assert "not persons" not in web.ok(f"/{DATABASE}/categories").text  # no facets, no word on them


def test_index_leads_with_the_latest_figures_and_links(web):
    html = web.ok("/").text
    assert "The latest publication: February 2025" in html
    assert "<strong>181</strong><span>persons returned in February 2025" in html
    assert "against 349 a year earlier (-1.1 %)" in html
    # the country pages of February 2025's most returned nationalities, United Kingdom first
    countries = re.findall(r'href="/-/dashboards/country\?country=([^"]+)">', html)
    assert countries[:3] == ["United%20Kingdom", "Ukraine", "Colombia"], countries  # 30, 26, 25
    for href in ("/-/dashboards/overview", "/-/dashboards/country", "/returns/publications_feed.atom",
                 "returns.db", "package/datapackage.json"):  # the download line of the description
        assert f'href="{href}' in html, href


# ------------------------------------------------ the overview and country page

def dashboard_charts(metadata):
    for slug, dashboard in metadata["plugins"]["datasette-dashboards"].items():
        for name, chart in dashboard["charts"].items():
            if chart.get("query"):
                yield slug, name, chart, dashboard.get("filters", {})


def test_every_dashboard_chart_query_returns_rows_for_every_filter(web, conn, metadata):
    periods = [r[0] for r in conn.execute("select period from publications")]
    for slug, name, chart, filters in dashboard_charts(metadata):
        choices = [{}]
        if "period" in filters:
            choices += [{"period": p, "kind": k} for p in periods for k in ("nationality", "destination")]
        if "country" in filters:
            choices += [{"country": "Ukraine"}, {"country": "Kosovo"}]
        for params in choices:
            rows = web.json(f"/{DATABASE}.json?" + urlencode({"sql": chart["query"], **params, "_shape": "objects"}))
            assert rows["rows"], (slug, name, params)
        assert web.ok(f"/-/dashboards/{slug}/{name}")


def test_dashboard_filters_are_filled_from_the_data(web):
    html = web.ok("/-/dashboards/overview").text
    assert '<option value="2024-05"' in html and '<option value="destination"' in html
    html = web.ok("/-/dashboards/country?country=Ukraine").text
    assert '<option value="Ukraine">' in html and '<option value="Syria">' in html


def test_the_map_joins_every_country_with_returns_to_a_shape(web, conn):
    import json
    world = web.ok("/-/static-plugins/norway-returns/world/countries-110m.json").json()
    assert world["type"] == "Topology"
    shapes = world["objects"]["countries"]["geometries"]
    ids, names = {g.get("id") for g in shapes}, {g["properties"]["name"] for g in shapes}
    missing = [code for code, numeric, name in conn.execute(
        "select distinct c.code, c.numeric, c.name_en from returns as r join countries as c on c.code = r.country")
        if numeric not in ids and name not in names]
    # only what no 1:110m shape stands for: small states and islands, stateless, unknown
    assert set(missing) <= {"XXA", "XXX", "MLT", "SGP", "BHR", "MDV", "MUS", "CPV", "COM", "STP", "LCA",
                            "GRD", "DMA", "KNA", "ATG", "BRB", "VCT", "SYC", "TON", "KIR", "FSM", "PLW",
                            "MHL", "NRU", "TUV", "WSM", "AND", "MCO", "SMR", "LIE", "VAT", "HKG", "MAC",
                            "BMU", "YUG", "BHR"}, missing
    syria = conn.execute("select numeric from countries where code = 'SYR'").fetchone()[0]
    assert syria == "760" and syria in ids


def test_the_dashboards_links_open_pages(web, metadata):
    # links written in the dashboards' text, relative to the dashboard's page
    for slug, dashboard in metadata["plugins"]["datasette-dashboards"].items():
        for chart in dashboard["charts"].values():
            if chart.get("library") == "markdown":
                for href in re.findall(r"\]\(([^)]+)\)", chart["display"]):
                    url = urlsplit(urljoin(f"http://localhost/-/dashboards/{slug}", href))
                    web.ok(url.path + (f"?{url.query}" if url.query else ""))


def test_source_links_for_pdfs_texts_and_lists():
    # the site's cells, with the URLs of a site under a base_url
    from datasette.app import Datasette
    from norway_returns.site import cells as plugin
    ds = Datasette(memory=True, settings={"base_url": "/data/"})
    assert plugin.linked_sources(ds, "raw/2025-03-en.pdf:68 (page 3)") == \
        '<a href="/data/raw/2025-03-en.pdf#page=3">raw/2025-03-en.pdf:68 (page 3)</a>'
    assert plugin.linked_sources(ds, "raw/2024-05-en.txt:123-125") == \
        '<a href="/data/-/source/2024-05-en.txt?lines=123-125#L123">raw/2024-05-en.txt:123-125</a>'
    both = plugin.linked_sources(ds, "raw/2024-05-en.txt:140,raw/2024-05-en.txt:141")
    assert both.count("<a ") == 2 and ">raw/2024-05-en.txt:141</a>" in both
    assert plugin.linked_sources(ds, "no source here") is None
