"""The printed words the stages look for, loaded once from the YAML files in data/."""

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
def header_phrases():
    """Normalised header phrase -> category code (`total` for the Total column)."""
    phrases = {norm(h): c["code"] for c in categories() for h in c["headers"]}
    phrases.update({norm(h): "total" for h in load("categories")["total_headers"]})
    return phrases


@functools.cache
def header_words():
    return {w for phrase in header_phrases() for w in phrase.split()}


@functools.cache
def total_labels():
    return {norm(h) for h in load("categories")["total_headers"]}


def table_kind(text):
    """The kind a title line names, or None if the line is not a table title."""
    t = norm(text)
    if not any(t.startswith(s) for s in load("categories")["title_starts"]):
        return None
    for kind, endings in load("categories")["kinds"].items():
        if any(t.endswith(e) for e in endings):
            return kind
    return None
