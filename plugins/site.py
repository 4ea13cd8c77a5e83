"""The site's reading aids: every number linked to where it was read, and why.

- A `source` cell (`raw/FILE:LINE`, `raw/FILE:FIRST-LAST`, `raw/FILE.pdf:LINE (page N)`)
  links to the publication itself: a PDF at its page (`#page=N`), a text at its line in
  the source viewer below. Several sources (returns_wide joins a row's) each get a link.
- A `status` cell that is not `printed` links to the checks that repaired or corrected it
  (the canned query `cell_checks`), where the reason is written.
- A `country_name` cell links to the country's page (the `country` dashboard).
- /-/source/FILE shows a text publication of raw/ with numbered lines, the lines asked
  for highlighted; the files themselves are served as they are at /raw/.
- The dashboards' charts load the world map from the static mount under any base_url,
  and each drawn chart's Vega view is kept in `window.siteCharts[slug]` (for the
  browser tests, and for anyone who wants the figures behind a chart in the console).

Only cheap string work per cell: no query is run to render a cell.
"""

import html
import json
import re
import urllib.parse
from pathlib import Path

from markupsafe import Markup
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

# raw/FILE:LINE or raw/FILE:FIRST-LAST, then an optional " (page N)"
SOURCE = re.compile(r"raw/(?P<file>[\w.\-]+):(?P<first>\d+)(?:-(?P<last>\d+))?(?: \(page (?P<page>\d+)\))?")
# the columns that hold a source; status in the tables whose cells have one
STATUS_TABLES = {"returns", "returns_wide"}


def path(datasette, to):
    """A path under the site's base_url, as a plain string (Datasette's own kind of URL
    string looks up its attributes slowly: a page of a thousand cells felt it)."""
    return str(datasette.urls.path(to))


def source_href(datasette, match):
    file, first, last, page = match["file"], match["first"], match["last"], match["page"]
    if file.lower().endswith(".pdf"):
        return path(datasette, f"raw/{file}") + (f"#page={page}" if page else "")
    lines = f"{first}-{last}" if last else first
    return path(datasette, f"-/source/{file}") + f"?lines={lines}#L{first}"


def linked_sources(datasette, value):
    """The text of a source cell with each source in it a link; None if it holds none."""
    out, at, found = [], 0, False
    for match in SOURCE.finditer(value):
        found = True
        out.append(html.escape(value[at:match.start()]))
        out.append(f'<a href="{html.escape(source_href(datasette, match))}">{html.escape(match[0])}</a>')
        at = match.end()
    out.append(html.escape(value[at:]))
    return Markup("".join(out)) if found else None


# code -> name of every country and category, read once when the site starts (the
# database is immutable): cells of a code show its name in the tables that are not
# joined to the names by a foreign key (the stored views, a row's own page)
CODE_COLUMNS = {"country": "countries", "category": "categories"}


@hookimpl
def startup(datasette):
    async def load():
        for name, db in datasette.databases.items():
            tables = await db.table_names()
            if {"countries", "categories"} <= set(tables):
                kept(datasette, "names")[name] = {
                    "countries": {r[0]: (r[1], r[2]) for r in await db.execute(
                        "select code, name_en, name_no from countries")},
                    "categories": {r[0]: (r[1], r[2]) for r in await db.execute(
                        "select code, label_en, label_no from categories")},
                }
    return load


# What is worked out once for each site (its base_url, its databases): the names above,
# and the HTML of the cells that repeat (a few hundred codes and names, each made once)
def kept(datasette, what):
    try:
        return datasette._site_kept[what]  # asked for every cell: the quickest way first
    except AttributeError:
        datasette._site_kept = {}
    except KeyError:
        pass
    return datasette._site_kept.setdefault(what, {})


def named_code(datasette, database, column, value):
    """A code cell as its English name, linked to its row, the code beside it."""
    key = (database, column, value)
    cells = kept(datasette, "code cells")
    if key not in cells:
        table = CODE_COLUMNS[column]
        names = kept(datasette, "names").get(database, {}).get(table, {})
        if value not in names:
            return None
        name_en, name_no = names[value]
        href = str(datasette.urls.row(database, table, value))
        title = f' title="{html.escape(name_no)}"' if name_no else ""
        cells[key] = Markup(f'<a href="{html.escape(href)}"{title}>{html.escape(name_en)}</a> '
                            f'<em>{html.escape(value)}</em>')
    return cells[key]


def status_with_why(datasette, database, table, row, value):
    if table not in STATUS_TABLES or value not in ("repaired", "corrected") \
            or not all(k in row.keys() for k in ("period", "kind", "country")):
        return None
    country = row["country"]
    country = getattr(country, "value", country)  # a foreign key cell: {value, label}
    query = urllib.parse.urlencode({"period": row["period"], "kind": row["kind"], "country": country})
    href = path(datasette, f"{database}/cell_checks") + "?" + query
    return Markup(f'{html.escape(value)} (<a href="{html.escape(href)}">why</a>)')


def country_page_link(datasette, value):
    """A country's name linked to its page."""
    cells = kept(datasette, "country pages")
    if value not in cells:
        href = path(datasette, "-/dashboards/country") + "?" + urllib.parse.urlencode({"country": value})
        cells[value] = Markup(f'<a href="{html.escape(href)}">{html.escape(value)}</a>')
    return cells[value]


CODE_TABLES = set(CODE_COLUMNS.values())  # where a code is the row's own key: shown as it is
LINKED_COLUMNS = {*CODE_COLUMNS, "source", "cells", "status", "country_name"}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # called for every cell of every page: the column decides at once whether there is work
    if column not in LINKED_COLUMNS or not isinstance(value, str) or not value:
        return None
    if column in CODE_COLUMNS:
        return None if table in CODE_TABLES else named_code(datasette, database, column, value)
    if column in ("source", "cells"):  # cells: cell_checks' list of a row's cells
        return linked_sources(datasette, value) if "raw/" in value else None
    if column == "status":
        return status_with_why(datasette, database, table, row, value)
    return country_page_link(datasette, value)  # country_name


# ------------------------------------------------------------- the source viewer

def raw_folder(datasette):
    for mount, folder in datasette.static_mounts:
        if mount == "raw":
            return Path(folder)
    return None


async def source_view(request, datasette):
    name = request.url_vars["file"]
    folder = raw_folder(datasette)
    path = folder / name if folder else None
    # only a plain file name of raw/, never a path out of it
    if path is None or "/" in name or name.startswith(".") or not path.is_file():
        raise NotFound(f"No publication {name} in raw/")
    if name.lower().endswith(".pdf"):
        return Response.redirect(datasette.urls.path(f"raw/{name}"))
    wanted = set()
    span = re.fullmatch(r"(\d+)(?:-(\d+))?", request.args.get("lines", ""))
    if span:
        first = int(span[1])
        last = int(span[2] or first)
        wanted = set(range(first, min(last, first + 200) + 1))
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    return Response.html(await datasette.render_template(
        "source.html",
        {"file": name, "lines": [(n, text, n in wanted) for n, text in enumerate(lines, 1)],
         "raw_url": datasette.urls.path(f"raw/{name}"), "wanted": sorted(wanted)},
        request=request))


@hookimpl
def register_routes():
    return [(r"^/-/source/(?P<file>[^/]+)$", source_view)]


# ---------------------------------------------------------------- the dashboards

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


@hookimpl
def extra_body_script(template, view_name, datasette):
    if view_name in ("table", "row", "database", "query"):
        return CSV_DOWNLOADS
    if template not in ("dashboard_view.html", "dashboard_chart.html"):
        return None
    links = CHART_PAGE_LINKS if template == "dashboard_chart.html" else ""
    base = datasette.urls.path("")
    # dashboards.js calls vegaEmbed(el, spec) after fetching the chart's rows, which is
    # after this script has run: give it a loader that resolves the map's relative URL
    # (static/world/...) against the site's base URL, and keep each view by its slug.
    return f"""
if (window.vegaEmbed && !window.siteCharts) {{
  const embed = window.vegaEmbed;
  window.siteCharts = {{}};
  window.vegaEmbed = (el, spec, opts) =>
    embed(el, spec, {{...(opts || {{}}), renderer: "svg", loader: vega.loader({{baseURL: {json.dumps(base)}}})}})
      .then(result => {{ window.siteCharts[el.id.replace(/^chart-/, "")] = result.view; return result; }});
}}
""" + links


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("static/site.css")]


# ---------------------------------------------------------------- the front page

HEADLINE = """
select p.period, l.month_label_en, l.ytd_label_en, l.ytd_label_no, f.returned_in_month,
       s.ytd_total, y.ytd_total_prev_year, y.change_pct, s.convicted_in_month_pct,
       m.minors_in_month
from publications as p
join periods as l on l.period = p.period
left join monthly_figures as f on f.period = p.period
left join convicted_share as s on s.period = p.period
left join year_over_year as y on y.period = p.period
left join minors as m on m.period = p.period
order by p.period desc limit 1
"""
# the countries whose pages the front page links to: the latest publication's top nationalities
TOP_COUNTRIES = """
select w.country_name from returns_wide as w
where w.kind = 'nationality' and w.period = (select max(period) from publications)
order by w.total desc, w.country limit 10
"""


@hookimpl
def extra_template_vars(template, datasette):
    if template != "index.html":
        return {}

    async def headline():
        db = next((d for name, d in datasette.databases.items() if name in kept(datasette, "names")), None)
        if db is None:
            return {"headline": None}
        front = kept(datasette, "front page")
        if db.name not in front or db.is_mutable:  # an immutable database: read once
            rows = (await db.execute(HEADLINE)).rows
            top = [r[0] for r in await db.execute(TOP_COUNTRIES)]
            front[db.name] = {"headline": dict(rows[0]) if rows else None, "headline_db": db.name,
                              "top_countries": top}
        return dict(front[db.name])
    return headline
