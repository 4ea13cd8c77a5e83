#!/usr/bin/env python3
"""Make tests/documents/scans/: test PDFs printed and scanned, as offices scan them.

Each scan is a test document of tests/documents/ rasterised by poppler's `pdftoppm`,
made into what a scanner or a photocopier gives (Pillow), and wrapped as a PDF of page
images by img2pdf, with no text layer:

- black and white (1 bit, CCITT group 4, as an office scanner's "document" setting) at
  300 or 200 dpi;
- greyscale with JPEG compression, turned by a small skew (the page laid a little
  crooked on the glass);
- a poor photocopy: low resolution, faint, speckled, skewed;
- a searchable scan: black and white pages with tesseract's own text layer (`tesseract
  ... pdf`, its default page segmentation), as a scanner's "searchable PDF" setting makes
  them: the build reads its text layer, and reads the pages again by OCR where the layer's
  numbers do not hold together with the printed sums.

SCANS below lists them; tests/documents/scans/scans.yml says which publication each
was made from (for tests/test_scans.py and bench/ocr.py). The pages are made the same
each time (the noise is seeded). Needs poppler-utils and img2pdf (`make scans`).

    python tools/make_scans.py [--out tests/documents/scans]
"""

import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import yaml
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "tests" / "documents"

# name: (source document, dpi, how, what the build must do with it)
#   bw: 1 bit; grey: greyscale JPEG (quality); skew: degrees; faint: share of the ink kept;
#   noise: speckles per 10,000 pixels; blur: a Gaussian radius in pixels; searchable: with
#   tesseract's text layer
# expect: build (exactly the cells of the document it was made from) or refuse (naming where)
SCANS = {
    "2025-02-en-grid-bw300.pdf": ("2025-02-en-grid.pdf", 300, dict(bw=True), "build"),
    "2024-03-no-noborders-bw200.pdf": ("2024-03-no-noborders.pdf", 200, dict(bw=True), "build"),
    "2024-03-no-grid-bw200.pdf": ("2024-03-no-grid.pdf", 200, dict(bw=True), "build"),
    "2022-06-en-banded-grey-skew.pdf": ("2022-06-en-banded-norepeat.pdf", 250,
                                        dict(grey=40, skew=0.7), "build"),
    "2025-02-en-shaded-grey-skew.pdf": ("2025-02-en-shaded.pdf", 200, dict(grey=30, skew=-0.5), "build"),
    "2024-05-en-noborders-photocopy.pdf": ("2024-05-en-noborders.pdf", 150,
                                           dict(grey=25, skew=1.0, faint=0.45, noise=40, blur=0.6), "refuse"),
    "2024-03-no-noborders-searchable.pdf": ("2024-03-no-noborders.pdf", 200, dict(bw=True, searchable=True),
                                            "build"),
}


def _page(image, how, seed):
    """A rendered page as the scanner or copier gives it back."""
    image = image.convert("L")
    if how.get("faint"):
        kept = how["faint"]
        image = image.point(lambda v: round(255 - (255 - v) * kept))
    if how.get("blur"):
        image = image.filter(ImageFilter.GaussianBlur(how["blur"]))
    if how.get("noise"):
        rng = random.Random(seed)
        w, h = image.size
        pixels = image.load()
        for _ in range(w * h * how["noise"] // 10_000):
            x, y = rng.randrange(w), rng.randrange(h)
            pixels[x, y] = rng.randrange(60, 200)
    if how.get("skew"):
        image = image.rotate(how["skew"], resample=Image.BICUBIC, fillcolor=255)
    if how.get("bw"):
        image = image.point(lambda v: 255 if v > 160 else 0).convert("1", dither=Image.NONE)
    return image


def _encode(image, how, dpi):
    out = io.BytesIO()
    if how.get("bw"):
        image.save(out, format="TIFF", compression="group4", dpi=(dpi, dpi))
    else:
        image.save(out, format="JPEG", quality=how.get("grey", 30), dpi=(dpi, dpi))
    return out.getvalue()


def make(name, source, dpi, how, out):
    """The scan `name` of tests/documents/`source`, in `out`."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(DOCUMENTS / source), str(tmp / "p")],
                       check=True)
        pages = []
        for k, png in enumerate(sorted(tmp.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[1]))):
            with Image.open(png) as page:
                data = _encode(_page(page, how, seed=f"{name} {k}"), how, dpi)
            path = tmp / f"s-{k:03d}.{'tif' if how.get('bw') else 'jpg'}"
            path.write_bytes(data)
            pages.append(str(path))
        if how.get("searchable"):  # tesseract's own PDF: the page images and its text layer
            (tmp / "pages.txt").write_text("\n".join(pages) + "\n")
            subprocess.run(["tesseract", str(tmp / "pages.txt"), str(tmp / "searchable"), "-l", "eng+nor",
                            "-c", "textonly_pdf=0", "pdf"], check=True, capture_output=True,
                           env={**os.environ, "OMP_THREAD_LIMIT": "1"})
            shutil.copy(tmp / "searchable.pdf", out / name)
            return
        # img2pdf wraps the images as they are (no re-encoding); no creation date, so the
        # same pages make the same file
        subprocess.run(["img2pdf", "--nodate", "--output", str(out / name), *pages], check=True)


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=DOCUMENTS / "scans", show_default=True)
@click.option("--only", multiple=True, help="make only these scans (the others' entries are kept)")
def main(out, only):
    listed = out / "scans.yml"
    old = yaml.safe_load(listed.read_text(encoding="utf-8")) if listed.exists() else []
    for tool in ("pdftoppm", "img2pdf", "tesseract"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install poppler-utils img2pdf tesseract-ocr")
    out.mkdir(parents=True, exist_ok=True)
    sources = {e["file"]: e for e in yaml.safe_load((DOCUMENTS / "documents.yml").read_text(encoding="utf-8"))}
    entries = []
    for name, (source, dpi, how, expect) in SCANS.items():
        if only and name not in only:
            entries.append(next(e for e in old if e["file"] == name))
            continue
        make(name, source, dpi, how, out)
        made_with = ", ".join(f"{k} {v}" for k, v in how.items())
        e = sources[source]
        entries.append(dict(file=name, period=e["period"], language=e["language"], title=e["title"],
                            made_from=f"tests/documents/{source}", dpi=dpi, made_with=made_with, expect=expect))
        print(f"{out / name}: {(out / name).stat().st_size // 1024} KB")
    header = ("# Scans of test documents made by tools/make_scans.py (`make scans`): each builds exactly\n"
              "# the cells of `made_from`, or is refused naming the cells its sums cannot settle.\n")
    (out / "scans.yml").write_text(header + yaml.safe_dump(entries, allow_unicode=True, sort_keys=False),
                                   encoding="utf-8")


if __name__ == "__main__":
    main()
