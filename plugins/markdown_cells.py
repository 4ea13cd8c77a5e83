"""Datasette plugin: datasette-render-markdown's cell hook left out where no cell is Markdown.

datasette-dashboards brings datasette-render-markdown for its text charts (a template
function and a `{% markdown %}` tag, both kept). The plugin also renders every cell of a
column named `*_markdown` (or named in its configuration), and to find out it reads its
configuration and matches the column's name for every text cell of every page: a seventh
of the time of a page of a thousand rows. No column of this project's database is such a
column, so when the site starts that one hook is taken out; the plugin stays registered,
with its name, version and other hooks. The hooks are the process's, not one site's: once
a site of the process has a Markdown column, the hook is back for good. (A column named
`*_markdown` in a reader's own SQL then shows as the text it is.)
"""

from fnmatch import fnmatch

from datasette import hookimpl
from datasette.plugins import pm

MODULE = "datasette_render_markdown"
REMOVED = []  # the hook's implementation, while it is left out
NEEDED = []  # a site of this process has a Markdown column


async def has_markdown_column(datasette):
    for name, db in datasette.databases.items():
        for table in await db.table_names() + await db.view_names():
            config = datasette.plugin_config("datasette-render-markdown", database=name, table=table) or {}
            patterns = config.get("patterns")
            patterns = ["*_markdown"] if patterns is None else patterns
            for column in await db.table_columns(table):
                if column in (config.get("columns") or []) or any(fnmatch(column, p) for p in patterns):
                    return True
    return False


@hookimpl
def startup(datasette):
    async def cell_hook_where_needed():
        hook = pm.hook.render_cell
        if not (hasattr(hook, "_remove_plugin") and hasattr(hook, "_add_hookimpl")):
            return  # a pluggy without these: the hook stays, the pages are as they were
        if await has_markdown_column(datasette):
            NEEDED.append(True)
            if REMOVED:
                hook._add_hookimpl(REMOVED.pop())
        elif not NEEDED and not REMOVED:
            impl = next((i for i in hook.get_hookimpls() if getattr(i.plugin, "__name__", None) == MODULE), None)
            if impl is not None:
                hook._remove_plugin(impl.plugin)
                REMOVED.append(impl)
    return cell_hook_where_needed
