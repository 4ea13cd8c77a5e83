"""The descriptions written once, in metadata.yml, for the data package and the catalogue.

metadata.yml is Datasette's: the site's title, description (HTML), licence and source, and
a description of every table and column. The package and the catalogue read them from
there, as plain text, so that no second copy can drift from what the site shows.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import yaml


@dataclass
class Table:
    description: str = ""
    columns: dict = field(default_factory=dict)


@dataclass
class Descriptions:
    title: str
    description: str
    license: str
    license_url: str
    source: str
    source_url: str
    tables: dict  # name -> Table

    def table(self, name):
        return self.tables.get(name, Table())


class _Text(HTMLParser):
    """HTML -> Markdown-like text: paragraphs apart, list items as `- `, tags dropped.

    A paragraph of class `site-only` (the site's own links, such as its downloads) is left out.
    """

    BREAKS = {"p": "\n\n", "ul": "\n\n", "ol": "\n\n", "li": "\n- ", "br": "\n"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skipping = False

    def handle_starttag(self, tag, attrs):
        if tag == "p" and "site-only" in (dict(attrs).get("class") or "").split():
            self.skipping = True
        self.out.append(self.BREAKS.get(tag, ""))

    def handle_endtag(self, tag):
        if tag in ("p", "ul", "ol"):
            self.skipping = False
            self.out.append("\n\n")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(re.sub(r"\s+", " ", data))


def text(html_text):
    """The words of an HTML description, without its markup (links keep their text)."""
    parser = _Text()
    parser.feed(html_text)
    parser.close()
    lines = (line.strip() for line in "".join(parser.out).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _description(entry):
    if entry.get("description_html"):
        return text(entry["description_html"])
    return re.sub(r"\s+", " ", html.unescape(entry.get("description") or "")).strip()


def read(path):
    """metadata.yml -> Descriptions (the database `returns`'s tables; its settings elsewhere win over the top level's)."""
    with open(path, encoding="utf-8") as f:
        meta = yaml.safe_load(f)
    database = (meta.get("databases") or {}).get("returns") or {}
    tables = {name: Table(_description(entry or {}), dict((entry or {}).get("columns") or {}))
              for name, entry in (database.get("tables") or {}).items()}

    def setting(key):
        return database.get(key) or meta.get(key) or ""

    return Descriptions(title=meta.get("title", ""), description=_description(meta),
                        license=setting("license"), license_url=setting("license_url"),
                        source=setting("source"), source_url=setting("source_url"), tables=tables)
