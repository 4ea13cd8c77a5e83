"""A scanned page's words, read by OCR (tesseract, through pytesseract), as pdf.py's words.

The page is rendered (pdfplumber, pypdfium2) at RESOLUTION and cleaned (clean): its
paper and shading made white at the level between its own ink and paper (_threshold),
the ink kept in its greys, a copier's specks taken out, dark bands (a filled header row)
turned light with their text dark, and the long lines of table rules taken out: tesseract
reads a rule beside a number as `|` or joins the numbers a rule separates. Then
tesseract reads it in page segmentation mode 4 (one column of text lines of varying
sizes), which keeps a table's numbers in their rows and in order (the default mode
reads a table as blocks). Each word keeps its box, in points as pdfplumber gives them
(set level where the page lies crooked), and tesseract's confidence (0-100) in `conf`: a
number read with low confidence is a damaged cell for the printed sums to settle
(tables.py, reconcile.py).

tesseract runs as a program of its own, in the build's worker for the document: its
memory counts within the worker's limit (workers.py), and it is kept to one thread.
"""

import functools
import hashlib
import os
import statistics
import subprocess
import unicodedata

RESOLUTION = 300  # dpi: tesseract reads best at about 300
LANGUAGES = "eng+nor"
CONFIG = "--psm 4"
# a cell read with less confidence than this is damaged: its number is for the sums to decide
LOW_CONFIDENCE = 70
# a rule is a run of ink at least this long (inches), RULE_SHARE of its pixels ink
RULE_INCHES = 0.25
RULE_SHARE = 0.97  # bold letters come close, but never this close
# the ink: the level INK_SHARE of the way into the pixels darker than the paper by PAPER_MARGIN
INK_SHARE = 0.05
PAPER_MARGIN = 40  # grey levels: lighter than the paper by less is paper (shading, a scanner's noise)
SPECK = 5  # pixels: a median filter this wide takes out specks, not the strokes of letters
NOISY = 0.03  # share of the ink a 3-pixel median filter takes out of a speckled page
# a dark band is an area BAND (inches wide, high) of which BAND_SHARE is ink
BAND_SHARE = 0.6
BAND = (0.3, 0.06)
# what tesseract makes of a rule's remains: never a word of a publication (a hyphen may be a
# minus sign, a comma part of a number: those stay, for the header and the sums to judge)
RULES = set("|¦_~=—")


class OcrMissing(Exception):
    """tesseract or its language data is not installed."""


def _threshold(histogram):
    """(threshold, paper): the grey level between a page's ink and its paper, halfway from its
    ink (the level INK_SHARE of the way into the pixels darker than the paper, however faint
    a copy) to its paper (the median pixel). A light shading (banded rows) is paper; a split
    of the whole histogram (Otsu) would make it ink."""
    total = sum(histogram)
    seen, paper = 0, 255
    for level, count in enumerate(histogram):
        seen += count
        if seen >= total / 2:
            paper = level
            break
    darker = histogram[: max(0, paper - PAPER_MARGIN)]
    if not sum(darker):
        return max(0, paper - PAPER_MARGIN), paper  # a blank page: nothing is ink
    seen = 0
    for level, count in enumerate(darker):
        seen += count
        if seen >= INK_SHARE * sum(darker):
            return (level + paper) // 2, paper
    return (len(darker) + paper) // 2, paper


def clean(image, dpi=RESOLUTION):
    """A page image -> its ink on white paper ("L"): the shading and the paper made white, the
    ink kept in its greys (tesseract reads a letter's edges), specks taken out, dark bands
    turned light with their text dark, table rules taken out."""
    from PIL import ImageChops, ImageFilter

    grey = image.convert("L")
    level, paper = _threshold(grey.filter(ImageFilter.MedianFilter(3)).histogram())  # specks aside

    def below(img, value):
        return img.point(lambda v: 255 if v <= value else 0)

    ink = below(grey, level)  # 255 where there is ink
    # dark bands: mostly ink over an area wider and higher than any letter; their text is
    # the paper inside them
    bx, by = max(1, int(BAND[0] * dpi / 2)), max(1, int(BAND[1] * dpi / 2))
    band = ink.filter(ImageFilter.BoxBlur((bx, by))).point(lambda v: 255 if v >= 255 * BAND_SHARE else 0)
    if band.getbbox():
        grey = ImageChops.composite(ImageChops.invert(grey), grey, band.filter(ImageFilter.MaxFilter(5)))
        ink = below(grey, level)
    # what is kept: ink, and the greys at its edges, lighter than the threshold but darker than
    # halfway to the paper
    kept = below(grey, (level + paper) // 2)
    # rules: runs of ink longer than RULE_INCHES, across and down, both found before either is
    # taken out (a rule down the page is cut into short pieces by the rules across it), in what
    # is kept (a rule's lighter edges too: a thin rule scanned is grey); taken out before the
    # specks are looked for (a thin rule would count as specks, and leave its crossings)
    r = max(2, int(RULE_INCHES * dpi / 2))
    rules = []
    for radius in ((r, 0), (0, r)):
        run = kept.filter(ImageFilter.BoxBlur(radius)).point(lambda v: 255 if v >= 255 * RULE_SHARE else 0)
        if run.getbbox():
            rule = run.filter(ImageFilter.BoxBlur(radius)).point(lambda v: 255 if v > 0 else 0)
            rules.append(rule.filter(ImageFilter.MaxFilter(7)))  # its edges, where rules cross
    for rule in rules:
        kept = ImageChops.subtract(kept, rule)
        ink = ImageChops.subtract(ink, rule)
    # a copier's specks: where a small median filter takes out more than NOISY of the ink, a
    # wider one takes out the specks (on a clean page it would thin the letters)
    inked = ink.histogram()[255]
    if inked and 1 - ink.filter(ImageFilter.MedianFilter(3)).histogram()[255] / inked > NOISY:
        ink = ink.filter(ImageFilter.MedianFilter(SPECK))
        kept = ImageChops.multiply(kept, ink.filter(ImageFilter.MaxFilter(3)))
    return ImageChops.composite(grey, grey.point(lambda v: 255), kept)


@functools.cache
def engine():
    """(tesseract's version, a digest of its language data): what an OCR reading depends on,
    for the cache's key (cache.py)."""
    import pytesseract

    try:
        version = str(pytesseract.get_tesseract_version())
        langs = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError, subprocess.SubprocessError) as e:
        raise OcrMissing(f"tesseract is not installed ({e}): apt-get install tesseract-ocr "
                         "tesseract-ocr-eng tesseract-ocr-nor") from None
    missing = [l for l in LANGUAGES.split("+") if l not in langs]
    if missing:
        raise OcrMissing(f"tesseract's language data for {', '.join(missing)} is not installed: apt-get "
                         "install " + " ".join(f"tesseract-ocr-{l}" for l in missing))
    h = hashlib.sha256()
    for folder in _tessdata_folders():
        for lang in LANGUAGES.split("+"):
            path = os.path.join(folder, f"{lang}.traineddata")
            if os.path.isfile(path):
                st = os.stat(path)
                h.update(f"{path} {st.st_size} {int(st.st_mtime)}".encode())
    return version, h.hexdigest()[:16]


def _tessdata_folders():
    found = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for root in ("/usr/share/tesseract-ocr", "/usr/local/share/tessdata", "/usr/share/tessdata"):
        if os.path.isdir(root):
            found += [os.path.join(root, d, "tessdata") for d in sorted(os.listdir(root))] + [root]
    return [f for f in found if os.path.isdir(f)]


def _rule(text):
    return all(ch in RULES for ch in text)


def ocr_words(page):
    """The words of a pdfplumber page read by OCR: dicts with text, x0, x1, top, bottom (points
    from the page's top left, as pdf.page_words gives them) and conf (0-100)."""
    import pytesseract

    engine()  # says what is missing
    image = clean(page.to_image(resolution=RESOLUTION).original)
    # one thread: the build reads documents in parallel already, and a thread pool's stacks
    # would count against the worker's memory limit
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(image, lang=LANGUAGES, config=CONFIG, output_type=pytesseract.Output.DICT)
    scale = float(page.width) / image.width
    lines = {}
    for k, text in enumerate(data["text"]):
        text = unicodedata.normalize("NFKC", text or "").strip().strip("".join(RULES))
        conf = float(data["conf"][k])
        if not text or conf < 0 or _rule(text):
            continue
        left, top, width, height = (data[key][k] for key in ("left", "top", "width", "height"))
        line = (data["block_num"][k], data["par_num"][k], data["line_num"][k])
        lines.setdefault(line, []).append(dict(text=text, x0=left * scale, x1=(left + width) * scale,
                                               top=top * scale, bottom=(top + height) * scale, conf=conf))
    return _level(list(lines.values()))


def _slope(lines):
    """How much a scanned page's lines climb (or fall) per unit across: the median of its
    lines' slopes, each from its first word to its last (0 where no line says)."""
    slopes = []
    for found in lines:
        a, b = min(found, key=lambda w: w["x0"]), max(found, key=lambda w: w["x0"])
        run = (b["x0"] + b["x1"]) / 2 - (a["x0"] + a["x1"]) / 2
        if len(found) >= 2 and run > 100:
            slopes.append(((b["bottom"] - a["bottom"])) / run)
    return statistics.median(slopes) if slopes else 0.0


def _level(lines):
    """The words of a crooked page where they would stand on a straight one (turned back by
    its slope), and the words of each line tesseract read at one height: the table's rows are
    found by how far apart lines stand, which a skew of half a degree upsets over a row's
    width (letters with and without ascenders too)."""
    s = _slope(lines)
    words = []
    for found in lines:
        turned = []
        for w in found:
            xc, yc = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
            dx, dy = s * yc, -s * xc
            turned.append(dict(w, x0=w["x0"] + dx, x1=w["x1"] + dx, top=w["top"] + dy, bottom=w["bottom"] + dy))
        top = sum(w["top"] for w in turned) / len(turned)
        bottom = sum(w["bottom"] for w in turned) / len(turned)
        words += [dict(w, top=top, bottom=bottom) for w in turned]
    return words
