"""Every table, view, row and query as an Excel workbook (`.xlsx`), an output renderer
(register_output_renderer, openpyxl).

The sheet holds the rows as the page asked for them (its filters, sort and `_size`; the
page's JSON and CSV hold the same rows), each country and category code with its English
and Norwegian names beside it, numbers as numbers; a second sheet says what the rows are,
where they come from and the address they were downloaded from. The file is named for
what it holds: `returns_wide-period-2024-05.xlsx`.
"""

import io
import re

from datasette.utils.asgi import Response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .state import kept

SOURCE = "National Police Immigration Service (Politiets utlendingsenhet), monthly statistics"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# code column -> (table of names, the names' columns as they are added beside it)
NAMED = {"country": ("countries", ("country_name", "country_name_no")),
         "category": ("categories", ("category_label", "category_label_no"))}
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
FORMULA = ("=", "+", "-", "@")  # a text cell starting so would be read as a formula


def file_name(request, database, table, query_name):
    """What the file holds: the table or query, then each parameter and filter given."""
    parts = [query_name or table or database]
    for key in request.args.keys():
        value = request.args.get(key)
        if not key.startswith("_") and value:
            parts += [key, value]
    name = UNSAFE.sub("-", "-".join(parts)).strip("-.")[:120]
    return (name or "rows") + ".xlsx"


def columns_with_names(columns, names):
    """The sheet's columns: each code column followed by its names, unless already there."""
    out = []
    for column in columns:
        out.append((column, None))
        if column in NAMED and NAMED[column][0] in names:
            for i, named in enumerate(NAMED[column][1]):
                if named not in columns:
                    out.append((named, (column, i)))
    return out


def cell(value):
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, str) and value.startswith(FORMULA):
        return "'" + value if value[:1] == "=" else value  # shown as text, never run
    return value


def render(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
    names = kept(datasette, "names").get(database, {})
    sheet_columns = columns_with_names(columns, names)
    book = Workbook()
    sheet = book.active
    sheet.title = (query_name or table or database)[:31]
    sheet.append([c for c, _ in sheet_columns])
    for row in rows:
        values = dict(zip(columns, row))
        out = []
        for column, named in sheet_columns:
            if named is None:
                out.append(cell(values[column]))
            else:
                code_column, i = named
                found = names[NAMED[code_column][0]].get(values[code_column])
                out.append(found[i] if found else None)
        sheet.append(out)
    sheet.freeze_panes = "A2"
    for i, (column, _) in enumerate(sheet_columns, 1):
        sheet.column_dimensions[get_column_letter(i)].width = min(40, max(10, len(column) + 2))
    about = book.create_sheet("About")
    title = _title(datasette, database, table, query_name)
    for line in (("Rows", title), ("Source", SOURCE), ("Downloaded from", request.url),
                 ("Licence", "Norwegian Licence for Open Government Data (NLOD) 2.0"),
                 ("What the figures count", "Persons returned so far this year (January to the publication's month), "
                                            "unless a column says otherwise"),
                 ("SQL", sql)):
        about.append(list(line))
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    name = file_name(request, database, table, query_name)
    return Response(out.getvalue(), content_type=CONTENT_TYPE,
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _title(datasette, database, table, query_name):
    if query_name:
        query = (datasette.metadata("queries", database=database) or {}).get(query_name) or {}
        return query.get("title") or query_name
    return table or database


RENDERER = {"extension": "xlsx", "render": render, "can_render": lambda: True}
