"""Datasette plugin: the metadata is read once, not once per table, cell and request.

The metadata cannot change while the server runs (it is read at start-up and the build is
immutable), yet Datasette 0.65.5 works it out anew on every question:

- "may this actor see this table?" deep-copies every metadata source and merges them, on
  every check: a table page checks its table several times, an index or database page
  checks every table, so the cost grows with metadata.yml times the number of tables;
- `metadata(key, database, table)` merges the sources again for each of the dozens of
  lookups a page makes, and `plugin_config()` on top of it for every string cell a page
  shows (datasette-render-markdown, which datasette-dashboards brings, asks it per cell:
  a tenth of the time of a page of a thousand rows).

Each answer is worked out once and kept. What callers get back is what Datasette hands
them: `metadata()` a value of the metadata itself (a new dict for the whole of it),
`plugin_config()` a fresh copy.
"""

import copy

from datasette import hookimpl


@hookimpl
def startup(datasette):
    lookup = getattr(datasette, "_table_permission_allows", None)
    if lookup is not None:  # a Datasette without this per-table lookup: nothing to keep
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
