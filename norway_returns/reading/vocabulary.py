"""The printed words the stages look for, loaded once from the YAML files in data/."""

import difflib
import functools
import re
import unicodedata
from pathlib import Path

import yaml

DATA = Path(__file__).parent.parent / "data"


@functools.lru_cache(maxsize=1 << 16)  # the same names and labels recur on every page of every month
def norm(text):
    """Compare printed text without case, accents of form, or extra white space."""
    text = unicodedata.normalize("NFC", text).replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


@functools.cache
def load(name):
    with open(DATA / f"{name}.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def categories():
    return load("categories")["categories"]


def category_codes():
    return [c["code"] for c in categories()]


@functools.cache
def crosswalk():
    """Rows of category_crosswalk: each older category and today's categories it covers."""
    codes = set(category_codes())
    rows = []
    for c in categories():
        for current, note in (c.get("covers") or {}).items():
            if current not in codes:  # a slip in data/categories.yml, not in a publication
                raise ValueError(f"data/categories.yml: {c['code']} covers unknown category {current!r}")
            rows.append(dict(older=c["code"], current=current, note=" ".join(note.split())))
    return rows


def _slash_spellings(phrase):
    """A header with a slash as printers space it: "dublin/trygt", "dublin / trygt", "dublin/ trygt"."""
    if "/" not in phrase:
        return [phrase]
    tight = re.sub(r"\s*/\s*", "/", phrase)
    return [tight.replace("/", sep) for sep in ("/", " / ", "/ ", " /")]


@functools.cache
def header_phrases():
    """Normalised header phrase -> category code (`total` for the Total column)."""
    phrases = {s: c["code"] for c in categories() for h in c["headers"] for s in _slash_spellings(norm(h))}
    phrases.update({norm(h): "total" for h in load("categories")["total_headers"]})
    return phrases


# Words that join a header's words ("Removed or expelled", "Bort- og utviste") but also
# country names ("Trinidad and Tobago", "Bosnia og Hercegovina"): they are header words,
# but do not count towards making a line a header line, so that a wrapped name's line
# "Trinidad and" stays a row.
CONNECTING_WORDS = frozenset({"and", "or", "og", "eller"})


@functools.cache
def header_words():
    """The words of the header vocabulary, split as the table stage splits a line's words."""
    return {w for phrase in header_phrases() for w in re.findall(r"[^\W\d_]+", phrase)}


@functools.cache
def total_labels():
    return {norm(h) for h in load("categories")["total_headers"]}


@functools.cache
def _caption_label():
    """A caption's label and number before a title ("table 1:", "tabell 2 -")."""
    labels = "|".join(re.escape(norm(l)) for l in load("categories")["caption_labels"])
    return re.compile(rf"(?:{labels})\s*[0-9]+[a-z]?(?:\.[0-9]+)*\s*[:.\-]?\s+")


# A title OCR read with its first word misread ("Retuszees so far ..."): a word this alike
# (difflib's ratio) to a title's first word, where the title ends exactly as a kind's does.
TITLE_WORD_ALIKE = 0.75


def table_kind(text, scanned=False):
    """The kind a title line names, or None if the line is not a table title. scanned: the
    line was read by OCR, so its first word may be misread (TITLE_WORD_ALIKE)."""
    t = norm(text)
    t = _caption_label().sub("", t, count=1) if _caption_label().match(t) else t
    starts = load("categories")["title_starts"]
    if not any(t.startswith(s) for s in starts):
        first, _, rest = t.partition(" ")
        if not (scanned and rest and any(
                difflib.SequenceMatcher(None, first, s.split()[0]).ratio() >= TITLE_WORD_ALIKE
                and f"{s.split()[0]} {rest}".startswith(s) for s in starts)):
            return None
    for kind, endings in load("categories")["kinds"].items():
        if any(t.endswith(e) for e in endings):
            return kind
    return None
