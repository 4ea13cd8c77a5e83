"""`norway-returns update`: the publications a listing page links, added as `add` adds them,
against a web site on 127.0.0.1 that the tests start: a statistics page in a CMS's
markup with menus, news and other links among the publications; a publication linked as
a PDF, one behind a "Read more" link whose title names it, one whose web page links its
PDF beside an annual report. Run again, it adds nothing.

The counts asserted are the publications': Syria by nationality, Dublin, is 8 in February
2025 and 26 in March 2024 (test_add.py); in June 2022, Total by nationality is 1,089 (raw/2022-06-en.txt:284).
"""

import http.server
import sqlite3
import subprocess
import threading

import pytest
import yaml

from test_add import (PROGRAM, SEEDS, add, home, make_pdfs, publication_page,  # noqa: F401
                      snapshot)

NAV = """<header class="site-header"><nav aria-label="Hovedmeny"><ul>
<li><a href="/">Politiet</a></li><li><a href="/tjenester/">Tjenester</a></li>
<li><a href="/om-politiet/">Om politiet</a></li><li><a href="/aktuelt-tall-og-fakta/">Aktuelt, tall og fakta</a></li>
<li><a href="mailto:post@politiet.example">Kontakt oss</a></li><li><a href="#main">Til hovedinnhold</a></li>
</ul></nav></header>"""


def page(title, body, head=""):
    return (f"<!DOCTYPE html>\n<html lang=\"nb\"><head><meta charset=\"utf-8\"><title>{title} | Politiet</title>"
            f"{head}</head><body>{NAV}<main id=\"main\"><article>{body}</article></main>"
            "<footer><a href=\"/personvern/\">Personvern</a> <a href=\"https://example.org/\">Statistikk 2023</a>"
            "</footer></body></html>").encode("utf-8")


LISTING = page("Statistikk om uttransporteringer", """
<h1>Statistikk om uttransporteringer</h1>
<p>Politiets utlendingsenhet publiserer <a href="/om/uttransportering/">statistikk</a> hver måned.
Les også <a href="/nyheter/2023/arsrapport/">Årsrapport 2023: uttransporteringer fra Norge</a> og
<a href="/om/tvangsretur/">Forced return</a>.</p>
<ul class="listing">
<li><a class="file pdf" href="/globalassets/statistikk/statistics-february-2025.pdf">
    Statistics for February 2025: Forced returns from Norway (PDF, 40 kB)</a></li>
<li><h2>Månedsstatistikk mars 2024</h2><p>Tallene for mars.</p>
    <a href="/nyheter/2024/04/manedsstatistikk-mars/" title="Månedsstatistikk mars 2024">Les mer</a></li>
<li><a href="/english/statistics/june-2022/"><span>Statistics for</span> <span>June 2022</span></a></li>
</ul>
<p><a href="javascript:void(0)">Skriv ut</a> <a href="/aktuelt-tall-og-fakta/tall-og-fakta/">Tall og fakta</a></p>""")

MARCH_PAGE = page("Månedsstatistikk mars 2024", """
<h1>Månedsstatistikk mars 2024</h1><p>Politiet uttransporterte ... personer i mars.</p>
<p><a href="/globalassets/statistikk/manedsstatistikk-mars-2024.pdf">Last ned tallene</a></p>
<p><a href="/aktuelt-tall-og-fakta/">Tilbake</a></p>""")

JUNE_PAGE = page("Statistics for June 2022", """
<h1>Statistics for June 2022</h1><p>The figures for June.</p>
<p><a href="/globalassets/annual-report-2022.pdf">Annual report 2022 (PDF)</a></p>
<p><a href="statistics-june-2022.pdf" title="Statistics for June 2022">Download (PDF, 42 kB)</a></p>""",
                 head='<base href="/globalassets/">')  # its links relative to its <base>


class Site(http.server.BaseHTTPRequestHandler):
    pages = {}  # path -> (content type, bytes)
    requested = []

    def do_GET(self):  # noqa: N802
        self.requested.append(self.path)
        ctype, body = self.pages.get(self.path, ("text/html; charset=utf-8", b"<html><body>Not found</body></html>"))
        self.send_response(200 if self.path in self.pages else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    pdfs = {}
    for name in ("2025-02-en.txt", "2024-03-no.txt", "2022-06-en.txt"):
        pub = make_pdfs.from_text(SEEDS, name)
        pdfs[name[:7]] = make_pdfs.render(pub, folder / f"{name[:10]}.pdf", ruled=False).read_bytes()
    pdf = "application/pdf"
    Site.pages = {
        "/aktuelt-tall-og-fakta/tall-og-fakta/uttransporteringer/": ("text/html; charset=utf-8", LISTING),
        "/globalassets/statistikk/statistics-february-2025.pdf": (pdf, pdfs["2025-02"]),
        "/nyheter/2024/04/manedsstatistikk-mars/": ("text/html; charset=utf-8", MARCH_PAGE),
        "/globalassets/statistikk/manedsstatistikk-mars-2024.pdf": (pdf, pdfs["2024-03"]),
        "/english/statistics/june-2022/": ("text/html; charset=utf-8", JUNE_PAGE),
        "/globalassets/statistics-june-2022.pdf": (pdf, pdfs["2022-06"]),
        "/globalassets/annual-report-2022.pdf": (pdf, b"%PDF-1.4 not this one"),
        "/empty/": ("text/html", b""),
        # a listing whose publication is a web page with its tables, and no PDF
        "/en/statistics/": ("text/html; charset=utf-8", page("Statistics", """<h1>Statistics</h1><ul>
            <li><a href="/en/statistics/february-2025/">Statistics for February 2025</a></li>
            <li><a href="/en/about/">About forced returns</a></li></ul>""")),
        "/en/statistics/february-2025/": ("text/html; charset=utf-8",
                                          publication_page("2025-02-en.txt", folder).read_bytes()),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LISTING_PATH = "/aktuelt-tall-og-fakta/tall-og-fakta/uttransporteringer/"


def update(*args, cwd):
    return subprocess.run([PROGRAM, "update", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600)


def count(db, period, country="SYR", category="dublin"):
    return sqlite3.connect(db).execute(
        "select count from returns where period = ? and kind = 'nationality' and country = ? and category = ?",
        (period, country, category)).fetchone()[0]


def test_update_adds_what_the_listing_links_and_then_nothing(home, site):
    Site.requested.clear()
    result = update(site + LISTING_PATH, cwd=home)
    assert result.returncode == 0, result.stdout + result.stderr
    base = site + "/globalassets"
    assert result.stdout.split("\n")[:3] == [
        f"added raw/2025-02-en.pdf: 2025-02 en, from {base}/statistikk/statistics-february-2025.pdf",
        f"added raw/2024-03-no.pdf: 2024-03 no, from {base}/statistikk/manedsstatistikk-mars-2024.pdf",
        f"added raw/2022-06-en.pdf: 2022-06 en, from {base}/statistics-june-2022.pdf"]
    assert f"3 added, 0 already in raw/, 0 not added, of the 3 publications {site}{LISTING_PATH} links" in result.stdout
    entries = yaml.safe_load((home / "raw" / "manifest.yml").read_text(encoding="utf-8"))
    assert {e["file"]: e["source_url"] for e in entries} == {
        "2025-02-en.pdf": f"{base}/statistikk/statistics-february-2025.pdf",
        "2024-03-no.pdf": f"{base}/statistikk/manedsstatistikk-mars-2024.pdf",
        "2022-06-en.pdf": f"{base}/statistics-june-2022.pdf"}
    assert all(e["retrieved"] for e in entries)
    db = home / "returns.db"
    assert count(db, "2025-02") == 8 and count(db, "2024-03") == 26
    assert sqlite3.connect(db).execute("select count from published_totals where period = '2022-06' and "
                                       "kind = 'nationality' and category = 'total'").fetchone() == (1089,)
    # only the listing and the publications were fetched: no menu, news, footer or report
    assert sorted(Site.requested) == sorted([LISTING_PATH, "/globalassets/statistikk/statistics-february-2025.pdf",
                                             "/nyheter/2024/04/manedsstatistikk-mars/",
                                             "/globalassets/statistikk/manedsstatistikk-mars-2024.pdf",
                                             "/english/statistics/june-2022/", "/globalassets/statistics-june-2022.pdf"])
    # run again: nothing added, nothing fetched but the listing, exit 0
    Site.requested.clear()
    before = snapshot(home / "raw", db)
    again = update(site + LISTING_PATH, cwd=home)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("0 added, 3 already in raw/, 0 not added")
    assert Site.requested == [LISTING_PATH] and snapshot(home / "raw", db) == before


def test_update_skips_what_raw_has_and_says_what_it_cannot_add(home, site):
    assert add(SEEDS / "2025-02-en.txt", cwd=home).returncode == 0  # February 2025 already, as a text
    Site.pages["/globalassets/statistikk/manedsstatistikk-mars-2024.pdf"] = ("text/plain", b"Not a publication")
    try:
        result = update(site + LISTING_PATH, cwd=home)
    finally:
        Site.pages.pop("/globalassets/statistikk/manedsstatistikk-mars-2024.pdf")
    assert result.returncode == 1
    assert "not added: 'Månedsstatistikk mars 2024'" in result.stdout
    assert "1 added, 1 already in raw/, 1 not added" in result.stdout
    files = [e["file"] for e in yaml.safe_load((home / "raw" / "manifest.yml").read_text(encoding="utf-8"))]
    assert files == ["2025-02-en.txt", "2022-06-en.pdf"]


def test_update_is_bounded_in_pages(home, site):
    result = update(site + LISTING_PATH, "--max-pages", "3", cwd=home)
    assert result.returncode == 1
    assert "stopped after 3 fetches, the bound" in result.stderr
    assert "1 added" in result.stdout  # February 2025 (the listing, the PDF, then March's page: 3)


def test_update_is_bounded_in_bytes(home, site):
    result = update(site + LISTING_PATH, "--max-bytes", "1000", cwd=home)
    assert result.returncode == 1
    assert "stopped after" in result.stderr and "bytes fetched, the bound" in result.stderr
    assert "0 added" in result.stdout and not (home / "raw" / "manifest.yml").exists()


@pytest.mark.parametrize("path, message", [
    ("/globalassets/statistikk/statistics-february-2025.pdf", "not a web page (application/pdf)"),
    ("/om-politiet/", "the server answered HTTP 404"),
    ("/empty/", "not a web page that can be read: Document is empty"),
    ("/nyheter/2024/04/manedsstatistikk-mars/", "links no publication"),  # its PDF's link names none
])
def test_a_listing_that_is_not_one_is_a_message(home, site, path, message):
    result = update(site + path, cwd=home)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{site}{path}: {message}" in result.stderr
    assert list((home / "raw").iterdir()) == []


def test_update_adds_a_publication_that_is_a_web_page(home, site):
    result = update(site + "/en/statistics/", cwd=home)
    assert result.returncode == 0, result.stdout + result.stderr
    url = f"{site}/en/statistics/february-2025/"
    assert result.stdout.startswith(f"added raw/2025-02-en.html: 2025-02 en, from {url}\n")
    entry = yaml.safe_load((home / "raw" / "manifest.yml").read_text(encoding="utf-8"))[0]
    assert entry["file"] == "2025-02-en.html" and entry["source_url"] == url
    assert count(home / "returns.db", "2025-02") == 8
    assert update(site + "/en/statistics/", cwd=home).stdout.startswith("0 added, 1 already in raw/")


def test_the_default_listing_is_the_police_statistics_page():
    from norway_returns.update import settings

    conf = settings()
    assert conf["listing"].startswith("https://www.politiet.no/") and conf["max_pages"] > 0 and conf["max_bytes"] > 0


def test_the_monthly_workflow_runs_update_build_test_and_publish():
    from conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "update.yml").read_text(encoding="utf-8"))
    schedule = workflow[True]["schedule"][0]["cron"].split()  # YAML 1.1 reads `on:` as true
    assert schedule[2].isdigit() and schedule[3:] == ["*", "*"]  # one day of every month
    runs = [step.get("run", "") for step in workflow["jobs"]["update"]["steps"]]
    order = [next(k for k, r in enumerate(runs) if what in r) for what in
             ("norway-returns update", "make build", "make test", "git push", "norway-returns publish command fly")]
    assert order == sorted(order), runs


def test_update_waits_for_raw_as_add_does(home, site):
    import fcntl
    import os

    fd = os.open(home / "raw", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)  # as a build reading raw/ holds it
    try:
        result = subprocess.run([PROGRAM, "update", site + LISTING_PATH], cwd=home, capture_output=True, text=True,
                                env={**os.environ, "NORWAY_RETURNS_LOCK_WAIT": "1"}, timeout=120)
    finally:
        os.close(fd)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "raw/: still in use by another command after 1 s" in result.stderr
    assert list((home / "raw").iterdir()) == []
