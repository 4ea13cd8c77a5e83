"""What the dashboards' pages (datasette-dashboards) and the table pages get from the site.

- Each dashboard chart's Vega view is kept in `window.siteCharts[slug]` (for the browser
  tests, and for anyone who wants the figures behind a chart in the console), and the
  charts' data URLs (the world map's shapes, a static file of this package) resolve against
  the site's base URL, under any base_url and in the published copy.
- CSV links send the file to save, not to read in the tab.
"""

import json


# Datasette's CSV links open the file as text in the browser tab; with _dl=1 it is sent
# as a file to save (text/csv, Content-Disposition: attachment)
CSV_DOWNLOADS = """
for (const a of document.querySelectorAll('a[href*=".csv"]')) {
  const url = new URL(a.href, location.href);
  if (!url.pathname.endsWith(".csv")) continue;
  url.searchParams.set("_dl", "1");
  a.href = url.pathname + url.search;
  a.setAttribute("download", "");
}
"""


# A chart opened on its own page (/-/dashboards/SLUG/CHART) stands one level below its
# dashboard (/-/dashboards/SLUG), where its text's relative links are written to be read
CHART_PAGE_LINKS = """
const dashboardPage = location.href.replace(/\\/[^\\/?#]*([?#].*)?$/, "");
for (const a of document.querySelectorAll(".chart-container a[href]")) {
  const href = a.getAttribute("href");
  if (!/^([a-z][a-z0-9+.-]*:|\\/|#)/i.test(href)) a.href = new URL(href, dashboardPage).href;
}
"""


def body_script(template, view_name, datasette):
    if view_name in ("table", "row", "database", "query"):
        return CSV_DOWNLOADS
    if template not in ("dashboard_view.html", "dashboard_chart.html"):
        return None
    links = CHART_PAGE_LINKS if template == "dashboard_chart.html" else ""
    base = datasette.urls.path("")  # the charts' data URLs are written relative to it
    # dashboards.js calls vegaEmbed(el, spec) after fetching the chart's rows, which is
    # after this script has run: give it a loader that resolves the map's relative URL
    # (static/world/...) against the site's base URL, and keep each view by its slug.
    # The site's dashboard templates (dashboard_pages.py) defer the scripts and call
    # siteBeforeCharts before rendering; datasette-dashboards' own have run them already.
    return f"""
window.siteBeforeCharts = () => {{
  if (!window.vegaEmbed || window.siteCharts) return;
  const embed = window.vegaEmbed;
  window.siteCharts = {{}};
  window.vegaEmbed = (el, spec, opts) =>
    embed(el, spec, {{...(opts || {{}}), renderer: "svg", loader: vega.loader({{baseURL: {json.dumps(base)}}})}})
      .then(result => {{ window.siteCharts[el.id.replace(/^chart-/, "")] = result.view; return result; }});
}};
window.siteBeforeCharts();
""" + links
