"""norway_returns/site/dashboards.py: each chart's view kept, data URLs under the site's base,
CSV links that save."""

from conftest import PREFIX
from site_helpers import ok


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
