"""The pipeline: raw/ -> returns.db, stage by stage (see the package docstring)."""

import calendar
import contextlib
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import click

from . import db
from .corrections import for_table, read_corrections
from .countries import countries
from .errors import BuildError
from .extract import Line, extract
from .figures import FIGURES, read_figures
from .reconcile import reconcile_table
from .sources import read_manifest
from .tables import find_tables
from .vocabulary import categories

KINDS = ("nationality", "destination")
# Extraction of PDFs runs in worker processes when several need reading, and each
# document's lines are cached by its sha256 (text documents are read in
# milliseconds and neither). NORWAY_RETURNS_CACHE names the cache folder (default
# .cache/extract/ beside the database; "off" for none); NORWAY_RETURNS_JOBS the
# number of worker processes (default: the cores this process may use).
CACHE_ENV, JOBS_ENV = "NORWAY_RETURNS_CACHE", "NORWAY_RETURNS_JOBS"
CACHED_SUFFIXES = (".pdf",)
PROGRESS_FROM = 5  # documents: a progress bar on a terminal from this many


@dataclass
class Summary:
    """What the build prints: per publication, cells by status and checks by outcome."""

    lines: list = field(default_factory=list)
    mismatches: list = field(default_factory=list)

    def __str__(self):
        out = self.lines[:]
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


def load_document(document, corrections, used, lines=None):
    """One publication -> rows for every table of the database, and its checks."""
    lines = extract(document) if lines is None else lines
    tables = _tables_by_kind(document, find_tables(lines))
    figures, top = read_figures(document, lines)
    results, hint = {}, None
    for kind in KINDS:
        table = tables[kind]
        results[kind] = reconcile_table(table, for_table(corrections, table, used), hint)
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
    if "ytd_total" in figures:
        stated, table_total = figures["ytd_total"].value, nat["total"][0]
        checks.append(dict(
            kind=None, check="prose_ytd_total", subject="ytd_total", expected=str(table_total), found=str(stated),
            outcome="ok" if stated == table_total else "mismatch",
            detail=f"prose at {document.name}:{figures['ytd_total'].line} against the tables' grand total"))
    return results, figures, top, checks


# --- extraction: in parallel, cached ------------------------------------------------


@cache
def _fingerprint():
    """What an extraction depends on besides the document: the extractors' code and pdfplumber."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for module in ("extract.py", "pdf.py", "tables.py", "vocabulary.py", "countries.py"):
        h.update((here / module).read_bytes())
    for package in ("pdfplumber", "pdfminer.six"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            h.update(importlib.metadata.version(package).encode())
    for data in sorted((here / "data").glob("*.yml")):
        h.update(data.read_bytes())
    return h.hexdigest()[:16]


def _cores():
    jobs = os.environ.get(JOBS_ENV, "").strip()
    if jobs.isdigit() and int(jobs) > 0:
        return int(jobs)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cache_folder(db_path, cache_dir=None):
    """The extraction cache's folder, or None for no cache."""
    setting = os.environ.get(CACHE_ENV) if cache_dir is None else cache_dir
    if setting is None:
        return Path(db_path).resolve().parent / ".cache" / "extract"
    if setting is False or str(setting).strip().lower() in ("", "0", "off", "no", "none"):
        return None
    return Path(setting)


def _watch_parent(parent):
    """In a worker process: exit when the build that started it is gone (killed, say)."""
    import threading
    import time

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _extract_job(document):
    """In a worker process: the document's lines, or the BuildError's parts (it does not pickle)."""
    try:
        return "ok", extract(document)
    except BuildError as e:
        return "error", (e.file, e.line, e.message)


class Extractions:
    """Every document's lines: from the cache, from worker processes, or read here.

    Documents are handed out in the order asked for, and a document's BuildError
    is raised when its lines are asked for, so that the build stops where a serial
    build would, with the same message.
    """

    def __init__(self, documents, folder):
        self.folder = folder
        self._sweep()
        self.ready, self.pending, self.pool = {}, {}, None
        todo = []
        for doc in documents:
            if doc.path.suffix.lower() in CACHED_SUFFIXES:
                lines = self._load(doc)
                if lines is None:
                    todo.append(doc)
                else:
                    self.ready[doc.name] = lines
        workers = min(_cores(), len(todo))
        if workers >= 2:
            from . import pdf  # noqa: F401  imported once here, inherited by forked workers

            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self.pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_watch_parent,
                                            initargs=(os.getpid(),))
            for doc in todo:
                self.pending[doc.name] = self.pool.submit(_extract_job, doc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def lines(self, doc):
        if doc.name in self.ready:
            return self.ready.pop(doc.name)
        if doc.name in self.pending:
            try:
                status, value = self.pending.pop(doc.name).result()
            except BrokenProcessPool:
                raise BuildError(doc.name, None, "the process reading this document died (out of memory?)") from None
            if status == "error":
                raise BuildError(*value)
            lines = value
        else:
            lines = extract(doc)
        if doc.path.suffix.lower() in CACHED_SUFFIXES:
            self._store(doc, lines)
        return lines

    def _sweep(self):
        """Remove temp files left by builds that were killed while writing an entry."""
        if self.folder is None or not self.folder.is_dir():
            return
        for stale in self.folder.glob(".*.tmp"):
            pid = stale.name.rsplit(".", 2)[-2]
            if pid.isdigit() and not db._running(int(pid)):
                stale.unlink(missing_ok=True)

    def _path(self, doc):
        return self.folder / f"{doc.sha256}-{_fingerprint()}.json"

    def _load(self, doc):
        if self.folder is None:
            return None
        try:
            data = json.loads(self._path(doc).read_text(encoding="utf-8"))
            return [Line(doc.name, n, text, tuple(cells), problem, page=page)
                    for n, text, cells, problem, page in data["lines"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # not cached, or an unreadable entry: read the document again

    def _store(self, doc, lines):
        """Write the entry atomically; a cache that cannot be written is no cache."""
        if self.folder is None:
            return
        path = self._path(doc)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = {"sha256": doc.sha256, "fingerprint": _fingerprint(),
                    "lines": [[l.number, l.text, list(l.cells), l.problem, l.page] for l in lines]}
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _progress(documents):
    """The documents, behind a progress bar on stderr when there are many and it is a terminal."""
    if len(documents) >= PROGRESS_FROM and sys.stderr.isatty():
        return click.progressbar(documents, label="Reading publications", file=sys.stderr,
                                 item_show_func=lambda d: d.name if d else None)
    return contextlib.nullcontext(documents)


def collect(raw, cache_dir=None):
    """Read and check every document; the rows of every table of the database.

    cache_dir: the folder where extractions of PDFs are cached (None: no cache).
    """
    raw = Path(raw)
    documents = read_manifest(raw)
    corrections = read_corrections(raw)
    used = set()
    rows = {name: [] for name in db.SCHEMA}
    names, codes = {}, set()
    summary = Summary()
    with Extractions(documents, cache_dir) as extracted, _progress(documents) as progress:
        for doc in progress:
            year, month = int(doc.period[:4]), int(doc.period[5:])
            rows["publications"].append(dict(
                period=doc.period, year=year, month=month,
                as_of=f"{doc.period}-{calendar.monthrange(year, month)[1]:02d}", language=doc.language,
                title=doc.title, source_file=doc.name, sha256=doc.sha256, source_url=doc.source_url, note=doc.note))
            results, figures, top, checks = load_document(doc, corrections, used, extracted.lines(doc))
            statuses = Counter()
            for kind, result in results.items():
                for cell in sorted(result.cells, key=lambda c: (c.country, c.category)):
                    rows["returns"].append(dict(period=doc.period, kind=kind, country=cell.country,
                                                category=cell.category, count=cell.count, status=cell.status,
                                                source=cell.source))
                    statuses[cell.status] += 1
                    codes.add(cell.country)
                for category, (count, source) in result.totals.items():
                    rows["published_totals"].append(dict(period=doc.period, kind=kind, category=category,
                                                         count=count, source=source))
                for printed, code in result.names:
                    names.setdefault((printed, doc.language), code)
            rows["monthly_figures"].append(dict(
                period=doc.period, **{f: figures[f].value if f in figures else None for f in FIGURES}))
            for f in FIGURES:
                if f in figures:
                    rows["figure_sources"].append(dict(period=doc.period, figure=f, value=figures[f].value,
                                                       source=f"{doc.name}:{figures[f].line}", quote=figures[f].quote))
            for t in top:
                rows["convicted_top_nationalities"].append(dict(period=doc.period, **t))
                codes.add(t["country"])
            outcomes = Counter(c["outcome"] for c in checks)
            for c in checks:
                rows["checks"].append(dict(id=len(rows["checks"]) + 1, period=doc.period, **c))
                if c["outcome"] == "mismatch":
                    summary.mismatches.append(f"{doc.period} {c['check']} {c['subject']}: expected {c['expected']}, "
                                              f"found {c['found']} ({c['detail']})")
            summary.lines.append(
                f"{doc.period} {doc.language} {doc.name}: "
                f"{statuses['printed']} cells printed, {statuses['repaired']} repaired, "
                f"{statuses['corrected']} corrected; checks {outcomes['ok']} ok, {outcomes['repaired']} repaired, "
                f"{outcomes['corrected']} corrected, {outcomes['mismatch']} mismatch")
    for c in corrections:
        if id(c) not in used:
            file, line = c.where.rsplit(":", 1)
            raise BuildError(file, int(line), f"correction matches no table: {c.file} has no {c.kind} table "
                             "in the manifest")
    codes |= set(names.values())
    C = countries()
    rows["countries"] = [C.rows[code] for code in sorted(codes)]
    rows["country_names"] = [dict(name=n, language=lang, code=code) for (n, lang), code in sorted(names.items())]
    rows["categories"] = [
        {k: c[k] for k in ("code", "label_en", "label_no", "description_en", "first_period")} for c in categories()
    ]
    summary.lines.insert(0, f"{len(documents)} publication(s), {len(rows['returns'])} cells, "
                            f"{len(rows['countries'])} countries")
    return rows, summary


def build(raw="raw", db_path="returns.db", views="sql/views", cache_dir=None):
    """Build the database; raises BuildError on bad input, leaving db_path untouched.

    cache_dir: where extractions of PDFs are cached; None: $NORWAY_RETURNS_CACHE, else
    .cache/extract/ beside the database; False: no cache.
    """
    rows, summary = collect(raw, cache_folder(db_path, cache_dir))
    try:
        db.write(db_path, rows, views)
    except OSError as e:
        raise BuildError(db_path, None, f"cannot write the database: {e.strerror}") from None
    return summary
