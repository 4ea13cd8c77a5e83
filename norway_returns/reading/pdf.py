"""Stage 2, PDF: a publication's pages -> the same Lines the text extractors give.

pdfplumber reads the words of each page with their positions; this module lays
them out as the TAB layout would:

- Prose: one Line per printed line, its words joined by spaces, `cells` = (text,).
- Tables with ruled cell borders (found by pdfplumber's table finder, lines
  strategy): one Line per table row, a cell per ruled cell; the lines of text in a
  cell are joined, so a country name wrapped inside its cell comes out whole.
- Tables without rules: the header's labels give the columns (a label may be
  wrapped over several printed lines; its words are grouped by where they stand
  and read with the header vocabulary of data/categories.yml). A number belongs
  to the column whose span holds its x-centre; the leading words that are not
  numbers form the name. Printed lines closer together than the table's row pitch
  form one row (a wrapped name and its numbers); where the layout leaves that in
  doubt the lines are given one by one, and the table stage joins the name.

Header Lines have cells ("", label, ...), table rows (name, value, ...), the value
cells in the header's positions; an empty cell is "". Lines are numbered 1..N over
the whole document in reading order (top to bottom, page by page) and carry their
page, so that `raw/FILE.pdf:LINE` and corrections' line ranges point at them.
Lines repeated on several pages outside the tables (a running title, a page
number) keep their text for the prose but have an empty name cell, so that a
table continued over a page break does not read them as rows.

A file that cannot be read as a PDF with text raises BuildError naming it: no
pdfplumber or pdfminer exception leaves this module.
"""

import bisect
import itertools
import re
import statistics
import unicodedata
from collections import Counter

from .countries import countries
from ..errors import BuildError
from .extract import Line
from .tables import is_header_line
from .vocabulary import header_phrases, norm, table_kind, total_labels

# A monthly publication has a handful of pages; far more is not one.
MAX_PAGES = 200
RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# Words whose tops differ by at most this much (points) stand on one printed line.
LINE_TOLERANCE = 2.5
_LETTER = re.compile(r"[^\W\d_]")


def _is_number(text):
    """A word that stands in a number column: no letters (digits, maybe stray marks)."""
    return not _LETTER.search(text)


# --- reading the file ------------------------------------------------------------


def _check_file(path, name):
    size = path.stat().st_size
    if size == 0:
        raise BuildError(name, None, "empty file (0 bytes), not a PDF")
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(max(0, size - 2048))
        tail = f.read()
    if b"%PDF-" not in head:
        raise BuildError(name, None, "not a PDF (no %PDF- header at the start of the file)")
    if b"%%EOF" not in tail:
        raise BuildError(name, None, "truncated PDF: the file does not end with %%EOF (download it again)")


def _why(exc):
    """The pdfminer exception behind pdfplumber's wrapper (PdfminerException(inner))."""
    for _ in range(5):
        wrapped = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None
        inner = exc.__cause__ or exc.__context__ or wrapped
        if inner is None:
            break
        exc = inner
    return exc


def _read_pages(path, name):
    """[(page number, words, ruled tables)], every word's text NFKC-normalised (ligatures, spaces)."""
    import pdfplumber  # imported here: text-only builds do not need it

    pages = []
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise BuildError(name, None, f"{len(pdf.pages)} pages: too many for a monthly publication "
                                 f"(at most {MAX_PAGES})")
            for number, page in enumerate(pdf.pages, start=1):
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
                for w in words:
                    w["text"] = unicodedata.normalize("NFKC", w["text"])
                tables = []
                if page.edges:
                    for t in page.find_tables(RULED):
                        rows = [list(row.cells) for row in t.rows]
                        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                            tables.append(rows)
                pages.append((number, [w for w in words if w["text"].strip()], tables))
                page.close()
    except BuildError:
        raise
    except Exception as e:  # pdfminer and pdfplumber raise many kinds; none may escape
        inner = _why(e)
        kind = type(inner).__name__
        if "Password" in kind or "Encrypt" in kind:
            raise BuildError(name, None, "encrypted PDF: it cannot be read without its password "
                             "(save an unprotected copy)") from None
        detail = str(inner).strip() or kind
        raise BuildError(name, None, f"cannot read the PDF ({kind}: {detail[:200]})") from None
    if not pages:
        raise BuildError(name, None, "the PDF has no pages")
    if not any(words for _, words, _ in pages):
        raise BuildError(name, None, f"no text in the PDF ({len(pages)} page(s) of images or drawings only, "
                         "a scan?): it needs a text layer (OCR it) before it can be read")
    return pages


# --- printed lines ---------------------------------------------------------------


class VLine:
    """A printed line: words at one height, left to right."""

    def __init__(self, words):
        self.words = sorted(words, key=lambda w: w["x0"])
        self.top = min(w["top"] for w in words)
        self.bottom = max(w["bottom"] for w in words)

    @property
    def text(self):
        return " ".join(w["text"] for w in self.words)

    @property
    def height(self):
        return self.bottom - self.top


def _printed_lines(words):
    out, current = [], []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if current and abs(w["top"] - current[0]["top"]) > LINE_TOLERANCE:
            out.append(VLine(current))
            current = []
        current.append(w)
    if current:
        out.append(VLine(current))
    return out


def _inside(word, bbox):
    x0, top, x1, bottom = bbox
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _join_known(parts, known):
    """Text broken over printed lines, joined again: the joining `known` accepts, else the plainest.

    At a break after a hyphen the hyphen may belong to the text ("Nord-Makedonia"),
    or only to the line ("Elfenbens-kysten"); elsewhere the break is a space, or
    nothing where a word too long for its cell was cut ("Herzegovi" "na").
    """
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    joins = {"-": lambda a, b: a + b, "- ": lambda a, b: a + " " + b, "": lambda a, b: a[:-1] + b,
             " ": lambda a, b: a + " " + b, "+": lambda a, b: a + b}
    options = [["-", "- ", ""] if first.endswith("-") else [" ", "+"] for first in parts[:-1]]
    default = None
    for seps in itertools.product(*options):
        text = parts[0]
        for sep, part in zip(seps, parts[1:]):
            text = joins[sep](text, part)
        default = default or text
        if known(text):
            return text
    return default


def join_name(parts):
    """A country name wrapped over printed lines, joined so that it reads as a known name if it can."""
    return _join_known(parts, countries().code)


def join_label(parts):
    """A column label wrapped over printed lines, joined so that it reads as a known header if it can."""
    return _join_known(parts, lambda t: norm(t) in header_phrases())


def _cell_text(words, name=False):
    lines = [l.text for l in _printed_lines(words)] if words else []
    return join_name(lines) if name else join_label(lines)


# --- tables with ruled borders ---------------------------------------------------


def _ruled_rows(table, pool):
    """Rows of a ruled table: (top, cells); the words used are taken out of `pool`.

    A word belongs to the cell that holds its centre.
    """
    centres = sorted((((w["top"] + w["bottom"]) / 2), k) for k, w in enumerate(pool))
    ys = [c for c, _ in centres]
    used, rows = set(), []
    for row in table:
        bboxes = [c for c in row if c is not None]
        if not bboxes:
            continue
        top, bottom = min(b[1] for b in bboxes), max(b[3] for b in bboxes)
        inside = [pool[k] for _, k in centres[bisect.bisect_left(ys, top): bisect.bisect_right(ys, bottom)]]
        cells = []
        for j, bbox in enumerate(row):
            if bbox is None:
                cells.append("")
                continue
            mine = [w for w in inside if id(w) not in used and _inside(w, bbox)]
            used.update(id(w) for w in mine)
            cells.append(_cell_text(mine, name=(j == 0)))
        if any(cells):
            rows.append((top, tuple(cells)))
    pool[:] = [w for w in pool if id(w) not in used]
    return rows


# --- tables without rules --------------------------------------------------------


def _stacks(words):
    """Header words grouped where they overlap horizontally (a label over several lines)."""
    parent = list(range(len(words)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(words):
        for j in range(i + 1, len(words)):
            b = words[j]
            if abs(a["top"] - b["top"]) > LINE_TOLERANCE and a["x0"] < b["x1"] and b["x0"] < a["x1"]:
                parent[find(i)] = find(j)
    groups = {}
    for i, w in enumerate(words):
        groups.setdefault(find(i), []).append(w)
    return sorted(groups.values(), key=lambda g: min(w["x0"] for w in g))


def _label_text(words):
    return join_label([l.text for l in _printed_lines(words)])


def header_columns(block):
    """Header printed lines -> [(label, x0, x1)], left to right, read with the header vocabulary."""
    words = [w for line in block for w in line.words]
    stacks = _stacks(words)
    phrases = header_phrases()
    labels, i = [], 0
    while i < len(stacks):
        for j in range(len(stacks), i, -1):
            group = [w for s in stacks[i:j] for w in s]
            if norm(_label_text(group)) in phrases:
                break
        else:
            j, group = i + 1, stacks[i]  # not a known label: the table stage names it
        labels.append((_label_text(group), min(w["x0"] for w in group), max(w["x1"] for w in group)))
        i = j
    return labels


def _is_header_vline(vline, name):
    return is_header_line(Line(name, 0, vline.text, (vline.text,)))


def _split_row(vline):
    """(name words, number words), or None where a word after a number is not a number."""
    words = vline.words
    k = 0
    while k < len(words) and not _is_number(words[k]["text"]):
        k += 1
    rest = words[k:]
    if any(not _is_number(w["text"]) for w in rest):
        return None
    return words[:k], rest


class Columns:
    def __init__(self, labels):
        self.labels = [l for l, _, _ in labels]
        # a number belongs to the column whose span holds its centre; spans meet
        # halfway between neighbouring labels
        self.bounds = [(labels[k][2] + labels[k + 1][1]) / 2 for k in range(len(labels) - 1)]

    def __len__(self):
        return len(self.labels)

    def index(self, word):
        centre = (word["x0"] + word["x1"]) / 2
        return sum(centre > b for b in self.bounds)


def _place(numbers, columns):
    """Number words -> value cells in the header's positions, and a problem if two share a column."""
    cells, problem = [""] * len(columns), None
    for w in numbers:
        k = columns.index(w)
        if cells[k]:
            problem = problem or (f"two numbers in the {columns.labels[k]!r} column: {cells[k]!r} and "
                                  f"{w['text']!r}")
            cells[k] += " " + w["text"]
        else:
            cells[k] = w["text"]
    return cells, problem


def _unruled_table(vlines, start, name):
    """A header at vlines[start:]: (items, index after the table) or None if it is no table header.

    Items are (top, cells, problem) in reading order.
    """
    block, j = [], start
    while j < len(vlines) and _is_header_vline(vlines[j], name):
        if block and vlines[j].top - block[-1].bottom > 2 * max(block[-1].height, 1):
            break
        block.append(vlines[j])
        j += 1
    labels = header_columns(block)
    known = [l for l, _, _ in labels if norm(l) in header_phrases()]
    if len(labels) < 2 or not any(norm(l) in total_labels() for l in known) or j >= len(vlines):
        return None
    # a table header is followed by rows: maybe the first lines of a wrapped name, then numbers
    for k in range(j, min(j + 4, len(vlines))):
        split = _split_row(vlines[k])
        if split is None:
            return None
        if split[1]:
            break
    else:
        return None
    columns = Columns(labels)
    items = [(block[0].top, ("",) + tuple(l for l, _, _ in labels), None)]

    # the rows: printed lines up to the Total row, a title, a header, prose or a wide gap
    body, k = [], j
    while k < len(vlines):
        v = vlines[k]
        if table_kind(v.text) or _is_header_vline(v, name):
            break
        split = _split_row(v)
        if split is None:
            break
        if body and v.top - body[-1][0].top > 1.8 * _pitch(body):
            break  # a page footer, or text below the table
        body.append((v, split))
        k += 1
        if split[0] and norm(" ".join(w["text"] for w in split[0])) in total_labels():
            break
    items += _rows(body, columns)
    return items, k


def _pitch(body):
    """The distance between the tops of consecutive printed lines that hold numbers."""
    tops = [v.top for v, (_, numbers) in body if numbers]
    gaps = [b - a for a, b in zip(tops, tops[1:]) if b > a]
    return statistics.median(gaps) if len(gaps) >= 2 else max(gaps + [2 * body[-1][0].height])


def _rows(body, columns):
    """Printed lines of a table body -> rows, each wrapped name joined with its numbers."""
    if not body:
        return []
    pitch = _pitch(body)
    # lines closer than the row pitch belong to one row
    segments, current = [], [body[0]]
    for prev, item in zip(body, body[1:]):
        if item[0].top - prev[0].top < 0.85 * pitch:
            current.append(item)
        else:
            segments.append(current)
            current = [item]
    segments.append(current)
    items = []
    for seg in segments:
        with_numbers = [s for s in seg if s[1][1]]
        if len(seg) > 1 and len(with_numbers) == 1:
            names = [" ".join(w["text"] for w in s[1][0]) for s in seg]
            numbers = with_numbers[0][1][1]
            cells, problem = _place(numbers, columns)
            items.append((seg[0][0].top, (join_name(names),) + tuple(cells), problem))
            continue
        for v, (name_words, numbers) in seg:  # one by one: the table stage joins names
            cells, problem = _place(numbers, columns)
            items.append((v.top, (" ".join(w["text"] for w in name_words),) + tuple(cells), problem))
    return items


# --- the document ----------------------------------------------------------------


def _furniture_key(text):
    return re.sub(r"\d+", "#", norm(text))


def _page_items(words, ruled, name):
    """(top, kind, cells or text, problem) for everything on one page, in reading order."""
    pool = list(words)
    items = []
    for table in ruled:
        for top, cells in _ruled_rows(table, pool):
            items.append((top, "row", cells, None))
    vlines = _printed_lines(pool)
    i = 0
    while i < len(vlines):
        if _is_header_vline(vlines[i], name):
            found = _unruled_table(vlines, i, name)
            if found:
                table_items, i = found
                items += [(top, "row", cells, problem) for top, cells, problem in table_items]
                continue
        items.append((vlines[i].top, "prose", vlines[i].text, None))
        i += 1
    items.sort(key=lambda it: it[0])
    return items


def extract_pdf(path, name):
    """Lines of a PDF publication, numbered over the whole document; each knows its page."""
    _check_file(path, name)
    pages = _read_pages(path, name)
    per_page = [(number, _page_items(words, ruled, name)) for number, words, ruled in pages]
    # text printed outside the tables on several pages: a running title, a page number
    seen = Counter()
    for _, items in per_page:
        seen.update({_furniture_key(text) for _, kind, text, _ in items if kind == "prose"})
    lines, n = [], 0
    for page, items in per_page:
        for _, kind, content, problem in items:
            n += 1
            if kind == "prose":
                text = re.sub(r"\s+", " ", content).strip()
                cells = ("",) if seen[_furniture_key(text)] > 1 else (text,)
            else:
                cells = tuple(re.sub(r"\s+", " ", c).strip() for c in content)
                text = "\t".join(cells)
            lines.append(Line(name, n, text, cells, problem, page=page))
    return lines
