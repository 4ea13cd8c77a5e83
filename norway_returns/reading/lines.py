"""What every reader makes of a document: lines of cells, each knowing where it came from.

A reader (text.py, positional.py, pdf.py, html.py) turns a document into Lines; the
table walker (tables.py) reads tables from Lines alone, whatever form they came in.
A prose line has one cell, its text; a table's row has the name cell, then a cell per
column (an empty cell is ""); a header line has "" over the names, then its labels.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    file: str  # raw/NAME
    number: int  # 1-based line in the file (a PDF's lines are counted over the document)
    text: str
    cells: tuple  # (first cell, *value cells), stripped
    problem: str | None = None  # set where the layout could not be read with certainty
    page: int | None = None  # the page of a PDF the line stands on; None for text and web pages
    # a line read by OCR (a scanned page): tesseract's confidence (0-100) per cell, None where
    # a cell holds no word; None for every line of a text layer, a text or a web page
    confidence: tuple | None = None

    @property
    def where(self):
        """Where a number came from, as the `source` columns give it: raw/FILE:LINE, and
        for a PDF the page, which a reader can turn to (the line counts over the whole
        document as the extractor read it)."""
        return f"{self.file}:{self.number}" + (f" (page {self.page})" if self.page else "")

    @property
    def scanned(self):
        return self.confidence is not None

    @property
    def is_blank(self):
        return not self.text.strip()
