"""`make bench-pages`: what a first-time reader's browser downloads and waits for, page by page.

Chromium (Debian's) loads each page in a fresh browser with an empty cache, on an emulated
phone-grade link (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip; Chrome DevTools'
Network.emulateNetworkConditions), five times; the medians are printed. The anchor, measured
in the same run from the same server, is a page that draws one Vega-Lite chart of the same
data: vega, vega-lite and vega-embed (datasette-dashboards' copies) and the overview's chart
of the months, its rows fetched from the JSON API. Per page:

- first paint (first contentful paint), and its ratio to the anchor's;
- every chart drawn (each Vega view's SVG and each figure in place; a table, canned query or
  database page: its load event), and its ratio to the anchor's;
- what the page downloaded until then (bytes on the wire, gzipped where gzipped, and the
  number of requests), and the bytes' ratio to the anchor's (the one-chart floor);
- its largest render-blocking script.

Targets (issue 21): a dashboard's bytes at most 1.25x the anchor's, a table, canned query or
database page's at most 60 KB; no render-blocking script over 50 KB; first paint under 1 s; every chart drawn within
2x the anchor's time. At the four publications of raw/ and at 20 synthetic years of months
(tools/loadtest.py's grow). Not part of `make test`.

    python bench/pages.py [--loads 5] [--years 20]
"""

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from loadtest import grow  # noqa: E402
from norway_returns.build import build  # noqa: E402
from norway_returns.resources import METADATA  # noqa: E402
from norway_returns.site import serve  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
LINK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}

PAGES = {
    "one chart (anchor)": "bench/one-chart.html",
    "overview": "-/dashboards/overview?period=2024-05&kind=nationality",
    "country page": "-/dashboards/country?country=Ukraine",
    "table page": "returns/returns",
    "canned query page": "returns/country_profile?country=Ukraine",
    "database page": "returns",
}
# Pages that draw no chart: their target is bytes (TARGET_BYTES_TABLE), until their load event
PLAIN = ("table page", "canned query page", "database page")
TARGET_BYTES_DASHBOARD = 1.25  # x the anchor's
TARGET_BYTES_TABLE = 60_000
TARGET_BLOCKING = 50_000
TARGET_PAINT_MS = 1000
TARGET_DRAWN = 2.0  # x the anchor's

# The anchor: one chart, drawn as a page of its own would draw it.
ANCHOR = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>One chart</title></head>
<body><h1>Persons returned in the month</h1><div id="chart" style="width: 100%%"></div>
<script src="../-/static-plugins/datasette_dashboards/vega.min.js"></script>
<script src="../-/static-plugins/datasette_dashboards/vega-lite.min.js"></script>
<script src="../-/static-plugins/datasette_dashboards/vega-embed.min.js"></script>
<script>
fetch("../returns.json?" + new URLSearchParams({sql: %(sql)s, _shape: "objects"}))
  .then(r => r.json())
  .then(data => vegaEmbed("#chart", {...%(spec)s, width: "container", data: {values: data.rows}}, {renderer: "svg"}));
</script></body></html>
"""

# Recorded in the page from its first moment: when every chart is drawn, on the page's clock.
RECORDER = """
(() => {
  const drawn = () => {
    if (document.readyState !== "complete") return false;
    const cards = [...document.querySelectorAll(".dashboard-card-chart, #chart")];
    return cards.every(el => el.querySelector("svg, p, table, h1, h2, h3, ul, div.leaflet-container"));
  };
  const poll = () => {
    if (drawn()) { window.benchDrawnAt = performance.now(); return; }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();
"""

MEASURE = """() => {
  const until = window.benchDrawnAt;
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource").filter(r => r.responseEnd <= until);
  const paint = performance.getEntriesByType("paint").find(p => p.name === "first-contentful-paint");
  const blocking = Math.max(0, ...performance.getEntriesByType("resource")
    .filter(r => r.renderBlockingStatus === "blocking" && r.initiatorType === "script").map(r => r.encodedBodySize));
  return {paint: paint ? paint.startTime : null, drawn: until,
          bytes: nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0),
          requests: 1 + resources.length, blocking};
}"""


def anchor_page(folder):
    chart = yaml.safe_load(METADATA.read_text(encoding="utf-8"))["plugins"]["datasette-dashboards"]["overview"][
        "charts"]["months"]
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", **chart["display"]}
    (folder / "one-chart.html").write_text(ANCHOR % {"sql": json.dumps(chart["query"]), "spec": json.dumps(spec)},
                                           encoding="utf-8")


def load(playwright, url):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", LINK)
        page.add_init_script(RECORDER)
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_function("window.benchDrawnAt !== undefined", timeout=120_000)
        return page.evaluate(MEASURE)
    finally:
        browser.close()


def run(db, loads, label):
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp())
    bench = folder / "bench"
    bench.mkdir()
    anchor_page(bench)
    inspect_file = folder / "inspect-data.json"
    serve.inspect(db, inspect_file)
    prefix = serve.build_prefix(serve.db_hash(db, inspect_file))
    port = serve.free_port()
    base = f"http://127.0.0.1:{port}"
    args = serve.command(db, inspect_file, ROOT / "raw", port=port) + ["--static", f"bench:{bench}"]
    results = {}
    with serve.running_command(args, base, "the site"), sync_playwright() as p:
        load(p, base + prefix + PAGES["table page"])  # the server warmed up once, not measured
        for _ in range(loads):  # in turn, so that the pages share the machine's weather
            for name, path in PAGES.items():
                results.setdefault(name, []).append(load(p, base + prefix + path))
    shutil.rmtree(folder, ignore_errors=True)
    medians = {name: {k: statistics.median(r[k] or 0 for r in rs) for k in rs[0]} for name, rs in results.items()}
    anchor = medians["one chart (anchor)"]
    print(f"\n{label}: median of {loads} loads, fresh browser, empty cache, 1.6 Mbit/s, 150 ms")
    print(f"{'page':<20} {'paint ms':>9} {'/anchor':>8} {'drawn ms':>9} {'/anchor':>8} {'KB':>7} {'/anchor':>8} "
          f"{'requests':>8} {'block KB':>9}  targets")
    missed = []
    for name, m in medians.items():
        marks = []
        if name != "one chart (anchor)":
            if m["paint"] >= TARGET_PAINT_MS:
                marks.append("paint")
            if m["blocking"] > TARGET_BLOCKING:
                marks.append("blocking script")
            if name in PLAIN:
                if m["bytes"] > TARGET_BYTES_TABLE:
                    marks.append("bytes")
            else:
                if m["bytes"] / anchor["bytes"] > TARGET_BYTES_DASHBOARD:
                    marks.append("bytes")
                if m["drawn"] / anchor["drawn"] > TARGET_DRAWN:
                    marks.append("drawn")
            missed += [f"{name}: {x}" for x in marks]
        print(f"{name:<20} {m['paint']:>9.0f} {m['paint'] / anchor['paint']:>8.2f} {m['drawn']:>9.0f} "
              f"{m['drawn'] / anchor['drawn']:>8.2f} {m['bytes'] / 1000:>7.0f} {m['bytes'] / anchor['bytes']:>8.2f} "
              f"{m['requests']:>8.0f} {m['blocking'] / 1000:>9.0f}  {'missed: ' + ', '.join(marks) if marks else 'met'}")
    return missed


@click.command()
@click.option("--loads", default=5, show_default=True, help="Loads of each page (a fresh browser each).")
@click.option("--years", default=20, show_default=True, help="Years of synthetic months for the grown database.")
def main(loads, years):
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    work = Path(tempfile.mkdtemp())
    small = work / "returns.db"
    build(ROOT / "raw", small, ROOT / "sql" / "views")
    missed = run(small, loads, "raw/ as published (4 publications)")
    grown = work / "grown" / "returns.db"
    grown.parent.mkdir()
    shutil.copy(small, grown)
    cells = grow(grown, years)
    missed += [f"{years} years: {m}" for m in run(grown, loads, f"grown to {years} years of months ({cells} cells)")]
    shutil.rmtree(work, ignore_errors=True)
    print("\nevery target met" if not missed else "\ntargets missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
