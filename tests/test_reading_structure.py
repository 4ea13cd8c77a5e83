"""How reading is put together: readers behind one interface, the header recognised in one
place, and no import circles (not even ones hidden by imports inside functions)."""

import ast
import re
from pathlib import Path

import pytest

import norway_returns
from norway_returns.errors import BuildError
from norway_returns.reading import extract
from norway_returns.reading.reader import Reader

PACKAGE = Path(norway_returns.__file__).parent
READING = PACKAGE / "reading"


def _imports(path):
    """(module names this file imports from the package, whether each is inside a function)."""
    module = "norway_returns." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    package = module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
             for n in ast.walk(f)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            targets = [name] if node.module else [f"{name}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for t in targets:
            if t.startswith("norway_returns"):
                out.append((t, id(node) in inner))
    return module, out


def _graph():
    graph, inside = {}, []
    for path in sorted(PACKAGE.rglob("*.py")):
        module, imports = _imports(path)
        graph[module] = {t for t, _ in imports}
        inside += [(module, t) for t, late in imports if late]
    return graph, inside


def test_no_import_circles_in_the_package():
    graph, _ = _graph()
    state = {}

    def visit(m, path):
        if state.get(m) == "done":
            return
        if state.get(m) == "open":
            cycle = path[path.index(m):] + [m]
            pytest.fail("import circle: " + " -> ".join(cycle))
        state[m] = "open"
        for t in graph.get(m, ()):
            if t in graph:
                visit(t, path + [m])
        state[m] = "done"

    for m in graph:
        visit(m, [])


def test_readers_import_one_another_at_the_top_only():
    """An import inside a function hides a circle; the readers have none."""
    _, inside = _graph()
    late = [(m, t) for m, t in inside if m.startswith("norway_returns.reading.")
            and t.startswith("norway_returns.reading")]
    assert late == []


def test_every_form_has_one_reader_behind_the_interface(tmp_path):
    suffixes = [s for r in extract.READERS for s in r.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert {".txt", ".pdf", ".html", ".htm"} <= set(suffixes)
    assert all(isinstance(r, Reader) and type(r).read is not Reader.read for r in extract.READERS)
    odd = tmp_path / "a.docx"
    odd.write_bytes(b"PK\x03\x04")
    with pytest.raises(BuildError) as e:
        extract.extract_file(odd, "raw/a.docx")
    assert str(e.value).startswith("raw/a.docx: no reader for .docx")


def test_the_header_vocabulary_is_read_in_one_place():
    """The header's phrases and words are used by header.py (and wrapped.py, which joins a
    label broken over lines) alone: every reader asks header.py."""
    uses = re.compile(r"\bheader_(phrases|words)\b")
    users = sorted(p.name for p in READING.glob("*.py")
                   if p.name != "vocabulary.py" and uses.search(p.read_text(encoding="utf-8")))
    assert users == ["header.py", "wrapped.py"]


def test_one_table_walker():
    """The table stage and the readers that place words walk a table with walker.Walk alone:
    each says what its items are, none walks on its own."""
    from norway_returns.reading import pdf, positional, tables, walker

    walks = [tables._Body, pdf._PageWalk, positional.TextWalk]
    assert all(issubclass(w, walker.Walk) and w.walk is walker.Walk.walk for w in walks)


def test_a_pdfs_words_can_be_made_another_way():
    """PdfReader.page_words is the one place a page's words are made: a reader that makes them
    another way (OCR of a page whose text layer is missing or does not decode) is read the same."""
    import pdfplumber

    from norway_returns.reading.pdf import PdfReader, page_words

    documents = Path(__file__).parent / "documents"
    printed = documents / "2024-05-en-noborders-postscript.pdf"  # its text layer is character ids
    with pytest.raises(BuildError, match="does not decode to words"):
        PdfReader().read(printed, "raw/2024-05-en.pdf")
    with pdfplumber.open(documents / "2024-05-en-noborders.pdf") as source:

        class Recognised(PdfReader):  # words as a recogniser would give them: those of the same page
            def page_words(self, page):
                return page_words(source.pages[page.page_number - 1])

        lines = Recognised().read(printed, "raw/2024-05-en.pdf")
    expected = PdfReader().read(documents / "2024-05-en-noborders.pdf", "raw/2024-05-en.pdf")
    assert [l.cells for l in lines] == [l.cells for l in expected]
    assert any(l.cells[:1] == ("Syria",) for l in lines)
