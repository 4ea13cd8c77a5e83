"""`make bench-compat`: what each patch of norway_returns/site/compat.py gains.

The same pages are asked of the site in-process (Datasette's own test client, no network),
each in a fresh process: once with every patch, once with each patch left out in turn
(NORWAY_RETURNS_COMPAT=NAME), once with none, in rotating rounds. It prints, per page, the time a page took
with every patch, and for each patch the ratio of the time without it to the time with all
(2.0: the page takes twice as long without it). The anchor is the run with every patch,
measured in the same run; a patch whose ratios stay near 1.0 gains nothing on these pages.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "index": "/",
    "database": "/returns",
    "table, 100 rows, facets": "/returns/returns?_size=100",
    "table, 1000 rows": "/returns/returns?_size=1000&_nofacet=1",
    "table JSON": "/returns/returns.json?_size=100",
    "canned query": "/returns/country_profile?country=UKR",
    "bad sort (error page)": "/returns/returns?_sort=nope",
}
ROUNDS = 15  # requests of each page in one process; its median counts
ROTATIONS = 3  # rounds of every configuration


def measure(db):
    """Median seconds per page in this process (the patches as the environment says)."""
    import asyncio

    import yaml
    from datasette.app import Datasette

    from norway_returns.resources import METADATA
    from norway_returns.site.serve import SETTINGS

    settings = {k: {"on": True, "off": False}.get(v, v) if isinstance(v, str) else v for k, v in SETTINGS.items()}
    ds = Datasette(immutables=[db], metadata=yaml.safe_load(METADATA.read_text()), settings=settings,
                   static_mounts=[("raw", str(ROOT / "raw"))])

    async def run():
        times = {}
        for name, path in PAGES.items():
            await ds.client.get(path)  # warm: startup, first connections
            samples = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                await ds.client.get(path)
                samples.append(time.perf_counter() - start)
            times[name] = statistics.median(samples)
        return times

    return asyncio.new_event_loop().run_until_complete(run())


def upstream_alternatives(db):
    """The two maintained plugins the site does without, measured on the same database:
    datasette-gzip's fixed level 9 against the site's 6 on the largest answer (the whole
    table as CSV) and a dashboard's HTML; and how many of the pages the front page and the
    overview link to datasette-hashed-urls would make immutable (it renames the database's
    own pages only) against the build's prefix (all of them)."""
    import asyncio
    import gzip
    import re

    import yaml
    from datasette.app import Datasette

    from norway_returns.resources import METADATA

    ds = Datasette(immutables=[db], metadata=yaml.safe_load(METADATA.read_text()), settings={"allow_csv_stream": True},
                   static_mounts=[("raw", str(ROOT / "raw"))])

    async def run():
        bodies = {"whole table CSV": (await ds.client.get("/returns/returns.csv?_stream=on&_labels=on&_size=max")).content,
                  "overview HTML": (await ds.client.get("/-/dashboards/overview")).content}
        links = set()
        for page in ("/", "/-/dashboards/overview"):
            html = (await ds.client.get(page)).text
            links |= {h for h in re.findall(r'(?:href|src)="(/[^"#]*)"', html)}
        return bodies, links

    bodies, links = asyncio.new_event_loop().run_until_complete(run())
    print("gzip, level 9 (datasette-gzip) against level 6 (the site):")
    for name, body in bodies.items():
        sizes, times = {}, {}
        for level in (6, 9):
            start = time.perf_counter()
            for _ in range(5):
                sizes[level] = len(gzip.compress(body, compresslevel=level))
            times[level] = (time.perf_counter() - start) / 5
        print(f"  {name:18} {len(body) / 1024:8.0f} KB: level 9 takes {times[9] / times[6]:.1f}x the CPU "
              f"of level 6 for a body {100 * (1 - sizes[9] / sizes[6]):.1f}% smaller")
    database = [link for link in links if link.startswith("/returns")]
    print(f"datasette-hashed-urls: of the {len(links)} pages and files the front page and the overview link to, "
          f"it would make {len(database)} immutable (the database's pages); the build's prefix makes all {len(links)}.")


def in_process(db, left_out):
    env = dict(os.environ, NORWAY_RETURNS_COMPAT=left_out)
    out = subprocess.run([sys.executable, __file__, "--measure", db], env=env, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(sys.argv[2])))
        return
    sys.path.insert(0, str(ROOT))
    from norway_returns.build import build
    from norway_returns.site.compat import PATCHES

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "returns.db")
        build(ROOT / "raw", db, cache_dir=False)
        # each configuration in a process of its own, in rotating rounds (the machine's load
        # changes over a run); each page's fastest round counts
        configs = {"(all)": "", **{p.name: p.name for p in PATCHES}, "(none)": "off"}
        rounds = [{name: in_process(db, left) for name, left in configs.items()} for _ in range(ROTATIONS)]
        runs = {name: {page: min(r[name][page] for r in rounds) for page in PAGES} for name in configs}
        anchor = runs.pop("(all)")
        upstream_alternatives(db)
    print()
    names = list(runs)
    print("Time per page with every patch (ms), and without each, as a ratio to it:\n")
    print(f"{'page':26} {'all (ms)':>9} " + " ".join(f"{n:>14}" for n in names))
    for page in PAGES:
        print(f"{page:26} {anchor[page] * 1000:9.2f} "
              + " ".join(f"{runs[n][page] / anchor[page]:14.2f}" for n in names))


if __name__ == "__main__":
    main()
