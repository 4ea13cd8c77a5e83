"""A person's tour of the site in Chromium, against the site as `make serve` runs it.

It takes the screenshots the README shows: into docs/screenshots/ with
`make screenshots` (SCREENSHOTS=docs), elsewhere into the test's temp folder, so
that `make test` leaves the working tree as it was.
"""

import os
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT
from site_helpers import load_metadata

CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by the Makefile
# No background connections: the machine's network is closed and they only slow it down.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(served_site):
    """The site on a port of its own, as `make serve` runs it (conftest.served_site)."""
    return served_site


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    if os.environ.get("SCREENSHOTS") == "docs":
        return ROOT / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, served_site, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.base = served_site[0]
    page.shots = shots
    yield page
    page.close()
    assert errors == []


def shot(page, name, full_page=False):
    page.shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(page.shots / f"{name}.png"), full_page=full_page)


def test_index(page):
    page.goto(page.base + "/")
    assert page.locator("h1").inner_text() == "Forced returns from Norway"
    assert "assisted returns" in page.locator(".metadata-description").inner_text().lower()


def test_syria_in_may_2024_with_facets(page):
    # a journalist's two clicks: the returns table, filtered to one country and month
    page.goto(page.base + "/returns/returns?country=SYR&period=2024-05")
    facets = page.locator(".facet-info")
    assert facets.count() >= 3
    assert "nationality" in page.locator(".facet-info[data-column=kind]").inner_text()
    rows = page.locator("table.rows-and-columns tbody tr")
    text = " ".join(rows.all_inner_texts())
    # "Syria 7 2 44 6 59" by nationality (2024-05:165); no row by destination
    assert rows.count() == 4 and "Syria" in text and "44" in text
    assert "2024-05" in page.locator(".facet-info[data-column=period]").inner_text()
    shot(page, "table-with-facets", full_page=True)


def test_csv_links_download(page):
    page.goto(page.base + "/returns/returns_wide?country=UKR")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    path = download.value.path()
    text = open(path, encoding="utf-8").read()
    assert download.value.suggested_filename.endswith(".csv")
    assert "2025-02,nationality,UKR,Ukraine,Ukraina,1,20" in text  # "Ukraine 1 20 4 1 26" (line 134)


def test_a_view_through_its_chart_link(page):
    page.goto(page.base + "/returns/convicted_share")
    page.get_by_role("link", name="share of the month's returns, percent").click()
    page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=15000)
    assert page.eval_on_selector("select[name=y_column]", "e => e.value") == "convicted_in_month_pct"
    page.locator(".datasette-vega").scroll_into_view_if_needed()
    shot(page, "chart")


def test_a_canned_query(page):
    page.goto(page.base + "/returns/country_profile?country=Ukraine")
    assert "Country profile" in page.locator("h1").inner_text()
    text = " ".join(page.locator("table.rows-and-columns tbody tr").all_inner_texts())
    assert "2025-02" in text and "Ukraine" in text
    shot(page, "canned-query", full_page=True)


def test_the_sql_editor_arrives_after_the_page_and_only_where_the_sql_is_editable(page):
    urls = requests_of(page, lambda: (page.goto(page.base + "/returns"),
                                      page.wait_for_selector(".CodeMirror", timeout=15000)))
    assert [u for u in urls if "codemirror-5.57.0.min.js" in u]
    # none of its files held the page back (Resource Timing: loaded after the load event)
    blocking = page.evaluate("""() => performance.getEntriesByType("resource")
      .filter(r => /codemirror|sql-formatter/.test(r.name))
      .map(r => [r.renderBlockingStatus, r.startTime >= performance.getEntriesByType("navigation")[0].loadEventStart])""")
    assert blocking and all(status == "non-blocking" and after for status, after in blocking)
    # the editor as Datasette's: as tall as its SQL (its styles over CodeMirror's 300 px), the
    # table's SQL in it, formatted by its button, run
    assert page.evaluate("document.querySelector('.CodeMirror').offsetHeight") < 120
    assert page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()") == "select * from categories"
    page.get_by_role("button", name="Format SQL").click()
    # the click formats once the formatter has arrived (on a busy machine, after the click)
    page.wait_for_function("document.querySelector('.CodeMirror').CodeMirror.getValue() === 'select\\n  *\\nfrom\\n  categories'",
                           timeout=15000)
    page.get_by_role("button", name="Run SQL").click()
    page.wait_for_selector("table.rows-and-columns")
    assert "dublin" in page.locator("table.rows-and-columns").inner_text()
    # a canned query shows its SQL read-only: no editor, the formatter only, after the page
    urls = requests_of(page, lambda: (page.goto(page.base + "/returns/country_profile?country=Ukraine"),
                                      page.wait_for_function("window.sqlFormatter !== undefined", timeout=15000)))
    assert not [u for u in urls if "codemirror" in u]
    assert page.locator(".CodeMirror").count() == 0
    page.get_by_role("button", name="Format SQL").click()
    assert page.locator("pre#sql-query").inner_text().startswith("-- the countries asked for")


# ------------------------------------------------ the overview, a country, the map

# The figures each chart draws, read from its Vega view (norway_returns/site/dashboards.py keeps every
# dashboard chart's view in window.siteCharts): the data of each bar and each shape
# of the scenegraph, without the shapes' geometry.
DRAWN = """slug => {
  const out = [];
  const walk = node => {
    for (const item of node.items || []) {
      if ((node.marktype === "rect" || node.marktype === "shape") && item.datum) {
        const d = {mark: node.marktype};
        for (const [k, v] of Object.entries(item.datum)) if (v === null || typeof v !== "object") d[k] = v;
        out.push(d);
      }
      if (item.items) item.items.forEach(walk);
    }
  };
  walk(window.siteCharts[slug].scenegraph().root);
  return out;
}"""


def open_dashboard(page, path, charts):
    """Open a dashboard and wait until its `charts` Vega-Lite charts are drawn."""
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(page.base + path)
    page.wait_for_function(f"window.siteCharts && Object.keys(window.siteCharts).length >= {charts}",
                           timeout=30000)
    assert failed == []


def drawn(page, slug):
    return page.evaluate(DRAWN, slug)


def bar(marks, **match):
    found = [m for m in marks if all(m.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found[:3])
    return found[0]


def test_the_overview_draws_the_publications_figures(page):
    open_dashboard(page, "/-/dashboards/overview?period=2024-05&kind=nationality", 6)
    # headline figures of May 2024: 233 returned, 47 of them convicted (20.2 %), 1,033 so far this year
    assert "233" in page.locator("#chart-returned").inner_text()
    assert "20.2 %" in page.locator("#chart-convicted").inner_text()
    assert "1,033" in page.locator("#chart-ytd").inner_text()
    assert "Jan–May 2024" in page.locator("#chart-ytd").inner_text()
    # the Total row printed under the table by nationality: Dublin 368 (line 186)
    categories = drawn(page, "categories")
    assert bar(categories, covers="Jan–May 2024", category="Dublin")["sum_persons"] == 368
    assert bar(categories, covers="Jan–Jun 2022", category="Asylum")["mark"] == "rect"
    # Syria by nationality, May 2024: "Syria 7 2 44 6 59" (line 165), Dublin 44
    nationalities = drawn(page, "nationalities")
    assert bar(nationalities, country="Syria", category="Dublin")["sum_persons"] == 44
    assert len({m["country"] for m in nationalities}) == 15
    assert {m["country"] for m in drawn(page, "destinations")} >= {"Germany"}
    months = drawn(page, "months")
    assert bar(months, month="May 2024")["persons"] == 233


def test_the_map_colours_each_country_by_its_figure(page):
    open_dashboard(page, "/-/dashboards/overview?period=2024-05&kind=nationality", 6)
    shapes = drawn(page, "map")
    grey = [s for s in shapes if s["mark"] == "shape" and s.get("type") == "Feature"]
    coloured = {s["country"]: s["persons"] for s in shapes if "persons" in s}
    assert len(grey) == 177  # every shape of the 1:110m world
    assert coloured["Syria"] == 59 and coloured["Ukraine"] == 169
    assert "Kosovo" in coloured  # no ISO code: joined by its name
    # by destination in February 2025: 51 returned to the United Kingdom (line 189)
    open_dashboard(page, "/-/dashboards/overview?period=2025-02&kind=destination", 6)
    coloured = {s["country"]: s["persons"] for s in drawn(page, "map") if "persons" in s}
    assert coloured["United Kingdom"] == 51
    # Europe at a scale where each country is read: the same figures, drawn large
    europe = {s["country"]: s["persons"] for s in drawn(page, "europe") if "persons" in s}
    assert europe["United Kingdom"] == 51 and europe == coloured
    svg = page.evaluate("window.siteCharts.europe.toSVG()")
    assert "None returned" in svg and "By destination, Jan–Feb 2025" in svg  # grey explained; table and period
    page.goto(page.base + "/-/dashboards/overview/map?period=2025-02&kind=destination")
    # a chart's own page: its element is named after the dashboard
    page.wait_for_function("window.siteCharts && window.siteCharts.overview", timeout=30000)
    assert len([s for s in drawn(page, "overview") if "persons" in s]) > 30
    shot(page, "map")


def test_the_overview_for_one_country(page):
    open_dashboard(page, "/-/dashboards/overview?period=2024-05&kind=nationality&country=Ukraine", 6)
    # "Ukraine 4 15 149 1 169" by nationality in May 2024 (line 179): Dublin 149
    categories = drawn(page, "categories")
    assert bar(categories, covers="Jan–May 2024", category="Dublin")["sum_persons"] == 149
    assert {m["country"] for m in categories} == {"Ukraine"}


def test_a_country_page(page):
    open_dashboard(page, "/-/dashboards/country?country=Ukraine", 3)
    assert "26" in page.locator("#chart-nationals").inner_text()  # Ukraine by nationality, Feb 2025
    # "Ukraine 1 20 4 1 26" by nationality in February 2025 (line 134): Dublin 20
    series = drawn(page, "by_nationality")
    assert bar(series, covers="Jan–Feb 2025", category="Dublin")["sum_persons"] == 20
    both = drawn(page, "both")
    assert bar(both, covers="Jan–Feb 2025", table="Its citizens (by nationality)")["persons"] == 26
    assert bar(both, covers="Jan–Feb 2025", table="Returned to it (by destination)")["persons"] == 1


@pytest.mark.parametrize("dashboard", ["overview", "country"])
def test_a_dashboards_text_links_open_pages_from_its_own_page_too(page, dashboard):
    # the About text opened on its own page, one level below the dashboard it was written for
    page.goto(f"{page.base}/-/dashboards/{dashboard}/about")
    hrefs = page.eval_on_selector_all(".chart-container a[href]", "links => links.map(a => a.href)")
    assert hrefs
    for href in hrefs:
        assert page.request.get(href).status == 200, href
    if dashboard == "country":
        assert {urlsplit(h).path for h in hrefs} == {"/-/dashboards/overview", "/returns/country_profile"}


def test_a_cell_traced_to_its_line(page):
    page.goto(page.base + "/returns/returns/2024-05,nationality,LBY,dublin")
    page.get_by_role("link", name="raw/2024-05-en.txt:123-125").click()
    assert "Libya" in page.locator("#L123").inner_text() or page.locator("#L123.wanted").count() == 1
    assert page.locator(".wanted").count() == 3
    page.go_back()
    page.get_by_role("link", name="why").click()
    assert "Two rows run together" in page.locator("table.rows-and-columns").inner_text()
    # the row's cells, each linked to its lines
    assert page.locator('td a[href$="/-/source/2024-05-en.txt?lines=123-125#L123"]').count() == 3
    shot(page, "why-corrected")


def test_the_site_under_a_base_url(browser, built, tmp_path):
    """Served under /data/ (a base_url), the overview's map still finds its shapes."""
    import shutil
    from norway_returns.site import serve

    db = tmp_path / "returns.db"
    shutil.copy(built[0], db)
    with serve.running(db, tmp_path, base_url="/data/") as (base, _):
        page = browser.new_page()
        try:
            page.base = base
            open_dashboard(page, "/-/dashboards/overview", 6)
            assert len(drawn(page, "map")) > 177
            page.goto(base + "/")
            href = page.get_by_role("link", name="The overview").get_attribute("href")
            # under /data/, and the build's prefix (norway_returns/site/serve.py)
            assert re.fullmatch(r"/data/v-[0-9a-f]{12}/-/dashboards/overview", href), href
        finally:
            page.close()


# ------------------------------------------------ what each page loads

def requests_of(page, go):
    urls = []
    listener = lambda r: urls.append(r.url)  # noqa: E731
    page.on("request", listener)
    try:
        go()
    finally:
        page.remove_listener("request", listener)
    return urls


def test_chart_controls_load_when_opened(page):
    urls = requests_of(page, lambda: page.goto(page.base + "/returns/convicted_share?_sort=period"))
    assert not [u for u in urls if "datasette_vega" in u]  # a table page draws no chart by itself
    urls = requests_of(page, lambda: (page.get_by_role("button", name="Show charting options").click(),
                                      page.wait_for_selector("select[name=y_column]", timeout=15000)))
    assert [u for u in urls if "datasette_vega" in u and u.endswith(".js")]
    # the plugin's controls in place of the button, over the page's columns (a chart drawn
    # from them: test_a_view_through_its_chart_link)
    assert "convicted_in_month" in page.eval_on_selector("select[name=y_column]", "e => e.innerText")
    assert page.get_by_role("button", name="Show charting options").count() == 0


def test_a_dashboard_loads_neither_chart_controls_nor_leaflet_and_its_data_once(page):
    urls = requests_of(page, lambda: open_dashboard(page, "/-/dashboards/overview?period=2024-05&kind=nationality", 5))
    assert not [u for u in urls if "datasette_vega" in u or "leaflet" in u]
    data = [u for u in urls if ".json?sql=" in u]
    # each chart's rows asked for once: the preload of the head is the request the chart uses,
    # and the world map and Europe, which draw the same rows, download them once between them
    charts = load_metadata()["plugins"]["datasette-dashboards"]["overview"]["charts"].values()
    assert len(data) == len(set(data)) == len({c["query"] for c in charts if c.get("query")}) >= 8
    maps = sum(1 for c in charts if "countries-110m.json" in str(c.get("display")))
    assert maps == 2 and len([u for u in urls if u.endswith("countries-110m.json")]) == 1  # the shapes once


# ------------------------------------- a country by any name, the figures, the downloads

def figures_table(page, slug):
    """The table of figures under a chart, as a reader sees it: header and rows of text."""
    return page.evaluate("""slug => {
      const t = document.querySelector(`#card-${slug} table.chart-figures`);
      if (!t) return null;
      return {head: [...t.tHead.rows[0].cells].map(c => c.innerText),
              rows: [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText))};
    }""", slug)


def test_a_country_by_its_norwegian_name_in_lower_case(page):
    open_dashboard(page, "/-/dashboards/country?country=ukraina", 3)
    heading = "Ukraine (Ukraina): forced returns from Norway"
    page.wait_for_function(f"document.querySelector('h1').innerText === {heading!r}", timeout=15000)
    assert page.title() == heading
    # "Ukraine 1 20 4 1 26" by nationality in February 2025 (line 134)
    assert page.locator("#chart-nationals").inner_text().startswith("26")
    assert "Ukraine, by nationality, Jan–Feb 2025" in page.locator("#chart-nationals").inner_text()
    # the figures under the chart, without hovering: Jan–Feb 2025, Dublin 20, total 26
    table = figures_table(page, "by_nationality")
    row = next(r for r in table["rows"] if r[0] == "Jan–Feb 2025")
    assert row[table["head"].index("Dublin")] == "20" and row[-1] == "26"
    href = page.get_by_role("link", name="The country in a table").get_attribute("href")
    assert "country=UKR" in href
    page.get_by_role("link", name="The country in a table").click()
    page.wait_for_selector("table.rows-and-columns tbody tr", timeout=15000)  # the click returns once the page is asked for
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() > 0 and {"Ukraine"} == set(page.locator("td.col-country_name").all_inner_texts())


def test_an_unknown_country_says_so_with_the_nearest_names(page):
    open_dashboard(page, "/-/dashboards/country?country=Ukriane", 3)
    page.wait_for_function("document.querySelector('h1').innerText.startsWith('No country named')", timeout=15000)
    text = page.locator("#chart-nationals").inner_text()
    assert "No country named “Ukriane” in these publications" in text and "Ukraine" in text
    assert not text.strip().startswith("0")
    # its charts say they have no figures, and the page stays a page's height
    assert "No figures for this choice." in page.locator("#chart-by_nationality").inner_text()
    assert page.evaluate("document.body.scrollHeight") < 10000
    page.locator("#chart-nationals a", has_text="Ukraine").first.click()
    page.wait_for_function("document.querySelector('h1').innerText.startsWith('Ukraine')", timeout=15000)


def test_the_overviews_charts_show_their_figures_and_download_with_title_and_source(page, tmp_path):
    open_dashboard(page, "/-/dashboards/overview?period=2024-05&kind=nationality", 6)
    months = figures_table(page, "months")
    assert ["May 2024", "233"] in months["rows"]
    nationalities = figures_table(page, "nationalities")
    syria = next(r for r in nationalities["rows"] if r[0] == "Syria")
    assert syria[nationalities["head"].index("Dublin")] == "44" and syria[-1] == "59"
    svg = page.evaluate("window.siteCharts.nationalities.toSVG()")
    for words in ("Top 15 nationalities", "Jan–May 2024", "National Police Immigration Service, monthly statistics"):
        assert words in svg, words
    # the chart's menu saves it as SVG and PNG, named for what it shows
    name, saved = saved_from_menu(page, "months", "Save as SVG")
    assert name.startswith("persons-returned-in-the-month")
    saved = saved.decode("utf-8")
    # the months to the chosen publication (May 2024), the earliest of raw/ on
    assert "Persons returned in the month" in saved and "June 2022 to May 2024" in saved
    assert "National Police Immigration Service, monthly statistics" in saved
    name, png = saved_from_menu(page, "months", "Save as PNG")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and name.endswith(".png")
    embed = page.locator("#card-months .chart-embed textarea").input_value()
    assert embed.startswith("<iframe src=") and "/-/dashboards/overview/months?period=2024-05" in embed


def test_the_front_page_in_norwegian_and_on_a_phone(browser, served_site, shots):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(served_site[0] + "/")
        page.get_by_role("link", name="Norsk").click()
        page.wait_for_url("**/?lang=nb")  # the click starts a navigation: read the page it lands on
        assert page.evaluate("document.documentElement.lang") == "nb"
        text = page.locator(".headline-section").inner_text()
        # February 2025: 181 returned, 27.6 % convicted offenders, as Norwegian writes them
        assert "Siste publikasjon: februar 2025" in text
        assert "181" in text and "27,6 %" in text and "mot 349 ett år tidligere (-1,1 %)" in text
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        page.get_by_role("link", name="English").click()
        page.wait_for_url(lambda url: "lang=" not in url)
        assert page.evaluate("document.documentElement.lang") == "en"
        assert "The latest publication: February 2025" in page.locator(".headline-section").inner_text()
    finally:
        page.close()


def test_the_country_page_on_a_phone(browser, served_site, shots):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        open_dashboard(page if hasattr(page, "base") else _based(page, served_site[0]), "/-/dashboards/country?country=Ukraine", 3)
        # the charts stay within the phone's width; their figures scroll inside their cards
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.close()


def saved_from_menu(page, chart, link):
    """A chart saved from its menu (⋯) as a reader saves it: (the file's name, its bytes)."""
    menu = f"#card-{chart} .vega-embed details"
    page.eval_on_selector(menu, "d => d.open = true")
    with page.expect_download() as download:
        page.locator(f"#card-{chart} a", has_text=link).click()
    return download.value.suggested_filename, open(download.value.path(), "rb").read()


def _based(page, base):
    page.base = base
    return page


# ------------------------------------------------ the dashboards in Norwegian

NBSP = "\u00a0"  # Norwegian's thousands separator (Babel's CLDR data, and the charts' d3 locale)


def test_the_overview_in_norwegian(page):
    open_dashboard(page, "/-/dashboards/overview?period=2024-05&kind=nationality&lang=nb", 7)
    assert page.evaluate("document.documentElement.lang") == "nb"
    assert page.locator("h1").inner_text() == "Uttransporteringer fra Norge: oversikt"
    assert "Den siste publikasjonens hovedtall" in page.locator(".dashboard-header").inner_text()
    # May 2024's headline figures as Norwegian writes them: 1 033 so far this year, 20,2 % convicted
    page.wait_for_function("document.querySelector('#chart-ytd').innerText.trim() !== ''", timeout=15000)
    assert page.locator("#chart-ytd").inner_text().startswith(f"1{NBSP}033")
    assert "uttransportert jan.–mai 2024, mot 954 ett år tidligere (+8,3 %)" in page.locator("#chart-ytd").inner_text()
    assert "20,2 %" in page.locator("#chart-convicted").inner_text()
    # the Dublin bar of May 2024: 368 (the Total row by nationality, line 186), its labels in Norwegian
    categories = drawn(page, "categories")
    assert bar(categories, covers="jan.–mai 2024", category="Dublin")["sum_persons"] == 368
    assert bar(categories, covers="jan.–mai 2024", category="Utvisning")["sum_persons"] == 320
    svg = page.evaluate("window.siteCharts.categories.toSVG()")
    for words in ("Personer uttransportert hittil i år, etter kategori", "Personer (hittil i år)", "Kategori",
                  "Bortvisning", "Kilde: Politiets utlendingsenhet, månedsstatistikk", f"1{NBSP}000"):
        assert words in svg, words
    # the figures under it, read without hovering: May 2024's 1 033 in all, Dublin 368
    table = figures_table(page, "categories")
    may = next(r for r in table["rows"] if r[0] == "jan.–mai 2024")
    assert may[table["head"].index("Dublin")] == "368" and may[-1] == f"1{NBSP}033" and table["head"][-1] == "Totalt"
    # Syria by nationality: 44 of 59 by Dublin (line 165); the countries by their Norwegian names
    nationalities = figures_table(page, "nationalities")
    syria = next(r for r in nationalities["rows"] if r[0] == "Syria")
    assert nationalities["head"][0] == "Land" and syria[nationalities["head"].index("Dublin")] == "44" and syria[-1] == "59"
    assert "Tyskland" in {m["country"] for m in drawn(page, "destinations")}
    coloured = {s["country"]: s["persons"] for s in drawn(page, "map") if "persons" in s}
    assert coloured["Syria"] == 59 and coloured["Ukraina"] == 169 and "Kosovo" in coloured  # Kosovo: joined by its English name
    assert bar(drawn(page, "months"), month="mai 2024")["persons"] == 233
    assert ["mai 2024", "233"] in figures_table(page, "months")["rows"]
    # May 2024's share, on its bar (the chart: the 24 months to the chosen publication)
    assert "20,2" in page.evaluate("window.siteCharts.convicted_share.toSVG()")
    # its chart saved as SVG: named, titled and sourced in Norwegian
    name, saved = saved_from_menu(page, "months", "Lagre som SVG")
    assert name.startswith("personer-uttransportert-i-maneden")
    saved = saved.decode("utf-8")
    for words in ("Personer uttransportert i måneden", "juni 2022 til mai 2024", "Kilde: Politiets utlendingsenhet, månedsstatistikk"):
        assert words in saved, words
    assert "Tallene (3 rader)" in page.locator("#card-months .chart-takeaway").inner_text()  # to May 2024


def test_the_overviews_filters_and_language_switch_keep_the_language(page):
    open_dashboard(page, "/-/dashboards/overview?lang=nb", 7)
    page.select_option("select#period", "2025-02")
    page.select_option("select#kind", "destination")
    assert page.locator("select#kind option:checked").inner_text() == "etter destinasjon"
    page.get_by_role("button", name="Vis").click()
    page.wait_for_function("window.siteCharts && Object.keys(window.siteCharts).length >= 7", timeout=30000)
    assert "lang=nb" in page.url and "kind=destination" in page.url
    assert page.evaluate("document.documentElement.lang") == "nb"
    # by destination in February 2025: 51 returned to the United Kingdom (line 189)
    coloured = {s["country"]: s["persons"] for s in drawn(page, "europe") if "persons" in s}
    assert coloured["Storbritannia"] == 51
    svg = page.evaluate("window.siteCharts.europe.toSVG()")
    assert "Etter destinasjon, jan.–feb. 2025" in svg and "Ingen uttransportert" in svg
    # the same page in English, and back
    page.get_by_role("link", name="English").click()
    page.wait_for_function("window.siteCharts && Object.keys(window.siteCharts).length >= 7", timeout=30000)
    assert page.evaluate("document.documentElement.lang") == "en" and "lang=" not in page.url
    assert page.locator("h1").inner_text() == "Forced returns from Norway: overview"
    assert {s["country"]: s["persons"] for s in drawn(page, "europe") if "persons" in s}["United Kingdom"] == 51
    assert "By destination, Jan–Feb 2025" in page.evaluate("window.siteCharts.europe.toSVG()")
    page.get_by_role("link", name="Norsk").click()
    page.wait_for_url(lambda url: "lang=nb" in url)  # the click starts a navigation: read where it lands
    page.wait_for_function("document.documentElement.lang === 'nb'", timeout=15000)
    assert "kind=destination" in page.url


def test_a_country_in_norwegian_from_the_front_page(page):
    page.goto(page.base + "/?lang=nb")
    page.locator(".country-links").get_by_role("link", name="Ukraina").click()
    page.wait_for_function("window.siteCharts && Object.keys(window.siteCharts).length >= 3", timeout=30000)
    assert "lang=nb" in page.url and page.evaluate("document.documentElement.lang") == "nb"
    heading = "Ukraina (Ukraine): uttransporteringer fra Norge"
    page.wait_for_function(f"document.querySelector('h1').innerText === {heading!r}", timeout=15000)
    assert page.title() == heading
    # "Ukraine 1 20 4 1 26" by nationality in February 2025 (line 134)
    page.wait_for_function("document.querySelector('#chart-nationals').innerText.trim() !== ''", timeout=15000)
    text = page.locator("#chart-nationals").inner_text()
    assert text.startswith("26") and "Ukraina, etter nasjonalitet, jan.–feb. 2025" in text
    table = figures_table(page, "by_nationality")
    row = next(r for r in table["rows"] if r[0] == "jan.–feb. 2025")
    assert row[table["head"].index("Dublin")] == "20" and row[-1] == "26" and table["head"][-1] == "Totalt"
    assert table["head"][0] == "Publikasjon: personer uttransportert hittil i år"
    both = drawn(page, "both")
    assert bar(both, covers="jan.–feb. 2025", table="Landets borgere (etter nasjonalitet)")["persons"] == 26
    assert "Personer (hittil i år)" in page.evaluate("window.siteCharts.both.toSVG()")
    page.get_by_role("link", name="Oversikten").click()
    page.wait_for_function("document.querySelector('h1').innerText === 'Uttransporteringer fra Norge: oversikt'",
                           timeout=15000)  # the overview's heading, not the country page's it left
    assert "lang=nb" in page.url


def test_an_unknown_country_in_norwegian(page):
    open_dashboard(page, "/-/dashboards/country?country=Ukriane&lang=nb", 3)
    page.wait_for_function("document.querySelector('h1').innerText.startsWith('Ingen land heter')", timeout=15000)
    assert page.locator("h1").inner_text() == "Ingen land heter «Ukriane»"
    assert "Ingen land heter «Ukriane» i disse publikasjonene" in page.locator("#chart-nationals").inner_text()
    assert "Ingen tall for dette valget." in page.locator("#chart-by_nationality").inner_text()
    page.locator("#chart-nationals a", has_text="Ukraina").first.click()
    page.wait_for_function("document.querySelector('h1').innerText.startsWith('Ukraina')", timeout=15000)
    assert "lang=nb" in page.url


# ------------------------------------------------ every reader-facing page, as a reader sees it

# Within each chart: no text beyond its card, no two axis labels or legend texts on each other.
LAYOUT = """() => {
  const problems = [];
  const shown = t => { const r = t.getBoundingClientRect(); return r.width > 0 && !t.closest('[opacity="0"]')
                         && getComputedStyle(t).opacity !== "0" && t.textContent.trim() !== ""; };
  for (const svg of document.querySelectorAll(".dashboard-card svg")) {
    const card = svg.closest(".dashboard-card").getBoundingClientRect();
    for (const t of [...svg.querySelectorAll("text")].filter(shown)) {
      const r = t.getBoundingClientRect();
      if (r.right > card.right + 1 || r.left < card.left - 1) problems.push("cut: " + t.textContent);
    }
    for (const group of svg.querySelectorAll("g.role-axis-label, g.role-legend")) {
      const texts = [...group.querySelectorAll("text")].filter(shown).map(t => [t.textContent, t.getBoundingClientRect()]);
      texts.forEach(([a, ra], i) => texts.slice(i + 1).forEach(([b, rb]) => {
        if (ra.left < rb.right - 1 && rb.left < ra.right - 1 && ra.top < rb.bottom - 1 && rb.top < ra.bottom - 1)
          problems.push("overlap: " + a + " / " + b);
      }));
    }
  }
  return problems;
}"""

READER_PAGES = {  # name: (its path in English, in Norwegian, the charts it draws)
    "index": ("/", "/?lang=nb", 0),
    "overview": ("/-/dashboards/overview?period=2024-05&kind=nationality",
                 "/-/dashboards/overview?period=2024-05&kind=nationality&lang=nb", 7),
    "country": ("/-/dashboards/country?country=Ukraine", "/-/dashboards/country?country=Ukraina&lang=nb", 3),
}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "nb"])
@pytest.mark.parametrize("name", list(READER_PAGES))
def test_a_reader_facing_page(browser, served_site, shots, name, language, phone):
    """Each page in each language, on a desktop and a 390 px phone: its screenshot for the
    README, its language said, nothing wider than the screen, no cut or overlapping labels."""
    english, norwegian, charts = READER_PAGES[name]
    path = norwegian if language == "nb" else english
    page = browser.new_page(viewport={"width": 390, "height": 844} if phone else {"width": 1280, "height": 900})
    try:
        page.base = served_site[0]
        if charts:
            open_dashboard(page, path, charts)
            page.wait_for_function("[...document.querySelectorAll('.dashboard-card p')].every(p => p.innerText.trim() !== '')"
                                   " && document.querySelectorAll('.chart-takeaway').length >= %d" % charts, timeout=15000)
        else:
            page.goto(page.base + path)
        assert page.evaluate("document.documentElement.lang") == language
        width = 390 if phone else 1280
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(LAYOUT) == []
        text = page.locator("body").inner_text()
        if language == "nb":  # English words a Norwegian reader should not meet
            for english in ("persons", "Persons", "so far this year", "Source:", "The figures", "Apply", "not stated"):
                assert english not in text, english
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"{name}{'-nb' if language == 'nb' else ''}{'-phone' if phone else ''}.png"),
                        full_page=True)
    finally:
        page.close()
