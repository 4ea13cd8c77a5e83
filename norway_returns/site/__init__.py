"""The site: a Datasette plugin, registered as the package's one `datasette` entry point.

Datasette finds this package's `templates/` and `static/` itself (a plugin package's own
folders: the static files are served at /-/static-plugins/norway-returns/). Each hook below
is the site's one implementation of it and says, in order, which module does the work:

| hook                  | what the site does with it                                | module          |
| --------------------- | --------------------------------------------------------- | --------------- |
| startup               | internals patched where written for; names, front page; the two languages' words | compat, cells, source_viewer, i18n |
| prepare_connection    | bounds on every SQLite connection; a country by any name; the dashboards' words and numbers in the page's language | sqlite_limits, countries, sql_words |
| prepare_jinja2_environment | the dashboards' pages from the site's templates, their preloads | dashboard_pages |
| asgi_wrapper          | prefix, kept pages, gzip, cache headers, whole-table CSV, JSON facets when asked, formats | middleware, json_facets, formats |
| register_routes       | /raw/FILE and the source viewer /-/source/FILE             | source_viewer   |
| render_cell           | sources linked, codes named, why a cell was repaired      | cells           |
| extra_template_vars   | the front page's headline; the table page's CSV link       | front_page, csv_stream |
| extra_body_script     | the dashboards' charts kept and their data URLs; CSV saves | dashboards      |
|                       | a chart's rows downloaded once where two charts draw them  | dashboard_pages |
|                       | datasette-vega's chart controls loaded when opened         | chart_controls  |
| extra_css_urls        | the site's styles                                          | static/site.css |
| handle_exception      | a request the site cannot serve is the client's error      | errors          |
| register_output_renderer | every table and query as .xlsx, names beside codes     | xlsx            |

serve.py and publish.py are the `norway-returns serve` and `publish` commands.
"""

from datasette import hookimpl

PLUGIN = "norway-returns"  # the name Datasette knows this plugin by (the distribution's)


@hookimpl
def startup(datasette):
    async def start():
        await compat.apply(datasette)
        i18n.install(datasette)
        await cells.load_names(datasette)()
        await source_viewer.load_publications(datasette)()
        await formats.load_table_names(datasette)()
        await countries.load(datasette)()
    return start


@hookimpl
def prepare_connection(conn, datasette):
    sqlite_limits.prepare_connection(conn, datasette)
    countries.prepare_connection(conn, datasette)
    sql_words.prepare_connection(conn)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    dashboard_pages.prepare_environment(env, datasette)


@hookimpl
def asgi_wrapper(datasette):
    return middleware.wrap(datasette)


@hookimpl
def register_routes():
    return source_viewer.ROUTES


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return cells.render_cell(row, value, column, table, database, datasette)


@hookimpl
def extra_template_vars(template, view_name, request, datasette, database, table):
    if view_name == "table" and request is not None:
        return csv_stream.csv_link(request, datasette, database, table)
    if template == "index.html":
        return front_page.headline(datasette)
    return {}


@hookimpl
def extra_body_script(template, view_name, datasette):
    scripts = [dashboards.body_script(template, view_name, datasette)]
    if template in ("dashboard_view.html", "dashboard_chart.html"):
        scripts.append(dashboard_pages.FETCH_ONCE)
    if view_name in ("table", "row", "database", "query"):
        scripts.append(chart_controls.loader(compat.vega_files(datasette)))
    return "\n".join(s for s in scripts if s) or None


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins(PLUGIN, "site.css")]


@hookimpl
def handle_exception(exception):
    return errors.as_client_error(exception)


@hookimpl
def register_output_renderer(datasette):
    return xlsx.RENDERER


# The modules that do the work, imported after the hooks above are defined: importing
# Datasette's own modules loads the plugins' entry points, this package among them, and
# pluggy registers whatever hooks the package holds at that moment (tests/test_site_plugin.py).
from . import (cells, chart_controls, compat, countries, csv_stream, dashboard_pages, dashboards, errors,  # noqa: E402
               formats, front_page, i18n, middleware, source_viewer, sql_words, sqlite_limits, xlsx)
