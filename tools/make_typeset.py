"""A publication typeset with LaTeX (pdflatex, Debian's texlive-latex-base), for tools/make_fixtures.py.

As a report's author typesets it: the tables as `longtable`s with a numbered caption
("Table 1: Returnees so far in 2022 by nationality"), above the table and repeated on
each page, or below it, after its Total row ("Tabell 2 – Uttransporteringer hittil i år
etter destinasjon", the caption's separator an en dash); rules only across the table
(\\hline), the header's long labels wrapped in their cells, page numbers at the foot.
`side_by_side`: both tables in small type beside each other on one landscape page.
"""

import subprocess
import tempfile
from pathlib import Path

SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def tex(text):
    return "".join(SPECIALS.get(ch, ch) for ch in text)


PREAMBLE = r"""\documentclass[10pt%(landscape)s]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[a4paper,margin=%(margin)s]{geometry}
\usepackage{longtable}
\usepackage{array}
\setlength{\parindent}{0pt}
\setlength{\parskip}{3pt}
%(extra)s
\begin{document}
"""

# longtable's caption with an en dash after the number ("Tabell 2 – ..."), as the caption
# package's labelsep=endash sets it
ENDASH_CAPTION = r"""\makeatletter
\def\LT@makecaption#1#2#3{\LT@mcol\LT@cols c{\hbox to\z@{\hss\parbox[t]\LTcapwidth{%
  \sbox\@tempboxa{#1{#2 \textendash{} }#3}%
  \ifdim\wd\@tempboxa>\hsize #1{#2 \textendash{} }#3\else\hbox to\hsize{\hfil\box\@tempboxa\hfil}\fi
  \endgraf\vskip\baselineskip}\hss}}}
\makeatother
"""


def _label(text, width):
    return r"\parbox[b]{%s}{\centering\bfseries %s}" % (width, tex(text))


def _rows(t):
    body = [" & ".join([tex(name)] + cells) + r" \\" for name, cells in t.printed_rows()]
    total = " & ".join([r"\textbf{%s}" % tex(t.total_label)] + [r"\textbf{%s}" % c for c in t.printed_total()])
    return body, total + r" \\"


def _longtable(t, labels, caption_below, width="1.7cm"):
    cols = "l" + "r" * len(t.columns)
    header = " & ".join([""] + [_label(labels[c], width) for c in t.columns]) + r" \\ \hline"
    body, total = _rows(t)
    out = [r"\begin{longtable}{%s}" % cols]
    if caption_below:
        out += [r"\hline", header, r"\endfirsthead", r"\hline", header, r"\endhead",
                r"\hline", r"\caption{%s}" % tex(t.title), r"\endlastfoot"]
    else:
        out += [r"\caption{%s}\\" % tex(t.title), r"\hline", header, r"\endfirsthead",
                r"\caption[]{%s}\\" % tex(t.title), r"\hline", header, r"\endhead",
                r"\hline", r"\endlastfoot"]
    out += body + [r"\hline", total]
    out.append(r"\end{longtable}")
    return out


def _tabular(t, labels, width="1.05cm"):
    cols = "l" + "r" * len(t.columns)
    header = " & ".join([""] + [_label(labels[c], width) for c in t.columns]) + r" \\ \hline"
    body, total = _rows(t)
    return ([r"\captionof{table}{%s}" % tex(t.title), r"\begin{tabular}{%s}" % cols, r"\hline", header]
            + body + [r"\hline", total, r"\hline", r"\end{tabular}"])


def latex_document(pub, labels, path, caption_below=False, side_by_side=False):
    """`pub` as a LaTeX source at `path`."""
    extra = ""
    if pub.language == "no":
        extra += "\\renewcommand{\\tablename}{Tabell}\n"
    if caption_below:
        extra += ENDASH_CAPTION
    if side_by_side:
        # \captionof: a numbered caption outside a float, as the caption package gives it
        extra += ("\\makeatletter\\newcommand{\\captionof}[1]{\\def\\@captype{#1}\\caption}\\makeatother\n"
                  "\\setlength{\\tabcolsep}{2.5pt}\n")
    parts = [PREAMBLE % dict(landscape=",landscape" if side_by_side else "", margin="1cm" if side_by_side
                             else "2.2cm", extra=extra)]
    parts.append(r"\section*{%s}" % tex(pub.title))
    prose = [p for p in pub.prose_before if p]
    if side_by_side:
        parts += [tex(p) + "\n" for p in prose]
        parts.append(r"\newpage")
        parts.append(r"\fontsize{5.2}{6.1}\selectfont")
        halves = []
        for t in pub.tables:
            halves.append("\n".join([r"\begin{minipage}[t]{0.48\linewidth}\centering"] + _tabular(t, labels)
                                    + [r"\end{minipage}"]))
        parts.append((r"\hfill" + "\n").join(halves))
        parts.append(r"\normalsize")
        parts.append(r"\newpage")
    else:
        parts += [tex(p) + "\n" for p in prose]
        for t in pub.tables:
            parts += _longtable(t, labels, caption_below)
    parts += [tex(p) + "\n" for p in pub.prose_after if p]
    parts.append(r"\end{document}")
    Path(path).write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def pdflatex(source, pdf):
    """The PDF pdflatex makes of `source` (run three times: longtable sets its columns over runs)."""
    source = Path(source)
    with tempfile.TemporaryDirectory() as work:
        for _ in range(3):
            subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"-output-directory={work}",
                            str(source)], check=True, capture_output=True, timeout=180,
                           env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1735689600",
                                "FORCE_SOURCE_DATE": "1", "HOME": work})
        Path(pdf).write_bytes((Path(work) / (source.stem + ".pdf")).read_bytes())
    return pdf


def postscript_pdf(pdf, out):
    """`pdf` printed through PostScript (poppler's pdftops, then ghostscript's ps2pdf): the fonts
    come back without their mapping to characters (no ToUnicode), so the text layer reads as
    character ids, not words."""
    with tempfile.TemporaryDirectory() as work:
        ps = Path(work) / "printed.ps"
        subprocess.run(["pdftops", str(pdf), str(ps)], check=True, capture_output=True, timeout=120)
        subprocess.run(["ps2pdf", str(ps), str(out)], check=True, capture_output=True, timeout=120)
    return out
