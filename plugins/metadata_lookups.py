"""Datasette plugin: the metadata is read once, not once per table per request.

Datasette 0.65.5 answers "may this actor see this table?" by deep-copying every metadata
source and merging them, on every check: a table page checks its table several times, an
index or database page checks every table, so the cost grows with metadata.yml times the
number of tables (over half the time of the database page). The metadata cannot change while
the server runs (it is read at start-up and the build is immutable), so each table's `allow`
blocks are looked up once and kept.
"""

from datasette import hookimpl


@hookimpl
def startup(datasette):
    lookup = getattr(datasette, "_table_permission_allows", None)
    if lookup is None:  # a Datasette without this per-table lookup: nothing to keep
        return
    kept = {}

    def table_permission_allows(database, table):
        key = (database, table)
        if key not in kept:
            kept[key] = tuple(lookup(database, table))
        return kept[key]

    datasette._table_permission_allows = table_permission_allows
