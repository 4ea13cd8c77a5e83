"""`norway-returns add`: a new publication into raw/ and the manifest, checked by a build.

The document (a file or an address: a PDF, a text, or a publication's web page, kept
as .html with its address as `source_url`) is read for its own title (period, language,
title); options override what it says. raw/ is copied to a staging folder beside it,
with the document and its entry added, and the whole is built there. Only when that
build succeeds are the document and the manifest written into raw/ (each whole or not
at all) and the checked database put in place; otherwise raw/ is left exactly as it was.

raw/ and the database are locked from reading the manifest to writing them (locks.py):
two adds started together take turns, and the manifest keeps both entries. What a
killed add left (its temp files in raw/, its staging folder) the next add or build
removes.
"""

import datetime
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import locks
from .atomic import journal, move_into_place, staging_prefix, sweep_leftovers, write_atomically
from .build import build
from .errors import BuildError
from .reading.cache import cache_root
from .reading.download import fetch, is_url, kind_of
from .reading.extract import extract_file
from .reading.sources import MAX_DOCUMENT_BYTES, check_period, load_yaml_list, sha256
from .reading.title import read_title
from .reading.workers import Readers
from .writing.manifest import with_entry


@dataclass
class Added:
    file: str  # raw/NAME
    entry: dict
    replaced: str | None  # raw/NAME of the document it replaced
    summary: object  # the build's Summary

    def publication_line(self):
        return next((l for l in self.summary.lines if f" {self.file}:" in l), "")


def _read_source(source, timeout):
    """(bytes, the address it was fetched from or None, its content type or None)."""
    if is_url(source):
        fetched = fetch(source, timeout)
        return fetched.data, source, fetched.content_type
    path = Path(source)
    if not path.is_file():
        raise BuildError(source, None, "no such file")
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise BuildError(source, None, f"{path.stat().st_size / 1e6:.1f} MB: too large for a monthly publication")
    return path.read_bytes(), None, None


@dataclass(frozen=True)
class _Probe:
    """A document not yet in raw/: its file, and the name its messages give it."""

    path: Path
    name: str


def _lines(probe):
    return extract_file(probe.path, probe.name)


def _stated(path, name):
    """The Title a document states (None if none), read as the build reads it: a PDF in a
    worker process within the build's time and memory limits (reading/workers.py)."""
    probe = _Probe(Path(path), name)
    if probe.path.suffix.lower() != ".pdf":
        return read_title(_lines(probe))
    readers = Readers(1)
    try:
        lines = readers.result(probe, readers.submit(_lines, probe))
    except BaseException:
        readers.close(failed=True)
        raise
    readers.close()
    return read_title(lines)


def existing(raw, manifest):
    """(entry, period, language) for each entry of the manifest, periods and languages
    read from the documents' titles where an entry leaves them out."""
    out = []
    for e in load_yaml_list(manifest, "manifest") if manifest.exists() else []:
        language = "no" if e.get("language") is False else e.get("language")
        period = None if e.get("period") is None else str(e["period"])
        if (period is None or language is None) and (raw / str(e.get("file"))).is_file():
            title = _stated(raw / str(e["file"]), f"raw/{e['file']}")
            period, language = period or (title and title.period), language or (title and title.language)
        out.append((e, period, language))
    return out


def add(source, raw="raw", db_path="returns.db", views=None, period=None, language=None, title=None,
        source_url=None, damaged=None, replace=False, timeout=30.0, fetched=None):
    """Add the publication at `source` (a path or an http(s) URL); returns Added.
    Raises BuildError, leaving raw/ and the database as they were.
    fetched: what was already fetched from the URL `source` (reading/download.Fetched)."""
    raw, db_path = Path(raw), Path(db_path)
    if fetched is not None:
        data, url, content_type = fetched.data, source, fetched.content_type
    else:
        data, url, content_type = _read_source(source, timeout)  # before the lock: the network may be slow
    suffix = kind_of(data, source, content_type)
    if period is not None:
        check_period(period, "--period", None)

    made = not raw.exists()
    if made:
        raw.mkdir(parents=True)
    db_path.absolute().parent.mkdir(parents=True, exist_ok=True)  # for its lock
    try:
        with locks.raw_folder(raw, exclusive=True), locks.database(db_path):
            sweep_leftovers(raw)
            return _add(source, raw, db_path, views, data, url, suffix, period, language, title, source_url,
                        damaged, replace)
    except BaseException:
        if made:
            try:
                raw.rmdir()  # only if nothing was added to it
            except OSError:
                pass
        raise


def _staging(raw):
    """A staging folder beside raw/ (on its file system, so that documents are staged as hard links)."""
    try:
        return tempfile.TemporaryDirectory(prefix=staging_prefix(), dir=raw.resolve().parent)
    except OSError as e:
        why = (e.strerror or str(e))
        raise BuildError(raw.resolve().parent, None, f"cannot make a staging folder beside {raw}/ here: "
                         f"{why[:1].lower() + why[1:]}") from None


def _add(source, raw, db_path, views, data, url, suffix, period, language, title, source_url, damaged, replace):
    with _staging(raw) as staging:
        staging = Path(staging)
        probe = staging / f"document{suffix}"
        probe.write_bytes(data)
        stated = _stated(probe, str(source))
        period = period or (stated and stated.period)
        language = language or (stated and stated.language)
        for what, value, option in (("period", period, "--period YYYY-MM"), ("language", language, "--language en|no")):
            if not value:
                raise BuildError(source, None, f"states no {what} in a title line (such as 'Statistics for "
                                 f"May 2024' or 'Månedsstatistikk mai 2024'): give {option}")
        name = f"{period}-{language}{suffix}"
        digest = sha256(probe)

        manifest = raw / "manifest.yml"
        replacing = None
        for e, p, lang in existing(raw, manifest):
            if str(e.get("sha256", "")).lower() == digest:
                raise BuildError(f"raw/{manifest.name}", e["__line__"], f"this document is already listed, as "
                                 f"{e.get('file')}: nothing to add")
            if (p, lang) == (period, language):
                if not replace:
                    raise BuildError(f"raw/{manifest.name}", e["__line__"], f"{period} in {language} is already "
                                     f"listed, as {e.get('file')}: give --replace to replace it")
                replacing = e
        if (raw / name).exists() and not (replacing and str(replacing["file"]) == name):
            raise BuildError(f"raw/{name}", None, "is already in raw/ (but not listed for "
                             f"{period} {language}): move it away first")

        entry = dict(file=name, period=period, language=language,
                     title=title or (stated.text if stated else None), sha256=digest,
                     source_url=source_url or url,
                     retrieved=datetime.date.today().isoformat() if url else None, damaged=damaged)
        text = with_entry(manifest, entry, replacing and replacing["__line__"])

        # Stage raw/ as it would be, and build the whole of it.
        stage = staging / "raw"
        stage.mkdir()
        if raw.is_dir():
            for f in raw.iterdir():
                if f.name == manifest.name or (replacing and f.name == str(replacing["file"])):
                    continue
                _stage(f, stage / f.name)
        os.replace(probe, stage / name)
        (stage / manifest.name).write_text(text, encoding="utf-8")
        checked = staging / "checked.db"
        summary = build(stage, checked, views, cache_dir=cache_root(db_path))

        # The build holds: write raw/ (the document, then the manifest), then the database;
        # what is about to change is journalled first, for a kill midway (atomic.recover).
        gone = [(str(replacing["file"]), str(replacing["sha256"]).lower())] \
            if replacing and str(replacing["file"]) != name else []
        journal(staging, raw, text, [(name, digest)], gone)
        write_atomically(raw / name, data)
        write_atomically(manifest, text.encode("utf-8"))
        if replacing and str(replacing["file"]) != name:
            (raw / str(replacing["file"])).unlink(missing_ok=True)
        move_into_place(checked, db_path)
    return Added(f"raw/{name}", entry, replacing and f"raw/{replacing['file']}", summary)


def _stage(src, dst):
    """raw/'s entry as it is (a hard link where it can), so the build judges it as in raw/."""
    if src.is_symlink():
        os.symlink(os.readlink(src), dst)
    elif src.is_dir():
        dst.mkdir()
    else:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
