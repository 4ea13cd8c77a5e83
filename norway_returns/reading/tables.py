"""Stage 3: lines -> the publication's two tables, by nationality and by destination.

A table starts at a header (its column labels, in either language, in any order,
maybe over several lines) and ends at its Total (Sum) row. Its kind is named by the
title on its pages. Repeated page headers and titles inside a table are skipped;
a country name wrapped over lines is joined again; the numbers of every line of a
wrapped name are kept as that row's readings, for the reconcile stage to choose
from when they differ.
"""

import re
from dataclasses import dataclass, field

from .countries import countries
from ..errors import BuildError
from .header import all_header_words, is_header_line, parse_header
from .ocr import LOW_CONFIDENCE
from .vocabulary import categories, norm, table_kind, total_labels
from .walker import BLANK, HEADER, ROW, TITLE, TOTAL, Walk

_INT = re.compile(r"[0-9]+")
POSITIONS_LOST = ("the table's cells have lost their positions (plain `pdftotext` without -layout prints a "
                  "column's numbers one after another and drops empty cells): extract the text with "
                  "`pdftotext -layout`, or add the PDF itself")
# numbers alone on their lines after a table's title: a column printed cell after cell
LONE_NUMBERS = 3  # ASCII digits only: OCR leaves look-alikes such as '۷'


@dataclass(frozen=True)
class Cell:
    text: str  # as printed (as OCR read it, on a scan)
    value: int | None  # None: empty, or unreadable (or read by OCR with low confidence)
    conf: float | None = None  # tesseract's confidence, where OCR read it

    @property
    def empty(self):
        return self.text == ""

    @property
    def readable(self):
        return self.empty or self.value is not None


def cell(text, conf=None):
    """A cell as printed; one OCR read with less than LOW_CONFIDENCE is damaged (no value),
    for the printed sums to decide."""
    value = int(text) if _INT.fullmatch(text) else None
    if conf is not None and conf < LOW_CONFIDENCE:
        value = None
    return Cell(text, value, conf)


@dataclass
class Reading:
    """The numbers one line prints for a row: category or 'total' -> Cell."""

    line: object
    cells: dict


@dataclass
class Row:
    printed: str  # the name as printed, joined again where it was wrapped
    code: str
    lines: list
    readings: list
    misread: str | None = None  # a scan's name OCR misread (printed): the name it nearly spells (_nearly)


@dataclass
class Table:
    file: str
    kind: str | None
    first_line: int
    columns: list  # category codes in printed order, then 'total'
    body: list = field(default_factory=list)  # Lines between header and Total row
    total: Reading | None = None
    notes: list = field(default_factory=list)  # (line, what was read around damage)
    titles: list = field(default_factory=list)  # (kind, line)
    headers: list = field(default_factory=list)  # (first line, columns) of each header read, repeated ones too

    @property
    def categories(self):
        return [c for c in self.columns if c != "total"]


def _header_block(lines, i):
    """The header lines starting at i (blank lines may stand between them), and the next index."""
    block, j = [], i
    while j < len(lines) and (is_header_line(lines[j]) or lines[j].is_blank):
        if not lines[j].is_blank:
            block.append(lines[j])
        j += 1
    return block, j


def reading(line, columns):
    values = line.cells[1:]
    if line.problem:
        raise BuildError(line.file, line.number, line.problem)
    if len(values) < len(columns) and line.page is None and "\t" not in line.text:
        raise BuildError(line.file, line.number, f"{len(values)} numbers for the {len(columns)} columns, and no "
                         f"spacing shows which cells are empty: {POSITIONS_LOST}")
    extra = [v for v in values[len(columns):] if v]
    if extra:
        raise BuildError(line.file, line.number, f"more cells than the {len(columns)} columns of the header: {extra}")
    values = list(values[: len(columns)]) + [""] * (len(columns) - len(values))
    confs = list(line.confidence[1:]) if line.confidence else []
    confs = confs[: len(columns)] + [None] * (len(columns) - len(confs))
    return Reading(line, {c: cell(v, k) for c, v, k in zip(columns, values, confs)})


def printed_in_period(table, period):
    """Stop at a table's header where it reads a category that the publication's period does
    not print (data/categories.yml: first_period, last_period): a misread header, not a column."""
    for line, columns in table.headers:
        for c in categories():
            if c["code"] not in columns:
                continue
            first, last = c.get("first_period"), c.get("last_period")
            if (first and period < first) or (last and period > last):
                when = (f"from {first} to {last}" if first and last else f"from {first}" if first
                        else f"until {last}")
                raise BuildError(line.file, line.number, f"the header reads a column {c['label_en']!r} "
                                 f"({c['code']}), a category printed only {when}, in a publication for "
                                 f"{period}: a misread header?")


def one_set_of_columns(table):
    """Stop at a header repeated inside a table that reads other columns than the table's own:
    they may stand in another order, but a column of its own would leave cells that no other
    row of the table has (checked after printed_in_period, which names a misread category)."""
    first, columns = table.headers[0]
    for line, repeated in table.headers[1:]:
        if set(repeated) != set(columns):
            raise BuildError(line.file, line.number, f"the header repeated here reads the columns "
                             f"{', '.join(repeated)}; the table's header at line {first.number} reads "
                             f"{', '.join(columns)}: one table, two sets of columns")


def _nearly(C, name):
    """The one country a misread name nearly spells (countries.read_as): (code, its name), or None."""
    found = C.read_as(name)
    return found[0] if len(found) == 1 else None


def find_tables(lines):
    """Every table of a document, each ending at its Total row.

    A table's title stands above it, or (a typesetter's caption) right below its Total
    row: where the first table has no title above it and a title follows it, every
    table's title is the one below it.
    """
    tables, titles, i, end = [], [], 0, None  # end: the index after the last table's Total row
    below = []  # per table: the titles that stand right after its Total row
    while i < len(lines):
        line = lines[i]
        kind = table_kind(line.text, line.scanned)
        if kind:
            # right below a table whose title was not above it: a caption below its table
            right_below = end is not None and not tables[0].titles and all(
                l.is_blank or not any(l.cells) or table_kind(l.text, l.scanned) for l in lines[end:i])
            titles.append((kind, line))
            if right_below:
                below[-1].append((kind, line))
            else:
                _positions_kept(lines, i + 1)
                _expect_header(lines, i + 1, kind, line)
            i += 1
            continue
        if not is_header_line(line):
            i += 1
            continue
        block, j = _header_block(lines, i)
        notes = []
        try:
            columns = parse_header(block, notes)
        except BuildError:
            # prose that merely looks like labels is not a table; a real header
            # is followed by rows, and then its error is the one to report
            if j < len(lines) and any(_INT.fullmatch(c) for c in lines[j].cells[1:]):
                raise
            i = j
            continue
        table = Table(line.file, None, line.number, columns, notes=notes, titles=titles, headers=[(line, columns)])
        i = end = _read_body(lines, i, table)
        tables.append(table)
        below.append([])
        titles = []
    if tables and not tables[0].titles and below[0]:  # captions below their tables
        for t, mine in zip(tables, below):
            t.titles[:] = [x for x in t.titles if x not in sum(below, [])] + mine
        titles = [x for x in titles if x not in below[-1]]
    if titles:
        kind, line = titles[0]
        raise BuildError(line.file, line.number, f"the title of the table by {kind} is not followed by a table")
    for t in tables:
        kinds = {k for k, _ in t.titles}
        if not kinds:
            raise BuildError(t.file, t.first_line, "table has no title saying 'by nationality' or 'by destination'")
        if len(kinds) > 1:
            line = t.titles[-1][1]
            raise BuildError(t.file, line.number, f"title says {t.titles[-1][0]}, but the table began as {t.titles[0][0]}")
        t.kind = kinds.pop()
    return tables


def _positions_kept(lines, i):
    """Stop where a table's numbers stand alone on their lines, without their row's name:
    a text that kept the cells but not where they stood (LONE_NUMBERS of them in a row)."""
    run = []
    while i < len(lines) and not table_kind(lines[i].text, lines[i].scanned):
        line = lines[i]
        if line.is_blank:
            i += 1
            continue
        lone = line.page is None and "\t" not in line.text and _INT.fullmatch(line.text.strip())
        run = run + [line] if lone else []
        if len(run) >= LONE_NUMBERS:
            raise BuildError(run[0].file, run[0].number, f"a number alone on its line, without its row: "
                             f"{POSITIONS_LOST}")
        if norm(line.cells[0]) in total_labels():
            return
        i += 1


def _expect_header(lines, i, kind, title):
    """A table's title is followed by its column header: say so where it is not."""
    while i < len(lines) and (lines[i].is_blank or not any(lines[i].cells)):
        i += 1  # blank, or page furniture (a PDF's running title, its page number)
    if i < len(lines) and not is_header_line(lines[i]) and not table_kind(lines[i].text, lines[i].scanned):
        line = lines[i]
        raise BuildError(line.file, line.number, f"expected the column header of the table by {kind} after its "
                         f"title (line {title.number}), found {line.text.strip()[:60]!r} (headers are read in "
                         "English and Norwegian: see data/categories.yml)")


class _Body(Walk):
    """A table's walk over Lines (walker.py): its rows, titles and repeated headers, to its Total row."""

    def __init__(self, lines, table, start):
        super().__init__(len(lines))
        self.lines, self.table, self.start, self.columns = lines, table, start, table.columns

    def what(self, k):
        line = self.lines[k]
        if line.is_blank:
            return BLANK
        if table_kind(line.text, line.scanned):
            return TITLE
        if is_header_line(line):
            return HEADER
        if norm(line.cells[0]) in total_labels():
            return TOTAL
        return ROW

    def header_end(self, k):
        return _header_block(self.lines, k)[1]

    def header(self, first, end):
        if first == self.start:
            return  # the table's own header, read by find_tables
        block = [l for l in self.lines[first:end] if not l.is_blank]  # the header repeated at the top of a page
        try:
            columns = parse_header(block, self.table.notes)
        except BuildError:
            if not (all_header_words(block) or all(l.scanned for l in block)):  # OCR: a misread repeat
                raise
            self.table.notes.append((block[0], "repeated page header is jumbled; the columns stay as before"))
            return
        if set(columns) != set(self.table.columns) and all(l.scanned for l in block):
            # OCR misread a label of the repeat: the table's columns stay (one_set_of_columns)
            self.table.notes.append((block[0], "repeated page header misread; the columns stay as before"))
            return
        self.columns = columns
        self.table.headers.append((block[0], self.columns))

    def title(self, k):
        self.table.titles.append((table_kind(self.lines[k].text, self.lines[k].scanned), self.lines[k]))

    def row(self, k):
        self.table.body.append((self.lines[k], self.columns))

    def total(self, k):
        line, table = self.lines[k], self.table
        total = reading(line, self.columns)
        if table.total and _values(table.total) != _values(total):
            raise BuildError(line.file, line.number, f"the Total row repeated at the foot of a page differs "
                             f"from the one at line {table.total.line.number}")
        table.total = total
        j = _footer_repeated(self.lines, k + 1, self.columns)
        if j is not None:  # the table goes on after a header repeated on the next page
            return j
        table.columns = self.columns
        return None


def _read_body(lines, start, table):
    """Rows up to and including the Total row of the table whose header begins at `start`;
    returns the index after it."""
    end, ended = _Body(lines, table, start).walk(start)
    if not ended:
        raise BuildError(table.file, table.first_line, "table ends without a Total (Sum) row")
    return end


def _values(reading):
    return {c: cell.text for c, cell in reading.cells.items()}


def _footer_repeated(lines, i, columns):
    """Where a table goes on after a Total row that is only its footer, repeated at the foot
    of each page (as a browser prints a table's footer): the index of the header repeated
    after it, with the same columns and no title between, else None."""
    while i < len(lines) and (lines[i].is_blank or not any(lines[i].cells)):
        if table_kind(lines[i].text, lines[i].scanned):
            return None  # a title: the next table
        i += 1  # blank, or page furniture
    if i >= len(lines) or not is_header_line(lines[i]):
        return None
    block, j = _header_block(lines, i)
    try:
        same = parse_header(block, []) == columns
    except BuildError:
        return None
    return i if same else None


def group_rows(table, skip=frozenset()):
    """Body lines -> Rows, joining wrapped names; lines in `skip` are left out."""
    C = countries()
    # lines with no cells (page furniture between a name's lines) are not rows
    body = [(l, cols) for l, cols in table.body if l.number not in skip and any(l.cells)]
    rows, i = [], 0
    while i < len(body):
        line, cols = body[i]
        has_numbers = any(line.cells[1:])
        name = line.cells[0]
        if not name:
            if has_numbers:
                raise BuildError(line.file, line.number, "numbers without a country name")
            i += 1
            continue
        best, texts, j = None, [name], i
        while True:
            for t in texts:
                if C.code(t):
                    best = (j, t)
            # the name's next line, past a line of numbers only (numbers set beside the
            # middle of a name wrapped over lines)
            k = j + 1
            while k < len(body) and not body[k][0].cells[0] and any(body[k][0].cells[1:]):
                k += 1
            nxt = body[k][0].cells[0] if k < len(body) else ""
            prefixes = [t for t in texts if C.is_prefix(t)]
            if not nxt or not prefixes or norm(nxt) in total_labels():
                break
            texts = [joined for t in prefixes for joined in C.joins(t, nxt)]
            j = k
        misread = code = None
        if best is None and line.scanned:
            nearly = _nearly(C, name)
            if nearly:
                best, (code, misread) = (i, name), nearly
        if best is None:
            hint = C.suggest(name)
            hint = f" (close to: {', '.join(hint)}; add the spelling to data/countries.yml if it is one of them)" if hint else ""
            raise BuildError(line.file, line.number, f"unknown country name {name!r}{hint}")
        j, printed = best
        group = body[i : j + 1]
        readings = [reading(l, c) for l, c in group if any(l.cells[1:])]
        if not readings:
            raise BuildError(line.file, line.number, f"no numbers for {printed!r}")
        rows.append(Row(re.sub(r"\s+", " ", printed), code or C.code(printed), [l for l, _ in group], readings,
                        misread))
        i = j + 1
    return rows
