"""`norway-returns update`: the publications a listing page links, added to raw/ as `add` adds them.

The listing is the police's statistics page (its address is `update: listing` in
data/publishing.yml) or any page given. Its links are read with lxml, and a link is a
publication's when its text, or the title it gives its target, reads as a publication's
title ("Statistics for May 2024", "Månedsstatistikk mars 2024": the wording of
data/titles.yml, read by reading/title.py). The others (the site's menus, news, the
page about forced return) are not followed.

Each publication raw/ lacks (no entry for its month and language, nor for its address)
is fetched: a PDF or a text is added as it is; a web page is added as the publication
itself, unless it links the publication as a PDF (a link whose text or target reads as
the same month and language, or one to a .pdf file), which is then added instead. Every
add is `add`'s, with all its checks and its build; one that fails is reported and the
others go on. raw/ is locked for the whole run (locks.py).

The run is bounded: at most `max_pages` fetches (the listing counted) and `max_bytes`
fetched in all; where a bound stops it, it says so. Newest first, so that a bound
leaves out the oldest.
"""

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import yaml

from . import locks
from .add import add, existing
from .errors import BuildError
from .reading.download import fetch
from .reading.extract import Line
from .reading.sources import MAX_DOCUMENT_BYTES
from .reading.title import read_title

PUBLISHING = Path(__file__).resolve().parent / "data" / "publishing.yml"


def settings():
    """`update` in data/publishing.yml: listing, max_pages, max_bytes."""
    with open(PUBLISHING, encoding="utf-8") as f:
        return yaml.safe_load(f)["update"]


@dataclass(frozen=True)
class Link:
    url: str
    period: str
    language: str
    text: str  # the title as the link gives it


@dataclass
class Report:
    listing: str
    links: list = field(default_factory=list)  # Link: every publication the listing links
    added: list = field(default_factory=list)  # (Link, add.Added)
    present: list = field(default_factory=list)  # Link already in raw/
    failed: list = field(default_factory=list)  # (Link, message)
    stopped: str | None = None  # why the run stopped before the end (a bound)


def title_of(text, where):
    """(period, language, text) if `text` reads as a publication's title, else None."""
    text = " ".join((text or "").split())
    if not text:
        return None
    title = read_title([Line(where, 1, text, (text,))])
    return title and (title.period, title.language, text)


def _parse(page):
    import lxml.html

    parser = lxml.html.HTMLParser(encoding=page.charset) if page.charset else None
    try:
        return lxml.html.document_fromstring(page.data, parser=parser, base_url=page.url)
    except (ValueError, LookupError, lxml.etree.ParserError) as e:
        raise BuildError(page.url, None, f"not a web page that can be read: {e}") from None


def links(page):
    """(url, the <a> element) of every http(s) link on the page, in its order, once each."""
    seen = set()
    document = _parse(page)
    base = document.find(".//base[@href]")  # a page's own base for its relative links
    base = urljoin(page.url, base.get("href").strip()) if base is not None else page.url
    for a in document.iter("a"):
        href = (a.get("href") or "").strip()
        if not href:
            continue
        url = urldefrag(urljoin(base, href))[0]
        if urlsplit(url).scheme in ("http", "https") and url not in seen:
            seen.add(url)
            yield url, a


def publication_links(page):
    """The links of a listing page whose text or title reads as a publication's title."""
    found = []
    for url, a in links(page):
        for text in (a.text_content(), a.get("title"), a.get("aria-label")):
            read = title_of(text, page.url)
            if read:
                found.append(Link(url, *read))
                break
    return found


def linked_pdf(page, link):
    """The PDF a publication's web page links for the same publication, or None: a link whose
    text or title reads as its month and language, else the one link to a .pdf file."""
    pdfs, same = [], []
    for url, a in links(page):
        if url == page.url:
            continue
        for text in (a.text_content(), a.get("title"), a.get("aria-label")):
            read = title_of(text, page.url)
            if read and read[:2] == (link.period, link.language) and _is_pdf_address(url):
                same.append(url)
                break
        if _is_pdf_address(url):
            pdfs.append(url)
    if same:
        return same[0]
    return pdfs[0] if len(pdfs) == 1 else None


def _is_pdf_address(url):
    return posixpath.splitext(urlsplit(url).path)[1].lower() == ".pdf"


class _Budget:
    def __init__(self, pages, bytes_):
        self.pages, self.bytes = pages, bytes_
        self.fetched_pages = self.fetched_bytes = 0

    def fetch(self, url, timeout):
        if self.fetched_pages >= self.pages:
            raise _Stop(f"stopped after {self.pages} fetches, the bound (max_pages in data/publishing.yml)")
        left = self.bytes - self.fetched_bytes
        if left <= 0:
            raise _Stop(f"stopped after {self.fetched_bytes:,} bytes fetched, the bound (max_bytes)")
        self.fetched_pages += 1
        page = fetch(url, timeout, MAX_DOCUMENT_BYTES)  # (the bound may be passed by one document)
        self.fetched_bytes += len(page.data)
        return page


class _Stop(Exception):
    pass


def update(listing=None, raw="raw", db_path="returns.db", views="sql/views", timeout=30.0, max_pages=None,
           max_bytes=None, echo=print):
    """Add every publication `listing` links that raw/ lacks; returns a Report.
    Raises BuildError where the listing itself cannot be had or read."""
    conf = settings()
    listing = listing or conf["listing"]
    budget = _Budget(max_pages or conf["max_pages"], max_bytes or conf["max_bytes"])
    raw = Path(raw)
    report = Report(listing)
    made = not raw.exists()
    if made:
        raw.mkdir(parents=True)
    try:
        with locks.raw_folder(raw, exclusive=True):
            try:
                _run(report, budget, raw, db_path, views, timeout, echo)
            except _Stop as stop:
                report.stopped = str(stop)
    finally:
        if made:
            try:
                raw.rmdir()  # only if nothing was added to it
            except OSError:
                pass
    return report


def _run(report, budget, raw, db_path, views, timeout, echo):
    page = budget.fetch(report.listing, timeout)
    if not page.is_html:
        raise BuildError(report.listing, None, f"not a web page ({page.content_type}): give the address of the "
                         "page that links the publications")
    report.links = sorted(publication_links(page), key=lambda l: (l.period, l.language), reverse=True)
    if not report.links:
        raise BuildError(report.listing, None, "links no publication (no link reads as a title such as "
                         "'Statistics for May 2024' or 'Månedsstatistikk mars 2024'): is it the statistics page?")
    manifest = raw / "manifest.yml"
    entries = existing(raw, manifest)
    have = {(p, lang) for _, p, lang in entries}
    addresses = {str(e["source_url"]) for e, _, _ in entries if e.get("source_url")}
    for link in report.links:
        if (link.period, link.language) in have or link.url in addresses:
            report.present.append(link)
            continue
        try:
            url, got = link.url, budget.fetch(link.url, timeout)
            if got.is_html and (pdf := linked_pdf(got, link)) and pdf not in addresses:
                url, got = pdf, budget.fetch(pdf, timeout)
            added = add(url, raw, db_path, views, timeout=timeout, fetched=got)
        except BuildError as e:
            report.failed.append((link, str(e)))
            echo(f"not added: {link.text!r} ({link.url})\n  {e}")
            continue
        report.added.append((link, added))
        have.add((added.entry["period"], added.entry["language"]))
        addresses.add(url)
        echo(f"added {added.file}: {added.entry['period']} {added.entry['language']}, from {url}")
