"""A publication's own title: the month it covers and its language.

The wording lives in data/titles.yml. A title line is one of the document's first
lines holding text that names a month and a year beside a word of one language's
titles ("Statistics for May 2024", "Månedsstatistikk mars 2024"). The month names
of April, August, September and November are the same in both languages, so the
language comes from the title's words.
"""

import re
from dataclasses import dataclass

from .vocabulary import load, norm

MARKUP = re.compile(r"[*_#]+")  # emphasis left by a text extraction ("**Statistics for ...")


@dataclass(frozen=True)
class Title:
    period: str  # YYYY-MM
    language: str  # en | no
    text: str  # the title as printed (a title ending in ':' joined with its next line)
    where: str  # raw/FILE:LINE


def _words():
    data = load("titles")
    months = {name: (lang, k + 1) for lang, names in data["months"].items() for k, name in enumerate(names)}
    pattern = re.compile(r"\b(" + "|".join(sorted(months, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b")
    return data, months, pattern


def _language(text, data):
    found = [lang for lang, words in data["title_words"].items()
             if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in words)]
    return found[0] if len(found) == 1 else None


def read_title(lines):
    """The document's Title, from its first lines holding text; None if it states none."""
    data, months, pattern = _words()
    texts = [l for l in lines if MARKUP.sub("", l.text).strip()][: data["within_lines"]]
    for k, line in enumerate(texts):
        printed = " ".join(MARKUP.sub("", line.text).split())
        text = norm(printed)
        match = pattern.search(text)
        language = _language(text, data) if match else None
        if not language:
            continue
        month = months[match.group(1)][1]
        if printed.endswith(":") and k + 1 < len(texts):  # "Statistics for June 2022:" / "Forced returns ..."
            printed += " " + " ".join(MARKUP.sub("", texts[k + 1].text).split())
        return Title(f"{match.group(2)}-{month:02d}", language, printed.strip(), line.where)
    return None
