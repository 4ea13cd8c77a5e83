"""Page furniture: a running title, "Page 2 of 5", "Side 3 av 5", a page number.

One rule for every reader of pages (pdf.py, and positional.py for `pdftotext -layout`
text, whose pages a form feed begins): a line among the first or last FURNITURE_ZONE
lines of a page whose text, numbers aside, stands there on another page too. A line
that reads as a table's row (a country or the Total, and its numbers) or header is
data, never furniture, even where it stands in both tables.
"""

import difflib
import functools
import re
from collections import Counter

from .countries import countries
from .header import is_header_text
from .vocabulary import load, norm, table_kind, total_labels

# Page furniture stands among the first or last lines of a page.
FURNITURE_ZONE = 3


def furniture_key(text):
    # numbers aside, and the spaces beside them (OCR reads "Page 2 of5")
    return re.sub(r"\s*\d+\s*", "#", norm(text))


def furniture(pages):
    """pages: for each page, its printed lines as (text, the name a row's line begins with, or
    None where the line is no row). The (page index, line index) of each line of furniture."""
    if len(pages) < 2:
        return set()
    zones = []
    for lines in pages:
        k = list(range(len(lines)))
        zones.append(sorted(set(k[:FURNITURE_ZONE] + k[-FURNITURE_ZONE:])))
    seen = Counter()
    keys = [{furniture_key(pages[p][k][0]) for k in zone} for p, zone in enumerate(zones)]
    for found in keys:
        seen.update(found)
    out = set()
    for p, zone in enumerate(zones):
        for k in zone:
            text, row_name = pages[p][k]
            key = furniture_key(text)
            if (seen[key] < 2 and (table_kind(text, True) or not _nearly_repeated(key, p, keys))) \
                    or is_header_text(text):
                continue
            if row_name is not None and names_a_row(row_name):
                continue
            out.add((p, k))
    return out


# A running title OCR misread on one page ("... returns fram Norway") is still the running
# title: a long line this alike (difflib's ratio) to one on another page; never a table's
# title ("... by nationality" and "... by destination" come close).
NEARLY_LONG, NEARLY_ALIKE = 20, 0.9


def _nearly_repeated(key, page, keys):
    if len(key) < NEARLY_LONG:
        return False
    return any(difflib.SequenceMatcher(None, key, other).ratio() >= NEARLY_ALIKE
               for q, found in enumerate(keys) if q != page for other in found if len(other) >= NEARLY_LONG)


def names_a_row(name):
    """Whether a line's leading words name a table's row: a country (or the first words of
    a wrapped one), or the Total row. Such a line is data wherever it stands ("Page 3" or
    a running title is not)."""
    C = countries()
    return bool(name) and bool(C.code(name) or C.is_prefix(name) or norm(name) in _name_tails()
                               or norm(name) in total_labels())


@functools.cache
def _name_tails():
    """The last words of every known country name, as they stand on a wrapped name's last line
    ("Herzegovina", "of the Congo")."""
    C = countries()
    names = [row[k] for row in C.rows.values() for k in ("name_en", "name_no") if row.get(k)]
    names += list(load("countries").get("aliases", {}))
    tails = set()
    for name in names:
        n = norm(name)
        tails.update(n[m.end():] for m in re.finditer(r"[ -]+", n))
    return tails - {""}
