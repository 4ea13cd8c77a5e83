"""The build's cache: what each PDF gave, so that a rebuild reads only what is new.

Two kinds of entry, each a JSON file named by the document's sha256 and a
fingerprint of the code that made it, so that a stale entry is never read (new
code, new name; storing an entry removes the document's older ones):

- extract/: the lines pdfplumber read from a PDF, keyed by the extractors' code;
- rows/: the rows the whole pipeline built from a PDF, keyed by all of the
  package's code and data and the document's manifest entry.

The folder is .cache/ beside the database; NORWAY_RETURNS_CACHE names another
("off" for none). Entries are written atomically; an entry that cannot be read is
built again, and a cache that cannot be written is no cache.
"""

import contextlib
import hashlib
import importlib.metadata
import json
import os
from functools import cache
from pathlib import Path

from ..atomic import sweep, temp_path
from . import ocr

CACHE_ENV = "NORWAY_RETURNS_CACHE"
PACKAGE = Path(__file__).parent.parent
# What an extraction depends on besides the document.
EXTRACTOR_MODULES = tuple(f"reading/{m}.py" for m in ("extract", "pdf", "lines", "layout", "header", "wrapped",
                                                           "furniture", "reader", "walker", "tables", "vocabulary",
                                                           "countries", "ocr"))
LIBRARIES = ("pdfplumber", "pdfminer.six")


@cache
def fingerprint(modules=None):
    """A digest of the package's code (only `modules`, if given), its data, pdfplumber's version,
    and the OCR engine a scan is read with: tesseract's version and its language data."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")) if modules is None else [PACKAGE / m for m in modules]:
        h.update(str(path.relative_to(PACKAGE)).encode() + path.read_bytes())
    for data in sorted((PACKAGE / "data").glob("*.yml")):
        h.update(data.read_bytes())
    for package in LIBRARIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            h.update(importlib.metadata.version(package).encode())
    h.update(_ocr_engine().encode())
    return h.hexdigest()[:16]


def _ocr_engine():
    try:
        version, data = ocr.engine()
    except ocr.OcrMissing:
        return "no OCR engine"
    return f"tesseract {version} {data}"


def cache_root(db_path, setting=None):
    """The cache's folder, or None for no cache. setting: a folder, False/"off" for none,
    None for $NORWAY_RETURNS_CACHE or else .cache/ beside the database."""
    setting = os.environ.get(CACHE_ENV) if setting is None else setting
    if setting is None:
        return Path(db_path).resolve().parent / ".cache"
    if setting is False or str(setting).strip().lower() in ("", "0", "off", "no", "none"):
        return None
    return Path(setting)


class Entries:
    """One kind of entry (a subfolder of the cache), by document."""

    def __init__(self, root, kind, code):
        self.folder = None if root is None else Path(root) / kind
        self.code = code
        sweep(self.folder)

    def _path(self, doc, salt):
        key = self.code if not salt else hashlib.sha256(f"{self.code} {salt}".encode()).hexdigest()[:16]
        return self.folder / f"{doc.sha256}-{key}.json"

    def has(self, doc, salt=""):
        """Whether there is an entry (load may still find it unreadable)."""
        return self.folder is not None and self._path(doc, salt).is_file()

    def load(self, doc, salt=""):
        """The entry's data, or None when there is none or it cannot be read."""
        if self.folder is None:
            return None
        try:
            data = json.loads(self._path(doc, salt).read_text(encoding="utf-8"))
            return data["data"] if data.get("sha256") == doc.sha256 else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def store(self, doc, data, salt=""):
        if self.folder is None:
            return
        path = self._path(doc, salt)
        tmp = temp_path(path)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"sha256": doc.sha256, "data": data}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
            for older in self.folder.glob(f"{doc.sha256}-*.json"):  # made by other code: never read again
                if older != path:
                    older.unlink(missing_ok=True)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
