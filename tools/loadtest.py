"""Load test: the site as `make serve` serves it, driven on loopback by wrk.

    python tools/loadtest.py [--years 20] [--seconds 10]

Builds the database from raw/, and a copy grown to YEARS of synthetic months (the
real publications' tables repeated month after month, their year-to-date counts
growing); serves each with the command line of `make serve`; and drives the main
pages (a table with facets, every view, the canned queries with parameters, the
CSV stream) with wrk at 1, 10 and 50 concurrent clients, for a bounded time each
(wrk runs for a set duration, so the number of requests is bounded too). Prints throughput, p50 and p99 latency, errors and the server's
memory before and after. Not part of `make test`.
"""

import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import click
import sqlite_utils
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from norway_returns.writing import db as dbmod  # noqa: E402
from norway_returns.site import serve  # noqa: E402
from norway_returns.build import build  # noqa: E402

CONCURRENCY = (1, 10, 50)

# wrk script: each connection's requests cycle through the paths.
LUA = """
paths = {%(paths)s}
local sent = 0
request = function()
  sent = sent + 1
  return wrk.format("GET", paths[(sent %% #paths) + 1])
end
"""


def grow(db_path, years):
    """Extend a built database to `years` of monthly publications ending in 2025-12."""
    conn = sqlite3.connect(db_path)
    templates = [r[0] for r in conn.execute("select period from publications order by period")]
    first_year = 2026 - years
    by_template = {p: conn.execute("select kind, country, category, count, status, source from returns "
                                   "where period = ?", (p,)).fetchall() for p in templates}
    rng = random.Random(1)
    for year in range(first_year, 2026):
        for month in range(1, 13):
            period = f"{year}-{month:02d}"
            if period in templates:
                continue
            template = templates[(year * 12 + month) % len(templates)]
            conn.execute("insert into publications (period, year, month, as_of, language, title, source_file, "
                         "sha256) values (?, ?, ?, ?, 'en', ?, 'synthetic', '')",
                         (period, year, month, f"{period}-28", f"Synthetic {period}"))
            scale = month / 6
            for kind, country, category, count, status, source in by_template[template]:
                n = max(1, round(count * scale * rng.uniform(0.8, 1.2)))
                conn.execute("insert into returns values (?, ?, ?, ?, ?, ?, ?)",
                             (period, kind, country, category, n, status, source))
            conn.execute("insert into monthly_figures select ?, " + ", ".join(
                f"m.{c}" for c in [d[1] for d in conn.execute("pragma table_info(monthly_figures)")][1:]) +
                " from monthly_figures m where m.period = ?", (period, template))
    conn.execute("insert into published_totals select r.period, r.kind, r.category, sum(r.count), 'synthetic' "
                 "from returns r where r.period not in (select period from published_totals) group by 1, 2, 3")
    conn.commit()
    dbmod.create_views(sqlite_utils.Database(conn), ROOT / "sql" / "views", stored_only=True)
    conn.commit()
    n = conn.execute("select count(*) from returns").fetchone()[0]
    conn.execute("vacuum")
    conn.close()
    return n


def paths(db_path):
    """The main pages: a table with facets, every view, canned queries with parameters, the CSV stream."""
    conn = sqlite3.connect(db_path)
    views = sorted(p.stem for p in (ROOT / "sql" / "views").glob("*.sql"))
    latest = conn.execute("select max(period) from publications").fetchone()[0]
    out = ["/returns/returns?_facet=period&_facet=kind&_facet=category&_facet=country",
           "/returns/returns?country=SYR&_facet=period",
           "/returns/returns.csv?_stream=on&_size=max&country=UKR"]
    out += [f"/returns/{v}" for v in views]
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    queries = metadata.get("databases", {}).get("returns", {}).get("queries", {})
    values = {"country": "SYR", "period": latest, "kind": "nationality", "limit": "10", "category": "dublin"}
    for name, q in queries.items():
        sql = q["sql"] if isinstance(q, dict) else q
        params = sorted(set(re.findall(r"(?<!:):([a-z_]+)", sql)))
        query = "&".join(f"{p}={values.get(p, '')}" for p in params)
        out.append(f"/returns/{name}" + (f"?{query}" if query else ""))
    return out


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def parse_wrk(text):
    def latency(pct):
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not m:
            return float("nan")
        return float(m[1]) * {"us": 0.001, "ms": 1, "s": 1000}[m[2]]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    total = re.search(r"(\d+) requests in", text)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return dict(rps=float(rps[1]) if rps else 0.0, requests=int(total[1]) if total else 0,
                p50=latency(50), p99=latency(99),
                errors=(int(errors[1]) if errors else 0) + (sum(map(int, socket.groups())) if socket else 0))


def run(db_path, seconds, label):
    folder = Path(tempfile.mkdtemp())
    with serve.running(db_path, folder) as (base, proc):
        urls = paths(db_path)
        for path in urls:  # every page answers before the load starts
            urllib.request.urlopen(base + path, timeout=30).read()
        print(f"\n{label}: {len(urls)} pages, server memory {rss_mb(proc.pid):.0f} MB")
        print(f"{'clients':>8} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for clients in CONCURRENCY:
            script = folder / "paths.lua"
            script.write_text(LUA % dict(paths=", ".join(f'"{p}"' for p in urls)))
            threads = min(clients, 2)  # two cores: more wrk threads only compete with the server
            out = subprocess.run(["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s",
                                  "--timeout", "10s", "--latency", "-s", str(script), base],
                                 capture_output=True, text=True, timeout=seconds + 60).stdout
            r = parse_wrk(out)
            print(f"{clients:>8} {r['requests']:>9} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
                  f"{r['errors']:>7}")
        print(f"server memory after: {rss_mb(proc.pid):.0f} MB")
    shutil.rmtree(folder, ignore_errors=True)


@click.command()
@click.option("--years", default=20, show_default=True, help="Years of synthetic months for the grown database.")
@click.option("--seconds", default=10, show_default=True, help="How long each concurrency level runs.")
def main(years, seconds):
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make loadtest installs it)")
    work = Path(tempfile.mkdtemp())
    small = work / "returns.db"
    build(ROOT / "raw", small, ROOT / "sql" / "views")
    run(small, seconds, f"raw/ as published ({sqlite3.connect(small).execute('select count(*) from returns').fetchone()[0]} cells)")
    grown = work / "grown" / "returns.db"
    grown.parent.mkdir()
    shutil.copy(small, grown)
    cells = grow(grown, years)
    run(grown, seconds, f"grown to {years} years of months ({cells} cells)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
