#!/usr/bin/env python3
"""Make the test documents of tests/documents/ as users' own tools make them.

Each seed publication of raw/ is written out as the build reads it (its prose lines,
both tables with their printed names and reconciled numbers, via make_pdfs.from_text)
and then laid out by the software a user really has:

- a Word document (python-docx) saved as PDF by LibreOffice (`soffice --headless
  --convert-to pdf`): with grid borders, with no borders, with a banded (shaded) table
  style; the header row repeated on every page or not; a running title in the page
  header and page numbers ("Page 2 of 5", "Side 2 av 5") in the footer; a narrow name
  column, so that long names wrap; one where a wrapped name is cut by a page break;
- an HTML table printed to PDF by Chromium (`--print-to-pdf`), with Chromium's own
  header and footer (date, title, page numbers): styled (banded rows, a header that
  repeats), and as written with no style at all (Chromium's defaults: cells 1px apart,
  so that two cells' texts nearly touch, numbers left-aligned, the header not repeated),
  with `border=1` (a grid; a Total row alone in its grid at the top of a page), and in
  landscape with a large font;
- the text poppler's `pdftotext -layout` makes of some of them (cells in columns by
  position), and plain `pdftotext` text (cells one after another: unreadable, and the
  build must say so);
- text copied from a Word PDF as a PDF viewer copies it (the layout of raw/2022-06-en.txt:
  cells one space apart, the header's wrapped labels line by line, interleaved);
- the article page as the police's news CMS renders it (make_web_pages.py: site header,
  navigation, cookie banner, related links, footer; thead/tbody, row headers, &nbsp;,
  data-label, scrolling regions; or a table typed in its editor), and as Chromium saves it
  (its DOM once the page's scripts ran, `--dump-dom`), in English and Norwegian;
- LaTeX (make_typeset.py; pdflatex, longtable): a numbered caption above its table
  ("Table 1: ..."), or below it ("Tabell 2 – ..."), and both tables side by side on one
  landscape page;
- a Word PDF printed through PostScript (pdftops, ps2pdf): fonts without a mapping to
  characters, a text layer of character ids; the build must refuse it, saying so.

The six-category layout of 2025 is made in every form the older layouts are.

tests/documents/documents.yml lists every document with the publication it was made
from and what the build must do with it (build its cells exactly, or refuse it).

    python tools/make_fixtures.py [--out tests/documents] [--only PATTERN ...]
"""

import dataclasses
import fnmatch
import datetime
import html
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import make_pdfs  # noqa: E402
import make_typeset  # noqa: E402
import make_web_pages  # noqa: E402

LABELS = make_pdfs.LABELS
SEEDS = ["2022-06-en.txt", "2024-03-no.txt", "2024-05-en.txt", "2025-02-en.txt"]
PAGE_WORDS = {"en": ("Page", "of"), "no": ("Side", "av")}


@dataclass
class Variant:
    name: str
    borders: str = "grid"  # grid | none | banded (a table style) | shaded (each cell of every other row filled)
    repeat_header: bool = True
    align: str = "right"  # right | center | left (Word's own default): the numbers in their cells
    name_cm: float = 3.2  # the name column; long names wrap in it
    furniture: bool = True  # running title in the page header, page numbers in the footer


VARIANTS = {
    "grid": Variant("grid", borders="grid", repeat_header=True),
    "noborders": Variant("noborders", borders="none", repeat_header=False),
    "banded": Variant("banded", borders="banded", repeat_header=True),
    "shaded": Variant("shaded", borders="shaded", repeat_header=True),
    "grid-norepeat": Variant("grid-norepeat", borders="grid", repeat_header=False),
    "banded-norepeat": Variant("banded-norepeat", borders="banded", repeat_header=False, align="center"),
    "noborders-left": Variant("noborders-left", borders="none", repeat_header=False, align="left"),
}
# which seeds each Word layout is made from (every seed gets grid, no borders and a banded table)
WORD = [
    ("2022-06-en.txt", "grid"), ("2024-03-no.txt", "grid"), ("2024-05-en.txt", "grid"), ("2025-02-en.txt", "grid"),
    ("2022-06-en.txt", "noborders"), ("2024-03-no.txt", "noborders"), ("2024-05-en.txt", "noborders"),
    ("2025-02-en.txt", "noborders"),
    ("2022-06-en.txt", "banded-norepeat"), ("2024-03-no.txt", "banded"), ("2024-05-en.txt", "banded"),
    ("2025-02-en.txt", "banded-norepeat"), ("2024-03-no.txt", "grid-norepeat"),
    ("2022-06-en.txt", "shaded"), ("2024-03-no.txt", "shaded"),
    ("2024-05-en.txt", "noborders-left"), ("2024-03-no.txt", "noborders-left"),
    # the six-category layout of 2025 in every form the older ones come in
    ("2025-02-en.txt", "banded"), ("2025-02-en.txt", "shaded"), ("2025-02-en.txt", "noborders-left"),
    ("2025-02-en.txt", "grid-norepeat"),
]
# a wrapped name cut by a page break (searched for by padding the prose)
PAGEBREAK = [("2024-05-en.txt", "noborders"), ("2022-06-en.txt", "grid")]
PAGEBREAK_NAME_CM = 2.2  # narrower: more names wrap, and one is soon cut by a page break
HTML = SEEDS
# HTML written as a user writes it, without a style sheet or with a few rules:
# variant -> (the rules, what the document is)
PLAIN_HTML = {
    "unstyled": ("", "no style sheet: Chromium's defaults, cells 1px apart, numbers left-aligned"),
    "border1": ("", "no style sheet, <table border=1>: a grid"),
    "landscape": ("@page{size:A4 landscape} body{font-size:14pt} td{text-align:right}",
                  "landscape, 14pt, numbers right-aligned"),
}
PLAIN_HTML_DOCUMENTS = [("2024-03-no.txt", "unstyled"), ("2024-05-en.txt", "unstyled"), ("2022-06-en.txt", "border1"),
                        ("2024-05-en.txt", "landscape"), ("2025-02-en.txt", "unstyled"),
                        ("2025-02-en.txt", "landscape")]
# text made by poppler: (pdf document, -layout or plain)
TEXTS = [
    ("2022-06-en-grid.pdf", "layout"), ("2024-03-no-noborders.pdf", "layout"),
    ("2024-05-en-banded.pdf", "layout"), ("2025-02-en-html.pdf", "layout"),
    ("2025-02-en-noborders.pdf", "layout"),
    ("2022-06-en-pagebreak.pdf", "layout"), ("2024-03-no-shaded.pdf", "layout"),
    ("2024-05-en-noborders-left.pdf", "layout"),
    ("2022-06-en-noborders.pdf", "plain"), ("2024-03-no-grid.pdf", "plain"), ("2025-02-en-html.pdf", "plain"),
    ("2025-02-en-grid.pdf", "layout"), ("2025-02-en-banded.pdf", "layout"), ("2025-02-en-shaded.pdf", "layout"),
    ("2025-02-en-noborders-left.pdf", "layout"), ("2025-02-en-html-unstyled.pdf", "layout"),
]
# text as a PDF viewer copies a table (the layout of raw/2022-06-en.txt): the header's labels
# as they wrap in the PDF, line by line; a row's cells one space apart, an empty cell one
# space more. Made from the Word PDF named (whose narrow cells wrap the long labels).
COPIED = [("2025-02-en-noborders.pdf", "copied"), ("2025-02-en-grid.pdf", "copied"),
          ("2024-05-en-noborders.pdf", "copied")]
# the article page as the police's CMS serves it (make_web_pages.py), and as Chromium saves it
PAGES = [("2024-05-en.txt", "page", False), ("2024-03-no.txt", "page", False), ("2022-06-en.txt", "page-editor", True),
         ("2025-02-en.txt", "page", False)]
SAVED = [("2024-05-en.txt", "page"), ("2024-03-no.txt", "page"), ("2025-02-en.txt", "page")]
# typeset with LaTeX (make_typeset.py): (seed, name, caption below its table, both tables on one landscape page)
LATEX = [("2022-06-en.txt", "latex", False, False), ("2024-03-no.txt", "latex-below", True, False),
         ("2025-02-en.txt", "latex", False, False), ("2025-02-en.txt", "latex-side", False, True)]
# printed through PostScript: a text layer that does not decode to words
POSTSCRIPT = [("2024-05-en-noborders.pdf", "postscript")]


def publication(file):
    return make_pdfs.from_text(ROOT / "raw", file)


def _stem(file):
    return file.rsplit(".", 1)[0]


# --- Word ------------------------------------------------------------------------


def _field(paragraph, instr):
    """A Word field (PAGE, NUMPAGES) in `paragraph`, as Word writes a simple field."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _repeat_header(row):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _no_borders(table):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _fill(row, colour):
    """Shade every cell of `row` (Word's cell shading: LibreOffice draws a filled box per cell)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for cell in row.cells:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), colour)
        cell._tc.get_or_add_tcPr().append(shd)


def word_document(pub, variant, path, padding=0):
    """`pub` as a .docx at `path`; `padding` empty paragraphs before the first table."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(2)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    if variant.furniture:
        head = section.header.paragraphs[0]
        head.text = pub.title
        head.runs[0].font.size = Pt(8)
        foot = section.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        page, of = PAGE_WORDS[pub.language]
        foot.add_run(f"{page} ")
        _field(foot, "PAGE")
        foot.add_run(f" {of} ")
        _field(foot, "NUMPAGES")

    doc.add_heading(pub.title, level=1)
    for text in pub.prose_before:
        doc.add_paragraph(text)
    for _ in range(padding):
        doc.add_paragraph("")
    labels = LABELS[pub.language]
    for t in pub.tables:
        doc.add_paragraph("")
        doc.add_paragraph().add_run(t.title).bold = True
        table = doc.add_table(rows=1, cols=len(t.columns) + 1)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        if variant.borders == "grid":
            table.style = doc.styles["Table Grid"]
        elif variant.borders == "banded":
            table.style = doc.styles["Light Shading Accent 1"]
        else:
            _no_borders(table)  # "none", and "shaded": its rows filled below
        value_cm = min(2.4, (17.0 - variant.name_cm) / len(t.columns))
        widths = [Cm(variant.name_cm)] + [Cm(value_cm)] * len(t.columns)
        align = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                 "left": WD_ALIGN_PARAGRAPH.LEFT}[variant.align]

        def fill(row, texts, bold=False):
            for k, (cell, text) in enumerate(zip(row.cells, texts)):
                cell.width = widths[k]
                p = cell.paragraphs[0]
                p.paragraph_format.space_after = Pt(0)
                run = p.add_run(text)
                run.font.size = Pt(9)
                run.bold = bold
                if k:
                    p.alignment = align

        fill(table.rows[0], [""] + [labels[c] for c in t.columns], bold=True)
        if variant.repeat_header:
            _repeat_header(table.rows[0])
        for k, (name, cells) in enumerate(t.printed_rows()):
            row = table.add_row()
            fill(row, [name] + cells)
            if variant.borders == "shaded" and k % 2 == 0:
                _fill(row, "DCE6F2")
        fill(table.add_row(), [t.total_label] + t.printed_total(), bold=True)
        if variant.borders == "shaded":
            _fill(table.rows[0], "B8CCE4")
            _fill(table.rows[-1], "B8CCE4")
    if pub.prose_after:
        doc.add_paragraph("")
        for text in pub.prose_after:
            doc.add_paragraph(text)
    doc.core_properties.title = pub.title
    doc.core_properties.author = "norway-returns test documents"
    doc.core_properties.created = datetime.datetime(2025, 1, 1)
    doc.core_properties.modified = datetime.datetime(2025, 1, 1)
    doc.save(path)
    return path


def soffice_pdf(docx, out_dir):
    """LibreOffice's PDF of `docx` in out_dir (its own profile, so that it runs beside others)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
                       check=True, capture_output=True, timeout=180)
    return Path(out_dir) / (Path(docx).stem + ".pdf")


def _cut_by_page_break(pdf, pub):
    """True where a wrapped name of `pub` has its lines on two pages."""
    import pdfplumber

    names = [name for t in pub.tables for name, _ in t.rows]
    with pdfplumber.open(pdf) as doc:
        texts = [p.extract_text() or "" for p in doc.pages]
    for name in names:
        words = re.split(r"[ -]+", name)
        if len(words) < 2 or any(name in t for t in texts):
            continue
        for a, b in zip(texts, texts[1:]):
            # the first word at the foot of one page, the last word at the head of the next
            tail = a.strip().split("\n")[-8:]
            head = b.strip().split("\n")[:8]
            if any(l.startswith(words[0]) for l in tail) and any(words[-1] in l.split() for l in head) \
                    and not any(l.startswith(words[0]) for l in head):
                return name
    return None


# --- HTML, printed by Chromium ------------------------------------------------------


def _html_row(cells):
    return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"


def html_document(pub, path):
    labels = LABELS[pub.language]
    parts = [f"<!doctype html><html lang='{'nb' if pub.language == 'no' else 'en'}'><head><meta charset='utf-8'>",
             f"<title>{html.escape(pub.title)}</title>",
             "<style>body{font-family:'Liberation Sans',Arial,sans-serif;font-size:10pt;margin:0}"
             "h1{font-size:15pt} p{margin:2pt 0} table{border-collapse:collapse;margin:10pt 0}"
             "th,td{padding:2pt 6pt;font-size:9pt} th{text-align:center;border-bottom:1px solid #444}"
             "td{text-align:right} td:first-child{text-align:left;width:9em}"
             "tbody tr:nth-child(even){background:#dde6f2} tfoot td{font-weight:bold;border-top:1px solid #444}"
             "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}</style></head><body>",
             f"<h1>{html.escape(pub.title)}</h1>"]
    parts += [f"<p>{html.escape(t)}</p>" if t else "<p>&nbsp;</p>" for t in pub.prose_before]
    for t in pub.tables:
        parts.append(f"<table><caption style='text-align:left;font-weight:bold'>{html.escape(t.title)}</caption>")
        parts.append("<thead><tr><th></th>" + "".join(f"<th>{html.escape(labels[c])}</th>" for c in t.columns)
                     + "</tr></thead><tbody>")
        parts += [_html_row([name] + cells) for name, cells in t.printed_rows()]
        parts.append(f"</tbody><tfoot>{_html_row([t.total_label] + t.printed_total())}</tfoot></table>")
    parts += [f"<p>{html.escape(t)}</p>" if t else "<p>&nbsp;</p>" for t in pub.prose_after]
    parts.append("</body></html>")
    Path(path).write_text("\n".join(parts), encoding="utf-8")
    return path


def plain_html_document(pub, path, variant):
    """`pub` as HTML written without a style sheet (or with the few rules of `variant`):
    each table under a heading, its header an ordinary first row."""
    labels = LABELS[pub.language]
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(pub.title)}</title>"
             f"<style>{PLAIN_HTML[variant][0]}</style></head><body><h1>{html.escape(pub.title)}</h1>"]
    parts += [f"<p>{html.escape(t)}</p>" for t in pub.prose_before if t]
    for t in pub.tables:
        parts.append(f"<h3>{html.escape(t.title)}</h3><table{' border=1' if variant == 'border1' else ''}>")
        parts.append("<tr><th></th>" + "".join(f"<th>{html.escape(labels[c])}</th>" for c in t.columns) + "</tr>")
        parts += [_html_row([name] + cells) for name, cells in t.printed_rows()]
        parts.append(_html_row([t.total_label] + t.printed_total()) + "</table>")
    parts += [f"<p>{html.escape(t)}</p>" for t in pub.prose_after if t]
    Path(path).write_text("\n".join(parts), encoding="utf-8")
    return path


def chromium_pdf(html_path, pdf):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", html_path.as_uri()],
                       check=True, capture_output=True, timeout=180)
    return pdf


# --- poppler -------------------------------------------------------------------------


def pdftotext(pdf, out, layout):
    subprocess.run(["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(pdf), str(out)],
                   check=True, timeout=60)
    return out


def _copied_header(pdf, table):
    """The header of `table` as a PDF viewer copies it from `pdf`: its printed lines, top to
    bottom, each line's words left to right (a label wrapped in its cell is cut into lines
    that interleave with the other labels' lines)."""
    import pdfplumber

    first = table.rows[0][0]
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            lines = (page.extract_text() or "").split("\n")
            starts = [k for k, l in enumerate(lines) if l.strip() == table.title]
            if not starts:
                continue
            k = starts[0] + 1
            header = []
            while k < len(lines) and not lines[k].startswith(first.split()[0]):
                header.append(lines[k].strip())
                k += 1
            return header
    raise click.ClickException(f"{pdf}: no title {table.title!r}")


def copied_text(pdf, pub, out):
    """`pub` as text copied from `pdf` in a PDF viewer, in the layout of raw/2022-06-en.txt."""
    lines = [pub.title, ""] + [t for t in pub.prose_before]
    for t in pub.tables:
        lines += ["", t.title, ""] + _copied_header(pdf, t) + [""]
        for name, cells in list(t.printed_rows()) + [(t.total_label, t.printed_total())]:
            lines.append(" ".join([name] + [c or " " for c in cells]).rstrip())
    lines += [""] + list(pub.prose_after)
    Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def chromium_saved(page, out, url):
    """`page` as Chromium saves it ("Webpage, Complete"): the document as the browser holds it
    once its scripts have run (`--dump-dom`), marked with the address it was saved from."""
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                              "--disable-background-networking", "--disable-component-update", "--disable-sync",
                              f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
                             check=True, capture_output=True, timeout=180).stdout.decode("utf-8")
    doctype, _, rest = dom.partition("\n") if dom.lower().startswith("<!doctype") else ("<!DOCTYPE html>", "", dom)
    Path(out).write_text(f"{doctype}\n<!-- saved from url=({len(url):04d}){url} -->\n{rest}", encoding="utf-8")
    return out


# --- the lot ---------------------------------------------------------------------------


def entry(name, pub, made_from, made_with, expect="build", why=None):
    e = {"file": name, "period": pub.period, "language": pub.language, "title": pub.title,
         "made_from": f"raw/{made_from}", "made_with": made_with, "expect": expect}
    if why:
        e["why"] = why
    return e


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default=str(ROOT / "tests" / "documents"),
              show_default=True)
@click.option("--only", multiple=True,
              help="Make only the documents whose file name matches this pattern (fnmatch; repeatable); the "
                   "others stay listed.")
def main(out, only):
    """Make every test document and tests/documents/documents.yml."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pubs = {f: publication(f) for f in SEEDS}
    entries = []
    chosen = (lambda name: any(fnmatch.fnmatch(name, o) or fnmatch.fnmatch(_stem(name), o) for o in only)) \
        if only else (lambda name: True)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        for file, v in WORD:
            variant = VARIANTS[v]
            name = f"{_stem(file)}-{v}"
            if not chosen(name):
                continue
            docx = word_document(pubs[file], variant, work / f"{name}.docx")
            shutil.copy(soffice_pdf(docx, work), out / f"{name}.pdf")
            entries.append(entry(f"{name}.pdf", pubs[file], file,
                                 f"python-docx, LibreOffice: {variant.borders} borders, header "
                                 f"{'repeated' if variant.repeat_header else 'not repeated'}, numbers "
                                 f"{variant.align}-aligned"))
            click.echo(f"{name}.pdf")
        for file, v in PAGEBREAK:
            variant = dataclasses.replace(VARIANTS[v], name_cm=PAGEBREAK_NAME_CM)
            name = f"{_stem(file)}-pagebreak"
            if not chosen(name):
                continue
            for padding in range(0, 40):
                docx = word_document(pubs[file], variant, work / f"{name}.docx", padding=padding)
                pdf = soffice_pdf(docx, work)
                cut = _cut_by_page_break(pdf, pubs[file])
                if cut:
                    break
            else:
                click.echo(f"{name}: no padding put a wrapped name across a page break; left out", err=True)
                continue
            shutil.copy(pdf, out / f"{name}.pdf")
            entries.append(entry(f"{name}.pdf", pubs[file], file,
                                 f"python-docx, LibreOffice: {variant.borders} borders; {cut!r} wrapped "
                                 "across a page break"))
            click.echo(f"{name}.pdf ({cut} across pages)")
        for file in HTML:
            name = f"{_stem(file)}-html"
            if not chosen(name):
                continue
            page = html_document(pubs[file], work / f"{name}.html")
            chromium_pdf(page, out / f"{name}.pdf")
            entries.append(entry(f"{name}.pdf", pubs[file], file,
                                 "HTML table (banded rows, header in thead) printed to PDF by Chromium"))
            click.echo(f"{name}.pdf")
        for file, v in PLAIN_HTML_DOCUMENTS:
            name = f"{_stem(file)}-html-{v}"
            if not chosen(name):
                continue
            page = plain_html_document(pubs[file], work / f"{name}.html", v)
            chromium_pdf(page, out / f"{name}.pdf")
            entries.append(entry(f"{name}.pdf", pubs[file], file,
                                 f"HTML table ({PLAIN_HTML[v][1]}) printed to PDF by Chromium"))
            click.echo(f"{name}.pdf")
    listed = out / "documents.yml"
    kept = [e for e in yaml.safe_load(listed.read_text(encoding="utf-8")) or []] if only and listed.exists() else []
    by_name = {e["file"]: e for e in kept + entries}
    for pdf, how in TEXTS:
        source = by_name[pdf]
        name = pdf.replace(".pdf", f"-{how}.txt")
        if not chosen(name):
            continue
        pdftotext(out / pdf, out / name, layout=(how == "layout"))
        pub = pubs[source["made_from"][4:]]
        if how == "layout":
            entries.append(entry(name, pub, source["made_from"][4:], f"pdftotext -layout of {pdf}"))
        else:
            entries.append(entry(name, pub, source["made_from"][4:], f"pdftotext (no -layout) of {pdf}",
                                 expect="refuse", why="cell positions are gone"))
        click.echo(name)
    with tempfile.TemporaryDirectory() as work:
        entries += _more(Path(work), out, pubs, chosen, {e["file"]: e for e in kept + entries})
    made = {e["file"] for e in entries}
    entries = [e for e in kept if e["file"] not in made] + entries
    header = ("# The test documents, made by tools/make_fixtures.py (`make fixtures`) from the\n"
              "# publications of raw/ with the tools users have. `expect: build`: the document builds\n"
              "# exactly the cells of `made_from`; `expect: refuse`: the build stops at a line of it.\n")
    (out / "documents.yml").write_text(header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    total = sum(p.stat().st_size for p in out.iterdir())
    click.echo(f"{len(entries)} documents, {total / 1e6:.2f} MB in {out}")


def _more(work, out, pubs, chosen, by_name):
    """The documents of text copied from a viewer, web pages, LaTeX and PostScript."""
    entries = []
    for pdf, how in COPIED:
        name = pdf.replace(".pdf", f"-{how}.txt")
        if chosen(name):
            seed = by_name[pdf]["made_from"][4:]
            copied_text(out / pdf, pubs[seed], out / name)
            entries.append(entry(name, pubs[seed], seed, f"text copied from {pdf} as a PDF viewer copies it: "
                                 "space-aligned, the header's labels wrapped over lines"))
            click.echo(name)
    for seed, how, editor in PAGES:
        name = f"{_stem(seed)}-{how}.html"
        if chosen(name):
            make_web_pages.cms_page(pubs[seed], LABELS[pubs[seed].language], out / name, editor=editor)
            entries.append(entry(name, pubs[seed], seed, "web page as a news CMS renders it (header, navigation, "
                                 "cookie banner, related links, footer; " + ("tables typed in its editor: no thead, "
                                 "a first row of bold labels)" if editor else "thead/tbody, th scope=row, &nbsp;, "
                                 "data-label, a scrolling region)")))
            click.echo(name)
    for seed, how in SAVED:
        name = f"{_stem(seed)}-{how}-saved.html"
        if chosen(name):
            served = make_web_pages.cms_page(pubs[seed], LABELS[pubs[seed].language], work / f"{_stem(seed)}.html")
            url = f"https://www.politiet.no/statistikk/{_stem(seed)}/"
            chromium_saved(served, out / name, url)
            entries.append(entry(name, pubs[seed], seed, "web page as Chromium saves it (--dump-dom, after its "
                                 "scripts ran), from the CMS's page"))
            click.echo(name)
    for seed, how, below, side in LATEX:
        name = f"{_stem(seed)}-{how}.pdf"
        if chosen(name):
            source = make_typeset.latex_document(pubs[seed], LABELS[pubs[seed].language], work / f"{_stem(name)}.tex",
                                                 caption_below=below, side_by_side=side)
            make_typeset.pdflatex(source, out / name)
            what = ("both tables side by side on one landscape page" if side else
                    "numbered caption below its table" if below else "numbered caption above its table")
            entries.append(entry(name, pubs[seed], seed, f"LaTeX (pdflatex, longtable): {what}"))
            click.echo(name)
    for pdf, how in POSTSCRIPT:
        name = pdf.replace(".pdf", f"-{how}.pdf")
        if chosen(name):
            seed = by_name[pdf]["made_from"][4:]
            make_typeset.postscript_pdf(out / pdf, out / name)
            entries.append(entry(name, pubs[seed], seed, f"{pdf} printed through PostScript (pdftops, "
                                 "ps2pdf): fonts without a mapping to characters", expect="refuse",
                                 why="the text layer does not decode to words"))
            click.echo(name)
    return entries


if __name__ == "__main__":
    main()
