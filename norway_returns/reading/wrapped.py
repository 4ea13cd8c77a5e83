"""Text broken over printed lines (a country name or a column label wrapped in its cell), joined again."""

import itertools

from .countries import countries
from .vocabulary import header_phrases, norm


def join_known(parts, known):
    """Text broken over printed lines, joined again: the joining `known` accepts, else the plainest.

    At a break after a hyphen the hyphen may belong to the text ("Nord-Makedonia"),
    or only to the line ("Elfenbens-kysten"); elsewhere the break is a space, or
    nothing where a word too long for its cell was cut ("Herzegovi" "na").
    """
    parts = [p.strip() for p in parts if p.strip()]
    if len(parts) <= 1:
        return parts[0] if parts else ""
    joins = {"-": lambda a, b: a + b, "- ": lambda a, b: a + " " + b, "": lambda a, b: a[:-1] + b,
             " ": lambda a, b: a + " " + b, "+": lambda a, b: a + b}
    options = [["-", "- ", ""] if first.endswith("-") else [" ", "+"] for first in parts[:-1]]
    default = None
    for seps in itertools.product(*options):
        text = parts[0]
        for sep, part in zip(seps, parts[1:]):
            text = joins[sep](text, part)
        default = default or text
        if known(text):
            return text
    return default


def join_name(parts):
    """A country name wrapped over printed lines, joined so that it reads as a known name if it can."""
    return join_known(parts, countries().code)


def join_label(parts):
    """A column label wrapped over printed lines, joined so that it reads as a known header if it can."""
    return join_known(parts, lambda t: norm(t) in header_phrases())
