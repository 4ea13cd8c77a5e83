"""norway_returns/site/chart_controls.py: datasette-vega's script on no page's head, a loader
where its chart controls can be opened. (Opened in Chromium: test_browser.py.)"""

import site_helpers  # noqa: F401  Datasette first: it loads the site's package as a plugin, whole

from norway_returns.site.chart_controls import loader


def test_no_page_loads_datasette_vega_by_itself(local_site):
    for path in ("/", "/returns", "/returns/returns", "/returns/country_profile?country=UKR", "/-/dashboards/overview"):
        html = local_site.ok(path).text
        assert '<script src="/-/static-plugins/datasette_vega' not in html, path
        assert 'href="/-/static-plugins/datasette_vega' not in html, path


def test_table_and_query_pages_load_it_when_opened(local_site):
    for path in ("/returns/returns", "/returns/convicted_share", "/returns/country_profile?country=UKR"):
        html = local_site.ok(path).text
        assert "Show charting options" in html, path
        assert '"/-/static-plugins/datasette_vega/main.' in html and ".js\"" in html, path
    # pages with no rows of their own do not
    assert "Show charting options" not in local_site.ok("/-/dashboards/overview").text
    # and the files it names are served
    js = [part.split('"')[0] for part in local_site.ok("/returns/returns").text.split('"/-/static-plugins/datasette_vega/')[1:]]
    for name in js:
        assert local_site.ok("/-/static-plugins/datasette_vega/" + name).status_code == 200


def test_no_loader_where_the_plugin_puts_its_own_script():
    assert loader({}) is None and loader({"extra_js_urls": []}) is None
    assert "main.js" in loader({"extra_js_urls": ["/-/static-plugins/datasette_vega/main.js"]})
