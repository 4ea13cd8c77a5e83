#!/usr/bin/env python3
"""OCR benchmark: time and accuracy of reading each scan of tests/documents/scans/ (`make bench-ocr`).

For each scan of scans.yml, and the text PDF it was made from (the anchor, measured in
the same run on the same machine):

- time: building the scan alone with `norway-returns build` (a fresh cache), against
  building its text PDF alone: OCR time as a ratio to reading the text;
- accuracy of the OCR itself: the cells tesseract read right, before any repair (each
  table cell of the text PDF's lines, compared with the same cell of the scan's lines, as
  the build's cache keeps them), over the cells the publication prints (a searchable
  scan's: its own text layer's);
- the outcome of the build: exact (every cell as the text PDF builds it, and how many the
  sums repaired), or refused and where. A scan that builds a cell the text PDF does not is
  reported as WRONG (the tests fail on it too).

Not part of `make test`: the figures depend on the machine; the tests hold what must be true.
"""

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from norway_returns.reading.ocr import engine  # noqa: E402
from norway_returns.reading.sources import sha256  # noqa: E402

SCANS = ROOT / "tests" / "documents" / "scans"
CLI = ROOT / ".venv" / "bin" / "norway-returns"
CELLS = "select period, kind, country, category, count from returns order by 1, 2, 3, 4"


def build(path, entry, folder):
    """(seconds, returncode, first line of stderr, cells) of building `path` alone."""
    raw = folder / "raw"
    raw.mkdir(parents=True)
    shutil.copy(path, raw / path.name)
    manifest = [{"file": path.name, "period": entry["period"], "language": entry["language"],
                 "title": entry["title"], "sha256": sha256(raw / path.name)}]
    (raw / "manifest.yml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    db = folder / "returns.db"
    cli = str(CLI) if CLI.exists() else shutil.which("norway-returns")
    start = time.perf_counter()
    # a fresh cache beside the database: the lines read are kept there, for read_right
    result = subprocess.run([cli, "build", "--raw", str(raw), "--db", str(db), "--views", str(ROOT / "sql" / "views")],
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    seconds = time.perf_counter() - start
    cells = []
    if result.returncode == 0:
        conn = sqlite3.connect(db)
        cells = conn.execute(CELLS).fetchall()
        repaired = conn.execute("select count(*) from checks where outcome = 'repaired'").fetchone()[0]
        conn.close()
    else:
        repaired = None
    first = (result.stderr.strip().splitlines() or [""])[0]
    read = [json.loads(p.read_text(encoding="utf-8"))["data"] for p in (folder / ".cache" / "extract").glob("*.json")]
    return seconds, result.returncode, first, cells, repaired, read[0] if read else []


def table_cells(lines):
    """{(name, column index): [text, ...]} of every table row the reader gave (value cells only);
    lines as the build's cache keeps them: [number, text, cells, problem, page, confidences]."""
    out = {}
    for _, _, cells, *_ in lines:
        if len(cells) > 2 and cells[0]:
            for k, text in enumerate(cells[1:], start=1):
                out.setdefault((cells[0], k), []).append(text)
    return out


def read_right(text_lines, scan_lines):
    """(cells OCR read as printed, cells printed): non-empty value cells of the text PDF's
    table rows, matched by row name and column to the scan's, before any repair."""
    printed = table_cells(text_lines)
    read = table_cells(scan_lines)
    right = total = 0
    for key, texts in printed.items():
        got = read.get(key, [])
        for k, text in enumerate(texts):
            if not text:
                continue
            total += 1
            right += k < len(got) and got[k] == text
    return right, total


def main():
    version, data = engine()
    print(f"tesseract {version} (language data {data}), {len(list(SCANS.glob('*.pdf')))} scans")
    entries = yaml.safe_load((SCANS / "scans.yml").read_text(encoding="utf-8"))
    rows = []
    for entry in entries:
        scan = SCANS / entry["file"]
        source = ROOT / entry["made_from"]
        with tempfile.TemporaryDirectory() as tmp:
            anchor_s, _, _, expected, _, text_lines = build(source, entry, Path(tmp) / "text")
            scan_s, code, first, cells, repaired, scan_lines = build(scan, entry, Path(tmp) / "scan")
        right, total = read_right(text_lines, scan_lines)
        if code == 0:
            outcome = (f"exact, {repaired} repair(s)" if cells == expected else
                       f"WRONG: {len(set(cells) - set(expected))} cell(s) the text PDF does not build")
        else:
            outcome = f"refused: {first[:110]}"
        rows.append((entry["file"], scan_s, anchor_s, right, total, outcome))
        print(f"{entry['file']}: OCR build {scan_s:.1f} s = {scan_s / anchor_s:.1f} x the text PDF's "
              f"{anchor_s:.1f} s; OCR read {right}/{total} cells right ({100 * right / total:.1f}%) "
              f"before the sums; {outcome}", flush=True)
    wrong = [r for r in rows if r[5].startswith("WRONG")]
    print(f"{len(rows)} scans: {sum(r[5].startswith('exact') for r in rows)} exact, "
          f"{sum(r[5].startswith('refused') for r in rows)} refused, {len(wrong)} wrong")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
