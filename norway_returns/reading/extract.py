"""Stage 2: a document -> lines of cells with their positions and origins (lines.py).

One reader per form of document, each a small module behind one interface
(reader.py): text (text.py, with positional.py for text laid out by position), PDF
(pdf.py) and web page (html.py). A new form is a new Reader, listed here.
"""

from ..errors import BuildError
from .html import HtmlReader
from .lines import Line  # noqa: F401  (the build and the tests take Line from here)
from .pdf import PdfReader, extract_pdf, words_by_ocr
from .text import TextReader, extract_text, split_spaced, split_tabbed  # noqa: F401

READERS = (TextReader(), PdfReader(), HtmlReader())


def reader_for(path):
    suffix = path.suffix.lower()
    return next((r for r in READERS if suffix in r.suffixes), None)


def extract(document):
    return extract_file(document.path, document.name)


def extract_by_ocr(document):
    """A searchable scan's lines read by OCR, its own text layer (another OCR's) set aside."""
    return extract_pdf(document.path, document.name, words_by_ocr)


def extract_file(path, name):
    """Lines of cells from the file at `path`, named `name` (raw/FILE) in what they say."""
    reader = reader_for(path)
    if reader is None:
        suffix = path.suffix.lower()
        known = ", ".join(s for r in READERS for s in r.suffixes)
        raise BuildError(name, None, f"no reader for {suffix or 'files without a suffix'} (read are: {known})")
    return reader.read(path, name)
