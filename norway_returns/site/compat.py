"""Every use of a Datasette or pluggy internal, in one place: why, what it gains, upstream.

The rest of the site uses Datasette's public plugin hooks and documented API only. What it
needs beyond them is here, in two kinds:

- **Undocumented names** the site imports (an exception class, a few utilities): each is
  re-exported below, so a rename upstream breaks one import, here.
- **Patches** of Datasette's or pluggy's objects, each applied only on the versions it was
  written for (`WRITTEN_FOR`); on any other version the site runs on Datasette's own
  behaviour, slower in places but with the same pages. Each says what it does, why, the gain
  measured (`make bench-compat`, bench/compat.py: the same pages with and without it, in one
  run) and its upstream status.

`NORWAY_RETURNS_COMPAT=off` leaves every patch out; a comma-separated list of patch names
leaves out those (bench/compat.py measures each so). tests/test_compat.py fails when an
internal a patch or a re-export relies on disappears or changes shape.
"""

import contextvars
import copy
import json
import os
import sqlite3
from dataclasses import dataclass
from fnmatch import fnmatch
from importlib.metadata import PackageNotFoundError, version

from packaging.specifiers import SpecifierSet

# Datasette's plugin manager first: it imports and registers Datasette's own default plugins
# (its error handler, its facets), which import it back; imported before it, one of those
# would be registered half-made, without its hooks (tests/test_site_plugin.py)
from datasette.plugins import pm  # isort: skip
import datasette.handle_exception as default_errors  # isort: skip
from datasette import facets
from datasette.database import QueryInterrupted, Results
from datasette.utils import (add_cors_headers, escape_sqlite, path_from_row_pks, path_with_format,
                             sqlite_timelimit)
from datasette.views.base import DatasetteError

from .sqlite_limits import HEAP_LIMIT_MB

__all__ = ["DatasetteError", "QueryInterrupted", "Results", "add_cors_headers", "escape_sqlite",
           "path_from_row_pks", "path_with_format", "sqlite_timelimit", "static_mount", "table_sort",
           "watch_interruptions", "vega_files", "apply", "PATCHES"]

ENV = "NORWAY_RETURNS_COMPAT"

# The Datasette these patches were written against and tested on: 0.65.x (0.65.5). Datasette
# 1.0's alphas removed or reworked every internal below (metadata() and table_metadata(),
# _table_permission_allows, the schema lookups' callers), so none is applied there.
DATASETTE_065 = {"datasette": ">=0.65,<0.66"}


@dataclass
class Patch:
    name: str
    written_for: dict  # distribution -> version specifier it was written for
    apply: object  # function(datasette), called once per Datasette instance at startup
    per_process: bool = False  # it patches a class or a module: applied once per process

    def applies(self):
        for dist, spec in self.written_for.items():
            try:
                if version(dist) not in SpecifierSet(spec):
                    return False
            except PackageNotFoundError:
                return False
        return True


PATCHES = []
_applied_in_process = set()


def patch(name, per_process=False, **written_for):
    def register(fn):
        PATCHES.append(Patch(name, {**DATASETTE_065, **{k.replace("_", "-"): v for k, v in written_for.items()}},
                             fn, per_process))
        return fn
    return register


def left_out():
    """The patch names the environment leaves out ("off": all of them)."""
    value = os.environ.get(ENV, "").strip()
    if value.lower() in ("off", "none", "0"):
        return {p.name for p in PATCHES}
    return {v.strip() for v in value.split(",") if v.strip()}


async def apply(datasette):
    """Apply every patch that fits this Datasette and pluggy (the startup hook calls it)."""
    skip = left_out()
    for p in PATCHES:
        if p.name in skip or not p.applies():
            continue
        if p.per_process:
            if p.name in _applied_in_process:
                continue
            _applied_in_process.add(p.name)
        result = p.apply(datasette)
        if hasattr(result, "__await__"):
            await result


def applied(datasette):
    """The names of the patches applied to this instance (and the process's)."""
    return sorted(getattr(datasette, "norway_returns_patches", set()) | _applied_in_process)


# ------------------------------------------------------------------ undocumented lookups

def static_mount(datasette, name):
    """The folder served at /NAME/ (`--static NAME:FOLDER`), or None. Datasette keeps its
    static mounts in an attribute its documentation does not describe; `datasette publish`
    carries a mount into the image and names it on the command line, which is why the site
    learns the raw/ folder from its mount rather than from a setting of its own."""
    for mount, folder in getattr(datasette, "static_mounts", []):
        if mount == name:
            return folder
    return None


def table_sort(datasette, database, table):
    """Whether the metadata sorts the table (`sort` or `sort_desc`): Datasette 0.65's
    table_metadata(); 1.0 keeps table configuration elsewhere."""
    meta = datasette.table_metadata(database, table) if hasattr(datasette, "table_metadata") else {}
    return bool(meta.get("sort") or meta.get("sort_desc"))


def _mark(datasette, name):
    if not hasattr(datasette, "norway_returns_patches"):
        datasette.norway_returns_patches = set()
    datasette.norway_returns_patches.add(name)


# ------------------------------------------------------------------------------ patches

@patch("quiet_errors", per_process=True)
def quiet_errors(datasette):
    """No rich traceback printed per error.

    Datasette's own error handler prints every exception with its local variables through
    `rich`, when rich is installed (the data package's tools bring it), on the event loop
    that serves every request: about 3 s per bad query, during which no other page is
    answered (the hostile-SQL tests caught it). The handler looks the library up in a module
    global, set to None here. Upstream: added in 0.59 (datasette#1416) with no setting to turn
    it off; still so in 0.65.5.
    """
    default_errors.rich = None


@patch("metadata_once")
def metadata_once(datasette):
    """The metadata worked out once, not once per table, cell and request.

    Datasette 0.65 merges its metadata sources anew on every question: a permission check
    deep-copies every source (`_table_permission_allows`, fifty times a request on the
    database page), each `metadata()` lookup merges them again, and `plugin_config()` on top
    of it for every string cell of a page (datasette-render-markdown asks per cell). The
    metadata cannot change while the server runs, so each answer is kept; callers get what
    Datasette hands them (`metadata()` a value, a new dict for the whole; `plugin_config()` a
    fresh copy). Upstream: Datasette 1.0's alphas keep metadata in its internal database and
    removed these methods; not changed in 0.65.x.
    """
    lookup = datasette._table_permission_allows
    allows = {}

    def table_permission_allows(database, table):
        key = (database, table)
        if key not in allows:
            allows[key] = tuple(lookup(database, table))
        return allows[key]

    datasette._table_permission_allows = table_permission_allows

    metadata, plugin_config = datasette.metadata, datasette.plugin_config
    values, configs = {}, {}

    def kept_metadata(key=None, database=None, table=None, fallback=True):
        k = (key, database, table, fallback)
        if k not in values:
            values[k] = metadata(key, database=database, table=table, fallback=fallback)
        value = values[k]
        return dict(value) if key is None else value

    def kept_plugin_config(plugin_name, database=None, table=None, fallback=True):
        k = (plugin_name, database, table, fallback)
        if k not in configs:
            configs[k] = plugin_config(plugin_name, database=database, table=table, fallback=fallback)
        value = configs[k]
        return value if value is None else copy.deepcopy(value)

    datasette.metadata = kept_metadata
    datasette.plugin_config = kept_plugin_config
    _mark(datasette, "metadata_once")


# Database methods whose answers cannot change for an immutable database
SCHEMA_LOOKUPS = ("table_names", "view_names", "hidden_table_names", "table_exists", "table_columns",
                  "table_column_details", "primary_keys", "fts_table", "foreign_keys_for_table",
                  "get_all_foreign_keys", "label_column_for_table", "get_table_definition",
                  "get_view_definition")
# The SQL of Datasette's own questions about the schema, asked on every page
SCHEMA_SQL = {
    # a table's own spelling, before each permission check (datasette/app.py)
    "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase",
    "PRAGMA schema_version",
}


@patch("schema_once")
def schema_once(datasette):
    """An immutable database's schema read once, not on every page.

    Datasette 0.65 asks SQLite about the schema each time a page needs it, each question a
    trip to a SQL thread: a table's columns, keys, foreign keys and definition (the index
    page asks for every table: four fifths of its time), a table's own spelling before every
    permission check (forty trips on the index page), and every database's schema version
    before every page. A database served immutable (`-i`) cannot change while the server
    runs: each answer is kept (a copy handed out), and once every database served is
    immutable and recorded the check for changes is not made again. Upstream: the maintainer
    prefers caching such answers inside Datasette (datasette#462); not done in 0.65.x.
    """
    immutable = False
    for db in datasette.databases.values():
        if db.is_mutable or db.is_memory:
            continue
        immutable = True
        for name in SCHEMA_LOOKUPS:
            setattr(db, name, _kept(getattr(db, name)))
        db.execute = _schema_kept(db.execute)
    if immutable:
        _refresh_once(datasette)
    _mark(datasette, "schema_once")


def _kept(lookup):
    answers = {}

    async def kept(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in answers:
            answers[key] = await lookup(*args, **kwargs)
        return copy.deepcopy(answers[key])

    return kept


def _schema_kept(execute):
    answers = {}

    async def execute_keeping_schema(sql, params=None, *args, **kwargs):
        if sql not in SCHEMA_SQL:
            return await execute(sql, params, *args, **kwargs)
        key = (sql, tuple(params or ()))
        if key not in answers:
            answers[key] = await execute(sql, params, *args, **kwargs)
        kept = answers[key]
        return Results(list(kept.rows), kept.truncated, kept.description)

    return execute_keeping_schema


def _refresh_once(datasette):
    refresh = datasette.refresh_schemas
    recorded = set()

    async def refresh_schemas():
        served = {name for name in datasette.databases if name != "_internal"}
        if served and served == recorded:
            return
        await refresh()
        if all(not datasette.databases[n].is_mutable and not datasette.databases[n].is_memory for n in served):
            recorded.update(served)

    datasette.refresh_schemas = refresh_schemas


@patch("facets_once", per_process=True)
def facets_once(datasette):
    """A facet asked for twice is counted once.

    Datasette 0.65 counts a facet once for each time it is asked: a table whose metadata
    facets it by period, opened with `?_facet=period` (a link shared from elsewhere), shows
    the period list twice ("period" and "period_2") and counts it twice. The first of each is
    kept (the metadata's), the rest dropped, in Facet.get_configs. Upstream: not reported as
    far as found; 0.65.5 still does it.
    """
    asked = facets.Facet.get_configs

    def get_configs(self):
        seen, configs = set(), []
        for source_and_config in asked(self):
            key = json.dumps(source_and_config["config"], sort_keys=True)
            if key not in seen:
                seen.add(key)
                configs.append(source_and_config)
        return configs

    facets.Facet.get_configs = get_configs


MARKDOWN = "datasette_render_markdown"
_markdown_removed = []  # its render_cell implementation, while it is left out
_markdown_needed = []  # a site of this process has a Markdown column


@patch("markdown_cells", pluggy=">=1.0,<2", datasette_render_markdown=">=2.0,<3")
async def markdown_cells(datasette):
    """datasette-render-markdown's cell hook left out where no cell is Markdown.

    datasette-dashboards brings datasette-render-markdown for its text charts (a template
    function and a `{% markdown %}` tag, both kept). That plugin also looks at every text
    cell of every page for a `*_markdown` column, matching the column's name against its
    configuration each time. No column of this database is such a column, so its one
    render_cell implementation is taken out of the hook (pluggy has no public way to take
    one hook of a plugin out and keep the others); the plugin stays registered with its
    name, version and other hooks. The hooks are the process's: once any site of the
    process has a Markdown column, the cell hook is back for good. Upstream: the plugin has
    no setting to turn its cell rendering off.
    """
    hook = pm.hook.render_cell
    if await _has_markdown_column(datasette):
        _markdown_needed.append(True)
        if _markdown_removed:
            hook._add_hookimpl(_markdown_removed.pop())
    elif not _markdown_needed and not _markdown_removed:
        impl = next((i for i in hook.get_hookimpls() if getattr(i.plugin, "__name__", None) == MARKDOWN), None)
        if impl is not None:
            hook._remove_plugin(impl.plugin)
            _markdown_removed.append(impl)
    _mark(datasette, "markdown_cells")


async def _has_markdown_column(datasette):
    for name, db in datasette.databases.items():
        for table in await db.table_names() + await db.view_names():
            config = datasette.plugin_config("datasette-render-markdown", database=name, table=table) or {}
            patterns = config.get("patterns")
            patterns = ["*_markdown"] if patterns is None else patterns
            for column in await db.table_columns(table):
                if column in (config.get("columns") or []) or any(fnmatch(column, p) for p in patterns):
                    return True
    return False


VEGA = "datasette_vega"
VEGA_HOOKS = ("extra_js_urls", "extra_css_urls")
_vega_removed = {}  # hook name -> datasette-vega's implementation, while the site loads it itself


@patch("vega_on_demand", per_process=True, pluggy=">=1.0,<2", datasette_vega=">=0.6,<0.7")
def vega_on_demand(datasette):
    """datasette-vega's script loaded only where its chart controls are opened.

    datasette-vega adds its one script, 922 KB (288 KB gzipped), and its stylesheet to the
    head of every page, render-blocking, through its extra_js_urls and extra_css_urls hooks;
    it draws nothing until a reader opens "Show charting options" on a table or query page
    (or follows a chart link, whose fragment it reads), and nothing at all on the dashboards.
    Its two hook implementations are taken out (pluggy has no public way to take one
    plugin's hook out and keep the plugin), their URLs kept: the site's chart_controls.py
    puts a button in its place and loads the same files when the button is pressed or the
    fragment names a chart. The plugin stays registered, with its name, version and static
    files. Gain (bench/pages.py, in Chromium on a 1.6 Mbit/s link): a table page's download
    before it draws from about 305 KB to about 15 KB gzipped. Upstream: the plugin has no
    setting for where its script goes (its last release, 0.6.2, is of 2020).
    """
    for name in VEGA_HOOKS:
        if name in _vega_removed:
            continue
        hook = getattr(pm.hook, name)
        impl = next((i for i in hook.get_hookimpls() if getattr(i.plugin, "__name__", None) == VEGA), None)
        if impl is not None:
            _vega_removed[name] = impl
    for name, impl in _vega_removed.items():
        hook = getattr(pm.hook, name)
        if any(i is impl for i in hook.get_hookimpls()):
            hook._remove_plugin(impl.plugin)


def vega_files(datasette):
    """datasette-vega's script and stylesheet URLs (under this site's base URL), taken from
    its own hooks, when the site loads them itself; empty when the plugin adds them."""
    files = {}
    for name, impl in _vega_removed.items():
        files[name] = [datasette.urls.static_plugins(VEGA, url.rsplit("/", 1)[-1]) for url in impl.function()]
    return files


# Set for each request the cache may keep: whether one of its queries was interrupted.
_interrupted = contextvars.ContextVar("norway_returns_interrupted", default=None)


def watch_interruptions():
    """A list that gains an item if a query of the current request is interrupted."""
    flag = []
    _interrupted.set(flag)
    return flag


OUT_OF_MEMORY = ("out of memory: this query needs more memory than the site lets SQLite use "
                 "({mb} MB for all queries at once). Ask for fewer or smaller values, or run it on "
                 "your own copy of the database.")


@patch("query_outcomes")
def query_outcomes(datasette):
    """What a query raised, told to the site: an interruption noted, out of memory as the
    client's error.

    - A query cut short by the time limit (a facet or count that timed out under load)
      leaves a page that must not be kept for a year: each database's `execute` notes the
      interruption for the request (caching.interrupted), then raises as before. Datasette
      hides a timed-out facet inside the page, with no status or header to tell.
    - Python's sqlite3 raises SQLite's "out of memory" (the heap limit of
      sqlite_limits.py) as a bare MemoryError, which Datasette answers with an empty 500.
      Raised as sqlite3.OperationalError with the reason, Datasette answers it as it
      answers any query error: 400 with the message.
    Upstream: Datasette has no hook for a query's outcome; not changed in 0.65.x.
    """
    for db in datasette.databases.values():
        execute = db.execute

        async def noting_outcomes(*args, _execute=execute, **kwargs):
            try:
                return await _execute(*args, **kwargs)
            except QueryInterrupted:
                flag = _interrupted.get()
                if flag is not None:
                    flag.append(True)
                raise
            except MemoryError:
                raise sqlite3.OperationalError(OUT_OF_MEMORY.format(mb=HEAP_LIMIT_MB)) from None

        db.execute = noting_outcomes
    _mark(datasette, "query_outcomes")
