"""The pipeline: raw/ -> returns.db, stage by stage (see the package docstring)."""

import calendar
import contextlib
import os
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import click

from . import locks
from .atomic import sweep_leftovers
from .writing import db
from .reading.cache import EXTRACTOR_MODULES, Entries, cache_root, fingerprint
from .checking.corrections import for_table, read_corrections
from .reading.countries import countries
from .errors import BuildError
from .resources import VIEWS
from .reading.extract import Line, extract, extract_by_ocr
from .reading.figures import FIGURES, read_figures
from .checking.reconcile import reconcile_table
from .reading.sources import read_manifest
from .reading.tables import find_tables, one_set_of_columns, printed_in_period
from .reading.title import read_title
from .reading.vocabulary import categories, crosswalk
from .reading.workers import Readers

KINDS = ("nationality", "destination")
# PDFs are read in worker processes, each within a time and a memory limit
# (workers.py), and what each gave is cached by its sha256 (see cache.py; text
# documents are read in milliseconds and neither). NORWAY_RETURNS_JOBS: the number
# of worker processes (default: the cores this process may use).
JOBS_ENV = "NORWAY_RETURNS_JOBS"
CACHED_SUFFIXES = (".pdf",)
PROGRESS_FROM = 5  # documents: a progress bar on a terminal from this many


def cacheable(doc):
    return doc.path.suffix.lower() in CACHED_SUFFIXES


@dataclass
class Summary:
    """What the build prints: per publication, cells by status and checks by outcome."""

    lines: list = field(default_factory=list)
    mismatches: list = field(default_factory=list)
    unread: list = field(default_factory=list)  # figures the publication states but the build could not read

    def __str__(self):
        out = self.lines[:]
        if self.unread:
            out.append(f"{len(self.unread)} figure(s) stated but not read:")
            out += [f"  {u}" for u in self.unread]
        out.append(f"{len(self.mismatches)} mismatch(es)" + (":" if self.mismatches else ""))
        out += [f"  {m}" for m in self.mismatches]
        return "\n".join(out)


def _tables_by_kind(document, tables):
    found = {}
    for t in tables:
        if t.kind in found:
            raise BuildError(t.file, t.first_line, f"a second table by {t.kind} (the first starts at line "
                             f"{found[t.kind].first_line})")
        found[t.kind] = t
    for kind in KINDS:
        if kind not in found:
            raise BuildError(document.name, None, f"no table by {kind} found")
    return found


SCANNED = "a scan: its text read by OCR, every number for the printed sums to confirm"


def scanned(lines):
    """Whether a document's text was read by OCR (a scan): then it is damaged, and its sums decide."""
    return any(l.scanned for l in lines)


def load_document(document, corrections, used, lines=None):
    """One publication -> rows for every table of the database, and its checks."""
    lines = extract(document) if lines is None else lines
    tables = _tables_by_kind(document, find_tables(lines))
    for kind in KINDS:
        printed_in_period(tables[kind], document.period)
        one_set_of_columns(tables[kind])
    figures, top, unread = read_figures(document, lines)
    results, hint = {}, None
    for kind in KINDS:
        table = tables[kind]
        results[kind] = reconcile_table(table, for_table(corrections, table, used), hint,
                                        repair=bool(document.damaged) or scanned(lines))
        hint = results[kind].totals
    checks = [c for kind in KINDS for c in results[kind].checks]

    nat, dest = (results[k].totals for k in KINDS)
    for col in sorted(set(nat) | set(dest)):
        a, b = nat.get(col, (None,))[0], dest.get(col, (None,))[0]
        if a != b:
            line = tables["destination"].total.line
            raise BuildError(line.file, line.number, f"the Total row says {col} {b}, the nationality "
                             f"table's says {a}")
        checks.append(dict(kind=None, check="tables_agree", subject=col, expected=str(a), found=str(b),
                           outcome="ok", detail="nationality and destination Total rows"))
    for u in unread:  # not left NULL without a word
        checks.append(dict(kind=None, check="figure_unread", subject=u.name, expected="", found=u.quote,
                           outcome="unread", detail=f"the publication states {u.name} at {u.source}, but its "
                           "number could not be read: the figure is left empty"))
    if "ytd_total" in figures:
        stated, table_total = figures["ytd_total"].value, nat["total"][0]
        checks.append(dict(
            kind=None, check="prose_ytd_total", subject="ytd_total", expected=str(table_total), found=str(stated),
            outcome="ok" if stated == table_total else "mismatch",
            detail=f"prose at {figures['ytd_total'].source} against the tables' grand total"))
    return results, figures, top, checks


# --- extraction: in parallel, cached ------------------------------------------------


def _cores():
    jobs = os.environ.get(JOBS_ENV, "").strip()
    if jobs.isdigit() and int(jobs) > 0:
        return int(jobs)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Extractions:
    """Every document's lines: from the cache, from worker processes, or read here.

    PDFs are read in worker processes, each within a time and a memory limit
    (reading/workers.py), several at once when there are cores for it; text
    documents, a few hundred kilobytes, here. Documents are handed out in the order
    asked for, and a document's BuildError is raised when its lines are asked for,
    so that the build stops where a serial build would, with the same message.
    """

    def __init__(self, documents, cache):
        self.cache = Entries(cache, "extract", fingerprint(EXTRACTOR_MODULES))
        self.ready, self.pending, self.readers = {}, {}, None
        todo = []
        for doc in documents:
            if cacheable(doc):
                lines = self._load(doc)
                if lines is None:
                    todo.append(doc)
                else:
                    self.ready[doc.name] = lines
        # even one new document is read in a worker while this process loads what the
        # cache holds for the others
        self.workers = max(1, min(_cores(), len(todo)))
        if todo:
            self._readers()
            for doc in todo:
                self.pending[doc.name] = self.readers.submit(extract, doc)

    def _readers(self):
        if self.readers is None:
            from .reading import pdf  # noqa: F401  imported once here, inherited by forked workers

            self.readers = Readers(self.workers)
        return self.readers

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.readers:
            self.readers.close(failed=exc[0] is not None)

    def lines(self, doc):
        if doc.name in self.ready:
            return self.ready.pop(doc.name)
        if doc.name not in self.pending and cacheable(doc):  # its rows' cache entry proved unreadable
            self.pending[doc.name] = self._readers().submit(extract, doc)
        if doc.name in self.pending:
            lines = self.readers.result(doc, self.pending.pop(doc.name))
        else:
            lines = extract(doc)
        if cacheable(doc):
            self._store(doc, lines)
        return lines

    def by_ocr(self, doc):
        """A searchable scan's lines read again by OCR (its own text layer set aside), cached apart."""
        data = self.cache.load(doc, "ocr")
        lines = self._lines(doc, data)
        if lines is None:
            readers = self._readers()
            lines = readers.result(doc, readers.submit(extract_by_ocr, doc, ocr=True))
            self.cache.store(doc, self._data(lines), "ocr")
        return lines

    def _load(self, doc):
        return self._lines(doc, self.cache.load(doc))

    def _lines(self, doc, data):
        try:
            return None if data is None else [Line(doc.name, n, text, tuple(cells), problem, page=page,
                                                   confidence=None if conf is None else tuple(conf))
                                              for n, text, cells, problem, page, conf in data]
        except (ValueError, TypeError):
            return None  # an unreadable entry: read the document again

    def _store(self, doc, lines):
        self.cache.store(doc, self._data(lines))

    @staticmethod
    def _data(lines):
        return [[l.number, l.text, list(l.cells), l.problem, l.page,
                 None if l.confidence is None else list(l.confidence)] for l in lines]


def _progress(documents):
    """The documents, behind a progress bar on stderr when there are many and it is a terminal."""
    if len(documents) >= PROGRESS_FROM and sys.stderr.isatty():
        return click.progressbar(documents, label="Reading publications", file=sys.stderr,
                                 item_show_func=lambda d: d.name if d else None)
    return contextlib.nullcontext(documents)


def stated(doc, lines):
    """The document with the period, language and title its own title states, checked
    against what its manifest entry says (an entry may leave them out)."""
    title = read_title(lines)
    found = dict(period=title.period, language=title.language) if title else {}
    for key, example in (("period", '"YYYY-MM"'), ("language", "en or no")):
        given = getattr(doc, key)
        if title and given is not None and given != found[key]:
            raise BuildError("raw/manifest.yml", doc.manifest_line, f"{key} {given}, but {title.where} says "
                             f"{title.text!r} ({key} {found[key]}): correct the entry, or leave {key} out")
        if given is None and not title:
            raise BuildError("raw/manifest.yml", doc.manifest_line, f"no {key}: {doc.name} states none in a title line (such as "
                             f"'Statistics for May 2024'); give `{key}: {example}` in its entry")
    return replace(doc, **found, title=doc.title or (title.text if title else None)) if title else doc


def document_rows(doc, lines, corrections, used):
    """One publication -> its rows of every table but `publications`, in plain JSON values
    (so that they can be cached), with the printed names it used and its summary line."""
    doc = stated(doc, lines)
    if scanned(lines) and not doc.damaged:
        doc = replace(doc, damaged=SCANNED)
    results, figures, top, checks = load_document(doc, corrections, used, lines)
    tables = {name: [] for name in ("returns", "published_totals", "monthly_figures", "figure_sources",
                                    "convicted_top_nationalities", "checks")}
    names, statuses = [], Counter()
    for kind, result in results.items():
        for cell in sorted(result.cells, key=lambda c: (c.country, c.category)):
            tables["returns"].append(dict(period=doc.period, kind=kind, country=cell.country, category=cell.category,
                                          count=cell.count, status=cell.status, source=cell.source))
            statuses[cell.status] += 1
        for category, (count, source) in result.totals.items():
            tables["published_totals"].append(dict(period=doc.period, kind=kind, category=category,
                                                   count=count, source=source))
        names += [[printed, code] for printed, code in result.names]
    tables["monthly_figures"].append(dict(
        period=doc.period, **{f: figures[f].value if f in figures else None for f in FIGURES}))
    for f in FIGURES:
        if f in figures:
            tables["figure_sources"].append(dict(period=doc.period, figure=f, value=figures[f].value,
                                                 source=figures[f].source, quote=figures[f].quote))
    tables["convicted_top_nationalities"] = [dict(period=doc.period, **t) for t in top]
    tables["checks"] = [dict(period=doc.period, **c) for c in checks]
    outcomes = Counter(c["outcome"] for c in checks)
    mismatches = [f"{doc.period} {c['check']} {c['subject']}: expected {c['expected']}, found {c['found']} "
                  f"({c['detail']})" for c in checks if c["outcome"] == "mismatch"]
    unread = [f"{doc.period} {c['subject']}: {c['detail']} (it reads {c['found']!r})"
              for c in checks if c["outcome"] == "unread"]
    summary = (f"{doc.period} {doc.language} {doc.name}: "
               f"{statuses['printed']} cells printed, {statuses['repaired']} repaired, "
               f"{statuses['corrected']} corrected; checks {outcomes['ok']} ok, {outcomes['repaired']} repaired, "
               f"{outcomes['corrected']} corrected, {outcomes['mismatch']} mismatch"
               + (f", {outcomes['unread']} figure(s) not read" if outcomes["unread"] else ""))
    return dict(tables=tables, names=names, summary=summary, mismatches=mismatches, unread=unread,
                document=dict(period=doc.period, language=doc.language, title=doc.title, damaged=doc.damaged))


def ocr_layer(lines):
    """Whether a document's text is another OCR's layer over page images (a searchable scan):
    lines marked scanned, none with a confidence of tesseract's own."""
    return scanned(lines) and not any(c is not None for l in lines if l.confidence for c in l.confidence)


def _rows_of(doc, extracted, corrections, used):
    """document_rows of a document; a searchable scan whose own text layer its sums do not hold
    together with is read again by OCR, and built from that (the check `ocr_layer` says so)."""
    lines = extracted.lines(doc)
    try:
        return document_rows(doc, lines, corrections, used)
    except BuildError as e:
        if not ocr_layer(lines):
            raise
        layer = e
    part = document_rows(doc, extracted.by_ocr(doc), corrections, used)
    part["tables"]["checks"].insert(0, dict(
        period=part["document"]["period"], kind=None, check="ocr_layer", subject=doc.name, expected="",
        found=str(layer), outcome="repaired",
        detail="the PDF's own OCR text layer does not hold together with its printed sums; its pages were "
               "read again by OCR"))
    return part


def _publication(doc):
    year, month = int(doc.period[:4]), int(doc.period[5:])
    return dict(period=doc.period, year=year, month=month,
                as_of=f"{doc.period}-{calendar.monthrange(year, month)[1]:02d}", language=doc.language,
                title=doc.title, source_file=doc.name, sha256=doc.sha256, source_url=doc.source_url,
                note=doc.note, damaged=doc.damaged)


def _manifest_salt(doc):
    """What of a document's manifest entry its rows depend on, for the rows cache's key."""
    return f"{doc.path.name} {doc.period} {doc.language} {doc.damaged}"


def collect(raw, cache_dir=None):
    """Read and check every document; the rows of every table of the database.

    cache_dir: the cache's folder (see cache.py; None: no cache).
    """
    raw = Path(raw)
    documents = read_manifest(raw)
    corrections = read_corrections(raw, {d.name for d in documents})
    corrected = {c.file for c in corrections}
    used = set()
    rows = {name: [] for name in db.SCHEMA}
    names = {}
    summary = Summary()
    # A PDF whose rows are cached is not read at all; one with corrections is always
    # built (its rows depend on raw/corrections.yml too).
    cached_rows = Entries(cache_dir, "rows", fingerprint())
    keep_rows = {doc.name for doc in documents if cacheable(doc) and doc.name not in corrected}
    to_read = [d for d in documents if not (d.name in keep_rows and cached_rows.has(d, _manifest_salt(d)))]
    parts = []
    with Extractions(to_read, cache_dir) as extracted, _progress(documents) as progress:
        # (the documents to read are being read meanwhile; an unreadable entry is read below)
        built = {}
        for doc in documents:
            if doc.name in keep_rows and (part := cached_rows.load(doc, _manifest_salt(doc))) is not None:
                built[doc.name] = part
        for doc in progress:
            part = built.get(doc.name)
            if part is None:
                part = _rows_of(doc, extracted, corrections, used)
                if doc.name in keep_rows:
                    cached_rows.store(doc, part, _manifest_salt(doc))
            parts.append((replace(doc, **part["document"]), part))
    # In the order of the periods the documents state (an entry may leave its period out).
    parts.sort(key=lambda p: p[0].period)
    for (a, _), (b, _) in zip(parts, parts[1:]):
        if a.period == b.period:
            raise BuildError("raw/manifest.yml", b.manifest_line, f"{b.name} is for {b.period}, as is {a.name} "
                             f"(line {a.manifest_line}): one publication a month")
    for doc, part in parts:
        rows["publications"].append(_publication(doc))
        for name, table in part["tables"].items():
            if name == "checks":
                table = [dict(id=len(rows["checks"]) + k + 1, **c) for k, c in enumerate(table)]
            rows[name] += table
        for printed, code in part["names"]:
            names.setdefault((printed, doc.language), code)
        summary.lines.append(part["summary"])
        summary.mismatches += part["mismatches"]
        summary.unread += part.get("unread", [])
    for c in corrections:
        if id(c) not in used:
            file, line = c.where.rsplit(":", 1)
            raise BuildError(file, int(line), f"correction matches no table: {c.file} has no {c.kind} table "
                             "in the manifest")
    codes = {r["country"] for r in rows["returns"]} | {r["country"] for r in rows["convicted_top_nationalities"]}
    codes |= set(names.values())
    C = countries()
    rows["countries"] = [C.rows[code] for code in sorted(codes)]
    rows["country_names"] = [dict(name=n, language=lang, code=code) for (n, lang), code in sorted(names.items())]
    rows["categories"] = [{k: c.get(k) for k in db.SCHEMA["categories"]["columns"]} for c in categories()]
    rows["category_crosswalk"] = crosswalk()
    summary.lines.insert(0, f"{len(documents)} publication(s), {len(rows['returns'])} cells, "
                            f"{len(rows['countries'])} countries")
    return rows, summary


def build(raw="raw", db_path="returns.db", views=None, cache_dir=None):
    """Build the database; raises BuildError on bad input, leaving db_path untouched.

    views: a folder of NAME.sql view definitions; None: the package's own (sql/views/).

    cache_dir: the cache's folder (see cache.py); None: $NORWAY_RETURNS_CACHE, else
    .cache/ beside the database; False: no cache.
    """
    views = VIEWS if views is None else Path(views)
    if not any(views.glob("*.sql")):  # say so before reading anything; never a database without them
        raise BuildError(str(views), None, "no view definitions (NAME.sql) in this folder")
    # raw/ shared (an add writing it is waited for) and the database exclusively (locks.py)
    with locks.raw_folder(raw, exclusive=False), locks.database(db_path):
        sweep_leftovers(raw)
        rows, summary = collect(raw, cache_root(db_path, cache_dir))
        db.write(db_path, rows, views)  # a failed write is a BuildError, db_path as it was
    return summary
