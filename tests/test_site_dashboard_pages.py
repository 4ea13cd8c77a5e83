"""norway_returns/site/dashboard_pages.py and templates/dashboards/: the dashboards drawn
from the site's templates, each chart's data and the map's shapes preloaded, scripts
deferred, no Leaflet where no Leaflet map is drawn. (In Chromium: test_browser.py.)"""

import html as html_module
import re

import site_helpers  # noqa: F401  Datasette first: it loads the site's package as a plugin, whole

from conftest import PREFIX
from norway_returns.site.dashboard_pages import data_url, dashboard_preloads, spec_urls
from site_helpers import load_metadata, ok

OVERVIEW = "-/dashboards/overview?period=2024-05&kind=nationality"


def preloads(html):
    return [html_module.unescape(u) for u in re.findall(r'<link rel="preload" as="fetch" crossorigin="anonymous" '
                                                         r'href="([^"]+)">', html)]


def test_the_overview_preloads_each_charts_data_and_the_maps_shapes(prefixed_site):
    html = ok(prefixed_site, PREFIX + OVERVIEW).text
    urls = preloads(html)
    data = [u for u in urls if ".json?sql=" in u]
    # every chart with a query (figures and Vega-Lite charts), as the metadata lists them
    charts = load_metadata()["plugins"]["datasette-dashboards"]["overview"]["charts"].values()
    assert len(data) == sum(1 for c in charts if c.get("query")) >= 9 and all(u.endswith("&_shape=objects") and "&period=2024-05&" in u + "&"
                                  and "&kind=nationality&" in u for u in data)
    assert PREFIX + "-/static-plugins/norway-returns/world/countries-110m.json" in urls
    # each preloaded URL answers, with the figure the chart shows: 233 returned in May 2024
    first = data[0].replace("http://localhost", "")
    assert "233" in ok(prefixed_site, first).json()["rows"][0]["figure"]


def test_scripts_are_deferred_and_leaflet_left_out(local_site):
    html = local_site.ok("/" + OVERVIEW).text
    scripts = re.findall(r"<script([^>]*)src=\"([^\"]+)\"", html)
    vega = [(attrs, src) for attrs, src in scripts if "datasette_dashboards" in src]
    assert len(vega) == 4 and all("defer" in attrs for attrs, _ in vega)
    # datasette-leaflet's body script names its files; nothing loads them
    assert not re.search(r'<(script|link)[^>]*(src|href)="[^"]*leaflet', html)
    assert "datasette_vega" not in html


def test_a_leaflet_map_keeps_leaflet():
    from jinja2 import Environment
    from norway_returns.site.dashboard_pages import TEMPLATES
    text = (TEMPLATES / "dashboard_view.html").read_text(encoding="utf-8")
    assert '{% if site_leaflet %}<script src="{{ datasette_leaflet_url }}"' in text
    env = Environment()
    charts = [{"library": "map"}, {"library": "vega-lite"}]
    assert env.from_string('{{ charts|selectattr("library", "equalto", "map")|list|length }}').render(
        charts=charts) == "1"


def test_the_data_url_is_the_one_dashboards_js_asks_for():
    # getDataUrl: `${absolute_url}${chart.db}.json?sql=${encodeURIComponent(chart.query)}&${qs}&_shape=objects`
    chart = {"db": "returns", "query": "select 'a' || \"b\" as x, * from t where y = :y -- (!~*)"}
    assert data_url(chart, "y=1", "http://h/") == (
        "http://h/returns.json?sql=select%20'a'%20%7C%7C%20%22b%22%20as%20x%2C%20*%20from%20t%20where%20y%20"
        "%3D%20%3Ay%20--%20(!~*)&y=1&_shape=objects")


def test_the_files_a_spec_names_resolve_against_the_base():
    spec = {"layer": [{"data": {"url": "-/static-plugins/x/world.json"}},
                      {"transform": [{"lookup": "id", "from": {"data": {"url": "-/static-plugins/x/world.json"}}}]},
                      {"data": {"url": "https://example.org/a.json"}}]}
    assert spec_urls(spec) == ["-/static-plugins/x/world.json", "https://example.org/a.json"]
    charts = [{"library": "vega-lite", "db": "returns", "query": "select 1", "display": spec},
              {"library": "markdown", "display": "text"}]
    assert dashboard_preloads(charts, "", "http://h/v-1/", "/v-1/") == [
        "http://h/v-1/returns.json?sql=select%201&&_shape=objects", "/v-1/-/static-plugins/x/world.json",
        "https://example.org/a.json"]
