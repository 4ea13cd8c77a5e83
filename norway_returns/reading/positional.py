"""Stage 2, text: tables whose cells stand in columns by character position.

This is how `pdftotext -layout` prints a PDF's table: each cell where it stood on the
page, cells apart by runs of spaces, numbers right-aligned (or centred) in their
columns, an empty cell as nothing but spaces, and a column label wrapped over several
lines printed as a stack of words over its column. A page break is a form feed.

A table is read as a PDF's table without rules is (pdf.py), with characters for
points: the header's words are grouped into labels by where they stand, and the
columns are where the numbers stand over the rows under that header (numbers of one
column overlap one another). `pdftotext -layout` lays out every page on its own, so a
page whose header is not repeated is read by the proportions of the last header's
columns, measured from the left margin to the Total column (the rightmost, as every
row has a Total). Lines at the head or foot of a page that recur on other pages (a
running title, "Page 2 of 5") are page furniture: no cells.
"""

import re

from .furniture import furniture as page_furniture
from .header import header_columns, is_header_text
from . import layout
from .layout import VLine
from .vocabulary import norm, total_labels
from .walker import BLANK, FURNITURE, HEADER, ROW, TOTAL, Walk

_TOKEN = re.compile(r"\S+")
# a cell of a number column: digits, maybe with a stray point or mark
_NUMBER = re.compile(r"[0-9][0-9.,]*|[^\w\s]")
_LETTER = re.compile(r"[^\W\d_]")
LINE_HEIGHT = 10  # a text line as points, for pdf.py's grouping of header words


def _words(text, row):
    """Tokens of a line as pdf.py's words: x0/x1 in characters, top from the line's index."""
    return [dict(text=m.group(), x0=float(m.start()), x1=float(m.end()), top=float(row * LINE_HEIGHT),
                 bottom=float(row * LINE_HEIGHT + LINE_HEIGHT - 2)) for m in _TOKEN.finditer(text)]


def row_shape(text):
    """(name, number words) of a line that reads as a table row (leading words, then only
    numbers), else None. Either part may be empty."""
    words = _words(text, 0)
    k = 0
    while k < len(words) and _LETTER.search(words[k]["text"]):
        k += 1
    rest = words[k:]
    if any(not _NUMBER.fullmatch(w["text"]) for w in rest):
        return None
    return " ".join(w["text"] for w in words[:k]), rest


def is_positional(texts):
    """Whether rows stand in columns by position: cells apart by two or more spaces.

    The space-aligned layout of extract.py separates cells by one space (and shows an
    empty cell as two more); in a layout by position a single space between two
    cells is rare. Most rows decide.
    """
    rows = [r for r in map(row_shape, texts) if r and r[1]]
    if not rows:
        return False
    wide = 0
    for text, (name, numbers) in zip(texts, rows):
        starts = [w["x0"] for w in numbers]
        ends = [w["x1"] for w in numbers]
        gaps = [b - a for a, b in zip(ends, starts[1:])]
        if name:
            gaps.append(numbers[0]["x0"] - len(text) + len(text.lstrip()) - len(name))
        wide += all(g >= 2 for g in gaps)
    return wide * 5 >= len(rows) * 4


def furniture(texts, page_starts):
    """Indexes of lines that are page furniture (furniture.py); a table's header or row is
    never furniture."""
    bounds = sorted(set([0] + list(page_starts) + [len(texts)]))
    pages = [[k for k in range(a, b) if texts[k].strip()] for a, b in zip(bounds, bounds[1:])]
    shown = []
    for page in pages:
        shapes = [row_shape(texts[k]) for k in page]
        shown.append([(texts[k], shape[0] if shape else None) for k, shape in zip(page, shapes)])
    return {pages[p][k] for p, k in page_furniture(shown)}


def _gap(a, b):
    """How far apart two spans stand (0 where they overlap), their centres breaking ties."""
    return max(0.0, b[0] - a[1], a[0] - b[1]) + 0.01 * abs((a[0] + a[1]) / 2 - (b[0] + b[1]) / 2)


def align(items, columns):
    """Spans -> the column index of each, in order (the k-th item stands left of the
    (k+1)-th, and so do their columns), nearest in all: None where there are more items
    than columns. `pdftotext -layout` shifts a line's cells by a few characters now and
    then; their order is what it keeps."""
    n, m = len(items), len(columns)
    if n > m:
        return None
    inf = float("inf")
    # cost[i][j]: the first i items in the first j columns
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    take = [[False] * (m + 1) for _ in range(n + 1)]
    cost[0] = [0.0] * (m + 1)
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            skip, use = cost[i][j - 1], cost[i - 1][j - 1] + _gap(items[i - 1], columns[j - 1])
            cost[i][j], take[i][j] = (use, True) if use <= skip else (skip, False)
    out, i, j = [], n, m
    while i:
        if take[i][j]:
            out.append(j - 1)
            i -= 1
        j -= 1
    return out[::-1]


def _strongest(spans, counts, keep):
    """The `keep` spans that hold the most numbers (the widest among equals), in order."""
    ranked = sorted(range(len(spans)), key=lambda k: (-counts[k], -(spans[k][1] - spans[k][0])))
    return [spans[k] for k in sorted(ranked[:keep])]


def column_spans(numbers, reference):
    """Where this segment's columns stand: one span per column of `reference` (spans
    where the columns are expected). Spans of numbers that hold too few to be a column
    (a line shifted by the layout) are left out; a column with no numbers keeps its
    reference."""
    spans = layout.spans(numbers)
    counts = [sum(1 for w in numbers if a <= w["x0"] and w["x1"] <= b) for a, b in spans]
    spans = _strongest(spans, counts, len(reference))
    at = align(spans, reference) or []
    out = list(reference)
    for span, k in zip(spans, at):
        out[k] = span
    return out


class TextColumns:
    """A table's columns in a text laid out by position: labels and where each stands."""

    def __init__(self, labels, spans):
        self.labels, self.spans = labels, spans

    def place(self, numbers):
        """Number words -> value cells, and a problem where they cannot all have a column."""
        spans = [(w["x0"], w["x1"]) for w in numbers]
        at = align(spans, self.spans)
        if at is None:
            return [""] * len(self.labels), (f"{len(numbers)} numbers for the {len(self.labels)} columns of "
                                             "the header")
        cells = [""] * len(self.labels)
        for w, k in zip(numbers, at):
            cells[k] = w["text"]
        return cells, None

    def scaled(self, numbers):
        """The columns of a page without a header, where this page's numbers put them:
        these columns in proportion, the Total column (the rightmost) at its numbers."""
        spans = layout.spans(numbers)
        right = (spans[-1][0] + spans[-1][1]) / 2 if spans else None
        ref = (self.spans[-1][0] + self.spans[-1][1]) / 2
        scale = right / ref if right and ref else 1.0
        expected = [(a * scale, b * scale) for a, b in self.spans]
        return TextColumns(self.labels, column_spans(numbers, expected))


class TextWalk(Walk):
    """A table's walk over the lines of a text (walker.py): its header blocks, and its rows in
    segments, one under each header and one for each page (a form feed) without one."""

    def __init__(self, texts, page_starts=(), furn=frozenset()):
        super().__init__(len(texts))
        self.texts, self.starts, self.furn = texts, set(page_starts), furn
        # segments: a header block (or a page break) and the rows under it
        self.segments, self.current, self.new_page = [], None, False

    def what(self, k):
        t = self.texts[k]
        if k in self.furn:
            return FURNITURE
        if not t.strip():
            return BLANK
        if is_header_text(t):
            return HEADER
        if is_total_row(t):
            return TOTAL
        return ROW

    def header_end(self, k):
        while k < self.n and (is_header_text(self.texts[k]) or not self.texts[k].strip()) and k not in self.furn:
            k += 1
        return k

    def header(self, first, end):
        block = [k for k in range(first, end) if self.texts[k].strip()]
        self.current, self.new_page = dict(header=block, rows=[]), False
        self.segments.append(self.current)

    def skipped(self, k, what):
        self.new_page = self.new_page or k in self.starts

    def row(self, k):
        self.new_page = self.new_page or k in self.starts
        shape = row_shape(self.texts[k])
        if shape is None:
            return  # prose among the rows: a title repeated, a stray line
        if self.new_page or self.current is None:
            self.current, self.new_page = dict(header=None, rows=[]), False
            self.segments.append(self.current)
        self.current["rows"].append((k, shape))

    def total(self, k):
        self.row(k)
        return None


def read_table(texts, page_starts, furn):
    """Cells for each line of one table's lines (header to Total row) laid out by position.

    page_starts, furn: the indexes of lines that begin a page, and of page furniture.
    Returns [(cells or None, problem)] per line: None keeps the line as it is (blank,
    title, prose); furniture gets ("",).
    """
    out = [(None, None)] * len(texts)
    for k in furn:
        out[k] = (("",), None)
    walk = TextWalk(texts, page_starts, furn)
    walk.walk(0)
    segments = walk.segments
    columns = None
    for seg in segments:
        numbers = [w for _, (_, nums) in seg["rows"] for w in nums]
        if seg["header"]:
            vlines = [VLine(_words(texts[i], n)) for n, i in enumerate(seg["header"])]
            labels = header_columns(vlines)
            columns = TextColumns([l for l, _, _ in labels], column_spans(numbers, [(a, b) for _, a, b in labels]))
            out[seg["header"][0]] = (("",) + tuple(columns.labels), None)
            for i in seg["header"][1:]:
                out[i] = (("",), None)
        elif columns is not None and numbers:
            columns = columns.scaled(numbers)
        if columns is None:
            continue
        for i, (name, nums) in seg["rows"]:
            cells, problem = columns.place(nums)
            out[i] = ((name,) + tuple(cells), problem)
    return out


def is_total_row(text):
    shape = row_shape(text)
    return bool(shape and shape[1] and norm(shape[0]) in total_labels())
