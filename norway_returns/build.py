"""The pipeline: raw/ -> returns.db, stage by stage (see the package docstring)."""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import db
from .corrections import for_table, read_corrections
from .countries import countries
from .errors import BuildError
from .extract import extract
from .figures import FIGURES, read_figures
from .reconcile import reconcile_table
from .sources import read_manifest
from .tables import find_tables
from .vocabulary import categories

KINDS = ("nationality", "destination")


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


def load_document(document, corrections, used):
    """One publication -> rows for every table of the database, and its checks."""
    lines = extract(document)
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


def collect(raw):
    """Read and check every document; the rows of every table of the database."""
    raw = Path(raw)
    documents = read_manifest(raw)
    corrections = read_corrections(raw)
    used = set()
    rows = {name: [] for name in db.SCHEMA}
    names, codes = {}, set()
    summary = Summary()
    for doc in documents:
        year, month = int(doc.period[:4]), int(doc.period[5:])
        rows["publications"].append(dict(
            period=doc.period, year=year, month=month,
            as_of=f"{doc.period}-{calendar.monthrange(year, month)[1]:02d}", language=doc.language,
            title=doc.title, source_file=doc.name, sha256=doc.sha256, source_url=doc.source_url, note=doc.note))
        results, figures, top, checks = load_document(doc, corrections, used)
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


def build(raw="raw", db_path="returns.db", views="sql/views"):
    """Build the database; raises BuildError on bad input, leaving db_path untouched."""
    rows, summary = collect(raw)
    try:
        db.write(db_path, rows, views)
    except OSError as e:
        raise BuildError(db_path, None, f"cannot write the database: {e.strerror}") from None
    return summary
