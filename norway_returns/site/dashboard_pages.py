"""The dashboards' pages drawn from the site's copy of datasette-dashboards' templates, and
what their head asks for before the scripts have run.

Datasette looks templates up in every plugin's folder in the order of a set (pluggy's
plugins), so a plugin's template of the same name as another plugin's wins in one process
and loses in the next. The site's `templates/dashboards/` (datasette-dashboards 0.8's
`dashboard_view.html` and `dashboard_chart.html`, changed as their first lines say) is put
before every other folder through the prepare_jinja2_environment hook.

`dashboard_preloads` gives the URLs the head preloads: each chart's data, exactly as
datasette-dashboards' script asks for it (getDataUrl in its dashboards.js: the database's
JSON with the chart's SQL, the filters' query string and `_shape=objects`), and each file
a chart's spec names (`url` in its data or a lookup's data: the world map's shapes),
resolved against the site's base URL as the charts' loader resolves them (dashboards.py).
Asked for from the head, they arrive while the scripts load, not after them.

`FETCH_ONCE`, the dashboards' body script (extra_body_script): charts that draw the same rows
or shapes (the world map and Europe) ask for one URL, which the page then downloads once (a
preload answers one request only: the second map's rows and shapes were downloads of their
own, 31 KB on the overview).

The templates' words in the page's language: `translated(dashboard)`, `translated_chart`
and `option_label` (dashboard_words.py).
"""

from pathlib import Path
from urllib.parse import quote

from jinja2 import ChoiceLoader, FileSystemLoader

from . import dashboard_words

TEMPLATES = Path(__file__).parent / "templates" / "dashboards"

# JavaScript's encodeURIComponent leaves these unescaped (besides letters and digits)
URI_COMPONENT_SAFE = "-_.!~*'()"


def prepare_environment(env, datasette):
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])
    env.globals["dashboard_preloads"] = lambda charts, query_string, absolute_url: dashboard_preloads(
        charts, query_string, absolute_url, datasette.urls.path(""))
    env.globals["translated"] = dashboard_words.translated
    env.globals["translated_chart"] = dashboard_words.translated_chart
    env.globals["option_label"] = dashboard_words.option_label


def data_url(chart, query_string, absolute_url):
    """The URL dashboards.js fetches a chart's rows from, character for character."""
    sql = quote(chart["query"], safe=URI_COMPONENT_SAFE)
    return f"{absolute_url}{chart['db']}.json?sql={sql}&{query_string}&_shape=objects"


def spec_urls(spec):
    """Every `url` of a data source in a Vega or Vega-Lite spec, in order, once each."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("url"), str) and data["url"] not in found:
                found.append(data["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def resolve(url, base):
    if "://" in url or url.startswith("/"):
        return url
    return base + url


def dashboard_preloads(charts, query_string, absolute_url, base):
    urls = []
    for chart in charts:
        if chart.get("library") in ("vega", "vega-lite", "metric", "table", "map") and chart.get("db") \
                and chart.get("query"):
            urls.append(data_url(chart, query_string, absolute_url))
    for chart in charts:
        if chart.get("library") in ("vega", "vega-lite"):
            urls += [u for u in (resolve(x, base) for x in spec_urls(chart.get("display") or {})) if u not in urls]
    return urls


# Installed before dashboards.js renders the charts (DOMContentLoaded): JSON asked for again
# (a chart's rows by dashboards.js, a spec's file by Vega's loader) is the first answer,
# cloned for each reader of its body
FETCH_ONCE = """
(() => {
  const asked = new Map();
  const fetch = window.fetch;
  window.fetch = (input, init) => {
    if (typeof input !== "string" || !/\\.json(\\?|$)/.test(input) || (init && init.method && init.method !== "GET")) {
      return fetch(input, init);
    }
    if (!asked.has(input)) asked.set(input, fetch(input, init));
    return asked.get(input).then(response => response.clone());
  };
})();
"""
