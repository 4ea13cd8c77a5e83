"""Reader of a web page: the police's article as its site serves it, or as a browser saves it.

The page is parsed by lxml (libxml2's HTML parser, which keeps every element's line in
the file). What is not the publication is left out, as data/web_page.yml lists it: the
site's header, navigation, cookie banner, related links, footer, scripts, and text hidden
from readers. Of the rest, the content (<main>, else <article>, else <body>) gives:

- a prose line per heading, paragraph or list item (its text as a reader reads it:
  entities decoded, &nbsp; a space, <br> a space);
- a line per table row, a cell per <th>/<td> (a cell spanning n columns, then n-1 empty
  ones), in the order a browser shows them (thead, the body rows, tfoot); a header row's
  cell over the names ("Nationality", or nothing) is the name column's, not a category;
  a table without a header row, whose cells carry their column in `data-label` (the
  responsive tables of CMSs), gets its header from those labels;
- a table's <caption> as a prose line before its rows.

Each line's number is the line of the file where its element starts: a cell's origin is
raw/FILE.html:LINE, which is where a reader finds it in the page's source.
"""

import functools
import re
import unicodedata

from .header import is_label, is_table_header
from .lines import Line
from .reader import Reader
from .vocabulary import load
from ..errors import BuildError

INLINE = frozenset("a abbr b bdi bdo big cite code data del dfn em font i ins kbd label mark q s samp small "
                   "span strong sub sup time tt u var wbr img".split())
# a number printed with spaces between its thousands ("1 234", "1\u00a0234")
_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+")
_NAME_PARTS = re.compile(r"[-_\s]+")


@functools.cache
def _rules():
    data = load("web_page")
    return (frozenset(data["skip_tags"]), frozenset(data["skip_roles"]), frozenset(data["skip_names"]),
            frozenset(data["hidden_classes"]), tuple(data["content"]), frozenset(data["blocks"]))


def _names(el):
    return {p for p in _NAME_PARTS.split(f"{el.get('id', '')} {el.get('class', '')}".lower()) if p}


def _hidden(el):
    """Not shown: `hidden`, aria-hidden, display:none, or a class that hides it (text for screen
    readers only is not what the page prints)."""
    hidden_classes = _rules()[3]
    style = re.sub(r"\s+", "", el.get("style", "").lower())
    return (el.get("hidden") is not None or el.get("aria-hidden", "").lower() == "true"
            or "display:none" in style or "visibility:hidden" in style
            or bool(set(el.get("class", "").lower().split()) & hidden_classes))


@functools.cache
def _site_tags():
    data = load("web_page")
    return frozenset(data["site_tags"]), frozenset(data["sections"])


def _left_out(el):
    """Not the publication: the site's furniture around it (outside tables only)."""
    tags, roles, names, _, _, _ = _rules()
    site, sections = _site_tags()
    if el.tag in site and not any(a.tag in sections for a in el.iterancestors()):
        return True
    return (el.tag in tags or el.get("role", "").lower() in roles or bool(_names(el) & names)
            or _hidden(el))


def _text(el, in_table=False):
    """An element's text as a reader reads it: hidden parts left out, white space folded."""
    parts = []

    def visit(e):
        if e.text:
            parts.append(e.text)
        for child in e:
            if isinstance(child.tag, str):
                if child.tag == "br":
                    parts.append(" ")
                elif not (_hidden(child) if in_table else _left_out(child)):
                    visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(el)
    text = unicodedata.normalize("NFKC", "".join(parts))
    return " ".join(text.split())


def _cell_text(el):
    text = _text(el, in_table=True)
    return text.replace(" ", "") if _GROUPED.fullmatch(text) else text


def _own_rows(table):
    """The table's rows as a browser shows them: thead's, the body's, tfoot's (rows of tables
    nested inside cells are theirs, not this one's)."""
    head, body, foot = [], [], []
    for tr in table.iter("tr"):
        if next(tr.iterancestors("table"), None) is not table:
            continue
        section = tr.getparent().tag
        (head if section == "thead" else foot if section == "tfoot" else body).append(tr)
    return head + body + foot


def _cells(tr):
    out = []
    for c in tr:
        if not isinstance(c.tag, str) or c.tag not in ("td", "th") or _hidden(c):
            continue
        out.append(c)
    return out


def _span(cell, what):
    try:
        return max(1, min(int(cell.get(what, "1")), 50))
    except ValueError:
        return 1


def _grid(rows, text=_cell_text):
    """Each row's texts in the table's columns, as a browser lays them out: a cell spanning n
    columns is followed by n-1 empty ones; a cell spanning rows leaves its column empty in the
    rows below it (a header's "Nationality" over two header rows)."""
    below = {}  # column -> rows still spanned by a cell above
    out = []
    for cells in rows:
        line, col = [], 0

        def spanned():
            nonlocal col
            while below.get(col, 0) > 0:
                line.append("")
                below[col] -= 1
                col += 1

        for c in cells:
            spanned()
            across, down = _span(c, "colspan"), _span(c, "rowspan")
            line += [text(c)] + [""] * (across - 1)
            if down > 1:
                below.update({k: down - 1 for k in range(col, col + across)})
            col += across
        while any(v > 0 for k, v in below.items() if k >= col):  # columns at the right spanned from above
            if below.get(col, 0) > 0:
                below[col] -= 1
            line.append("")
            col += 1
        out.append(line)
    return out


def _is_header_row(tr, cells, texts):
    """A row of column labels: in thead, or all <th> that are not row headers, or (a table typed
    in an editor, its labels in ordinary cells) a row whose cells after the first are labels
    of the header vocabulary, the Total's among them."""
    if tr.getparent().tag == "thead":
        return True
    if cells and all(c.tag == "th" and c.get("scope", "").lower() != "row" for c in cells):
        return True
    labels = [t for t in texts[1:] if t]
    return is_table_header(labels) and all(is_label(t) for t in labels)


class HtmlReader(Reader):
    """A saved or served web page (.html, .htm)."""

    suffixes = (".html", ".htm", ".xhtml")

    def read(self, path, name):
        root = _parse(path, name)
        content = _content(root)
        lines = []
        self._walk(content, name, lines)
        if not any(l.text.strip() for l in lines):
            raise BuildError(name, None, "a web page without text in its content (<main>, <article> or <body>)")
        return lines

    def _walk(self, el, name, out):
        """Lines of `el`'s children in document order: loose text and inline elements gather
        into one line until a block (a paragraph, a table, a container) begins."""
        blocks = _rules()[5]
        run, run_line = [], None

        def flush():
            nonlocal run, run_line
            text = " ".join(unicodedata.normalize("NFKC", "".join(run)).split())
            if text:
                out.append(Line(name, run_line, text, (text,)))
            run, run_line = [], None

        def add(text, line):
            nonlocal run_line
            if text:
                if run_line is None and text.strip():
                    run_line = line
                run.append(text)

        add(el.text, el.sourceline)
        for child in el:
            if not isinstance(child.tag, str):  # a comment, a processing instruction
                add(child.tail, el.sourceline)
                continue
            if _left_out(child):
                pass
            elif child.tag == "br":
                add(" ", child.sourceline)
            elif child.tag in INLINE and child.find(".//table") is None:
                add(" " + _text(child) + " " if child.tag == "img" else _text_keep_spaces(child), child.sourceline)
            elif child.tag == "table":
                flush()
                self._table(child, name, out)
            elif child.tag in blocks and child.find(".//table") is None and not _has_blocks(child, blocks):
                flush()
                text = _text(child)
                if text:
                    out.append(Line(name, child.sourceline, text, (text,)))
            else:
                flush()
                self._walk(child, name, out)
            if child.tail:
                add(child.tail, child.sourceline)
        flush()

    def _table(self, table, name, out):
        caption = table.find("caption")
        if caption is not None and _text(caption):
            out.append(Line(name, caption.sourceline, _text(caption), (_text(caption),)))
        rows = [(tr, _cells(tr)) for tr in _own_rows(table)]
        rows = [(tr, cells) for tr, cells in rows if cells]
        if not rows:
            return
        grid = _grid([cells for _, cells in rows])
        width = max(len(texts) for texts in grid)
        rows = [(tr, cells, texts) for (tr, cells), texts in zip(rows, grid)]
        if not any(_is_header_row(*row) for row in rows):
            labelled = [cells for _, cells, _ in rows if any(c.get("data-label") for c in cells)]
            if labelled:  # the header only in each cell's data-label
                labels = _grid([labelled[0]], lambda c: " ".join(c.get("data-label", "").split()))[0]
                labels[0] = ""
                out.append(Line(name, rows[0][0].sourceline, "\t".join(labels), tuple(labels)))
        for tr, cells, texts in rows:
            if _is_header_row(tr, cells, texts):
                # the cell over the names holds the name column's label (or nothing); a header
                # row without one stands over the columns at the right
                texts = [""] + texts[1:] if len(texts) == width else [""] * (width - len(texts)) + texts
            out.append(Line(name, tr.sourceline, "\t".join(texts), tuple(texts)))


def _has_blocks(el, blocks):
    return any(isinstance(d.tag, str) and (d.tag in blocks or d.tag in ("div", "section", "ul", "ol", "dl"))
               for d in el.iterdescendants())


def _text_keep_spaces(el):
    """An inline element's text within its line: the spaces at its edges kept."""
    text = _text(el)
    raw = "".join(el.itertext())
    lead = " " if raw[:1].isspace() else ""
    trail = " " if raw[-1:].isspace() else ""
    return lead + text + trail


def _parse(path, name):
    from lxml import etree, html

    data = path.read_bytes()
    if not data.strip():
        raise BuildError(name, None, "empty file (0 bytes of text), not a web page")
    # UTF-8 (as browsers save pages, and most sites serve them) unless the page says otherwise:
    # libxml2 alone would take a page without a <meta charset> for Latin-1
    head = data[:2048].lower()
    declared = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([a-z0-9_-]+)", head)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        encoding, data = "utf-8", data[3:]
    try:
        parser = etree.HTMLParser(encoding=encoding, remove_comments=True, remove_pis=True)
    except LookupError:
        raise BuildError(name, None, f"the page declares an unknown encoding {encoding!r}") from None
    try:
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise BuildError(name, None, f"cannot read the web page ({e})") from None
    return root


def _content(root):
    """The element that holds the publication: <main>, else role=main, else <article>, else <body>."""
    for selector in _rules()[4]:
        if selector.startswith("[role="):
            found = root.xpath(f"//*[@role='{selector[6:-1]}']")
        else:
            found = root.xpath(f"//{selector}")
        # not a teaser inside the site's furniture (an <article> among related links)
        tags, roles = _rules()[0], _rules()[1]
        found = [f for f in found if not any(a.tag in tags or a.get("role", "").lower() in roles
                                             for a in f.iterancestors())]
        if found:
            return found[0]
    body = root.find("body")
    return body if body is not None else root
