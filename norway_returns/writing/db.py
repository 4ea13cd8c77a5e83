"""Stage 7: everything into SQLite with sqlite-utils, atomically.

The database is written to a temporary file beside the target and renamed over it
only when complete, so a failed or interrupted build leaves the previous one as it
was. Views come from sql/views/NAME.sql, one per file, the file name the view's; the
few in STORED_VIEWS are stored as tables of their rows.
"""

import contextlib
import os
import sqlite3
from pathlib import Path

import sqlite_utils

from ..atomic import sweep, temp_path
from ..errors import BuildError

FIGURE_COLUMNS = {
    "returned_in_month": int, "convicted_in_month": int, "convicted_in_month_pct_published": float,
    "convicted_ytd": int, "convicted_ytd_prev_year": int, "minors_in_month": int,
    "minors_unaccompanied_in_month": int, "charter_flights_in_month": int, "charter_flights_ytd": int,
    "ytd_total": int, "ytd_total_prev_year": int, "ytd_change_pct_published": float,
}

# table -> columns (in order), primary key, foreign keys, indexes. Tables that
# others point at come first.
SCHEMA = {
    "publications": dict(
        columns={"period": str, "year": int, "month": int, "as_of": str, "language": str, "title": str,
                 "source_file": str, "sha256": str, "source_url": str, "note": str, "damaged": str},
        pk="period"),
    "categories": dict(
        columns={"code": str, "label_en": str, "label_no": str, "description_en": str, "first_period": str,
                 "last_period": str},
        pk="code"),
    # which of today's categories an older one covers (data/categories.yml, `covers`)
    "category_crosswalk": dict(
        columns={"older": str, "current": str, "note": str},
        pk=("older", "current"), fks=[("older", "categories", "code"), ("current", "categories", "code")],
        indexes=[["current"]]),
    "countries": dict(
        columns={"code": str, "alpha2": str, "numeric": str, "name_en": str, "name_no": str},
        pk="code", indexes=[["name_en"]]),
    "country_names": dict(
        columns={"name": str, "language": str, "code": str},
        pk=("name", "language"), fks=[("code", "countries", "code")], indexes=[["code"]]),
    "returns": dict(
        columns={"period": str, "kind": str, "country": str, "category": str, "count": int,
                 "status": str, "source": str},
        pk=("period", "kind", "country", "category"),
        fks=[("period", "publications", "period"), ("country", "countries", "code"),
             ("category", "categories", "code")],
        # facets and filters by country, category, kind and status; the last covers the
        # sums by period, kind and category of the category_totals and reconciliation views
        indexes=[["country", "kind", "period"], ["category"], ["kind", "period"], ["status"],
                 ["period", "kind", "category", "count"]]),
    "published_totals": dict(
        columns={"period": str, "kind": str, "category": str, "count": int, "source": str},
        pk=("period", "kind", "category"), fks=[("period", "publications", "period")]),
    "monthly_figures": dict(
        columns={"period": str, **FIGURE_COLUMNS},
        pk="period", fks=[("period", "publications", "period")]),
    "figure_sources": dict(
        columns={"period": str, "figure": str, "value": float, "source": str, "quote": str},
        pk=("period", "figure"), fks=[("period", "publications", "period")]),
    "convicted_top_nationalities": dict(
        columns={"period": str, "rank": int, "country": str, "printed": str, "share_pct": float,
                 "source": str},
        pk=("period", "rank"),
        fks=[("period", "publications", "period"), ("country", "countries", "code")],
        indexes=[["country"]]),
    "checks": dict(
        columns={"id": int, "period": str, "kind": str, "check": str, "subject": str, "expected": str,
                 "found": str, "outcome": str, "detail": str},
        pk="id", fks=[("period", "publications", "period")],
        indexes=[["period", "kind"], ["outcome"], ["check"]]),
}

# Views whose rows the build stores in a table of the view's name, with these keys and
# indexes: those computed from every cell of `returns`. Datasette runs a view again for
# its count, its page and each of its facets, so their pages grew with every month added
# (2-3 s at twenty years, facets timing out), which no index on `returns` can prevent.
# The table holds exactly the query's rows (a test compares them); the query stays in
# sql/views/NAME.sql and, for readers of the site, in a comment inside the table's schema.
STORED_VIEWS = {
    "monthly_returns": dict(pk=("period", "kind", "country", "category"),
                            indexes=[["kind", "period"], ["category"], ["country", "kind", "period"],
                                     ["country_name"], ["category_label"]]),
    "returns_wide": dict(pk=("period", "kind", "country"),
                         indexes=[["kind", "period"], ["country", "kind", "period"], ["country_name"]]),
    "category_totals": dict(pk=("period", "kind", "category"),
                            indexes=[["kind", "period"], ["category"], ["category_label"]]),
    "reconciliation": dict(pk=("period", "kind", "category"),
                           indexes=[["kind", "period"], ["category"], ["category_label"]]),
    # its series and countries as foreign keys, so that Datasette labels their codes (facets too)
    "comparable_series": dict(pk=("series", "period", "kind", "country"),
                              indexes=[["kind", "period"], ["country", "kind", "period"], ["period"]],
                              fks=[("series", "categories", "code"), ("country", "countries", "code")]),
}

# a column's type as CREATE TABLE AS declares it -> the stored table's; a column of
# no type (a CASE or printf without CAST) holds text in these views
STORED_TYPES = {"INT": "INTEGER", "REAL": "REAL", "NUM": "NUMERIC", "TEXT": "TEXT", "": "TEXT"}


def insert(db, name, columns, rows):
    """The rows into a table sqlite-utils created, by one prepared INSERT.

    sqlite-utils' insert_all builds a multi-row INSERT per 100 rows and inspects
    every value on the way; an archive has a hundred thousand rows whose columns
    SCHEMA fixes, and one executemany writes them four times faster.
    """
    columns = list(columns)
    for row in rows[:1]:
        extra = set(row) - set(columns)
        assert not extra, f"{name}: no column for {sorted(extra)}"
    sql = f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})"
    db.conn.executemany(sql, (tuple(row.get(c) for c in columns) for row in rows))


def create(db, views_dir, tables):
    for name, spec in SCHEMA.items():
        pk = spec["pk"]
        db[name].create(spec["columns"], pk=pk, foreign_keys=spec.get("fks"),
                        not_null={pk} if isinstance(pk, str) else set(pk))
        insert(db, name, spec["columns"], tables.get(name, []))
        for cols in spec.get("indexes", []):
            db[name].create_index(cols)
    create_views(db, views_dir)


def create_views(db, views_dir, stored_only=False):
    """Every sql/views/NAME.sql as a view, or as a stored table where STORED_VIEWS says.

    stored_only: store those again, after the rows they derive from changed (the load
    test grows a built database this way).
    """
    views_dir = Path(views_dir)
    for view in sorted(views_dir.glob("*.sql")):
        query = view.read_text(encoding="utf-8")
        # named as from the project's root (sql/views/NAME.sql), never by an absolute path
        origin = f"{views_dir.parent.name}/{views_dir.name}/{view.name}"
        try:
            if view.stem in STORED_VIEWS:
                db[view.stem].drop(ignore=True)
                store(db, view.stem, query, origin, **STORED_VIEWS[view.stem])
            elif not stored_only:
                db.create_view(view.stem, query)
                db.execute(f"SELECT * FROM [{view.stem}] LIMIT 0")  # SQLite checks names only when run
        except sqlite3.Error as e:
            if is_write_error(e):  # the disk, not the query
                raise
            raise BuildError(origin, None, f"the query does not run: {e}") from None


def store(db, name, query, origin, pk, indexes, fks=()):
    """The rows of `query` into a new table `name`, whose schema carries the query."""
    if "*/" in query:
        raise BuildError(origin, query[:query.index("*/")].count("\n") + 1,
                         "'*/' cannot appear in a stored view's query: it would end the comment that carries it")
    live = f"_{name}_query"
    db.execute(f"CREATE TEMP VIEW [{live}] AS {query}")
    db.execute(f"CREATE TEMP TABLE [{live}_columns] AS SELECT * FROM temp.[{live}] LIMIT 0")
    columns = [(c[1], STORED_TYPES[c[2]]) for c in db.execute(f"PRAGMA temp.table_info([{live}_columns])")]
    lines = [f"    [{c}] {t}{' NOT NULL' if c in pk else ''}," for c, t in columns]
    lines.append(f"    PRIMARY KEY ({', '.join(f'[{c}]' for c in pk)})")
    lines[-1:-1] = [f"    FOREIGN KEY ([{c}]) REFERENCES [{table}]([{column}])," for c, table, column in fks]
    db.execute(f"CREATE TABLE [{name}] (\n" + "\n".join(lines) + "\n"
               f"/* The rows of this query, stored when the database was built ({origin}):\n\n"
               f"{query.strip()}\n*/\n)")
    db.execute(f"INSERT INTO [{name}] SELECT * FROM temp.[{live}]")
    db.execute(f"DROP TABLE temp.[{live}_columns]")
    db.execute(f"DROP VIEW temp.[{live}]")
    for cols in indexes:
        db[name].create_index(cols)


def write(path, tables, views_dir):
    """tables: name -> list of row dicts. Builds into a temp file, then renames it.

    A disk that fills up (or any failed write) stops the build with a BuildError saying
    so; the temp file is removed and `path` is as it was."""
    path = Path(path)
    tmp = temp_path(path)
    try:
        sweep(path.parent, f".{path.name}.*.tmp")
        tmp.unlink(missing_ok=True)
        # made here first, so that a folder that takes no file is reported as such, by its name
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except OSError as e:
        raise cannot_write(path, e) from None
    db = None
    try:
        db = sqlite_utils.Database(tmp)
        # The temp file is thrown away if anything fails, so it needs no rollback journal
        # (which a killed build would leave beside it); sorts for indexes stay in memory,
        # so that only this folder's disk is written.
        db.conn.execute("PRAGMA journal_mode = OFF")
        db.conn.execute("PRAGMA temp_store = MEMORY")
        db.conn.execute("PRAGMA foreign_keys = ON")
        with db.conn:
            create(db, views_dir, tables)
        broken = db.conn.execute("PRAGMA foreign_key_check").fetchall()
        assert not broken, f"foreign keys broken: {broken[:3]}"
        db.close()
        db = None
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except (sqlite3.Error, OSError) as e:
        raise BuildError(path, None, f"cannot write the database: {why_not_written(e, path.parent)}") from None
    finally:
        if db is not None:
            db.close()
        tmp.unlink(missing_ok=True)


def cannot_write(path, e):
    """The BuildError for a folder where the database cannot be written (read-only, missing,
    not a folder): named by the database and the folder the user gave, not by a temp file."""
    path = Path(path)
    why = (e.strerror or str(e)) if isinstance(e, OSError) else str(e)
    why = why[:1].lower() + why[1:]
    return BuildError(path, None, f"cannot write {path.name} in {path.parent}/: {why}")


# SQLite's result codes for a write the disk or the system refused (not the SQL's fault)
WRITE_ERRORS = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY,
                sqlite3.SQLITE_NOMEM}


def is_write_error(e):
    return (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF in WRITE_ERRORS


def why_not_written(e, folder):
    """What stopped a write, in words: a full disk above all. Where the system refuses a
    write for another reason (a file-size limit: EFBIG), SQLite says "disk I/O error"."""
    import errno
    import resource
    import shutil

    code = getattr(e, "sqlite_errorcode", 0) or 0
    what = e.strerror or str(e) if isinstance(e, OSError) else str(e)
    full = code == sqlite3.SQLITE_FULL or getattr(e, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
    with contextlib.suppress(OSError):
        full = full or shutil.disk_usage(folder).free < 1_000_000
    if full:
        return f"the disk is full ({what}); free some space in {folder} and build again"
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    if limit != resource.RLIM_INFINITY and (code & 0xFF == sqlite3.SQLITE_IOERR or
                                            getattr(e, "errno", None) == errno.EFBIG):
        return f"this process may not write a file larger than {limit:,} bytes (ulimit -f) ({what})"
    return what
