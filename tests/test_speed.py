"""What makes the site fast and cacheable, checked through its HTTP responses (the speed
itself is measured by `make loadtest`, not here):

- the pages of a build are served under a prefix named after it, with far-future cache
  headers; a new build has new URLs, and the old ones redirect to them;
- a page asked again is sent from the site's memory, the same bytes, within a limit;
- CSV and JSON are compressed with gzip when the client asks;
- the table page's CSV link gives every row of `returns`, the same bytes as Datasette's own
  CSV stream, over many pages of rows;
- the metadata's permissions still hold where they are looked up once;
- what is kept or left out for speed changes nothing a reader sees: a facet asked twice is
  shown once, the dashboards' text is still Markdown, a `*_markdown` column still is.
"""

import csv
import gzip
import io
import re
import shutil
import sqlite3

import httpx
import pytest

from norway_returns.site import serve
from site_helpers import DATABASE, Site, load_metadata, serve_settings

FAR_FUTURE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def served(built, tmp_path_factory):
    """The site as `make serve` serves it: (base URL, db path, the build's prefix)."""
    folder = tmp_path_factory.mktemp("speed")
    db = folder / "returns.db"
    shutil.copy(built[0], db)
    with serve.running(db, folder) as (base, _):
        index = httpx.get(base + "/")
        prefix = re.search(r'href="(/v-[0-9a-f]{12}/)returns"', index.text)[1]
        yield base, db, prefix


def test_pages_of_a_build_are_cached_for_as_long_as_it_stands(served):
    base, _, prefix = served
    index = httpx.get(base + "/")
    assert index.headers["cache-control"] == "max-age=60"  # the way in names the build: short
    pages = [f"{DATABASE}", f"{DATABASE}/returns?country=SYR&_facet=period", f"{DATABASE}/returns_wide.json",
             f"{DATABASE}/country_profile?country=UKR&kind=", f"{DATABASE}/returns.csv?_stream=on&_labels=on",
             "-/static/app.css"]
    for page in pages:
        response = httpx.get(base + prefix + page)
        assert response.status_code == 200, page
        assert response.headers["cache-control"] == FAR_FUTURE, page
    # a page links on under the same prefix
    table = httpx.get(base + prefix + f"{DATABASE}/returns")
    assert f'href="{prefix}{DATABASE}/returns.csv?' in table.text
    # the same page without the prefix still works, and is kept for a minute only
    plain = httpx.get(f"{base}/{DATABASE}/returns.json?country=UKR&_shape=array&_size=max")
    assert plain.headers["cache-control"] == "max-age=60"
    assert plain.json() == httpx.get(f"{base}{prefix}{DATABASE}/returns.json?country=UKR&_shape=array&_size=max").json()
    # errors, and a user's own page, are not kept
    missing = httpx.get(base + prefix + f"{DATABASE}/no_such_table")
    assert missing.status_code == 404 and "max-age=31536000" not in missing.headers.get("cache-control", "")
    bad_sql = httpx.get(base + prefix + f"{DATABASE}.json", params={"sql": "select * from no_such_table"})
    assert bad_sql.status_code == 400 and "max-age=31536000" not in bad_sql.headers.get("cache-control", "")
    signed_in = httpx.get(base + prefix + f"{DATABASE}/returns", cookies={"ds_actor": "someone"})
    assert signed_in.headers["cache-control"] == "private, no-store"


def test_a_new_build_has_new_urls_and_the_old_ones_lead_to_it(served, tmp_path):
    base, db, prefix = served
    changed = tmp_path / "returns.db"
    shutil.copy(db, changed)
    with sqlite3.connect(changed) as conn:  # one cell read differently
        conn.execute("update returns set count = count + 1 where period = '2025-02' and kind = 'nationality' "
                     "and country = 'SYR' and category = 'dublin'")
    conn.close()
    with serve.running(changed, tmp_path) as (new_base, _):
        new_prefix = re.search(r'href="(/v-[0-9a-f]{12}/)returns"', httpx.get(new_base + "/").text)[1]
        assert new_prefix != prefix
        old_link = f"{new_base}{prefix}{DATABASE}/returns.json?country=SYR&period=2025-02&_shape=array"
        moved = httpx.get(old_link)
        assert moved.status_code == 302
        assert moved.headers["location"] == (f"{new_prefix}{DATABASE}/returns.json"
                                             "?country=SYR&period=2025-02&_shape=array")
        assert "max-age=31536000" not in moved.headers["cache-control"]
        rows = httpx.get(old_link, follow_redirects=True).json()
        dublin = [r["count"] for r in rows if r["kind"] == "nationality" and r["category"] == "dublin"]
        assert dublin == [8 + 1]  # raw/2025-02-en.txt:128 prints 8


@pytest.mark.parametrize("page", [f"{DATABASE}/returns.json?_size=max&_shape=array", f"{DATABASE}/returns.csv?_stream=on",
                                  f"{DATABASE}/returns_wide.csv?_size=max"])
def test_csv_and_json_are_compressed_when_asked(served, page):
    base, _, prefix = served
    plain = httpx.get(base + prefix + page, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with httpx.stream("GET", base + prefix + page, headers={"accept-encoding": "gzip"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["vary"]
        packed = b"".join(response.iter_raw())
    assert gzip.decompress(packed) == plain.content
    assert len(packed) * 5 < len(plain.content)


@pytest.fixture(scope="module")
def paged(built):
    """The site in-process with pages of 100 rows, so that every CSV stream runs over many pages."""
    site = Site(built[0], settings={**serve_settings(), "max_returned_rows": 100})
    yield site
    site.close()


def test_the_csv_link_gives_every_row_of_returns(paged, built):
    html = paged.ok(f"/{DATABASE}/returns").text
    link = re.search(r'<a href="([^"]+\.csv\?[^"]+)">CSV</a>', html)[1].replace("&amp;", "&")
    assert "_stream=on" in link and "_labels=on" in link
    rows = list(csv.reader(io.StringIO(paged.ok(link).text)))
    assert rows[0] == ["period", "period_label", "kind", "country", "country_label", "category", "category_label",
                       "count", "status", "source"]
    conn = sqlite3.connect(built[0])
    expected = conn.execute(
        "select r.period, r.period, r.kind, r.country, c.name_en, r.category, k.label_en, r.count, r.status, r.source "
        "from returns r join countries c on c.code = r.country join categories k on k.code = r.category "
        "order by r.period, r.kind, r.country, r.category").fetchall()
    conn.close()
    assert len(expected) > 10 * 100  # many pages of 100
    assert rows[1:] == [[str(v) for v in row] for row in expected]
    syria = [r for r in rows if r[0] == "2025-02" and r[2] == "nationality" and r[3] == "SYR" and r[5] == "dublin"]
    assert [(r[4], r[6], r[7]) for r in syria] == [("Syria", "Dublin", "8")]  # raw/2025-02-en.txt:128


@pytest.mark.parametrize("query", ["_stream=on&_labels=on&_size=max", "_stream=on", "_stream=on&_dl=on&_header=off"])
@pytest.mark.parametrize("table", ["returns", "checks", "monthly_returns", "returns_wide"])
def test_whole_table_csv_is_the_same_as_datasettes_own(paged, table, query):
    # _ttl is an argument the whole-table stream leaves to Datasette, which changes nothing in a CSV
    ours = paged.ok(f"/{DATABASE}/{table}.csv?{query}")
    datasettes = paged.ok(f"/{DATABASE}/{table}.csv?{query}&_ttl=0")
    assert ours.content == datasettes.content
    framing = {"content-length", "transfer-encoding"}  # one body or many: how the bytes travel
    assert ({k: v for k, v in ours.headers.items() if k not in framing}
            == {k: v for k, v in datasettes.headers.items() if k not in framing})
    assert ours.text.count("\n") > 100


def test_a_table_the_metadata_hides_stays_hidden(built):
    metadata = load_metadata()
    metadata["databases"][DATABASE]["tables"]["checks"]["allow"] = False
    site = Site(built[0], metadata=metadata, settings=serve_settings())
    try:
        for _ in range(2):  # looked up once, answered the same every time
            assert site.get(f"/{DATABASE}/checks").status_code == 403
            assert site.get(f"/{DATABASE}/checks.csv?_stream=on").status_code == 403
            assert site.get(f"/{DATABASE}/returns").status_code == 200
        assert f'href="/{DATABASE}/checks"' not in site.ok(f"/{DATABASE}").text
        # SQLite's names know no case: a table asked for in another spelling is refused
        # (its own spelling, looked up once, carries the table's permission) or not found
        for spelling in ("CHECKS", "Checks"):
            for _ in range(2):
                assert site.get(f"/{DATABASE}/{spelling}").status_code in (403, 404), spelling
                assert site.get(f"/{DATABASE}/{spelling}.json").status_code in (403, 404), spelling
    finally:
        site.close()


def test_a_facet_asked_twice_is_counted_once(served):
    base, _, prefix = served
    # returns is faceted by period, kind, category and country in the metadata
    page = httpx.get(f"{base}{prefix}{DATABASE}/returns.json?_facet=period&_facet=kind&_facet=period&_nosuggest=1")
    facets = page.json()["facet_results"]
    assert sorted(facets) == ["category", "country", "kind", "period"]
    february = [r for r in facets["period"]["results"] if r["value"] == "2025-02"]
    assert [r["count"] for r in february] == [216]  # the cells of raw/2025-02-en.txt
    html = httpx.get(f"{base}{prefix}{DATABASE}/returns?_facet=period").text
    assert html.count('data-column="period"') == html.count('data-column="kind"')  # one list each


def test_the_markdown_plugin_keeps_its_text_and_leaves_the_cells(served, tmp_path):
    base, _, prefix = served
    plugins = {p["name"]: p for p in httpx.get(f"{base}/-/plugins.json").json()}
    markdown = plugins["datasette-render-markdown"]
    assert markdown["version"] and "extra_template_vars" in markdown["hooks"]
    assert "render_cell" not in markdown["hooks"]  # no column of returns.db is Markdown
    overview = httpx.get(f"{base}{prefix}-/dashboards/overview").text
    assert "<strong>So far this year.</strong>" in overview  # the dashboards' text still is
    # a site of the same process with a Markdown column has its cells rendered
    notes = tmp_path / "notes.db"
    with sqlite3.connect(notes) as conn:
        conn.execute("create table notes (id integer primary key, note_markdown text)")
        conn.execute("insert into notes values (1, 'a **bold** word')")
    conn.close()
    site = Site(notes, metadata={})
    try:
        assert "<strong>bold</strong>" in site.ok("/notes/notes").text
    finally:
        site.close()


def test_a_page_whose_facets_timed_out_is_not_kept(built):
    prefix = "/v-000000000000/"  # a build's prefix, as serve.py names them
    hurried = Site(built[0], settings={**serve_settings(), "base_url": prefix, "facet_time_limit_ms": 1})
    calm = Site(built[0], settings={**serve_settings(), "base_url": prefix})
    try:
        page = f"/{DATABASE}/returns?_facet=country&_facet=period&_facet=source"
        cut_short = hurried.ok(page)  # the test client puts the prefix in front
        assert "These facets timed out" in cut_short.text
        assert cut_short.headers["cache-control"] == "max-age=60"
        whole = calm.ok(page)
        assert "These facets timed out" not in whole.text
        assert whole.headers["cache-control"] == FAR_FUTURE
    finally:
        hurried.close()
        calm.close()


def test_a_page_asked_again_is_sent_from_memory(served):
    # what a caching proxy would keep, kept by the site itself: the same bytes, made once
    base, _, prefix = served
    page = base + prefix + f"{DATABASE}/returns.json?period=2025-02&kind=nationality&category=dublin&_shape=array"
    first, again = httpx.get(page), httpx.get(page)
    assert "x-page-cache" not in first.headers and again.headers["x-page-cache"] == "hit"
    assert again.content == first.content
    assert {k: v for k, v in again.headers.items() if k not in ("x-page-cache", "date")} == \
        {k: v for k, v in first.headers.items() if k != "date"}
    assert {r["country"]: r["count"] for r in again.json()}["SYR"] == 8  # raw/2025-02-en.txt:128
    # gzipped for a client that asks, and not for one that does not
    packed = httpx.get(page, headers={"accept-encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and packed.json() == first.json()
    assert "content-encoding" not in httpx.get(page, headers={"accept-encoding": "identity"}).headers
    # a page's absolute links are made for the host it was asked of
    size_two = base + prefix + f"{DATABASE}/returns.json?_size=2"
    assert httpx.get(size_two).json()["next_url"].startswith(base + prefix)
    elsewhere = [httpx.get(size_two, headers={"host": "returns.example.org"}) for _ in range(2)]
    assert elsewhere[1].headers["x-page-cache"] == "hit"
    assert all(r.json()["next_url"].startswith("http://returns.example.org" + prefix) for r in elsewhere)
    # a signed-in reader's page is never from memory; an error is never kept
    signed_in = httpx.get(page, cookies={"ds_actor": "someone"})
    assert "x-page-cache" not in signed_in.headers and signed_in.headers["cache-control"] == "private, no-store"
    missing = [httpx.get(base + prefix + f"{DATABASE}/no_such_table") for _ in range(2)]
    assert missing[1].status_code == 404 and "x-page-cache" not in missing[1].headers
    # outside the prefix (the way in, kept a minute by proxies): made each time
    assert "x-page-cache" not in [httpx.get(base + "/") for _ in range(2)][1].headers


def test_pages_kept_in_memory_stay_within_their_limit(built, monkeypatch):
    def get(site, path):
        response = site.loop.run_until_complete(site.ds.client.get(path, headers={"accept-encoding": "identity"}))
        assert response.status_code == 200
        return response

    # 13 KB in all: two pages of 3.2-3.5 KB (about 5.3 KB with the objects of their URLs and
    # headers) fit, a third sends the one asked longest ago out, and a page larger than the
    # whole is never kept
    monkeypatch.setenv("NORWAY_RETURNS_KEEP_PAGES_MB", str(13 / 1024))
    site = Site(built[0], settings={**serve_settings(), "base_url": "/v-000000000000/"})
    try:
        pages = [f"/{DATABASE}/returns.json?period=2025-02&_shape=array&_size={n}" for n in (20, 21, 22)]
        assert [len(get(site, p).content) for p in pages] == [3206, 3364, 3534]
        assert get(site, pages[2]).headers.get("x-page-cache") == "hit"
        assert get(site, pages[1]).headers.get("x-page-cache") == "hit"
        assert get(site, pages[0]).headers.get("x-page-cache") is None  # sent out when the third came
        large = f"/{DATABASE}/returns.json?period=2025-02&_shape=array&_size=100"
        assert len(get(site, large).content) > 13 * 1024
        assert get(site, large).headers.get("x-page-cache") is None
    finally:
        site.close()
    monkeypatch.setenv("NORWAY_RETURNS_KEEP_PAGES_MB", "0")  # none kept
    site = Site(built[0], settings={**serve_settings(), "base_url": "/v-000000000000/"})
    try:
        assert get(site, pages[0]).headers["cache-control"] == FAR_FUTURE
        assert get(site, pages[0]).headers.get("x-page-cache") is None
    finally:
        site.close()
