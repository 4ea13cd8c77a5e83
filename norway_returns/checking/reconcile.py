"""Stage 6: every table checked against its own totals, repaired where the sums decide.

Each table carries its check: a row's categories add up to its Total cell, each
column adds up to the Total row, and both tables of a publication print the same
Total row. The stage reads every row, then:

1. Row by row: the readings of a row (one per printed line; a wrapped name may print
   its numbers twice, and the two may differ) that add up to their own Total cell.
   A Total cell printed cut off (its first digits only) or blank counts as unknown, as
   does any cell that is not a number (OCR damage such as `(`, `1!`, `•`).
2. Table-wide: every combination of the rows' possible readings is solved against the
   column totals, the unknown cells found one equation at a time. Exactly one
   combination that balances every row and column: the table is repaired, each
   repair recorded. None, or more than one: the build stops and says where, unless
   raw/corrections.yml holds a person's decision for those lines.

Repairs are for damage a person has seen: only a document whose manifest entry
says `damaged:` is repaired from its sums. In any other document every cell must be
a plain number (or empty) and every printed line must add up to its Total cell, so
that a thousands separator, a stray character or a mistyped number stops the build
at its line instead of being quietly put right.
"""

import itertools
import re
from dataclasses import dataclass, field

from ..errors import BuildError
from ..reading.tables import group_rows

MAX_COMBINATIONS = 4096
THOUSANDS = re.compile(r"[0-9]{1,3}(?:[ ,.'\u00a0\u202f][0-9]{3})+")
IF_DAMAGED = ("; if the publication's text is damaged, say so in raw/manifest.yml (damaged: what is wrong) "
              "for the printed sums to repair what they decide")


class Unknown:
    """A cell the sums must decide; `printed` is what the publication shows there."""

    def __init__(self, printed):
        self.printed = printed

    def __repr__(self):
        return f"?{self.printed!r}"


@dataclass
class Candidate:
    """One way to read a row: column -> int or Unknown."""

    values: dict
    reading: object
    how: str = ""  # why this reading, when it is not the row as printed
    fallback: bool = False  # the printed row does not add up; a cell must be wrong


@dataclass
class Cell:
    country: str
    category: str
    count: int
    status: str  # printed | repaired | corrected
    source: str


@dataclass
class Result:
    kind: str
    cells: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # category|'total' -> (count, source)
    checks: list = field(default_factory=list)
    names: list = field(default_factory=list)  # (printed name, code)


def _printed_candidates(reading, columns):
    """A line's numbers as printed: an empty category cell is 0, an empty Total unknown."""
    values = {}
    for col in columns:
        c = reading.cells[col]
        if c.empty and col != "total":
            values[col] = 0
        elif c.value is not None:
            values[col] = c.value
        else:
            values[col] = Unknown(c.text)
    return Candidate(values, reading)


def _adds_up(cand, cats):
    """Whether a reading can be right by its own sum. A Total printed cut off to its
    first digits ("2" where the cells sum to 25) becomes unknown, for the columns to confirm."""
    v = cand.values
    open_cats = [c for c in cats if isinstance(v[c], Unknown)]
    known = sum(v[c] for c in cats if c not in open_cats)
    total = v["total"]
    if isinstance(total, Unknown):
        return bool(open_cats) or known > 0  # a printed row holds at least one return
    if open_cats:
        return known <= total
    if known == total:
        return total > 0
    if str(known).startswith(str(total)):
        v["total"] = Unknown(str(total))
        cand.how = f"Total cell printed {total!r} is cut off"
        return True
    return False


def row_candidates(row, columns):
    """(readings of a row that may be right, readings that cannot be), by the row's own sum."""
    cats = [c for c in columns if c != "total"]
    found, invalid = [], []
    for reading in row.readings:
        cand = _printed_candidates(reading, columns)
        (found if _adds_up(cand, cats) else invalid).append(cand)
    # Readings that agree on every number they both show are one reading printed
    # twice: keep the one that shows the most.
    distinct = []
    for cand in sorted(found, key=lambda c: sum(isinstance(v, Unknown) for v in c.values.values())):
        if not any(_same(cand, d) for d in distinct):
            distinct.append(cand)
    if distinct:
        return sorted(distinct, key=lambda c: c.reading.line.number), invalid
    # No line adds up: either the Total cell or the category cells are damaged.
    fallbacks = []
    for cand in invalid:
        printed, texts = cand.values, {c: cand.reading.cells[c].text for c in columns}
        if not isinstance(printed["total"], Unknown):
            fallbacks.append(Candidate({**printed, "total": Unknown(texts["total"])}, cand.reading,
                                       "the row's cells do not add up to its Total cell; the sums say the Total is wrong",
                                       True))
            fallbacks.append(Candidate({**{c: Unknown(texts[c]) for c in cats}, "total": printed["total"]},
                                       cand.reading,
                                       "the row's cells do not add up to its Total cell; the sums say the cells are wrong",
                                       True))
    return fallbacks, []


def _same(a, b):
    return all(
        isinstance(a.values[c], Unknown) or isinstance(b.values[c], Unknown) or a.values[c] == b.values[c]
        for c in a.values
    )


def solve(rows, total_row, columns):
    """Fill every Unknown from the row and column equations, or say why not.

    rows: list of dicts column -> int|Unknown (copied); total_row likewise.
    Returns (status, rows, total_row); status is 'ok', 'infeasible' or 'open'.
    """
    rows = [dict(r) for r in rows]
    total_row = dict(total_row)
    cats = [c for c in columns if c != "total"]
    equations = []  # (list of (container, key), container, key) : sum of terms == target
    for r in rows:
        equations.append(([(r, c) for c in cats], (r, "total")))
    for col in columns:
        equations.append(([(r, col) for r in rows], (total_row, col)))
    equations.append(([(total_row, c) for c in cats], (total_row, "total")))

    def unknown(ref):
        return isinstance(ref[0][ref[1]], Unknown)

    progress = True
    while progress:
        progress = False
        for terms, target in equations:
            refs = terms + [target]
            open_refs = [ref for ref in refs if unknown(ref)]
            if len(open_refs) != 1:
                continue
            ref = open_refs[0]
            known_terms = sum(t[0][t[1]] for t in terms if not unknown(t))
            value = target[0][target[1]] - known_terms if ref != target else known_terms
            if value < 0:
                return "infeasible", rows, total_row
            ref[0][ref[1]] = value
            progress = True
    if any(isinstance(v, Unknown) for r in rows + [total_row] for v in r.values()):
        return "open", rows, total_row  # some cell no equation decides
    for terms, target in equations:
        if sum(t[0][t[1]] for t in terms) != target[0][target[1]]:
            return "infeasible", rows, total_row
    if any(r["total"] <= 0 for r in rows):
        return "infeasible", rows, total_row
    return "ok", rows, total_row


def _mismatches(rows, total_row, columns):
    """What does not add up when every unknown counts as 0 (for error messages)."""
    def n(v):
        return 0 if isinstance(v, Unknown) else v
    out = []
    for col in columns:
        got = sum(n(r[col]) for r in rows)
        if got != n(total_row[col]):
            out.append(f"{col}: rows add up to {got}, the Total row says {total_row[col]}")
    return out


def require_as_printed(rows, total, columns):
    """In a document not marked damaged: every cell a plain number or empty, every line adding up."""
    cats = [c for c in columns if c != "total"]
    for name, reading in [(row.printed, r) for row in rows for r in row.readings] + [("the Total row", total)]:
        line, cells = reading.line, reading.cells
        for col in columns:
            text = cells[col].text
            if cells[col].readable and not (col == "total" and cells[col].empty):
                continue
            what = ("is empty" if not text else
                    f"reads {text!r}: a thousands separator, which the publications do not print" if THOUSANDS.fullmatch(text)
                    else f"reads {text!r}: not a number")
            raise BuildError(line.file, line.number, f"{col} of {name} {what}{IF_DAMAGED}")
        added = sum(cells[c].value or 0 for c in cats)
        if added != cells["total"].value:
            raise BuildError(line.file, line.number, f"the cells of {name} add up to {added}, its Total cell "
                             f"says {cells['total'].value}{IF_DAMAGED}")


def _one_row_per_country(table, rows, corrections):
    """A country is one row of a table: two names of one country (Turkey, Türkiye), or one
    name printed twice, would count its returns twice (and key two rows alike)."""
    seen = {}
    entries = [(row.code, row.lines[0].file, row.lines[0].number, repr(row.printed),
                f"{row.printed!r} (line {row.lines[0].number})") for row in rows]
    for corr in corrections:
        file, line = corr.where.rsplit(":", 1)
        entries += [(r.code, file, int(line), f"{r.printed!r} of this correction",
                     f"{r.printed!r} of the correction at {corr.where}") for r in corr.rows]
    for code, file, line, this, named in entries:
        if code in seen:
            raise BuildError(file, line, f"{this} and {seen[code]} both name {code} in the {table.kind} table "
                             f"of {table.file}; a country is one row of a table")
        seen[code] = named


def reconcile_table(table, corrections, totals_hint=None, repair=False):
    """A table -> Result with every cell, the Total row and the checks.

    repair: whether the document is marked damaged, so that its sums may repair it.
    """
    columns = table.columns
    cats = table.categories
    skip = {n for corr in corrections for n in corr.line_numbers}
    rows = group_rows(table, skip)
    _one_row_per_country(table, rows, corrections)
    if not repair:
        require_as_printed(rows, table.total, columns)
    result = Result(table.kind)
    period_checks = result.checks

    def check(name, subject, expected, found, outcome, detail=""):
        period_checks.append(dict(kind=table.kind, check=name, subject=subject, expected=str(expected),
                                  found=str(found), outcome=outcome, detail=detail))

    for line, note in table.notes:
        check("header", f"line {line.number}", "", line.text.strip(), "repaired", note)

    # The Total row: unreadable cells may be filled from the other table's Total row.
    total_cand = _printed_candidates(table.total, columns)
    total_row = total_cand.values
    for col in columns:
        if isinstance(total_row[col], Unknown) and totals_hint and col in totals_hint:
            check("total_row", col, totals_hint[col][0], total_row[col].printed, "repaired",
                  "unreadable Total cell taken from the other table's Total row")
            total_row[col] = totals_hint[col][0]

    candidates, rejected = [], []
    for r in rows:
        found, invalid = row_candidates(r, columns)
        candidates.append(found)
        rejected.append(invalid)
    for row, cands in zip(rows, candidates):
        if not cands:
            line = row.readings[0].line
            raise BuildError(line.file, line.number, f"no reading of {row.printed!r} can be made to add up")

    # Corrected rows are fixed: a person decided them.
    fixed = []
    for corr in corrections:
        for crow in corr.rows:
            values = {c: crow.values.get(c, 0) for c in cats}
            values["total"] = sum(values.values())
            fixed.append((crow, values))

    choice_rows = [i for i, c in enumerate(candidates) if len(c) > 1]
    combos = 1
    for i in choice_rows:
        combos *= len(candidates[i])
    if combos > MAX_COMBINATIONS:
        line = rows[choice_rows[0]].lines[0]
        raise BuildError(line.file, line.number, f"{len(choice_rows)} rows of the {table.kind} table have "
                         f"several readings; too many to try ({combos}): add corrections")
    solutions, open_, open_cell = [], 0, None
    for pick in itertools.product(*[range(len(candidates[i])) for i in choice_rows]):
        chosen = [c[0] for c in candidates]
        for i, k in zip(choice_rows, pick):
            chosen[i] = candidates[i][k]
        status, solved, solved_total = solve([c.values for c in chosen] + [v for _, v in fixed], total_row, columns)
        if status == "ok":
            if not any(s[1] == solved and s[2] == solved_total for s in solutions):
                solutions.append((chosen, solved, solved_total))
        elif status == "open":
            open_ += 1
            if open_cell is None:
                open_cell = next(((chosen[i], rows[i], col) for i, r in enumerate(solved[: len(rows)])
                                  for col in columns if isinstance(r[col], Unknown)), None)
    if len(solutions) != 1 or open_:
        where = table.total.line
        if not solutions and not open_:
            printed = [c[0].values for c in candidates] + [v for _, v in fixed]
            detail = "; ".join(_mismatches(printed, total_row, columns)) or "rows and columns cannot all add up"
            raise BuildError(where.file, where.number, f"the {table.kind} table does not reconcile ({detail}); "
                             "repair the cells or add a correction to raw/corrections.yml")
        if not solutions and open_cell:
            cand, row, col = open_cell
            line = cand.reading.line
            raise BuildError(line.file, line.number, f"{col} of {row.printed} reads {cand.values[col].printed!r}: "
                             "not a number, and the printed sums do not decide it; add a correction to "
                             "raw/corrections.yml")
        alternatives = []
        for i in choice_rows:
            seen = []
            for chosen, solved, _ in solutions:
                k = next(j for j, c in enumerate(candidates[i]) if c is chosen[i])
                if k not in seen:
                    seen.append(k)
            if len(seen) > 1 or open_:
                lines = ", ".join(str(candidates[i][k].reading.line.number) for k in seen)
                alternatives.append(f"{rows[i].printed} (lines {lines})")
        which = "; ".join(alternatives) or "cells the sums leave open"
        raise BuildError(where.file, where.number, f"the {table.kind} table reconciles in "
                         f"{len(solutions) or 'more than one'} ways{' (some cells open)' if open_ else ''}: "
                         f"the sums do not decide {which}; add a correction to raw/corrections.yml")

    chosen, solved, solved_total = solutions[0]
    n_rows = len(rows)
    for i, (row, cand, values) in enumerate(zip(rows, chosen, solved[:n_rows])):
        _record_row(result, check, row, cand, candidates[i], rejected[i], values, cats)
        if not repair and result.checks[-1]["outcome"] == "repaired":
            line = cand.reading.line  # e.g. a wrapped name printing two different rows
            raise BuildError(line.file, line.number, f"{row.printed}: {result.checks[-1]['detail']}{IF_DAMAGED}")
    for (crow, _), values in zip(fixed, solved[n_rows:]):
        for c in cats:
            if values[c]:
                result.cells.append(Cell(crow.code, c, values[c], "corrected", crow.source))
        result.names.append((crow.printed, crow.code))
        check("row_total", crow.printed, values["total"], "", "corrected", crow.reason)
    for col in columns:
        got = sum(v[col] for v in solved)
        printed = table.total.cells[col].text
        outcome = "ok" if str(solved_total[col]) == printed else "repaired"
        check("column_total", col, solved_total[col], got, outcome,
              "" if outcome == "ok" else f"Total row printed {printed!r}")
        result.totals[col] = (solved_total[col], table.total.line.where)
    check("grand_total", "total", solved_total["total"], sum(solved_total[c] for c in cats), "ok")
    return result


def _confidence(conf):
    return "" if conf is None else f" (confidence {conf:.0f})"


def _record_row(result, check, row, cand, all_cands, rejected, values, cats):
    line = cand.reading.line
    source = line.where
    if row.misread:  # not a spelling the publication prints: the country it nearly spells
        conf = line.confidence[0] if line.confidence and line.confidence[0] is not None else None
        check("country_name", row.printed, row.misread, row.printed, "repaired",
              f"OCR read {row.printed!r}{_confidence(conf)}: the only country whose name it nearly spells is "
              f"{row.misread!r} ({row.code}), and the row adds up with the table's sums")
    else:
        result.names.append((row.printed, row.code))
    notes = []
    if len(all_cands) > 1 and not cand.fallback:
        others = ", ".join(str(c.reading.line.number) for c in all_cands if c is not cand)
        notes.append(f"line {line.number} chosen over line {others}: only it balances the table")
    for r in rejected:
        notes.append(f"line {r.reading.line.number} of the same name does not add up to its Total")
    if cand.how:
        notes.append(cand.how)
    outcome = "ok"
    for c in cats + ["total"]:
        text = cand.reading.cells[c].text
        differs = len({str(x.values[c]) for x in all_cands + rejected if not x.fallback}) > 1
        repaired = differs or text != (str(values[c]) if values[c] or c == "total" else "")
        if repaired:
            outcome = "repaired"
            if not differs:
                read = (f"read {text or '(empty)'!r} by OCR{_confidence(cand.reading.cells[c].conf)}"
                        if line.scanned else f"printed {text or '(empty)'!r}")
                notes.append(f"{c} {read}, the sums make it {values[c] or '(empty)'}")
        if c != "total" and values[c]:
            result.cells.append(Cell(row.code, c, values[c], "repaired" if repaired else "printed", source))
    check("row_total", row.printed, values["total"], cand.reading.cells["total"].text or "(empty)", outcome,
          "; ".join(notes))
