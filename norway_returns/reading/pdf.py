"""Reader of a PDF: a publication's pages -> the same Lines the other readers give.

pdfplumber reads the words of each page with their positions (`page_words`, the one
place a page's words are made); this module lays them out as the TAB layout would:

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
  doubt the lines are given one by one, and the table stage joins the name. Which
  printed lines form the table is the walk of walker.py.
- Two tables side by side on one page (a landscape page of a typeset report): read one
  after the other, the page split at the gutter after the left header's Total label.

Header Lines have cells ("", label, ...), table rows (name, value, ...), the value
cells in the header's positions; an empty cell is "". Lines are numbered 1..N over
the whole document in reading order (top to bottom, page by page) and carry their
page, so that `raw/FILE.pdf:LINE` and corrections' line ranges point at them.
Lines repeated on several pages outside the tables (a running title, a page
number) keep their text for the prose but have an empty name cell, so that a
table continued over a page break does not read them as rows.

A file that cannot be read as a PDF with text raises BuildError naming it: no
pdfplumber or pdfminer exception leaves this module. A text layer that does not decode
to words (fonts without a mapping to characters) is refused saying so. A scanned page (no
word in its text layer, an image over most of it) is read by OCR (ocr.py) into the same
words, each with tesseract's confidence; its Lines carry their cells' confidences
(Line.confidence), so that the later stages treat the scan as damaged.
"""

import bisect
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..errors import BuildError
from .furniture import furniture, furniture_key
from .header import header_columns, is_header_text, is_label, is_table_header
from .layout import VLine, printed_lines, spans, split_row
from .lines import Line
from .ocr import OcrMissing, ocr_words
from .reader import Reader
from .vocabulary import norm, table_kind, total_labels
from .walker import FURNITURE, HEADER, OTHER, ROW, STOP, TITLE, TOTAL, Walk
from .wrapped import join_label, join_name

# A monthly publication has a handful of pages; far more is not one.
MAX_PAGES = 200
RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# Letters closer than this (a share of their size) make one word, where no space stands
# between them. pdfplumber's default, 3 points, joins the labels or numbers of two cells
# whose texts nearly touch (an HTML table printed with its default 1px padding); inside a
# word, letters stand at most a few hundredths of their size apart.
WORD_GAP = 0.1


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


def page_words(page):
    """The words of a pdfplumber page as every reader of positions takes them: dicts with
    text, x0, x1, top, bottom (points from the page's top left), the text NFKC-normalised
    (ligatures, odd spaces). The one place a page's words are made: a scanned page (no
    word in its text layer, an image over most of it) is read by OCR (ocr.py), whose words
    also carry tesseract's confidence (`conf`), and is read the same. A page with words is
    never OCR'd, nor one whose only image is a logo."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance_ratio=WORD_GAP)
    for w in words:
        w["text"] = unicodedata.normalize("NFKC", w["text"])
    words = [w for w in words if w["text"].strip()]
    if not words and is_scan(page):
        return ocr_words(page)
    if words and is_scan(page) and _ocr_layer(page):
        for w in words:  # a searchable scan: another OCR's text, damaged as any OCR's is
            w["ocr_layer"] = True
    return words


def words_by_ocr(page):
    """The words of a page, a scanned page's read by OCR even where it carries a text layer
    (another OCR's, which its sums contradicted)."""
    return ocr_words(page) if is_scan(page) else page_words(page)


# The font OCR programs (tesseract, ocrmypdf) set their invisible text in over a page image.
OCR_LAYER_FONTS = ("GlyphLessFont",)


def _ocr_layer(page):
    return any(any(f in c.get("fontname", "") for f in OCR_LAYER_FONTS) for c in page.chars[:200])


# A page is a scan where one image covers at least this share of it.
SCAN_SHARE = 0.5


def is_scan(page):
    """Whether an image covers most of a page (a scanner's page image; not a logo)."""
    area = float(page.width) * float(page.height)
    return any(max(0.0, float(i["x1"]) - float(i["x0"])) * max(0.0, float(i["bottom"]) - float(i["top"]))
               >= SCAN_SHARE * area for i in page.images) if area > 0 else False


def _ocr(vline):
    """Whether a printed line was read by OCR (its words carry a confidence)."""
    return any("conf" in w for w in vline.words)


def _conf(words):
    """The least of tesseract's confidences in the words of a cell; None where none was OCR'd."""
    confs = [w["conf"] for w in words if "conf" in w]
    return min(confs) if confs else None


def _read_pages(path, name, words_of=page_words):
    """[(page number, words, ruled tables)], every word's text NFKC-normalised (ligatures, spaces)."""
    import pdfplumber  # imported here: text-only builds do not need it

    pages = []
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise BuildError(name, None, f"{len(pdf.pages)} pages: too many for a monthly publication "
                                 f"(at most {MAX_PAGES})")
            for number, page in enumerate(pdf.pages, start=1):
                words = words_of(page)
                tables = []
                if page.edges:
                    for t in page.find_tables(RULED):
                        rows = [list(row.cells) for row in t.rows]
                        # one row is a table too: the Total row of a table that ends at the
                        # top of a page, in its own grid
                        if rows and max(len(r) for r in rows) >= 2:
                            tables.append(rows)
                pages.append((number, words, tables))
                page.close()
    except BuildError:
        raise
    except OcrMissing as e:
        raise BuildError(name, None, f"a page is a scan, to be read by OCR, and {e}") from None
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
    _decodes(pages, name)
    return pages


# A text layer that decodes to words is mostly letters and digits; one whose fonts carry
# no mapping to characters reads as punctuation, control codes or pdfminer's "(cid:N)".
UNDECODED = re.compile(r"\(cid:\d+\)")
DECODED_SHARE = 0.6
DECODED_FROM = 40  # characters: fewer say too little either way


def _decodes(pages, name):
    """Stop where the text layer does not decode to words, saying so (not "no table found")."""
    text = " ".join(w["text"] for _, words, _ in pages for w in words)
    lost = len(UNDECODED.findall(text))
    chars = [ch for ch in UNDECODED.sub("", text) if not ch.isspace()]
    total = len(chars) + lost
    if total < DECODED_FROM:
        return
    good = sum(ch.isalnum() and ch.isprintable() for ch in chars)
    if good < DECODED_SHARE * total:
        sample = " ".join(w["text"] for w in pages[0][1][:6])[:40] if pages[0][1] else ""
        raise BuildError(name, None, f"the PDF's text layer does not decode to words (it reads {sample!r}: "
                         f"{100 * good // total}% letters and digits; its fonts carry no mapping to the "
                         "characters, as when a document is printed through PostScript): OCR the document "
                         "(e.g. `ocrmypdf --force-ocr`) and add the OCR'd PDF")


# --- printed lines ---------------------------------------------------------------


def _inside(word, bbox):
    x0, top, x1, bottom = bbox
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _cell_text(words, name=False):
    lines = [l.text for l in printed_lines(words)] if words else []
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
        cells, confs = [], []
        for j, bbox in enumerate(row):
            if bbox is None:
                cells.append("")
                confs.append(None)
                continue
            mine = [w for w in inside if id(w) not in used and _inside(w, bbox)]
            used.update(id(w) for w in mine)
            cells.append(_cell_text(mine, name=(j == 0)))
            confs.append(_conf(mine))
        if any(cells):
            rows.append((top, tuple(cells), tuple(confs)))
    pool[:] = [w for w in pool if id(w) not in used]
    return rows


def _grid_agrees(rows):
    """Whether the cells a grid of lines makes are a table's cells: a header row of known
    labels, rows of one number (or none) per cell. Lines that are not a table's rules
    (shading of banded rows, a rule under some columns only) make cells that hold two
    numbers, or half a label; such a page is read by where its words stand."""
    for _, cells, _ in rows:
        values = [c for c in cells[1:] if c]
        if any(ch.isdigit() for c in values for ch in c):
            if any(len(c.split()) > 1 for c in values):
                return False
        elif any(not is_label(c) for c in values):
            return False
    return True


def _rows_beside(table, pool):
    """Whether a table's rows go on right above or below a grid of lines: then the lines
    are shading (filled rows, a row or two at a time), not the table's rules."""
    boxes = [c for row in table for c in row if c is not None]
    x0, x1 = min(b[0] for b in boxes), max(b[2] for b in boxes)
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    height = statistics.median(max(c[3] for c in row if c) - min(c[1] for c in row if c)
                               for row in table if any(row))
    # a word beside the grid by its centre: a row's box may overlap the grid's edge by a hair
    near = [w for w in pool if x0 <= (w["x0"] + w["x1"]) / 2 <= x1
            and (bottom <= (w["top"] + w["bottom"]) / 2 < bottom + 1.5 * height
                 or top - 1.5 * height < (w["top"] + w["bottom"]) / 2 <= top)]
    for v in printed_lines(near) if near else []:
        split = split_row(v)
        if split and split[1]:
            return True
    return False


# --- tables without rules --------------------------------------------------------


def _apart(span, label):
    """How far a span of numbers stands from a label: (gap between them, distance of centres)."""
    _, x0, x1 = label
    gap = max(0.0, x0 - span[1], span[0] - x1)
    return gap, abs((x0 + x1) / 2 - (span[0] + span[1]) / 2)


class Columns:
    """An unruled table's columns: named by the header's labels, placed where its numbers stand.

    One span of numbers per label: each label takes the span of numbers standing under
    it (in order where there are as many spans as labels, else the nearest); a label
    with no numbers under it keeps its own extent. A number belongs to the column whose
    span holds it, the boundaries lying halfway between neighbouring columns.
    """

    def __init__(self, labels, numbers=()):
        found = spans(numbers)
        if found and len(found) == len(labels):
            placed = [(l, x0, x1) for (l, _, _), (x0, x1) in zip(labels, found)]
        else:
            mine = {k: [] for k in range(len(labels))}
            for span in found:
                mine[min(range(len(labels)), key=lambda k: _apart(span, labels[k]))].append(span)
            placed = [(l, min(s[0] for s in mine[k]), max(s[1] for s in mine[k])) if mine[k] else (l, x0, x1)
                      for k, (l, x0, x1) in enumerate(labels)]
        self.labels = [l for l, _, _ in placed]
        self.spans = [(x0, x1) for _, x0, x1 in placed]
        self.bounds = [(placed[k][2] + placed[k + 1][1]) / 2 for k in range(len(placed) - 1)]

    def __len__(self):
        return len(self.labels)

    def index(self, word):
        centre = (word["x0"] + word["x1"]) / 2
        return sum(centre > b for b in self.bounds)


def _place(numbers, columns):
    """Number words -> value cells in the header's positions, their OCR confidences (_conf), and
    a problem if two share a column."""
    cells, problem, mine = [""] * len(columns), None, [[] for _ in range(len(columns))]
    for w in numbers:
        k = columns.index(w)
        mine[k].append(w)
        if cells[k] and "conf" not in w:  # read by OCR: a damaged cell, for the sums to settle
            problem = problem or (f"two numbers in the {columns.labels[k]!r} column: {cells[k]!r} and "
                                  f"{w['text']!r}")
            cells[k] += " " + w["text"]
        elif cells[k]:
            cells[k] += " " + w["text"]
        else:
            cells[k] = w["text"]
    return cells, [_conf(m) for m in mine], problem


@dataclass
class Item:
    """Something printed on a page: a printed line (`vline`), or a row of a ruled table (`cells`)."""

    page: int
    top: float
    vline: VLine | None = None
    cells: tuple | None = None
    furniture: bool = False
    confs: tuple | None = None  # a ruled row's cells' OCR confidences


def _header_block(seq, start, name):
    """The header lines of an unruled table from seq[start]: (block of VLines, index after it)."""
    block, j = [], start
    while j < len(seq) and seq[j].vline and not seq[j].furniture and seq[j].page == seq[start].page \
            and is_header_text(seq[j].vline.text, _ocr(seq[j].vline)):
        v = seq[j].vline
        if block and v.top - block[-1].bottom > 2 * max(block[-1].height, 1):
            break
        block.append(v)
        j += 1
    return block, j


class _PageWalk(Walk):
    """An unruled table's walk over the printed lines of the pages (walker.py): what is its
    header, its rows, and what is only furniture or its title repeated at a page's head."""

    other_ends = True  # a line that is no row (prose below the table) ends it
    title_after_rows_ends = True  # a title below rows on the same page: the next table

    def __init__(self, seq, name):
        super().__init__(len(seq))
        self.seq, self.name = seq, name
        self.body, self.ends, self.labels = [], [], {}  # ends: where each entry ends in seq

    def what(self, k):
        it = self.seq[k]
        if it.furniture:
            return FURNITURE
        if it.vline is None:
            return STOP  # a ruled table
        v = it.vline
        if table_kind(v.text, _ocr(v)):
            return TITLE
        if is_header_text(v.text, _ocr(v)):
            return HEADER
        split = split_row(v)
        if split is None:
            return OTHER
        if split[0] and norm(" ".join(w["text"] for w in split[0])) in total_labels():
            return TOTAL
        return ROW

    def page(self, k):
        return self.seq[k].page

    def header_end(self, k):
        block, after = _header_block(self.seq, k, self.name)
        labels = header_columns(block)
        if not is_table_header([l for l, _, _ in labels]):
            return None
        self.labels[k] = labels
        return after

    def too_far(self, k, rows):
        """A page footer, or text below the table: farther below the last row than the row pitch."""
        lines = [(self.seq[r].vline, split_row(self.seq[r].vline)) for r in rows]
        return self.seq[k].vline.top - lines[-1][0].top > 1.8 * _pitch(lines)

    def header(self, first, end):
        self.body.append(("header", self.seq[first], self.labels[first]))
        self.ends.append(end)

    def _other(self, k):
        self.body.append(("other", self.seq[k], None))
        self.ends.append(k + 1)

    def title(self, k):
        self._other(k)  # the title repeated at the head of a page

    def skipped(self, k, what):
        self._other(k)  # page furniture

    def row(self, k):
        self.body.append(("row", self.seq[k], split_row(self.seq[k].vline)))
        self.ends.append(k + 1)

    def total(self, k):
        self.row(k)
        return None


def _unruled_table(seq, start, name):
    """A header at seq[start]: (out items, index after the table) or None if it is no table header.

    The table runs to its Total row, over page breaks: on a following page, under its
    header repeated or not, past page furniture and a repeated title. Its columns are
    found from the header's labels and where the numbers stand (Columns), for each run
    of rows under one header.
    """
    block, j = _header_block(seq, start, name)
    labels = header_columns(block)
    if not is_table_header([l for l, _, _ in labels]):
        return None
    # a table header is followed by rows: maybe the first lines of a wrapped name, then numbers
    ahead = [it for it in seq[j:j + 8] if not it.furniture][:4]
    for it in ahead:
        split = split_row(it.vline) if it.vline else None
        if split is None:
            return None
        if split[1]:
            break
    else:
        return None

    # the body: ("header", first item, labels), ("row", item, split), ("other", item)
    walk = _PageWalk(seq, name)
    walk.walk(start)
    body, ends = walk.body, walk.ends
    while body[-1][0] == "other":  # furniture or a title after the last row is not the table's
        body.pop()
        ends.pop()
    k = ends[-1]

    out, columns, run = [], None, []

    def flush():
        if run:
            for page_rows in _by_page(run):
                out.extend((page, "row", cells, problem, confs) for page, cells, problem, confs
                           in _rows(page_rows, columns))
            run.clear()

    for n, (what, it, extra) in enumerate(body):
        if what == "header":
            flush()
            numbers = []
            for what2, _, split in body[n + 1:]:
                if what2 == "header":
                    break
                if what2 == "row":
                    numbers += split[1]
            columns = Columns(extra, numbers)
            out.append((it.page, "row", ("",) + tuple(l for l, _, _ in extra), None, None))
        elif what == "row":
            run.append((it, extra))
        else:
            flush()
            out.append((it.page, "furniture" if it.furniture else "prose", it.vline.text, None,
                        (_conf(it.vline.words),)))
    flush()
    return out, k


def _by_page(run):
    pages = {}
    for it, split in run:
        pages.setdefault(it.page, []).append((it, split))
    return list(pages.values())


def _pitch(body):
    """The distance between the tops of consecutive printed lines that hold numbers."""
    tops = [v.top for v, (_, numbers) in body if numbers]
    gaps = [b - a for a, b in zip(tops, tops[1:]) if b > a]
    return statistics.median(gaps) if len(gaps) >= 2 else max(gaps + [2 * body[-1][0].height])


def _rows(run, columns):
    """Printed lines of one page of a table body, [(item, split)] -> [(page, cells, problem,
    confidences)], each wrapped name joined with its numbers."""
    body = [(it.vline, split) for it, split in run]
    page = run[0][0].page
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
            cells, confs, problem = _place(numbers, columns)
            name_conf = _conf([w for s in seg for w in s[1][0]])
            items.append((page, (join_name(names),) + tuple(cells), problem, (name_conf, *confs)))
            continue
        for v, (name_words, numbers) in seg:  # one by one: the table stage joins names
            cells, confs, problem = _place(numbers, columns)
            items.append((page, (" ".join(w["text"] for w in name_words),) + tuple(cells), problem,
                          (_conf(name_words), *confs)))
    return items


# --- the document ----------------------------------------------------------------


def _side_by_side(vlines):
    """A page's printed lines as [above, left, right, below] where two tables stand side by
    side (both headers on one printed line, each with its Total label), else None.

    The gutter is where the left header's Total label ends and the right table begins;
    the tables run over every printed line next to that header that no word crosses the
    gutter on (a heading or a paragraph across the page does)."""
    for h, v in enumerate(vlines):
        totals = [k for k, w in enumerate(v.words) if norm(w["text"]) in total_labels()]
        if len(totals) < 2 or not is_header_text(v.text) or totals[0] + 1 >= len(v.words):
            continue
        gutter = (v.words[totals[0]]["x1"] + v.words[totals[0] + 1]["x0"]) / 2

        def crosses(line):
            return any(w["x0"] < gutter < w["x1"] for w in line.words)

        top = h
        while top > 0 and not crosses(vlines[top - 1]):
            top -= 1
        end = h + 1
        while end < len(vlines) and not crosses(vlines[end]):
            end += 1
        region = [w for line in vlines[top:end] for w in line.words]
        left = [w for w in region if w["x1"] <= gutter]
        right = [w for w in region if w["x0"] >= gutter]
        if not left or not right:
            continue
        return [vlines[:top], printed_lines(left), printed_lines(right), vlines[end:]]
    return None


def _mark_furniture(seq):
    """Page furniture (furniture.py) among the printed lines of the pages."""
    pages = {}
    for it in seq:
        if it.vline:
            pages.setdefault(it.page, []).append(it)
    items = list(pages.values())
    shown = []
    for page in items:
        rows = [split_row(it.vline) for it in page]
        shown.append([(it.vline.text, " ".join(w["text"] for w in r[0]) if r else None)
                      for it, r in zip(page, rows)])
    for p, k in furniture(shown):
        items[p][k].furniture = True


def _document_items(pages, name):
    """(page, kind, cells or text, problem) for everything in the document, in reading order."""
    seq = []
    for number, words, ruled in pages:
        pool, items = list(words), []
        for table in ruled:
            mine = list(pool)
            rows = _ruled_rows(table, mine)
            if _grid_agrees(rows) and not _rows_beside(table, mine):
                pool = mine
                items += [Item(number, top, cells=cells, confs=confs) for top, cells, confs in rows]
        columns = _side_by_side(printed_lines(pool))
        if columns:  # tables side by side: the lines above them, the left column, the right one, the lines below
            above, *rest = columns
            seq += sorted(items + [Item(number, v.top, vline=v) for v in above], key=lambda it: it.top)
            for group in rest:
                seq += [Item(number, v.top, vline=v) for v in group]
            continue
        items += [Item(number, v.top, vline=v) for v in printed_lines(pool)]
        seq += sorted(items, key=lambda it: it.top)
    _mark_furniture(seq)
    out, i = [], 0
    while i < len(seq):
        it = seq[i]
        if it.cells is not None:
            out.append((it.page, "row", it.cells, None, it.confs))
            i += 1
            continue
        if not it.furniture and is_header_text(it.vline.text, _ocr(it.vline)):
            found = _unruled_table(seq, i, name)
            if found:
                items, i = found
                out += items
                continue
        out.append((it.page, "furniture" if it.furniture else "prose", it.vline.text, None,
                    (_conf(it.vline.words),)))
        i += 1
    return out


class PdfReader(Reader):
    """A PDF publication (pdfplumber). A subclass may make a page's words another way
    (`page_words`: OCR of a page without a text layer) and is read the same."""

    suffixes = (".pdf",)

    def page_words(self, page):
        return page_words(page)

    def read(self, path, name):
        return extract_pdf(path, name, self.page_words)


def extract_pdf(path, name, words_of=page_words):
    """Lines of a PDF publication, numbered over the whole document; each knows its page.
    words_of(page): the words of a pdfplumber page (page_words)."""
    _check_file(path, name)
    pages = _read_pages(path, name, words_of)
    items = _document_items(pages, name)
    scanned = {number for number, words, _ in pages if any("conf" in w or "ocr_layer" in w for w in words)}
    # prose printed on several pages outside the tables: a running title, a page number
    seen = Counter(furniture_key(text) for _, kind, text, _, _ in items if kind == "prose")
    lines = []
    for n, (page, kind, content, problem, confs) in enumerate(items, start=1):
        if kind == "row":
            cells = tuple(re.sub(r"\s+", " ", c).strip() for c in content)
            text = "\t".join(cells)
        else:
            text = re.sub(r"\s+", " ", content).strip()
            cells = ("",) if kind == "furniture" or seen[furniture_key(text)] > 1 else (text,)
        confidence = None
        if page in scanned:  # read by OCR: every line says so, with its cells' confidences
            confidence = tuple(confs) if confs and len(confs) == len(cells) else (None,) * len(cells)
        lines.append(Line(name, n, text, cells, problem, page=page, confidence=confidence))
    return lines
