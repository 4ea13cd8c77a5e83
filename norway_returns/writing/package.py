"""The database as a Frictionless data package: DIR/datapackage.json and a CSV per table.

Each table of the database becomes DIR/TABLE.csv (UTF-8, a header row, the rows in
primary-key order) and a resource of datapackage.json with its schema: the columns'
types as SQLite declares them, NOT NULL, the primary key and the foreign keys. The
descriptions of the package, of every table and of every column are read from
metadata.yml (descriptions.py); what metadata.yml does not say is in data/publishing.yml.

The whole package is also one file to download, DIR/norway-returns-data-package.zip
(every CSV, datapackage.json and catalog.ttl, stamped with the latest publication's date).

Nothing depends on the clock or the machine: the same database gives the same bytes.
The version is the latest period and `created` that publication's as-of date.
"""

import csv
import re
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click
import yaml
import zipfile

from .. import atomic
from ..errors import BuildError
from ..resources import DATA, METADATA
from . import descriptions

PUBLISHING = DATA / "publishing.yml"
ZIP = "norway-returns-data-package.zip"  # the package as one download

# SQLite's type affinity (https://www.sqlite.org/datatype3.html#determination_of_column_affinity)
# -> Frictionless field type, in SQLite's order of precedence
AFFINITIES = [("INT", "integer"), ("CHAR", "string"), ("CLOB", "string"), ("TEXT", "string"),
              ("BLOB", "any"), ("REAL", "number"), ("FLOA", "number"), ("DOUB", "number")]
NULL_MARK = r"\N"  # a NULL, in a column that also holds empty strings
NAME = re.compile(r"[a-z0-9_]+")


def field_type(declared):
    declared = (declared or "").upper()
    if not declared:
        return "any"
    return next((t for part, t in AFFINITIES if part in declared), "number")


def table_names(conn):
    """The database's tables in the order they were created (tables others point at first)."""
    return [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]


def quote(name):
    return '"' + name.replace('"', '""') + '"'


class Table:
    """One table's columns, keys and rows, as SQLite describes them."""

    def __init__(self, conn, name):
        self.conn, self.name = conn, name
        info = conn.execute(f"PRAGMA table_info({quote(name)})").fetchall()
        self.columns = [c[1] for c in info]
        self.types = {c[1]: field_type(c[2]) for c in info}
        self.not_null = {c[1] for c in info if c[3]}
        self.primary_key = [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]]
        keys = {}
        for fk in conn.execute(f"PRAGMA foreign_key_list({quote(name)})"):
            keys.setdefault(fk[0], (fk[2], []))[1].append((fk[3], fk[4]))
        self.foreign_keys = [{"fields": [a for a, _ in pairs],
                              "reference": {"resource": other, "fields": [b for _, b in pairs]}}
                             for _, (other, pairs) in sorted(keys.items())]

    def count(self, condition):
        return {c: self.conn.execute(f"SELECT count(*) FROM {quote(self.name)} WHERE {quote(c)} {condition}").fetchone()[0]
                for c in self.columns}

    def missing_values(self):
        """Column -> the text that stands for NULL in its CSV: empty, unless the column holds
        empty strings (then none, or \\N where it holds NULLs as well)."""
        empty, null = self.count("= ''"), self.count("IS NULL")
        return {c: ([NULL_MARK] if null[c] else []) if empty[c] else [""] for c in self.columns}

    def rows(self):
        order = ", ".join(map(quote, self.primary_key)) or "rowid"
        return self.conn.execute(f"SELECT {', '.join(map(quote, self.columns))} FROM {quote(self.name)} ORDER BY {order}")


def cell(value, missing):
    if value is None:
        return missing[0]
    if isinstance(value, bytes):
        return value.hex()
    return repr(value) if isinstance(value, float) else str(value)


def write_csv(table, path, missing):
    marks = [missing[c] or [""] for c in table.columns]
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(table.columns)
        for row in table.rows():
            out.writerow([cell(v, m) for v, m in zip(row, marks)])


def resource(table, described, missing):
    fields = []
    for column in table.columns:
        field = {"name": column, "type": table.types[column]}
        if described.columns.get(column):
            field["description"] = described.columns[column]
        if column in table.not_null and column not in table.primary_key:
            field["constraints"] = {"required": True}
        if missing[column] != [""]:
            field["missingValues"] = missing[column]
        fields.append(field)
    schema = {"fields": fields}
    if table.primary_key:
        schema["primaryKey"] = table.primary_key
    if table.foreign_keys:
        schema["foreignKeys"] = table.foreign_keys
    entry = {"name": table.name, "path": f"{table.name}.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8"}
    if described.description:
        entry["description"] = described.description
    entry["schema"] = schema
    return entry


def coverage(conn, db_path):
    """(first period, latest period, the latest publication's as-of date)."""
    if "publications" not in table_names(conn):
        raise BuildError(db_path, None, "no table publications: not a database built by `norway-returns build`")
    first, latest, as_of = conn.execute(
        "SELECT min(period), max(period), (SELECT as_of FROM publications ORDER BY period DESC LIMIT 1) "
        "FROM publications").fetchone()
    if latest is None:
        raise BuildError(db_path, None, "no publications in the database: nothing to package")
    return first, latest, as_of


def descriptor(conn, db_path, described, publishing, base_url, resources):
    first, latest, as_of = coverage(conn, db_path)
    sources = [{"title": described.source, "path": described.source_url}]
    for title, period, url in conn.execute("SELECT title, period, source_url FROM publications ORDER BY period"):
        source = {"title": f"{title or 'Publication'} ({period})"}
        if url:
            source["path"] = url
        sources.append(source)
    return {
        "name": publishing["name"],
        "title": described.title,
        "description": described.description,
        "homepage": base_url,
        "version": latest,
        "created": f"{as_of}T00:00:00Z",
        "keywords": publishing["keywords"]["en"],
        "licenses": [{"name": publishing["license"]["spdx"], "path": described.license_url,
                      "title": described.license}],
        "sources": sources,
        "resources": resources,
    }


def write(conn, db_path, folder, described, publishing, base_url):
    """The CSVs and datapackage.json into `folder` (which exists and is empty)."""
    from frictionless import Package  # here, not at the top: every other command starts faster

    folder = Path(folder)
    coverage(conn, db_path)
    resources = []
    for name in table_names(conn):
        if not NAME.fullmatch(name):  # it names a file, and a Frictionless resource
            raise BuildError(db_path, None, f"table {name!r}: a name of lower-case letters, digits and _ is "
                             "needed for its CSV file")
        table = Table(conn, name)
        missing = table.missing_values()
        write_csv(table, folder / f"{name}.csv", missing)
        resources.append(resource(table, described.table(name), missing))
    package = Package.from_descriptor(descriptor(conn, db_path, described, publishing, base_url, resources),
                                      basepath=str(folder))
    text = package.to_json()
    (folder / "datapackage.json").write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return package


def write_zip(folder, path, as_of):
    """Every file of the package in one zip, in name order, each stamped with the latest
    publication's as-of date (not the clock), so that the same database gives the same bytes."""
    stamp = tuple(int(x) for x in str(as_of)[:10].split("-")) + (0, 0, 0) if as_of else (1980, 1, 1, 0, 0, 0)
    files = sorted(p for p in Path(folder).iterdir() if p.is_file() and p.name != path.name)
    with zipfile.ZipFile(path, "w") as z:
        for file in files:
            info = zipfile.ZipInfo(f"norway-returns/{file.name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, file.read_bytes())
    return path


def http_url(value):
    """--base-url: an http(s) address, which every link of the catalogue starts with."""
    if value is None:
        return None
    url = urlsplit(value)
    if url.scheme not in ("http", "https") or not url.netloc or any(c.isspace() or c in '<>"{}|\\^`' for c in value):
        raise click.BadParameter(f"{value!r}: give the site's address, such as https://example.org/returns")
    return value


COMMAND = "norway-returns package"


def earlier_package(folder):
    """What a version of this command without a marker wrote in `folder`: datapackage.json,
    catalog.ttl and the CSVs its datapackage.json lists (None if the folder is not that)."""
    import json

    try:
        listed = json.loads((Path(folder) / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        names = {"datapackage.json", "catalog.ttl", ZIP, *(str(r["path"]) for r in listed)}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    found = {p.name: p for p in Path(folder).iterdir()}
    if not set(found) <= names or any(not p.is_file() or p.is_symlink() for p in found.values()):
        return None
    return {name: atomic.sha256_of(path) for name, path in found.items()}


def build(db_path, folder, metadata=METADATA, base_url=None):
    """DIR/datapackage.json, the CSVs and DIR/catalog.ttl from the database, written into a
    new folder beside DIR and put in its place only when complete (atomic.replace_folder:
    DIR must be new, empty, or this command's own output)."""
    from . import catalog  # rdflib, loaded only for this command

    folder, db_path = Path(folder), Path(db_path)
    atomic.check_replaceable(folder, COMMAND, earlier_package)  # before any work
    with open(PUBLISHING, encoding="utf-8") as f:
        publishing = yaml.safe_load(f)
    base_url = base_url or publishing["site"]
    described = descriptions.read(metadata)

    def write_into(tmp):
        conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            write(conn, db_path, tmp, described, publishing, base_url)
            first, latest, as_of = coverage(conn, db_path)
        except sqlite3.DatabaseError as e:
            raise BuildError(db_path, None, f"not a database this command can read: {e}") from None
        finally:
            conn.close()
        catalog.write(tmp / "catalog.ttl", described, publishing, base_url, first, latest, as_of)
        write_zip(tmp, tmp / ZIP, as_of)

    return atomic.replace_folder(folder, write_into, COMMAND, earlier_package)


@click.command(name="package")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--db", "db_path", default="returns.db", show_default=True,
              type=click.Path(dir_okay=False, exists=True), help="The database to package.")
@click.option("--metadata", default=str(METADATA), show_default="the site's metadata.yml",
              type=click.Path(dir_okay=False, exists=True),
              help="Datasette's metadata, whose descriptions of the data, its tables and columns are used.")
@click.option("--base-url", callback=lambda ctx, param, value: http_url(value),
              help="Where the site is published, for the catalogue's links "
              "[default: `site` in norway_returns/data/publishing.yml].")
def command(directory, db_path, metadata, base_url):
    """Write the database as open data into DIRECTORY: a Frictionless data package
    (datapackage.json and a CSV per table, typed and keyed, every table and column
    described as in metadata.yml) and its DCAT-AP-NO description (catalog.ttl) for
    data.norge.no and data.europa.eu. The same database gives the same bytes.

    DIRECTORY is replaced whole; it must be new, empty, or written by this command
    (it keeps a list of what it wrote there, and refuses a folder holding anything else).

    \b
    Example:
        norway-returns package package/ --db returns.db
        frictionless validate package/datapackage.json
    """
    try:
        folder = build(db_path, directory, metadata, base_url)
    except BuildError as e:
        click.echo(str(e), err=True)
        sys.exit(1)
    except OSError as e:
        click.echo(f"{e.filename or directory}: {e.strerror}", err=True)
        sys.exit(1)
    click.echo(f"wrote {folder}/datapackage.json, {len(list(folder.glob('*.csv')))} CSV files and {folder}/catalog.ttl")
