"""Datasette plugin: an immutable database's schema read once, not on every page.

Datasette 0.65 asks SQLite for a table's columns, keys, foreign keys, full-text index and
definition each time a page needs them, each question a trip to a SQL thread: the index
page asks it for every table (four fifths of its time), a table page a dozen times. A
database served immutable (`-i`) cannot change while the server runs, so each answer is
kept (and a copy handed out, so that no caller can change it for the next).
"""

import copy

from datasette import hookimpl

LOOKUPS = ("table_names", "view_names", "hidden_table_names", "table_exists", "table_columns",
           "table_column_details", "primary_keys", "fts_table", "foreign_keys_for_table",
           "get_all_foreign_keys", "label_column_for_table", "get_table_definition", "get_view_definition")


@hookimpl
def startup(datasette):
    for db in datasette.databases.values():
        if db.is_mutable or db.is_memory:
            continue
        for name in LOOKUPS:
            if hasattr(db, name):
                setattr(db, name, _kept(getattr(db, name)))


def _kept(lookup):
    answers = {}

    async def kept(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key not in answers:
            answers[key] = await lookup(*args, **kwargs)
        return copy.deepcopy(answers[key])

    return kept
