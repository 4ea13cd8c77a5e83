"""Fuzzing the extractors, the table stage and reconciliation on mutated real lines.

Whatever the damage, the build either reads the document or stops with the project's
own BuildError (a message naming the file and line): never another exception.
`make test` runs a few thousand examples; `make fuzz` runs many more.
"""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from norway_returns.errors import BuildError
from norway_returns.reading.extract import Line, split_spaced, split_tabbed
from norway_returns.reading.figures import read_figures
from norway_returns.checking.reconcile import reconcile_table
from norway_returns.reading.sources import read_manifest
from norway_returns.reading.tables import find_tables

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))
DOCUMENTS = {d.path.name: d for d in read_manifest(ROOT / "raw")}
TEXTS = {name: d.path.read_text(encoding="utf-8").split("\n") for name, d in DOCUMENTS.items()}
# what OCR and extraction leave behind, and what breaks parsers
ALPHABET = st.sampled_from(list("0123456789 \t\t  -.,;:!_/()•·`'\"%ļ۷0OlI") + ["", "Total", "Sum", "\u00a0", "  "])


def lines_of(name, texts):
    tabbed = any("\t" in t for t in texts)
    out = []
    for n, t in enumerate(texts, start=1):
        cells, problem = (split_tabbed(t), None) if tabbed else split_spaced(t)
        out.append(Line(f"raw/{name}", n, t, cells, problem))
    return out


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(TEXTS)))
    texts = list(TEXTS[name])
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(texts) - 1))
        op = draw(st.sampled_from(["replace", "insert", "delete_line", "duplicate_line", "truncate",
                                   "drop_cell", "swap_lines"]))
        text = texts[i]
        if op == "replace" and text:
            at = draw(st.integers(0, len(text) - 1))
            texts[i] = text[:at] + draw(ALPHABET) + text[at + 1:]
        elif op == "insert":
            at = draw(st.integers(0, len(text)))
            texts[i] = text[:at] + draw(ALPHABET) + text[at:]
        elif op == "delete_line" and len(texts) > 1:
            del texts[i]
        elif op == "duplicate_line":
            texts.insert(i, text)
        elif op == "truncate":
            texts[i] = text[: draw(st.integers(0, len(text)))]
        elif op == "drop_cell" and "\t" in text:
            cells = text.split("\t")
            del cells[draw(st.integers(0, len(cells) - 1))]
            texts[i] = "\t".join(cells)
        elif op == "swap_lines":
            j = draw(st.integers(0, len(texts) - 1))
            texts[i], texts[j] = texts[j], texts[i]
    # repairs from the sums (documents marked damaged) or none (the others)
    return name, texts, draw(st.booleans())


def run_stages(name, texts, repair):
    lines = lines_of(name, texts)
    read_figures(DOCUMENTS[name], lines)
    hint = None
    for table in find_tables(lines):
        result = reconcile_table(table, [], hint, repair=repair)
        hint = result.totals


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          database=None, derandomize=os.environ.get("FUZZ_RANDOM") is None)
@given(mutated())
def test_only_build_errors_escape(case):
    name, texts, repair = case
    try:
        run_stages(name, texts, repair)
    except BuildError as e:
        assert e.file == f"raw/{name}" and str(e).startswith(f"raw/{name}")


def test_unmutated_documents_pass():
    for name, texts in TEXTS.items():
        if name != "2024-05-en.txt":  # needs its corrections
            run_stages(name, texts, repair=bool(DOCUMENTS[name].damaged))
