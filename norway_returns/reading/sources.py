"""Stage 1: raw/manifest.yml lists every document; each file is checked against it.

An entry's `period` and `language` may be left out: the document's own title says them
(reading/title.py), and where an entry gives them, the build checks them against it.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import BuildError

REQUIRED = ("file", "sha256")
# `period` and `language`: read from the document's title where left out.
STATED = ("period", "language")
# `damaged`: what the extraction damaged, in a person's words. Only in a document
# that says so may the build repair cells from the printed sums (reconcile.py);
# elsewhere a cell that is not a plain number stops the build.
OPTIONAL = ("title", "source_url", "note", "retrieved", "damaged")
LANGUAGES = ("en", "no")
# How people write the two languages in a manifest (any case): ISO 639 codes, the names
# in both languages, Norwegian's written standards. `no` unquoted is YAML 1.1's false.
LANGUAGE_NAMES = {
    "en": "en", "eng": "en", "english": "en", "engelsk": "en",
    "no": "no", "nor": "no", "nb": "no", "nob": "no", "nn": "no", "nno": "no", "norwegian": "no",
    "norsk": "no", "bokmål": "no", "nynorsk": "no",
}
# A monthly publication is a few hundred kilobytes; anything this large is not one.
MAX_DOCUMENT_BYTES = 20_000_000
# A document's file name: letters, digits, '.', '-' and '_'. Make lists raw/ by names
# split at spaces, and a `source` reads raw/FILE:LINE.
FILE_NAME = re.compile(r"[\w][\w.-]*")
# Files in raw/ that are not publications.
NOT_DOCUMENTS = {"manifest.yml", "corrections.yml", "README.md"}


@dataclass(frozen=True)
class Document:
    path: Path
    period: str | None  # YYYY-MM; None until read from the document's title
    language: str | None  # en | no; likewise
    sha256: str
    manifest_line: int
    title: str | None = None
    source_url: str | None = None
    note: str | None = None
    retrieved: str | None = None
    damaged: str | None = None

    @property
    def name(self):
        return f"raw/{self.path.name}"


class _LineLoader(yaml.SafeLoader):
    """Keeps each mapping's line, so that errors can point into the manifest."""


def _mapping_with_line(loader, node):
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def load_yaml_list(path, label):
    """A YAML file of raw/ holding a list of mappings, each with its `__line__`."""
    name = f"raw/{path.name}"
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_LineLoader)
    except FileNotFoundError:
        raise BuildError(name, None, f"no {label} found") from None
    except UnicodeDecodeError as e:
        raise BuildError(name, None, f"not UTF-8 text ({e.reason})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise BuildError(name, line, f"not valid YAML: {getattr(e, 'problem', e)}") from None
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise BuildError(name, 1, f"the {label} must be a YAML list of mappings")
    return data


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_manifest(raw):
    """The documents of raw/, each checked: listed, present, and unchanged."""
    raw = Path(raw)
    manifest = raw / "manifest.yml"
    entries = load_yaml_list(manifest, "manifest")
    where = f"raw/{manifest.name}"
    documents, seen_files, seen_periods = [], {}, {}
    if not entries:
        raise BuildError(where, 1, "the manifest lists no publication; a database with none would replace "
                         "the data there is (list the documents of raw/ here)")
    this_month = datetime.date.today().strftime("%Y-%m")
    seen_hashes = {}
    for entry in entries:
        line = entry.pop("__line__")
        if entry.get("language") is False:  # `language: no` unquoted: YAML 1.1 reads false; it means Norwegian
            entry["language"] = "no"
        elif isinstance(entry.get("language"), str):
            entry["language"] = LANGUAGE_NAMES.get(entry["language"].strip().lower(), entry["language"])
        missing = [k for k in REQUIRED if not entry.get(k)]
        if missing:
            raise BuildError(where, line, f"entry lacks {', '.join(missing)}")
        unknown = set(entry) - set(REQUIRED) - set(STATED) - set(OPTIONAL)
        if unknown:
            raise BuildError(where, line, f"unknown key(s) {', '.join(sorted(unknown))}")
        name = str(entry["file"])
        period = None if entry.get("period") is None else str(entry["period"])
        if not FILE_NAME.fullmatch(name):
            what = "spaces" if re.search(r"\s", name) else "characters other than letters, digits, '.', '-' and '_'"
            raise BuildError(where, line, f"raw/{name}: a file name with {what}, which make and the source "
                             "columns (raw/FILE:LINE) cannot carry; rename the file and its entry "
                             "(e.g. 2025-03-en.pdf)")
        if period is not None:
            check_period(period, where, line, this_month)
        if entry.get("language") is not None and entry["language"] not in LANGUAGES:
            raise BuildError(where, line, f"language {entry['language']!r} is not one of en, no "
                             "(English or Norwegian)")
        if name in seen_files:
            raise BuildError(where, line, f"{name} is listed twice (first at line {seen_files[name]})")
        if period in seen_periods:
            raise BuildError(
                where, line, f"period {period} is listed twice (first at line {seen_periods[period]})"
            )
        seen_files[name] = line
        if period:
            seen_periods[period] = line
        path = raw / name
        if path.is_symlink():
            raise BuildError(where, line, f"raw/{name} is a symbolic link: raw/ holds the documents "
                             "themselves (copy the file in)")
        if not path.is_file():
            raise BuildError(where, line, f"{name} is listed but not in raw/")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise BuildError(where, line, f"raw/{name} is {size / 1e6:.1f} MB: too large for a monthly "
                             f"publication (at most {MAX_DOCUMENT_BYTES / 1e6:.0f} MB)")
        actual = sha256(path)
        if actual != str(entry["sha256"]).lower():
            raise BuildError(where, line, f"raw/{name} has sha256 {actual}, not the {entry['sha256']} "
                             "listed here: the file changed (update the entry if that was meant)")
        if actual in seen_hashes:
            first_name, first_line = seen_hashes[actual]
            raise BuildError(where, line, f"raw/{name} is the same document as raw/{first_name} (line "
                             f"{first_line}): one publication, listed twice")
        seen_hashes[actual] = (name, line)
        documents.append(
            Document(
                path=path, period=period, language=entry.get("language"), sha256=actual,
                manifest_line=line, **{k: entry.get(k) for k in OPTIONAL},
            )
        )
    end = manifest.read_text(encoding="utf-8").count("\n") or 1
    for path in sorted(raw.iterdir()):
        if path.name.startswith(".") or path.name in NOT_DOCUMENTS | seen_files.keys():
            continue
        if path.is_symlink():
            raise BuildError(where, end, f"raw/{path.name} is a symbolic link: raw/ holds the documents "
                             "themselves, each listed here")
        if path.is_dir():
            raise BuildError(where, end, f"raw/{path.name}/ is a folder: raw/ holds the documents themselves, "
                             "each listed here (move them up, or out of raw/)")
        raise BuildError(where, end, f"raw/{path.name} is in raw/ but not listed here: add an entry for it")
    return sorted(documents, key=lambda d: (d.period or "", d.name))


def check_period(period, where, line, this_month=None):
    """A period is YYYY-MM, a real month, and not one still to come."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise BuildError(where, line, f"period {period!r} is not YYYY-MM with a month 01-12 (quote it)")
    this_month = this_month or datetime.date.today().strftime("%Y-%m")
    if period > this_month:
        raise BuildError(where, line, f"period {period} is still to come (this is {this_month}): "
                         "no publication can cover it yet")
