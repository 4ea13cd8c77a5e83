"""Reader of a text publication: lines of cells, each line keeping its number in the file.

Three text layouts are read:
- TAB-separated: a cell per field, an empty cell is an empty field.
- space-aligned: cells separated by one space; an empty cell shows as two extra
  spaces, so a run of 1 + 2k spaces between two cells holds k empty cells. The
  leading words that are not numbers form the first cell (the country name).
- by position (`pdftotext -layout`): positional.py.
"""

import codecs
import re
import unicodedata

from ..errors import BuildError
from . import positional
from .header import is_header_text
from .lines import Line
from .reader import Reader

# A token that stands in a number column of the space-aligned layout: digits, maybe
# with a stray point ("2."), or a lone non-letter left by extraction.
_NUMBER_TOKEN = re.compile(r"[0-9][0-9.,]*|[^\w\s]")


def split_tabbed(text):
    return tuple(c.strip() for c in text.split("\t"))


def split_spaced(text):
    """(cells, problem): problem names a run of spaces that cannot be read as cells."""
    parts = re.split(r"( +)", text.strip(" "))
    tokens, gaps = parts[0::2], parts[1::2]  # token, spaces, token, ...
    # The name is every token up to the last one that is not a number: a lone mark
    # between words ("Dublin / trygt") is part of the text, not a cell.
    first = len(tokens)
    while first > 0 and _NUMBER_TOKEN.fullmatch(tokens[first - 1]):
        first -= 1
    cells, problem = [" ".join(tokens[:first])], None
    for j in range(first, len(tokens)):
        if j > 0:
            gap = len(gaps[j - 1])
            if gap % 2 == 0 and problem is None:
                problem = f"{gap} spaces before {tokens[j]!r}: cannot tell how many empty cells they hold"
            cells.extend([""] * ((gap - 1) // 2))
        cells.append(tokens[j])
    return tuple(cells), problem


def read_text(path, name):
    """A text's lines. UTF-8 as pdftotext writes it; also UTF-16 or UTF-32 with a byte-order
    mark (editors on Windows save "Unicode" so), and Windows-1252/Latin-1 when it is
    unambiguous: not UTF-8 anywhere, every character a letter, digit, punctuation, symbol
    or space. Anything else stops the build at its line, naming what it seems to be."""
    data = path.read_bytes()

    def line_of(index, encoding="latin-1"):  # the line holding byte `index`
        return data[:index].decode(encoding, errors="ignore").count("\n") + 1

    def fail(line, what):
        raise BuildError(name, line, f"{what}; save it as UTF-8")

    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            break
    else:
        encoding = None
    if encoding is None and b"\x00" in data:
        # UTF-16 without its mark shows as a zero byte beside every ASCII character
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if len(data) % 2 == 0 and max(even, odd) > len(data) // 4 and min(even, odd) * 10 < max(even, odd):
            order = "big" if even > odd else "little"
            fail(1, f"this text seems to be UTF-16 ({order}-endian) without a byte-order mark")
        fail(line_of(data.index(b"\x00")), "binary data where text was expected (a zero byte)")
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as e:
        if encoding:
            fail(line_of(e.start, encoding), f"not {encoding.upper().replace('-SIG', '')} text, though it starts "
                 f"with that encoding's byte-order mark (bytes {data[e.start:e.start + 2].hex(' ')})")
        byte, line = data[e.start], line_of(e.start)
        utf8 = re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data)
        if utf8:
            fail(line, f"not UTF-8 text (byte {byte:#04x}), though line {line_of(utf8.start())} is UTF-8 "
                 f"({utf8.group().decode('utf-8')!r}): the text mixes two encodings")
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as e:
            fail(line_of(e.start), f"not UTF-8 text (byte {data[e.start]:#04x}), nor Windows-1252 or Latin-1")
        odd = next((k for k, ch in enumerate(text) if ch not in "\t\n\r\f\xad"
                    and unicodedata.category(ch)[0] not in "LNPSZ"), None)
        if odd is not None:
            fail(text[:odd].count("\n") + 1, f"not UTF-8 text (byte {byte:#04x} at line {line}); read as "
                 f"Windows-1252 it holds {text[odd]!r}, which no publication prints")
    if "\x00" in text:
        fail(text[:text.index("\x00")].count("\n") + 1, "binary data where text was expected (a zero character)")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def extract_text(path, name):
    """Lines of cells from a text extraction: TAB-separated, space-aligned, or by position.

    The layout is decided for each table (from its header to its Total row), not for the
    file: a text may have TABs in its prose and spaces in its tables, or the reverse. A
    table with a TAB in any of its lines is TAB-separated; else its cells stand by position
    if its cells stand apart by runs of spaces (positional.py: `pdftotext -layout`), else
    it is space-aligned. Lines outside the tables are split as the file's layout says.
    """
    raw_lines = read_text(path, name)
    tabbed = any("\t" in t for t in raw_lines)
    split = [(split_tabbed(t), None) if tabbed else split_spaced(t) for t in raw_lines]
    # a form feed begins a page (pdftotext); positions are counted after it (and after a BOM)
    texts = [t.replace("\f", "").replace("\ufeff", "") for t in raw_lines]
    page_starts = [k for k, t in enumerate(raw_lines) if "\f" in t]
    # page furniture (a running title, "Page 2 of 5" at a page's head or foot): no cells
    furniture = positional.furniture(texts, page_starts) if page_starts else set()
    for k in furniture:
        split[k] = (("",), None)
    for a, b in _table_regions(texts, furniture):
        region = raw_lines[a:b]
        if any("\t" in t for t in region):
            split[a:b] = [(split_tabbed(t), None) if k not in furniture else (("",), None)
                          for k, t in enumerate(region, a)]
        elif positional.is_positional(texts[a:b]):
            cells = positional.read_table(texts[a:b], [k - a for k in page_starts if a <= k < b],
                                          {k - a for k in furniture if a <= k < b})
            split[a:b] = [(c, p) if c is not None else (split_spaced(t)[0], None)
                          for (c, p), t in zip(cells, texts[a:b])]
        else:
            split[a:b] = [split_spaced(t) if k not in furniture else (("",), None) for k, t in enumerate(region, a)]
    return [Line(name, n, t, cells, problem) for n, (t, (cells, problem)) in enumerate(zip(raw_lines, split), 1)]


def _table_regions(texts, furniture):
    """(first, end) of each table's lines: a header block followed by rows, to the Total row
    (the walk of positional.TextWalk)."""
    i, n = 0, len(texts)
    while i < n:
        if is_header_text(texts[i]):
            j = i
            while j < n and (is_header_text(texts[j]) or not texts[j].strip()):
                j += 1
            if j < n and positional.row_shape(texts[j]) is not None:
                end, _ = positional.TextWalk(texts, furn=furniture).walk(i)
                yield i, end
                i = end
                continue
            i = j
            continue
        i += 1


class TextReader(Reader):
    """A text publication (.txt): TAB-separated, space-aligned or laid out by position."""

    suffixes = (".txt", ".text")

    def read(self, path, name):
        return extract_text(path, name)
