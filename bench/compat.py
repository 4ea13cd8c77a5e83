"""`make bench-compat`: what each patch of norway_returns/site/compat.py gains.

The same pages are asked of the site in-process (Datasette's own test client, no network),
each in a fresh process: once with every patch, once with each patch left out in turn
(NORWAY_RETURNS_COMPAT=NAME), once with none. It prints, per page, the time a page took
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
ROUNDS = 15


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
        anchor = in_process(db, "")
        runs = {p.name: in_process(db, p.name) for p in PATCHES}
        runs["(none)"] = in_process(db, "off")
    names = list(runs)
    print("Time per page with every patch (ms), and without each, as a ratio to it:\n")
    print(f"{'page':26} {'all (ms)':>9} " + " ".join(f"{n:>14}" for n in names))
    for page in PAGES:
        print(f"{page:26} {anchor[page] * 1000:9.2f} "
              + " ".join(f"{runs[n][page] / anchor[page]:14.2f}" for n in names))


if __name__ == "__main__":
    main()
