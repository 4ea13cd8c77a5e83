"""Words where they stand on a page (or in a text laid out by position): printed lines,
stacks of words over one column, and the spans where a column's numbers stand.

A word is a dict as pdfplumber's extract_words gives it: text, x0, x1, top, bottom.
pdf.py reads them from a PDF's pages; positional.py makes them of a text's characters.
"""

import re

# Words whose tops differ by at most this much (points) stand on one printed line.
LINE_TOLERANCE = 2.5
_LETTER = re.compile(r"[^\W\d_]")


def is_number(text):
    """A word that stands in a number column: no letters (digits, maybe stray marks)."""
    return not _LETTER.search(text)


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


def printed_lines(words):
    out, current = [], []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if current and abs(w["top"] - current[0]["top"]) > LINE_TOLERANCE:
            out.append(VLine(current))
            current = []
        current.append(w)
    if current:
        out.append(VLine(current))
    return out


def stacks(words):
    """Words grouped where they overlap horizontally on different lines (a label over several lines)."""
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


def spans(words):
    """Where numbers stand: the x-ranges of number words merged where they overlap.

    Right-aligned numbers share a right edge, centred ones a centre, so over a whole
    table the numbers of one column overlap one another and not the next column's.
    """
    out = []
    for w in sorted(words, key=lambda w: w["x0"]):
        if out and w["x0"] <= out[-1][1]:
            out[-1][1] = max(out[-1][1], w["x1"])
        else:
            out.append([w["x0"], w["x1"]])
    return [tuple(s) for s in out]


# What OCR reads for a digit: a lone 1 as `l`, `i`, `I`, `!`, `|`, `]`; 0 as `O`; 5 as `S`.
# A word read by OCR (it has a confidence) made of these, a lone one or with digits, stands
# in a number column: a damaged number for the sums to settle, not a word of the name.
OCR_DIGITS = frozenset("0123456789lIi!|]jOoSZB")


def _number_word(w):
    t = w["text"]
    if is_number(t):
        return True
    return "conf" in w and all(ch in OCR_DIGITS for ch in t) and (len(t) == 1 or any(ch.isdigit() for ch in t))


# After a row's first number, a word OCR read of at most this many characters is a damaged
# number (`L` or `t` for a 1, `1.`), not text: the sums settle it.
OCR_NUMBER_CHARS = 3


def split_row(vline):
    """(name words, number words), or None where a word after a number is not a number."""
    words = vline.words
    k = 0
    while k < len(words) and not _number_word(words[k]):
        k += 1
    rest = words[k:]
    if any(not (_number_word(w) or ("conf" in w and len(w["text"]) <= OCR_NUMBER_CHARS)) for w in rest):
        return None
    return words[:k], rest
