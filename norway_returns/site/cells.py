"""Cells that say where a number was read and what a code names (the render_cell hook).

- A `source` cell (`raw/FILE:LINE`, `raw/FILE:FIRST-LAST`, `raw/FILE.pdf:LINE (page N)`)
  links to the publication itself: a PDF at its page (`#page=N`), a text at its line in
  the source viewer below. Several sources (returns_wide joins a row's) each get a link.
- A `status` cell that is not `printed` links to the checks that repaired or corrected it
  (the canned query `cell_checks`), where the reason is written.
- A `country_name` cell links to the country's page (the `country` dashboard).
- A `country` or `category` code shows its English name, linked to its row, the code beside it.

Only cheap string work per cell: no query is run to render a cell.
"""

import html
import re
import urllib.parse

from markupsafe import Markup

from .state import kept

# raw/FILE:LINE or raw/FILE:FIRST-LAST, then an optional " (page N)"
SOURCE = re.compile(r"raw/(?P<file>[\w.\-]+):(?P<first>\d+)(?:-(?P<last>\d+))?(?: \(page (?P<page>\d+)\))?")
# the columns that hold a source; status in the tables whose cells have one
STATUS_TABLES = {"returns", "returns_wide"}


def path(datasette, to):
    """A path under the site's base_url, as a plain string (Datasette's own kind of URL
    string looks up its attributes slowly: a page of a thousand cells felt it)."""
    return str(datasette.urls.path(to))


def source_href(datasette, match):
    file, first, last, page = match["file"], match["first"], match["last"], match["page"]
    if file.lower().endswith(".pdf"):
        return path(datasette, f"raw/{file}") + (f"#page={page}" if page else "")
    lines = f"{first}-{last}" if last else first
    return path(datasette, f"-/source/{file}") + f"?lines={lines}#L{first}"


def linked_sources(datasette, value):
    """The text of a source cell with each source in it a link; None if it holds none."""
    out, at, found = [], 0, False
    for match in SOURCE.finditer(value):
        found = True
        out.append(html.escape(value[at:match.start()]))
        out.append(f'<a href="{html.escape(source_href(datasette, match))}">{html.escape(match[0])}</a>')
        at = match.end()
    out.append(html.escape(value[at:]))
    return Markup("".join(out)) if found else None


# code -> name of every country and category, read once when the site starts (the
# database is immutable): cells of a code show its name in the tables that are not
# joined to the names by a foreign key (the stored views, a row's own page)
CODE_COLUMNS = {"country": "countries", "category": "categories"}


def load_names(datasette):
    """At startup: every code's names, from each database that has the tables of names."""
    async def load():
        for name, db in datasette.databases.items():
            tables = await db.table_names()
            if {"countries", "categories"} <= set(tables):
                kept(datasette, "names")[name] = {
                    "countries": {r[0]: (r[1], r[2]) for r in await db.execute(
                        "select code, name_en, name_no from countries")},
                    "categories": {r[0]: (r[1], r[2]) for r in await db.execute(
                        "select code, label_en, label_no from categories")},
                }
    return load


def named_code(datasette, database, column, value):
    """A code cell as its English name, linked to its row, the code beside it."""
    key = (database, column, value)
    cells = kept(datasette, "code cells")
    if key not in cells:
        table = CODE_COLUMNS[column]
        names = kept(datasette, "names").get(database, {}).get(table, {})
        if value not in names:
            return None
        name_en, name_no = names[value]
        href = str(datasette.urls.row(database, table, value))
        title = f' title="{html.escape(name_no)}"' if name_no else ""
        cells[key] = Markup(f'<a href="{html.escape(href)}"{title}>{html.escape(name_en)}</a> '
                            f'<em>{html.escape(value)}</em>')
    return cells[key]


def status_with_why(datasette, database, table, row, value):
    if table not in STATUS_TABLES or value not in ("repaired", "corrected") \
            or not all(k in row.keys() for k in ("period", "kind", "country")):
        return None
    # a foreign key's cell on a table page is {value, label}: the link needs the value
    query = urllib.parse.urlencode({k: _value(row[k]) for k in ("period", "kind", "country")})
    href = path(datasette, f"{database}/cell_checks") + "?" + query
    return Markup(f'{html.escape(value)} (<a href="{html.escape(href)}">why</a>)')


def country_page_link(datasette, value):
    """A country's name linked to its page."""
    cells = kept(datasette, "country pages")
    if value not in cells:
        href = path(datasette, "-/dashboards/country") + "?" + urllib.parse.urlencode({"country": value})
        cells[value] = Markup(f'<a href="{html.escape(href)}">{html.escape(value)}</a>')
    return cells[value]


CODE_TABLES = set(CODE_COLUMNS.values())  # where a code is the row's own key: shown as it is
LINKED_COLUMNS = {*CODE_COLUMNS, "source", "cells", "status", "country_name"}


def _value(cell):
    return cell.get("value") if isinstance(cell, dict) else getattr(cell, "value", cell)


def render_cell(row, value, column, table, database, datasette):
    # called for every cell of every page: the column decides at once whether there is work
    if column not in LINKED_COLUMNS or not isinstance(value, str) or not value:
        return None
    if column in CODE_COLUMNS:
        return None if table in CODE_TABLES else named_code(datasette, database, column, value)
    if column in ("source", "cells"):  # cells: cell_checks' list of a row's cells
        return linked_sources(datasette, value) if "raw/" in value else None
    if column == "status":
        return status_with_why(datasette, database, table, row, value)
    return country_page_link(datasette, value)  # country_name
