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
from .vocabulary import CONNECTING_WORDS, header_phrases, header_words, norm, table_kind, total_labels

_INT = re.compile(r"[0-9]+")  # ASCII digits only: OCR leaves look-alikes such as '۷'
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Cell:
    text: str  # as printed
    value: int | None  # None: empty, or unreadable

    @property
    def empty(self):
        return self.text == ""

    @property
    def readable(self):
        return self.empty or self.value is not None


def cell(text):
    return Cell(text, int(text) if _INT.fullmatch(text) else None)


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

    @property
    def categories(self):
        return [c for c in self.columns if c != "total"]


def _words(text):
    return _WORD.findall(norm(text))


def is_header_line(line):
    """A line of column labels: no digits, and mostly words of the header vocabulary."""
    if line.is_blank or any(ch.isdigit() for ch in line.text):
        return False
    words = [w for w in _words(line.text) if w not in CONNECTING_WORDS]  # "and", "og": names have them too
    known = sum(w in header_words() for w in words)
    return bool(words) and known * 2 >= len(words) and known > 0


def _scan_phrases(text, line):
    """Header text read left to right -> category codes (space-aligned layout)."""
    words, codes, i = norm(text).split(), [], 0
    phrases = header_phrases()
    while i < len(words):
        for j in range(len(words), i, -1):
            code = phrases.get(" ".join(words[i:j]))
            if code:
                codes.append(code)
                i = j
                break
        else:
            raise BuildError(line.file, line.number, f"unknown column header {words[i]!r}")
    return codes


def _fragment_codes(fragment):
    """Categories whose header contains `fragment` as whole words ('stay or entry')."""
    f = f" {norm(fragment)} "
    return {code for phrase, code in header_phrases().items() if f in f" {phrase} "}


def _resolve_column(fragments, notes):
    """One column's header fragments (line, text) -> its category code."""
    phrases = header_phrases()
    joined = norm(" ".join(t for _, t in fragments))
    if joined in phrases:
        return phrases[joined]
    full = {phrases[norm(t)] for _, t in fragments if norm(t) in phrases}
    if len(full) == 1:
        code = full.pop()
    else:
        partial = [_fragment_codes(t) for _, t in fragments]
        common = set.intersection(*partial) if partial and all(partial) else set()
        if len(common) != 1:
            line, text = next(((l, t) for l, t in fragments if norm(t) not in phrases), fragments[0])
            raise BuildError(line.file, line.number, f"unknown column header {text!r}")
        code = common.pop()
    for line, text in fragments:
        if norm(text) not in phrases and code not in _fragment_codes(text):
            notes.append((line, f"header cell {text!r} not read; the column is {code}, by its other header lines"))
    return code


def parse_header(block, notes):
    """Header lines -> column codes. TAB layouts keep columns; space layouts keep order."""
    tabbed = any(len(l.cells) > 1 for l in block)
    if not tabbed:
        codes = _scan_phrases(" ".join(l.text for l in block), block[0])
    else:
        if any(l.cells[0] for l in block):
            line = next(l for l in block if l.cells[0])
            raise BuildError(line.file, line.number, f"header text {line.cells[0]!r} stands in the name column")
        width = max(len(l.cells) for l in block)
        codes = []
        for p in range(1, width):
            fragments = [(l, l.cells[p]) for l in block if p < len(l.cells) and l.cells[p]]
            if fragments:
                codes.append(_resolve_column(fragments, notes))
    line = block[0]
    for code in set(codes):
        if codes.count(code) > 1:
            raise BuildError(line.file, line.number, f"column {code} appears twice in the header")
    if "total" not in codes:
        raise BuildError(line.file, line.number, "the header has no Total (Sum) column")
    if codes[-1] != "total":
        raise BuildError(line.file, line.number, "the Total (Sum) column is not the last")
    if len(codes) < 2:
        raise BuildError(line.file, line.number, "the header names no category")
    return codes


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
    extra = [v for v in values[len(columns):] if v]
    if extra:
        raise BuildError(line.file, line.number, f"more cells than the {len(columns)} columns of the header: {extra}")
    values = list(values[: len(columns)]) + [""] * (len(columns) - len(values))
    return Reading(line, {c: cell(v) for c, v in zip(columns, values)})


def find_tables(lines):
    """Every table of a document, each ending at its Total row."""
    tables, titles, i = [], [], 0
    while i < len(lines):
        line = lines[i]
        kind = table_kind(line.text)
        if kind:
            titles.append((kind, line))
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
        table = Table(line.file, None, line.number, columns, notes=notes, titles=titles)
        i = _read_body(lines, j, table)
        tables.append(table)
        titles = []
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


def _expect_header(lines, i, kind, title):
    """A table's title is followed by its column header: say so where it is not."""
    while i < len(lines) and lines[i].is_blank:
        i += 1
    if i < len(lines) and not is_header_line(lines[i]) and not table_kind(lines[i].text):
        line = lines[i]
        raise BuildError(line.file, line.number, f"expected the column header of the table by {kind} after its "
                         f"title (line {title.number}), found {line.text.strip()[:60]!r} (headers are read in "
                         "English and Norwegian: see data/categories.yml)")


def _read_body(lines, i, table):
    """Rows up to and including the Total row; returns the index after it."""
    columns = table.columns
    while i < len(lines):
        line = lines[i]
        if line.is_blank:
            i += 1
            continue
        kind = table_kind(line.text)
        if kind:
            table.titles.append((kind, line))
            i += 1
            continue
        if is_header_line(line):  # the header repeated at the top of a page
            block, j = _header_block(lines, i)
            try:
                columns = parse_header(block, table.notes)
            except BuildError:
                if not all(w in header_words() for l in block for w in _words(l.text)):
                    raise
                table.notes.append((line, "repeated page header is jumbled; the columns stay as before"))
            i = j
            continue
        if norm(line.cells[0]) in total_labels():
            table.total = reading(line, columns)
            table.columns = columns
            return i + 1
        table.body.append((line, columns))
        i += 1
    raise BuildError(table.file, table.first_line, "table ends without a Total (Sum) row")


def group_rows(table, skip=frozenset()):
    """Body lines -> Rows, joining wrapped names; lines in `skip` are left out."""
    C = countries()
    body = [(l, cols) for l, cols in table.body if l.number not in skip]
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
            nxt = body[j + 1][0].cells[0] if j + 1 < len(body) else ""
            prefixes = [t for t in texts if C.is_prefix(t)]
            if not nxt or not prefixes or norm(nxt) in total_labels():
                break
            texts = [joined for t in prefixes for joined in C.joins(t, nxt)]
            j += 1
        if best is None:
            hint = C.suggest(name)
            hint = f" (close to: {', '.join(hint)}; add the spelling to data/countries.yml if it is one of them)" if hint else ""
            raise BuildError(line.file, line.number, f"unknown country name {name!r}{hint}")
        j, printed = best
        group = body[i : j + 1]
        readings = [reading(l, c) for l, c in group if any(l.cells[1:])]
        if not readings:
            raise BuildError(line.file, line.number, f"no numbers for {printed!r}")
        rows.append(Row(re.sub(r"\s+", " ", printed), C.code(printed), [l for l, _ in group], readings))
        i = j + 1
    return rows
