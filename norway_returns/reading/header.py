"""A table's column header, recognised in one place for every reader, from data/categories.yml.

A header line holds no digits and mostly words of the header vocabulary (every printed
label of a category, in English and Norwegian, and the Total (Sum) label). Its labels
are mapped to category codes in any order; a label wrapped over several lines is read
from its pieces (by cells where the reader kept them, by position where it placed
words, by the vocabulary's phrases where only the text is left).
"""

import difflib
import re

from ..errors import BuildError
from .layout import printed_lines, stacks
from .vocabulary import CONNECTING_WORDS, header_phrases, header_words, norm, total_labels
from .wrapped import join_label

_WORD = re.compile(r"[^\W\d_]+")


def words(text):
    return _WORD.findall(norm(text))


def has_letters(text):
    """Whether a header piece can be (part of) a label: a piece of punctuation, a rule read as
    `|`, a stray dash beside a label or an empty cell maps to no category."""
    return bool(_WORD.search(text))


# A header word OCR misread ("pretection", "Expuision"): a word of at least this many letters,
# this alike (difflib's ratio) to a word of the header vocabulary.
MISREAD_WORD = (5, 0.75)


def is_header_text(text, scanned=False):
    """A line of column labels: no digits, and mostly words of the header vocabulary (or, read
    by OCR, words that nearly are)."""
    if not text.strip() or any(ch.isdigit() for ch in text):
        return False
    found = [w for w in words(text) if w not in CONNECTING_WORDS]  # "and", "og": names have them too
    cut = _cut_words(text)
    known = sum(w in header_words() or w in cut or (scanned and _nearly_header_word(w)) for w in found)
    return bool(found) and known * 2 >= len(found) and known > 0


def _nearly_header_word(word):
    shortest, alike = MISREAD_WORD
    return len(word) >= shortest and bool(difflib.get_close_matches(word, list(header_words()), n=1, cutoff=alike))


def _cut_words(text):
    """Words hyphenated at the end of a wrapped label's line ("interna-", "protec-") that begin
    a word of the header vocabulary."""
    cut = {t[:-1] for t in norm(text).split() if t.endswith("-") and len(t) > 3}
    return {c for c in cut if any(w.startswith(c) for w in header_words())}


def is_header_line(line):
    return is_header_text(line.text, line.scanned)


def is_label(text):
    """Whether a cell's text is a whole known label (a category's, or the Total's)."""
    return norm(text) in header_phrases()


def is_table_header(labels):
    """Whether labels read from a header line make a table's header: two or more, one of them the Total."""
    known = [l for l in labels if is_label(l)]
    return len(labels) >= 2 and any(norm(l) in total_labels() for l in known)


def all_header_words(lines):
    return all(w in header_words() for l in lines for w in words(l.text))


# --- labels -> category codes --------------------------------------------------------


def _scan_phrases(text, line):
    """Header text read left to right -> category codes (a text whose cells are not kept)."""
    found, codes, i = [t for t in norm(text).split() if has_letters(t)], [], 0
    phrases = header_phrases()
    while i < len(found):
        for j in range(len(found), i, -1):
            code = phrases.get(" ".join(found[i:j]))
            if code:
                codes.append(code)
                i = j
                break
        else:
            raise BuildError(line.file, line.number, f"unknown column header {found[i]!r}")
    return codes


def _interleaved(block):
    """Codes of header lines whose wrapped labels interleave, as a PDF viewer copies a header
    line by line ("Asylum Dublin Granted Refused stay" / "international or entry" /
    "protection"), or None. Each line's words, left to right, either go on labels begun on
    the lines above (in their order) or begin new ones; every label must end whole."""
    phrases = header_phrases()
    whole = {tuple(p.split()) for p in phrases}
    begun = {w[:k] for w in whole for k in range(1, len(w) + 1)}
    lines = [norm(l.text).split() for l in block]
    steps = [0]

    def search(li, wi, labels, last):
        steps[0] += 1
        if steps[0] > 20000:  # a header is a handful of words; this is not one
            return None
        if li == len(lines):
            return labels if all(l in whole for l in labels) else None
        line = lines[li]
        if wi == len(line):
            return search(li + 1, 0, labels, -1)
        for end in range(len(line), wi, -1):
            run = tuple(line[wi:end])
            for k in range(last + 1, len(labels)):  # goes on a label begun above
                if li and labels[k] + run in begun:
                    found = search(li, end, labels[:k] + [labels[k] + run] + labels[k + 1:], k)
                    if found:
                        return found
            if run in begun:  # begins a label
                found = search(li, end, labels + [run], len(labels))
                if found:
                    return found
        return None

    found = search(0, 0, [], -1)
    return [phrases[" ".join(l)] for l in found] if found else None


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
    joined = norm(join_label([t for _, t in fragments]))
    if joined in phrases:  # a label broken inside a word ("Innvilget internasjonal beskyt-" "telse")
        return phrases[joined]
    full = {phrases[norm(t)] for _, t in fragments if norm(t) in phrases}
    if len(full) == 1:
        code = full.pop()
    else:
        partial = [_fragment_codes(t) for _, t in fragments]
        common = set.intersection(*partial) if partial and all(partial) else set()
        if len(common) != 1 and all(l.scanned for l, _ in fragments):
            common = _misread_label(joined)
            if len(common) == 1:
                notes.append((fragments[0][0], f"header read by OCR as {joined!r}: the column is "
                                               f"{next(iter(common))}, the only label it nearly spells"))
                return common.pop()
        if len(common) != 1:
            line, text = next(((l, t) for l, t in fragments if norm(t) not in phrases), fragments[0])
            raise BuildError(line.file, line.number, f"unknown column header {text!r}")
        code = common.pop()
    for line, text in fragments:
        if norm(text) not in phrases and code not in _fragment_codes(text):
            notes.append((line, f"header cell {text!r} not read; the column is {code}, by its other header lines"))
    return code


# A header label OCR misread ("Granted internatienal protection", "Expuision") is the label it
# nearly spells: as alike as this (difflib's ratio), where the labels that alike are one category's.
LABEL_ALIKE = 0.75
LABEL_MARGIN = 0.05


def _misread_label(text):
    """The categories whose labels a misread header text nearly spells (read by OCR only): those
    as alike as the likest, or nearly (LABEL_MARGIN): "Bertvisning" is Bortvisning (0.91), not
    Utvisning (0.80)."""
    phrases = header_phrases()
    t = norm(text)
    alike = {p: difflib.SequenceMatcher(None, t, p).ratio() for p in phrases}
    best = max(alike.values(), default=0)
    return {phrases[p] for p, a in alike.items() if a >= LABEL_ALIKE and a >= best - LABEL_MARGIN}


def parse_header(block, notes):
    """Header lines -> column codes. Lines with cells keep their columns; text lines keep their order."""
    tabbed = any(len(l.cells) > 1 for l in block)
    if not tabbed:
        try:
            codes = _scan_phrases(" ".join(l.text for l in block), block[0])
        except BuildError:
            codes = _interleaved(block)
            if codes is None:
                raise
    else:
        if any(l.cells[0] for l in block):
            line = next(l for l in block if l.cells[0])
            raise BuildError(line.file, line.number, f"header text {line.cells[0]!r} stands in the name column")
        width = max(len(l.cells) for l in block)
        codes = []
        for p in range(1, width):
            fragments = [(l, l.cells[p]) for l in block if p < len(l.cells) and has_letters(l.cells[p])]
            marks = [(l, l.cells[p]) for l in block if p < len(l.cells) and l.cells[p] and not fragments]
            later = any(has_letters(c) for l in block for c in l.cells[p + 1:])
            if marks and later:  # the rows' cells stand by position: a column that is no category
                line, text = marks[0]
                raise BuildError(line.file, line.number, f"header cell {text!r} holds no label (punctuation, a "
                                 "rule?), yet stands between the columns: which of the rows' cells it heads "
                                 "is not clear")
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


# --- labels where words stand ---------------------------------------------------------


def _label_text(group):
    return join_label([l.text for l in printed_lines(group)])


def header_columns(block):
    """Header printed lines (layout.VLine) -> [(label, x0, x1)], left to right: words stacked
    over one column form its label, and neighbouring stacks join where only together they
    make a known label ("Granted" "international" "protection" side by side)."""
    found = [w for line in block for w in line.words if has_letters(w["text"])]
    groups = stacks(found)
    labels, i = [], 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            group = [w for s in groups[i:j] for w in s]
            if is_label(_label_text(group)):
                break
        else:
            # read by OCR: the fewest stacks that nearly spell one label ("—Refused" "stay or entry")
            for j in range(i + 1, len(groups) + 1):
                group = [w for s in groups[i:j] for w in s]
                if all("conf" in w for w in group) and len(_misread_label(_label_text(group))) == 1:
                    break
            else:
                j, group = i + 1, groups[i]  # not a known label: the table stage names it
        labels.append((_label_text(group), min(w["x0"] for w in group), max(w["x1"] for w in group)))
        i = j
    return labels
