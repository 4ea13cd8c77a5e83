"""norway_returns/site/dashboards.py: each chart's view kept, data URLs under the site's base,
CSV links that save."""

from conftest import PREFIX
from site_helpers import chart_rows, load_metadata, ok


def test_a_dashboard_keeps_its_charts_and_resolves_its_data_against_the_site(prefixed_site):
    html = ok(prefixed_site, PREFIX + "-/dashboards/overview").text
    assert "window.siteCharts = {}" in html and f'baseURL: "{PREFIX}"' in html
    # the map's shapes are the package's static file, found under the same base
    assert ok(prefixed_site, PREFIX + "-/static-plugins/norway-returns/world/countries-110m.json").json()["type"] == "Topology"


def test_a_chart_on_its_own_page_resolves_its_texts_links_against_the_dashboard(local_site):
    assert "const dashboardPage" not in local_site.ok("/-/dashboards/overview").text
    assert "const dashboardPage" in local_site.ok("/-/dashboards/overview/map").text


def test_a_table_pages_csv_links_save_the_file(local_site):
    html = local_site.ok("/returns/returns").text
    assert 'url.searchParams.set("_dl", "1")' in html


def test_a_category_a_publication_did_not_print_is_no_false_zero(local_site):
    """Granted international protection is a category from 2025: June 2022's charts have no 0 for it."""
    rows = chart_rows(local_site, "country", "by_nationality", "country=Ukraine")
    categories = {p: {r["category"] for r in rows if r["period"] == p} for p in {r["period"] for r in rows}}
    assert categories["2022-06"] == {"Asylum", "Dublin", "Expulsion", "Refused entry or stay"}
    assert "Granted international protection" in categories["2025-02"]
    # Ukraine's own cells: Dublin 20 of February 2025 (raw/2025-02-en.txt), and an empty cell printed as none
    persons = {(r["period"], r["category"]): r["persons"] for r in rows}
    assert persons["2025-02", "Dublin"] == 20 and persons["2025-02", "Granted international protection"] == 0
    for slug in ("categories", "nationalities", "destinations"):
        rows = chart_rows(local_site, "overview", slug, "period=2022-06")
        assert rows and not any(r["category"] == "Granted international protection" for r in rows), slug


def test_a_category_keeps_its_colour_and_place_in_either_language(local_site):
    """Colours, legends and stacks follow the publications' order of the categories (categories.yml),
    not each language's alphabet: Dublin is the second colour in English and in Norwegian."""
    def order(rows):
        return [label for _, label in sorted({(r["category_order"], r["category"]) for r in rows})]
    assert order(chart_rows(local_site, "overview", "categories", "period=2024-05")) == \
        ["Asylum", "Dublin", "Refused entry or stay", "Expulsion"]
    assert order(chart_rows(local_site, "overview", "categories", "period=2024-05&lang=nb")) == \
        ["Asyl", "Dublin", "Bortvisning", "Utvisning"]
    charts = load_metadata()["plugins"]["datasette-dashboards"]
    coloured = [(d, slug, chart["display"]["encoding"]) for d in ("overview", "country")
                for slug, chart in charts[d]["charts"].items()
                if isinstance(chart.get("display"), dict)
                and chart["display"].get("encoding", {}).get("color", {}).get("field") == "category"]
    assert len(coloured) == 5
    for dashboard, slug, encoding in coloured:
        assert encoding["color"]["sort"]["field"] == encoding["order"]["field"] == "category_order", (dashboard, slug)
        assert "category_order" in chart_rows(local_site, dashboard, slug, "country=Ukraine")[0], (dashboard, slug)
