"""raw/corrections.yml: a person's decision where the printed sums do not decide.

Each entry replaces a run of lines of one table with the rows a person read there,
and says why. The build applies it, marks its cells `corrected`, and stops if an
entry matches nothing, so that no stale decision lingers.

    - file: 2024-05-en.txt         # the document, as in the manifest
      kind: nationality            # which of its tables
      lines: [123, 125]            # first and last line replaced
      rows:
        - {country: Libya, asylum: 1, dublin: 7}
      reason: why these numbers, and what the alternatives were
"""

from dataclasses import dataclass

from ..reading.countries import countries
from ..errors import BuildError
from ..reading.sources import load_yaml_list
from ..reading.vocabulary import category_codes

KEYS = {"file", "kind", "lines", "rows", "reason"}


@dataclass
class CorrectedRow:
    printed: str
    code: str
    values: dict
    source: str
    reason: str


@dataclass
class Correction:
    file: str  # raw/NAME
    kind: str
    first: int
    last: int
    rows: list
    reason: str
    where: str  # raw/corrections.yml:LINE

    @property
    def line_numbers(self):
        return range(self.first, self.last + 1)


def read_corrections(raw, documents=None):
    """The corrections of raw/corrections.yml, each checked on its own line.

    documents: the names (raw/NAME) the manifest lists; a correction must name one.
    """
    path = raw / "corrections.yml"
    if not path.exists():
        return []
    name = "raw/corrections.yml"
    out = []
    for entry in load_yaml_list(path, "corrections file"):
        line = entry.pop("__line__")

        def fail(msg):
            raise BuildError(name, line, msg)

        missing = KEYS - set(entry)
        if missing:
            fail(f"correction lacks {', '.join(sorted(missing))}")
        if set(entry) - KEYS:
            fail(f"unknown key(s) {', '.join(sorted(set(entry) - KEYS))}")
        if entry["kind"] not in ("nationality", "destination"):
            fail(f"kind {entry['kind']!r} is not nationality or destination")
        lines = entry["lines"]
        if not (isinstance(lines, list) and len(lines) == 2 and all(isinstance(n, int) for n in lines)
                and 0 < lines[0] <= lines[1]):
            fail("lines must be [first, last], two line numbers")
        if not str(entry["reason"]).strip():
            fail("a correction needs its reason")
        if not isinstance(entry["rows"], list) or not entry["rows"]:
            fail("rows must be a list of at least one row")
        file = f"raw/{entry['file']}"
        if documents is not None and file not in documents:
            fail(f"{entry['file']} is not listed in raw/manifest.yml")
        for other in out:  # one decision per line: a second would be applied too, or contradict the first
            if other.file == file and other.kind == entry["kind"] and other.first <= lines[1] \
                    and lines[0] <= other.last:
                again = "lists the same lines again" if (other.first, other.last) == tuple(lines) else \
                    f"overlaps lines {other.first}-{other.last}"
                fail(f"this correction of lines {lines[0]}-{lines[1]} of the {entry['kind']} table of "
                     f"{file} {again}, corrected at {other.where}")
        source = f"{file}:{lines[0]}" if lines[0] == lines[1] else f"{file}:{lines[0]}-{lines[1]}"
        rows = []
        for r in entry["rows"]:
            if not isinstance(r, dict):
                fail(f"rows must be mappings such as {{country: Libya, asylum: 1}}, not {r!r}")
            r = {k: v for k, v in r.items() if k != "__line__"}
            printed = str(r.pop("country", ""))
            code = countries().code(printed)
            if not code:
                fail(f"unknown country {printed!r}")
            bad = set(r) - set(category_codes())
            if bad:
                fail(f"unknown category {', '.join(sorted(bad))}")
            if not all(type(v) is int and v > 0 for v in r.values()) or not r:
                fail(f"counts for {printed} must be whole numbers above 0 (leave an empty cell out)")
            rows.append(CorrectedRow(printed, code, r, source, str(entry["reason"]).strip()))
        out.append(Correction(file, entry["kind"], lines[0], lines[1], rows, str(entry["reason"]).strip(),
                              f"{name}:{line}"))
    return out


def for_table(corrections, table, used):
    """The corrections of one table, checked to lie on its rows; marks them used."""
    mine = [c for c in corrections if c.file == table.file and c.kind == table.kind]
    body = {l.number for l, _ in table.body}
    for c in mine:
        outside = [n for n in c.line_numbers if n not in body]
        if outside:
            file, line = c.where.rsplit(":", 1)
            raise BuildError(file, int(line), f"lines {c.first}-{c.last} are not all rows of the {c.kind} "
                             f"table of {c.file} (line {outside[0]} is not)")
        for r in c.rows:
            if r.values and set(r.values) - set(table.categories):
                file, line = c.where.rsplit(":", 1)
                raise BuildError(file, int(line), f"{table.file} has no column {sorted(set(r.values) - set(table.categories))[0]}")
        used.add(id(c))
    return mine
