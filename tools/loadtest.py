"""Load test: each page of the site against the same page of a bare Datasette, on loopback, with wrk.

    python tools/loadtest.py [--years 20] [--seconds 3] [--rounds 3] [--clients 4] [--pages REGEX]

Builds the database from raw/, and a copy grown to YEARS of synthetic months (the real
publications' tables repeated month after month, their year-to-date counts growing). For
each, four servers run side by side:

- the site, as `make serve` serves it (metadata, plugins, settings, pages under the build's
  prefix /v-BUILD/ as its links give them), with no page kept in memory: each page made
  afresh, what the first reader of a page waits for;
- the same site keeping its pages in memory, as it is served (plugins/cache_headers.py):
  each page asked again, what every later reader of a page gets;
- a bare Datasette on the same database: no metadata, no plugins (not even installed ones),
  default settings but for those that decide what a page holds (how many rows a query
  shows, the time limits a facet or query must finish within: the site's, so that both
  pages hold the same rows and facets); each page asked as the same page: the facets, sort
  and page size that the site's metadata gives a table spelled out in its URL, no facet
  suggestions (the site shows none), a canned query as the same SQL;
- a trivial one-table site (ten rows), bare: its index, database, table, JSON, CSV or query
  page, whichever the page is.

Each page is driven by wrk on each server in turn, ROUNDS times in rotating order (at least
SECONDS in all, longer for slow pages), CLIENTS connections, so that the figures of a
line share the machine's weather. Printed per page: requests a second of the site made
afresh, its ratio to the bare Datasette (what the project adds to or removes from
Datasette's own cost) and to the trivial site, p50 and p99 latency, errors; then requests a
second of the site asked again, and its ratio to the trivial site. The targets (made
afresh, ratio to bare >= 0.8 everywhere; asked again, index and table pages >= 0.5 of the
trivial site's) are marked. Then the whole `returns` table through the table page's CSV
link, against Datasette's own stream of it and against Python's csv module writing the
same rows (target: within 2x); and paging through the whole table as JSON, its next_url from
first page to last, on the site and on the bare Datasette (asked for the same pages: no facet
suggestions, which the site does not make), ROUNDS + 2 times each in turn. JSON pages have a target of their
own: 0.9 of bare Datasette's rate (the site counts no facet for JSON that names none,
site/json_facets.py, so the bare Datasette is asked the same page without them). Not part
of `make test`.
"""

import csv
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlencode

import click
import sqlite_utils
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from norway_returns.writing import db as dbmod  # noqa: E402
from norway_returns.site import serve  # noqa: E402
from norway_returns.build import build  # noqa: E402

TARGET_BARE = 0.8
TARGET_TRIVIAL = 0.5
TARGET_JSON = 0.9  # JSON pages, ratio to bare (issue 21)

# wrk script: each connection asks for the same page again and again.
LUA = """
request = function()
  return wrk.format("GET", "%(path)s")
end
"""

# Datasette without plugins: entry-point plugins are not loaded when this is set.
BARE = "import sys; sys._called_from_test = True; from datasette.cli import cli; cli()"


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


def metadata():
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"]["returns"]


def pages(db_path):
    """(kind, path) of the main pages: the index, the database, a table with facets, a filtered
    table, a filtered CSV stream and JSON, every view, the canned queries with parameters."""
    conn = sqlite3.connect(db_path)
    views = sorted(p.stem for p in (ROOT / "sql" / "views").glob("*.sql"))
    latest = conn.execute("select max(period) from publications").fetchone()[0]
    out = [("index", "/"), ("database", "/returns"),
           ("table", "/returns/returns?_facet=period&_facet=kind&_facet=category&_facet=country"),
           ("table", "/returns/returns?country=SYR&_facet=period"),
           ("json", "/returns/returns.json?country=SYR&_facet=period"),
           ("json", "/returns/returns.json?_size=100"),
           ("csv", "/returns/returns.csv?_stream=on&_size=max&country=UKR")]
    out += [("table", f"/returns/{v}") for v in views]
    values = {"country": "SYR", "period": latest, "kind": "nationality", "limit": "10", "category": "dublin"}
    for name, q in metadata().get("queries", {}).items():
        sql = q["sql"] if isinstance(q, dict) else q
        params = sorted(set(re.findall(r"(?<!:):([a-z_]+)", sql)))
        query = "&".join(f"{p}={values.get(p, '')}" for p in params)
        out.append(("query", f"/returns/{name}" + (f"?{query}" if query else "")))
    return out


def bare_path(kind, path):
    """The same page asked of a bare Datasette: what the metadata adds, spelled out in the URL."""
    if kind in ("index", "database"):
        return path
    meta = metadata()
    route, _, query = path.partition("?")
    name = route.rsplit("/", 1)[-1].split(".")[0]
    if name in meta.get("queries", {}):
        q = meta["queries"][name]
        return "/returns?" + urlencode({"sql": q["sql"] if isinstance(q, dict) else q}) + (f"&{query}" if query else "")
    table = meta.get("tables", {}).get(name, {})
    # the site's JSON counts the metadata's facets only when the request names a facet (json_facets.py)
    no_facets = kind == "csv" or (kind == "json" and "_facet" not in query)
    extra = [] if no_facets else [("_facet", f) for f in table.get("facets", []) if f"_facet={f}" not in query]
    if table.get("sort"):
        extra.append(("_sort", table["sort"]))
    if table.get("sort_desc"):
        extra.append(("_sort_desc", table["sort_desc"]))
    if table.get("size") and "_size" not in query:
        extra.append(("_size", table["size"]))
    if kind in ("table", "json"):
        extra.append(("_nosuggest", "1"))
    return route + "?" + "&".join(x for x in (query, urlencode(extra)) if x)


TRIVIAL = {"index": "/", "database": "/trivial", "table": "/trivial/t", "json": "/trivial/t.json",
           "csv": "/trivial/t.csv", "query": "/trivial?sql=select+*+from+t"}


def trivial_db(folder):
    path = Path(folder) / "trivial.db"
    sqlite_utils.Database(path)["t"].insert_all(({"id": i, "name": f"row {i}", "value": i * i} for i in range(10)),
                                                pk="id")
    return path


@contextmanager
def server(command, folder, name, env=None):
    """command(port), a Datasette command line, running: yields (base URL, process)."""
    port = serve.free_port()
    base = f"http://127.0.0.1:{port}"
    with serve.running_command(command(port), base, name, cwd=folder,
                               env={**os.environ, **env} if env else None) as proc:
        yield base, proc


# The site with no page kept in memory (plugins/cache_headers.py): each page made afresh
AFRESH = {"NORWAY_RETURNS_KEEP_PAGES_MB": "0"}


# The site's settings that decide what a page holds, given to the bare Datasette too
SAME_PAGE_SETTINGS = ("max_returned_rows", "sql_time_limit_ms", "facet_time_limit_ms", "default_facet_size",
                      "default_page_size")


def bare_command(db, inspect_file, same_page=True):
    settings = [a for name in SAME_PAGE_SETTINGS for a in ("--setting", name, str(serve.SETTINGS[name]))]
    return lambda port: [sys.executable, "-c", BARE, "serve", "-i", str(db), "--inspect-file", str(inspect_file),
                         "-h", "127.0.0.1", "-p", str(port), *(settings if same_page else [])]


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


def wrk(base, path, seconds, clients, folder):
    script = Path(folder) / "page.lua"
    script.write_text(LUA % dict(path=path.replace('"', '\\"')))
    out = subprocess.run(["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{max(1, round(seconds))}s",
                          "--timeout", "10s", "--latency", "-s", str(script), base],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    return parse_wrk(out)


def measure(servers, seconds, rounds, clients, folder):
    """wrk on each (base, path) in turn, `rounds` times in rotating order, so that the servers
    share the machine's weather; each run long enough for about ten requests a client.
    Returns, per server: requests a second over all its runs, the median p50 and p99, errors."""
    warm = []
    for base, path in servers:
        start = time.perf_counter()
        urllib.request.urlopen(base + path, timeout=60).read()
        warm.append(time.perf_counter() - start)
    duration = max(1, round(max(seconds / rounds, min(8 * max(warm), 8))))  # wrk takes whole seconds
    runs = [[] for _ in servers]
    for r in range(rounds):
        for i in [(r + k) % len(servers) for k in range(len(servers))]:
            runs[i].append(wrk(*servers[i], duration, clients, folder))
    return [dict(rps=max(statistics.mean(x["rps"] for x in rs), 0.01),
                 p50=statistics.median(x["p50"] for x in rs), p99=statistics.median(x["p99"] for x in rs),
                 errors=sum(x["errors"] for x in rs)) for rs in runs]


def fetch_seconds(url, timeout=300):
    """Seconds to download url, and its size (with curl where there is one: a client that costs little)."""
    if shutil.which("curl"):
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}", url],
                             capture_output=True, text=True, timeout=timeout).stdout.split()
        return float(out[0]), int(out[1])
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        size = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
    return time.perf_counter() - start, size


def json_pages_seconds(url):
    """Seconds to follow a table's JSON from its first page to its last (next_url), and the pages."""
    import json
    start, pages = time.perf_counter(), 0
    while url:
        with urllib.request.urlopen(url, timeout=300) as response:
            url = json.loads(response.read()).get("next_url")
        pages += 1
    return time.perf_counter() - start, pages


def cpu_seconds(pid):
    """CPU time (user and system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def json_paging(ours, our_pid, theirs, their_pid, rounds):
    """Paging through a table as JSON on two servers: once each to warm up, then `rounds`
    times in turn, alternating which goes first (one pass each was at the mercy of the shared
    machine: 0.8 to 2.5 s for the same pass). The median wall time of each, its pages, and the
    CPU seconds each server spent in all its rounds (what the machine's other load moves least)."""
    json_pages_seconds(ours)
    json_pages_seconds(theirs)
    runs = {"site": [], "bare": [], "site_cpu": 0.0, "bare_cpu": 0.0}
    for r in range(rounds):
        for name, url, pid in ([("site", ours, our_pid), ("bare", theirs, their_pid)][::1 if r % 2 == 0 else -1]):
            before = cpu_seconds(pid)
            seconds, pages = json_pages_seconds(url)
            runs[f"{name}_cpu"] += cpu_seconds(pid) - before
            runs[name].append(seconds)
            runs["pages"] = pages
    return dict(runs, site=statistics.median(runs["site"]), bare=statistics.median(runs["bare"]))


def csv_module_seconds(db_path):
    """Python's csv module writing the rows of the CSV link (labels beside their codes) to a file."""
    conn = sqlite3.connect(db_path)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+", newline="") as f:
        writer = csv.writer(f)
        cursor = conn.execute(
            "select r.period, p.period, r.kind, r.country, c.name_en, r.category, k.label_en, r.count, r.status, "
            "r.source from returns r left join publications p on p.period = r.period "
            "left join countries c on c.code = r.country left join categories k on k.code = r.category "
            "order by r.period, r.kind, r.country, r.category")
        writer.writerow([d[0] for d in cursor.description])
        writer.writerows(cursor)
        f.flush()
    conn.close()
    return time.perf_counter() - start


def run(db_path, seconds, rounds, clients, label, only=None):
    folder = Path(tempfile.mkdtemp())
    inspect_file = folder / "inspect-data.json"
    serve.inspect(db_path, inspect_file)
    trivial = trivial_db(folder)
    serve.inspect(trivial, folder / "trivial.json")
    prefix = serve.build_prefix(serve.db_hash(db_path, inspect_file))
    with ExitStack() as stack:
        site, site_proc = stack.enter_context(
            server(lambda port: serve.command(db_path, inspect_file, port=port), folder, "the site", AFRESH))
        kept, kept_proc = stack.enter_context(
            server(lambda port: serve.command(db_path, inspect_file, port=port), folder, "the site keeping pages"))
        bare, bare_proc = stack.enter_context(server(bare_command(db_path, inspect_file), folder, "bare Datasette"))
        triv, _ = stack.enter_context(
            server(bare_command(trivial, folder / "trivial.json", same_page=False), folder, "trivial site"))
        rows = [(kind, path) for kind, path in pages(db_path) if not only or re.search(only, path)]
        targets = []
        for kind, path in rows:  # every page answers, on every server, before the load starts
            ours = path if kind == "index" else prefix + path.lstrip("/")
            targets.append((kind, path, (site, ours), (bare, bare_path(kind, path)), (triv, TRIVIAL[kind]),
                            (kept, ours)))
        print(f"\n{label}: {len(rows)} pages, {clients} clients; site memory {rss_mb(site_proc.pid):.0f} MB, "
              f"bare {rss_mb(bare_proc.pid):.0f} MB")
        print(f"{'':<62} {'made afresh':-^48} {'asked again':-^13}")
        print(f"{'page':<62} {'req/s':>6} {'/bare':>6} {'/triv':>6} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
              f"{'req/s':>6} {'/triv':>6}")
        worst, worst_again = [], []
        for kind, path, *servers in targets:
            r, b, t, k = measure(servers, seconds, rounds, clients, folder)
            to_bare, to_trivial, again = r["rps"] / b["rps"], r["rps"] / t["rps"], k["rps"] / t["rps"]
            miss = ("<" if to_bare < (TARGET_JSON if kind == "json" else TARGET_BARE) else " ") + (
                "<" if kind in ("index", "table") and again < TARGET_TRIVIAL else " ")
            worst.append(to_bare)
            if kind in ("index", "table"):
                worst_again.append(again)
            print(f"{path[:62]:<62} {r['rps']:>6.1f} {to_bare:>6.2f} {to_trivial:>6.2f} {r['p50']:>7.1f} "
                  f"{r['p99']:>7.1f} {r['errors'] + b['errors'] + k['errors']:>6} {k['rps']:>6.1f} {again:>6.2f} "
                  f"{miss}", flush=True)
        print(f"lowest ratio to bare, made afresh: {min(worst, default=float('nan')):.2f} (target {TARGET_BARE}); "
              f"index and table pages asked again, lowest to the trivial site: "
              f"{min(worst_again, default=float('nan')):.2f} (target {TARGET_TRIVIAL}); < marks a page under a target")
        print(f"site memory after: {rss_mb(site_proc.pid):.0f} MB made afresh, "
              f"{rss_mb(kept_proc.pid):.0f} MB keeping its pages")

        # Paging through the whole returns table as JSON (each page's next_url), the site against bare
        paging = json_paging(f"{site}{prefix}returns/returns.json?_size=max", site_proc.pid,
                             f"{bare}/returns/returns.json?_size=max&_nosuggest=1", bare_proc.pid, rounds + 2)
        print(f"paging through returns as JSON ({paging['pages']} pages of {serve.SETTINGS['max_returned_rows']} "
              f"rows, {rounds + 2} rounds): site {paging['site']:.2f} s, bare Datasette {paging['bare']:.2f} s "
              f"(median; {paging['bare'] / paging['site']:.2f} of its speed, target {TARGET_JSON}); "
              f"server CPU {paging['site_cpu']:.2f} s against {paging['bare_cpu']:.2f} s "
              f"({paging['bare_cpu'] / paging['site_cpu']:.2f})")

        # The whole returns table through the CSV link, against Datasette's own stream and the csv module
        link = f"{site}{prefix}returns/returns.csv?_labels=on&_size=max&_stream=on"
        ours = statistics.median(fetch_seconds(link)[0] for _ in range(3))
        size = fetch_seconds(link)[1]
        module = statistics.median(csv_module_seconds(db_path) for _ in range(3))
        theirs = fetch_seconds(f"{bare}/returns/returns.csv?_labels=on&_size=max&_stream=on")[0]
        print(f"whole returns table as CSV ({size / 1e6:.1f} MB, labels on): CSV link {ours:.2f} s, "
              f"csv module {module:.2f} s ({ours / module:.1f}x, target 2x), "
              f"bare Datasette's stream {theirs:.2f} s ({theirs / ours:.0f}x slower)")
    shutil.rmtree(folder, ignore_errors=True)


@click.command()
@click.option("--years", default=20, show_default=True, help="Years of synthetic months for the grown database.")
@click.option("--seconds", default=3, show_default=True,
              help="How long wrk drives each page on each server, at least (slow pages longer).")
@click.option("--rounds", default=3, show_default=True, help="Runs per page and server, in rotating order.")
@click.option("--clients", default=4, show_default=True, help="Concurrent connections.")
@click.option("--pages", "only", metavar="REGEX", help="Only the pages whose path matches (e.g. 'returns_wide|^/$').")
def main(years, seconds, rounds, clients, only):
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make loadtest installs it)")
    print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}")
    work = Path(tempfile.mkdtemp())
    small = work / "returns.db"
    build(ROOT / "raw", small, ROOT / "sql" / "views")
    cells = sqlite3.connect(small).execute("select count(*) from returns").fetchone()[0]
    run(small, seconds, rounds, clients, f"raw/ as published ({cells} cells)", only)
    grown = work / "grown" / "returns.db"
    grown.parent.mkdir()
    shutil.copy(small, grown)
    cells = grow(grown, years)
    run(grown, seconds, rounds, clients, f"grown to {years} years of months ({cells} cells)", only)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
