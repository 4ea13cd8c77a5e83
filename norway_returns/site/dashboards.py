"""What the dashboards' pages (datasette-dashboards) and the table pages get from the site.

- Each dashboard chart's Vega view is kept in `window.siteCharts[slug]` (for the browser
  tests, and for anyone who wants the figures behind a chart in the console), and the
  charts' data URLs (the world map's shapes, a static file of this package) resolve against
  the site's base URL, under any base_url and in the published copy.
- CSV links send the file to save, not to read in the tab.
- A country's page names the country it shows (looked up by any of its names, the canned
  query `country_lookup`) in its heading and title, and its link to the country in a
  table keeps the country.
- The scripts' words and numbers in the page's language (`window.siteWords`, from the
  message catalogue, read through charts.js's `say`; `window.siteNumbers`, the d3 number
  locale Vega-Lite formats with).
"""

import json

from ..resources import SITE
from . import i18n
from .state import kept

# the words the scripts below and static/charts.js write into a page (msgids of the catalogue)
WORDS = ("Source: National Police Immigration Service, monthly statistics", "%s to %s", "Total",
         "The figures (%s rows)", "Embed this chart", "Save as PNG", "Save as SVG",
         "No figures for this choice.", "%s: forced returns from Norway", "No country named “%s”")


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


# The country page: the name asked for, as the site knows it, in the heading and the title
COUNTRY_PAGE = """
(async () => {
  const asked = new URLSearchParams(location.search).get("country");
  if (!/\\/-\\/dashboards\\/country\\/?$/.test(location.pathname) || !asked) return;
  const response = await fetch(%(lookup)s + "?_shape=array&name=" + encodeURIComponent(asked));
  const [found] = response.ok ? await response.json() : [];
  const heading = document.querySelector("h1");
  if (found && found.code) {
    // the name in the page's language first, the other language's beside it
    const [first, other] = document.documentElement.lang === "nb" ? [found.name_no || found.name_en, found.name_en]
                                                                  : [found.name_en, found.name_no];
    heading.textContent = say("%%s: forced returns from Norway", first + (other && other !== first ? " (" + other + ")" : ""));
    for (const a of document.querySelectorAll('a[href*="country_profile"]')) {
      const url = new URL(a.href, location.href);
      url.searchParams.set("country", found.code);
      a.href = url.href;
    }
  } else {
    heading.textContent = say("No country named \u201c%%s\u201d", asked);
  }
  document.title = heading.textContent;
})();
"""


# Each chart's title, period and source drawn into it (its PNG and SVG carry them), its
# figures in a table under it, an embed snippet: static/charts.js
TAKEAWAY = (SITE / "static" / "charts.js").read_text(encoding="utf-8")


def body_script(template, view_name, datasette):
    if view_name in ("table", "row", "database", "query"):
        return CSV_DOWNLOADS
    if template not in ("dashboard_view.html", "dashboard_chart.html"):
        return None
    links = CHART_PAGE_LINKS if template == "dashboard_chart.html" else ""
    database = next(iter(kept(datasette, "names")), None)
    if template == "dashboard_view.html" and database:
        links += COUNTRY_PAGE % {"lookup": json.dumps(str(datasette.urls.path(f"{database}/country_lookup.json")))}
    base = datasette.urls.path("")  # the charts' data URLs are written relative to it
    # dashboards.js calls vegaEmbed(el, spec) after fetching the chart's rows, which is
    # after this script has run: give it a loader that resolves the map's relative URL
    # (static/world/...) against the site's base URL, and keep each view by its slug.
    # The site's dashboard templates (dashboard_pages.py) defer the scripts and call
    # siteBeforeCharts before rendering; datasette-dashboards' own have run them already.
    language = i18n.current.get()
    words = {w: i18n.translate(language, w) for w in WORDS if i18n.translate(language, w) != w}
    return f"""
window.siteWords = {json.dumps(words, ensure_ascii=False)};
window.siteNumbers = {json.dumps(i18n.number_locale(language), ensure_ascii=False)};
""" + TAKEAWAY + f"""
window.siteBeforeCharts = () => {{
  if (!window.vegaEmbed || window.siteCharts) return;
  const embed = window.vegaEmbed;
  window.siteCharts = {{}};
  window.vegaEmbed = (el, spec, opts) => {{
    // a chart with no rows says so: drawn empty, Vega-Lite grows it without end (33 million pixels)
    if (spec && spec.data && Array.isArray(spec.data.values) && spec.data.values.length === 0) {{
      el.innerHTML = '<p class="chart-empty">' + say("No figures for this choice.") + '</p>';
      window.siteCharts[el.id.replace(/^chart-/, "")] = null;
      return Promise.resolve(null);
    }}
    const made = window.siteTakeaway.prepare(spec, el);
    return embed(el, made.spec, {{...(opts || {{}}), ...made.opts, renderer: "svg", loader: vega.loader({{baseURL: {json.dumps(base)}}})}})
      .then(result => {{
        window.siteCharts[el.id.replace(/^chart-/, "")] = result.view;
        window.siteTakeaway.after(el, spec, made.rows);
        return result;
      }});
  }};
}};
window.siteBeforeCharts();
""" + links
