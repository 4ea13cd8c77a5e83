"""Datasette plugin: an immutable database's schema read once, not on every page.

Datasette 0.65 asks SQLite about the schema each time a page needs it, each question a
trip to a SQL thread and back:

- a table's columns, keys, foreign keys, full-text index and definition: the index page
  asks for every table (four fifths of its time), a table page a dozen times;
- a table's own spelling (a query on sqlite_master) before every permission check: the
  index and database pages check every table, forty trips a page;
- whether any database's schema has changed, before every page (its schema version,
  and Datasette's own record of it).

A database served immutable (`-i`) cannot change while the server runs, so each answer is
kept (and a copy handed out, so that no caller can change it for the next); once every
database served is immutable and recorded, the check for changes is not made again.
"""

import copy

from datasette import hookimpl
from datasette.database import Results

LOOKUPS = ("table_names", "view_names", "hidden_table_names", "table_exists", "table_columns",
           "table_column_details", "primary_keys", "fts_table", "foreign_keys_for_table",
           "get_all_foreign_keys", "label_column_for_table", "get_table_definition", "get_view_definition")

# The SQL of Datasette's questions about the schema, asked on every page
SCHEMA_SQL = {
    # the table's own spelling, before each permission check (datasette/app.py)
    "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase",
    "PRAGMA schema_version",
}


@hookimpl
def startup(datasette):
    immutable = []
    for name, db in datasette.databases.items():
        if db.is_mutable or db.is_memory:
            continue
        immutable.append(name)
        for lookup in LOOKUPS:
            if hasattr(db, lookup):
                setattr(db, lookup, _kept(getattr(db, lookup)))
        db.execute = _schema_kept(db.execute)
    _refresh_once(datasette)


def _kept(lookup):
    answers = {}

    async def kept(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in answers:
            answers[key] = await lookup(*args, **kwargs)
        return copy.deepcopy(answers[key])

    return kept


def _schema_kept(execute):
    """db.execute, with the answers to SCHEMA_SQL kept."""
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
    """Datasette's check for changed schemas, made until every database is immutable and
    recorded, then only when a database is added."""
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
