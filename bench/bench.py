#!/usr/bin/env python3
"""Archive-scale benchmark of the build: ten years of monthly PDFs (`make bench`).

1. Makes a synthetic archive with tools/make_pdfs.py: 120 consecutive months of
   about six pages each (year-to-date tables that grow month by month and start
   again each January; English and Norwegian; ruled and unruled tables; five
   category columns before 2025, six from 2025), and one month more. The PDFs are
   kept between runs in a folder under the system's temp folder, keyed by the
   generator's code and the parameters (--archive names another folder).
2. Builds the 120 months from scratch with `python build_db.py` and an empty
   extraction cache: wall time, pages per second, memory.
3. The floor: pdfplumber alone opening every PDF and extracting the text of every
   page, in this process, one after another.
4. Adds the 121st month and builds again (the other 120 come from the cache: their
   rows, without reading them again).

Targets, printed as ratios beside the figures (they live here, not in the tests):
the full build within 1.3 x (floor / cores used); a rebuild after one new PDF
under 3 s; peak memory under 500 MB.
"""

import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT))

import make_pdfs  # noqa: E402

TARGET_FLOOR_RATIO = 1.3
TARGET_REBUILD_S = 3.0
TARGET_MEMORY_MB = 500


def _key(start, months, seed):
    h = hashlib.sha256((ROOT / "tools" / "make_pdfs.py").read_bytes())
    h.update(f"{start} {months} {seed}".encode())
    return h.hexdigest()[:12]


def make_archive(folder, start, months, seed):
    """PDFs for months + 1 consecutive months in `folder`, with entries.json; reused when complete."""
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "entries.json"
    if index.exists():
        entries = json.loads(index.read_text())
        if len(entries) == months + 1 and all((folder / e["file"]).exists() for e in entries):
            return entries, False
    entries = []
    started = time.perf_counter()
    for k, pub in enumerate(make_pdfs.Archive(seed).months(start, months + 1)):
        path = folder / f"{pub.period}-{pub.language}.pdf"
        make_pdfs.render(pub, path, ruled=k % 2 == 0, valign=("TOP", "MIDDLE", "BOTTOM")[k % 3])
        entries.append(make_pdfs.manifest_entry(path, pub))
        print(f"\r  generating {k + 1}/{months + 1} ({time.perf_counter() - started:.0f} s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    index.write_text(json.dumps(entries))
    return entries, True


def count_pages(folder, entries):
    import pdfplumber

    return sum(len(pdfplumber.open(folder / e["file"]).pages) for e in entries)


def floor(folder, entries):
    """pdfplumber alone: open each PDF and extract the text of each page (wall s, CPU s, pages)."""
    import pdfplumber

    pages = 0
    started, cpu = time.perf_counter(), time.process_time()
    for e in entries:
        with pdfplumber.open(folder / e["file"]) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return time.perf_counter() - started, time.process_time() - cpu, pages


RUN_BUILD = """
import resource, runpy, sys, json
sys.argv = ["build_db.py"] + sys.argv[1:]
code = 0
try:
    runpy.run_path({build_db!r}, run_name="__main__")
except SystemExit as e:
    code = e.code or 0
own = resource.getrusage(resource.RUSAGE_SELF)
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print("RUSAGE " + json.dumps([own.ru_maxrss, children.ru_maxrss, own.ru_utime + own.ru_stime,
                              children.ru_utime + children.ru_stime]), file=sys.stderr)
sys.exit(code)
"""


def run_build(raw, db, cache, jobs=None):
    """`python build_db.py --raw RAW --db DB` as a user runs it.

    (wall seconds, own maxrss KB, largest worker's maxrss KB, own CPU s, workers' CPU s)
    """
    env = dict(os.environ, NORWAY_RETURNS_CACHE=str(cache))
    if jobs:
        env["NORWAY_RETURNS_JOBS"] = str(jobs)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", RUN_BUILD.format(build_db=str(ROOT / "build_db.py")),
                             "--raw", str(raw), "--db", str(db)], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"the build failed:\n{result.stderr}")
    line = next(l for l in result.stderr.splitlines() if l.startswith("RUSAGE "))
    return (seconds, *json.loads(line[len("RUSAGE "):]))


def rebuild_parts(raw, db, cache):
    """Where a rebuild from the cache spends its time: the manifest's hashes, reading the
    cached rows (and the stages for anything not cached), the database."""
    from norway_returns.writing import db as dbmod
    from norway_returns.build import collect
    from norway_returns.reading.sources import read_manifest

    parts = {}
    t = time.perf_counter()
    read_manifest(raw)
    parts["manifest and sha256"] = time.perf_counter() - t
    t = time.perf_counter()
    rows, _ = collect(raw, cache)
    parts["rows from the cache"] = time.perf_counter() - t - parts["manifest and sha256"]
    t = time.perf_counter()
    dbmod.write(db, rows, ROOT / "sql" / "views")
    parts["db write"] = time.perf_counter() - t
    return parts


def write_manifest(raw, entries):
    (raw / "manifest.yml").write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


def cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@click.command()
@click.option("--months", default=120, show_default=True, help="Months in the archive (one more is added).")
@click.option("--start", default="2016-01", show_default=True)
@click.option("--seed", default=2016, show_default=True)
@click.option("--archive", type=click.Path(file_okay=False), default=None,
              help="Folder for the generated PDFs (default: kept under the temp folder between runs).")
def main(months, start, seed, archive):
    """Time the build of a ten-year archive of PDFs against pdfplumber's own speed."""
    folder = Path(archive) if archive else Path(tempfile.gettempdir()) / "norway-returns-bench" / _key(start, months, seed)
    print(f"archive: {folder}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    started = time.perf_counter()
    entries, made = make_archive(folder, start, months, seed)
    print(f"  {'generated' if made else 'reused'} {len(entries)} PDFs"
          + (f" in {time.perf_counter() - started:.1f} s" if made else ""))
    first, extra = entries[:months], entries[months]
    pages = count_pages(folder, first)
    print(f"  {months} months, {pages} pages ({pages / months:.1f} a month)")

    jobs = min(cores(), months)
    with tempfile.TemporaryDirectory(prefix="norway-returns-bench-") as tmp:
        tmp = Path(tmp)
        raw, db, cache = tmp / "raw", tmp / "returns.db", tmp / "cache"
        raw.mkdir()
        for e in first:
            shutil.copy(folder / e["file"], raw / e["file"])
        write_manifest(raw, first)

        full, own_kb, child_kb, own_cpu, child_cpu = run_build(raw, db, cache)
        floor_s, floor_cpu, floor_pages = floor(folder, first)
        assert floor_pages == pages
        shutil.copy(folder / extra["file"], raw / extra["file"])
        write_manifest(raw, first + [extra])
        rebuild, own2, child2, rebuild_cpu, _ = run_build(raw, db, cache)
        unchanged, _, _, _, _ = run_build(raw, db, cache)
        parts = rebuild_parts(raw, tmp / "parts.db", cache)
        cells = sqlite3.connect(db).execute("select count(*) from returns").fetchone()[0]

    own_mb, child_mb = max(own_kb, own2) / 1024, max(child_kb, child2) / 1024
    tree_mb = own_mb + jobs * child_mb  # the build process and its workers all at their peaks at once
    target_full = TARGET_FLOOR_RATIO * floor_s / jobs
    rows = [
        ("full build, 120 PDFs", f"{full:.1f} s", f"{pages / full:.1f} pages/s",
         f"{full / (floor_s / jobs):.2f} x (floor / {jobs} cores); target <= {TARGET_FLOOR_RATIO} x "
         f"({target_full:.1f} s): {'met' if full <= target_full else 'NOT met'}"),
        ("", "", "", f"CPU: build process {own_cpu:.1f} s + workers {child_cpu:.1f} s"),
        ("floor: pdfplumber alone", f"{floor_s:.1f} s", f"{pages / floor_s:.1f} pages/s",
         f"open + extract_text of the same {pages} pages, one core (CPU {floor_cpu:.1f} s)"),
        ("rebuild, one new PDF", f"{rebuild:.2f} s", "",
         f"{rebuild / TARGET_REBUILD_S:.2f} x the {TARGET_REBUILD_S:.0f} s target: "
         f"{'met' if rebuild < TARGET_REBUILD_S else 'NOT met'}"),
        ("", "", "", "of which (measured in this process): " + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items())),
        ("rebuild, nothing new", f"{unchanged:.2f} s", "", "every extraction from the cache"),
        ("peak memory", f"{tree_mb:.0f} MB", "",
         f"{tree_mb / TARGET_MEMORY_MB:.2f} x the {TARGET_MEMORY_MB} MB target: "
         f"{'met' if tree_mb < TARGET_MEMORY_MB else 'NOT met'} (build process {own_mb:.0f} MB + {jobs} x largest "
         f"worker {child_mb:.0f} MB, maxrss)"),
    ]
    print(f"  {cells} cells in the database; {jobs} cores used")
    if load > 0.5:
        print(f"  load average {load:.2f} when the benchmark started: other processes were using the cores, "
              "so the times below are noisy")
    print()
    width = max(len(r[0]) for r in rows)
    for name, value, rate, note in rows:
        print(f"{name:<{width}}  {value:>9}  {rate:>16}  {note}")
    bench_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(the benchmark process itself, with the floor's pdfplumber: {bench_self:.0f} MB)")


if __name__ == "__main__":
    main()
