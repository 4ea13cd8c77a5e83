"""Datasette plugin: SQLite limits for a site that runs SQL from anyone.

The SQL time limit stops long queries; these stop a single query from asking SQLite
for gigabytes at once (`randomblob(1000000000)`) or sending a huge statement.
"""

import sqlite3

from datasette import hookimpl

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 50_000_000,  # largest string or blob a query may build
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # longest SQL statement
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # nothing may be attached
}


@hookimpl
def prepare_connection(conn):
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
