"""Stage 4: the prose of a publication -> its headline figures, English or Norwegian.

The wording lives in data/figures.yml. Each figure keeps the line it was read from
and the words that state it, so that every number can be traced.
"""

import bisect
import re
from dataclasses import dataclass

from .countries import countries
from ..errors import BuildError
from .vocabulary import load, norm

FIGURES = (
    "returned_in_month", "convicted_in_month", "convicted_in_month_pct_published", "convicted_ytd",
    "convicted_ytd_prev_year", "minors_in_month", "minors_unaccompanied_in_month",
    "charter_flights_in_month", "charter_flights_ytd", "ytd_total", "ytd_total_prev_year",
    "ytd_change_pct_published",
)


@dataclass
class Figure:
    name: str
    value: float | int
    line: int
    quote: str
    source: str  # raw/FILE:LINE, and the page of a PDF


class Prose:
    """The document's text with white space folded, mapping offsets back to lines."""

    def __init__(self, lines):
        parts, self.starts, pos = [], [], 0
        for line in lines:
            text = " ".join(c for c in line.cells if c) if len(line.cells) > 1 else line.text
            text = re.sub(r"\s+", " ", text).strip()
            self.starts.append((pos, line))
            parts.append(text)
            pos += len(text) + 1
        self.text = " ".join(parts)
        self._offsets = [s for s, _ in self.starts]

    def line_at(self, offset):
        """The Line the text at `offset` comes from."""
        return self.starts[bisect.bisect_right(self._offsets, offset) - 1][1]


def _number(text, words):
    t = norm(text).replace("–", "-").replace(" ", "")
    if t in words:
        return words[t]
    t = t.replace(",", ".")
    return float(t) if "." in t else int(t)


def _num_pattern(words):
    alternatives = sorted(words, key=len, reverse=True)
    return r"(?:\d+|" + "|".join(re.escape(w) for w in alternatives) + r")"


def read_figures(document, lines):
    """Figure name -> Figure for what the prose states; top nationalities as a list."""
    data = load("figures")
    lang = document.language
    words = {norm(k): v for k, v in data["number_words"][lang].items()}
    num = _num_pattern(words)
    prose = Prose(lines)
    found = {}
    for name, patterns in data["figures"][lang].items():
        for p in patterns:
            spec = p if isinstance(p, dict) else {"pattern": p}
            regex = re.compile(spec["pattern"].format(num=num), re.IGNORECASE)
            matches = list(regex.finditer(prose.text))
            if not matches:
                continue
            if name == "ytd_total_as_at":
                year = int(document.period[:4])
                for m in matches:
                    which = {year: "ytd_total", year - 1: "ytd_total_prev_year"}.get(int(m["year"]))
                    if which and which not in found:
                        line = prose.line_at(m.start())
                        found[which] = Figure(which, _number(m["n"], words), line.number, m[0], line.where)
                break
            m = matches[0]
            value = spec["value"] if "value" in spec else _number(m["n"], words)
            line = prose.line_at(m.start())
            found[name] = Figure(name, value, line.number, m[0], line.where)
            break
    unread = _unread(data["cues"].get(lang, {}), prose, found, document.period)
    top = []
    spec = data["top_nationalities"][lang]
    m = re.search(spec["sentence"].format(num=num), prose.text, re.IGNORECASE)
    if m:
        line = prose.line_at(m.start())
        for rank, item in enumerate(re.finditer(spec["item"], m["list"]), start=1):
            name = item["name"]
            code = countries().demonyms.get(norm(name)) or countries().code(name)
            if not code:
                raise BuildError(document.name, line.number, f"unknown nationality {name!r} among the convicted "
                                 "(add it to demonyms in data/countries.yml)")
            top.append(dict(rank=rank, country=code, printed=name,
                            share_pct=_number(item["pct"], words), source=line.where))
    return found, top, unread


@dataclass
class Unread:
    """A figure whose wording the publication carries, but whose number was not read."""

    name: str
    quote: str
    source: str


def _unread(cues, prose, found, period):
    """The figures whose cue (figures.yml: cues) the prose holds but no pattern read."""
    year = int(period[:4])
    out = []
    for name, cue in cues.items():
        if name in found:
            continue
        m = re.search(cue.format(year=year, prev_year=year - 1), prose.text, re.IGNORECASE)
        if m:
            out.append(Unread(name, prose.text[m.start(): m.end() + 40].strip(), prose.line_at(m.start()).where))
    return out
