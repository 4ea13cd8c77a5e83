"""The publications themselves: /raw/FILE as published, and /-/source/FILE line by line.

Every number's `source` (`raw/FILE:LINE`) links here. Only the documents the database was
built from are served (its `publications.source_file`), with raw/'s manifest and
corrections: never another file of the folder (a hidden temp file, a link out of it), and
never a path. A TAB-separated line is shown as a table row, so that its figures stand under
the words of their columns as the publication prints them; the header of the table a
highlighted line stands in is kept in view above it. The folder is the one `norway-returns serve` (and `datasette publish`) mount
at /raw/; the routes below answer before that mount does.
"""

import mimetypes
import re
from pathlib import Path

from datasette.utils.asgi import NotFound, Response

from .compat import static_mount
from .state import kept

RECORDS = ("manifest.yml", "corrections.yml")  # raw/'s own records, named by the checks
MOST_LINES = 200  # highlighted at once
LINES = re.compile(r"(\d{1,9})(?:-(\d{1,9}))?")
# Saved web pages are served as documents, never run as this site's pages
SANDBOX = {"content-security-policy": "sandbox", "x-content-type-options": "nosniff"}


def load_publications(datasette):
    async def load():
        names = kept(datasette, "publications")
        for db in datasette.databases.values():
            if "publications" in await db.table_names():
                # source_file is raw/FILE
                # kept with where it was published, when known (the page links to it)
                names.update({r[0].rsplit("/", 1)[-1]: (r[1] or True) for r in await db.execute(
                    "select source_file, source_url from publications")})
        names.update(dict.fromkeys(RECORDS, True))
    return load


def publication(datasette, name):
    """The path of raw/NAME if it is one of the publications served, else NotFound."""
    folder = static_mount(datasette, "raw")
    if folder is None or name not in kept(datasette, "publications") or name.startswith(".") or "/" in name:
        raise NotFound(f"No publication {name} in raw/")
    path = Path(folder) / name
    # a plain file of the folder itself, never a link out of it
    if path.is_symlink() or not path.is_file() or path.resolve().parent != Path(folder).resolve():
        raise NotFound(f"No publication {name} in raw/")
    return path


async def raw_file(request, datasette):
    name = request.url_vars["file"]
    path = publication(datasette, name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or name.endswith(".yml"):
        content_type = ("text/plain" if not name.endswith((".html", ".htm")) else "text/html") + "; charset=utf-8"
    return Response(path.read_bytes(), content_type=content_type, headers=dict(SANDBOX))


def wanted_lines(request):
    """The lines asked for (`?lines=N` or `N-M`), at most MOST_LINES; a malformed range is
    the client's error."""
    asked = request.args.get("lines", "")
    if not asked:
        return []
    span = LINES.fullmatch(asked)
    if not span or int(span[2] or span[1]) < int(span[1]) or int(span[1]) < 1:
        return None
    first, last = int(span[1]), int(span[2] or span[1])
    return list(range(first, min(last, first + MOST_LINES - 1) + 1))


async def source_view(request, datasette):
    name = request.url_vars["file"]
    path = publication(datasette, name)
    if name.lower().endswith(".pdf"):
        return Response.redirect(datasette.urls.path(f"raw/{name}"))
    wanted = wanted_lines(request)
    if wanted is None:
        return Response.text("lines= takes a line number or a range FIRST-LAST, such as lines=12-14", status=400)
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    wanted = [n for n in wanted if n <= len(lines)]
    marked = set(wanted)
    cells = [text.split("\t") for text in lines]
    published = kept(datasette, "publications").get(name)
    return Response.html(await datasette.render_template(
        "source.html",
        {"file": name, "lines": [(n, row, n in marked) for n, row in enumerate(cells, 1)],
         "columns": max(len(row) for row in cells), "header": table_header(cells, wanted),
         "raw_url": datasette.urls.path(f"raw/{name}"), "wanted": wanted,
         "source_url": published if isinstance(published, str) else None},
        request=request))


def is_header(row):
    """A table's header line as the publications print it: TAB-separated words, no figures."""
    filled = [c.strip() for c in row if c.strip()]
    return len(filled) >= 2 and not any(c.replace(" ", "").isdigit() for c in filled) \
        and sum(any(ch.isalpha() for ch in c) for c in filled) >= 2


def table_header(cells, wanted):
    """The header lines of the table the first highlighted line stands in (kept in view above
    it): the nearest header line before it, with the header lines directly above that one."""
    if not wanted or len(cells[wanted[0] - 1]) < 2:
        return []
    at = next((i for i in range(wanted[0] - 2, -1, -1) if is_header(cells[i])), None)
    if at is None:
        return []
    first = at
    while first > 0 and is_header(cells[first - 1]):
        first -= 1
    return [(i + 1, cells[i]) for i in range(first, at + 1)]


ROUTES = [(r"^/-/source/(?P<file>[^/]+)$", source_view), (r"^/raw/(?P<file>[^/]+)$", raw_file)]
