"""Pages as light as what they draw (issue 21), as their HTML and data say: no page loads a
large script render-blocking, the query pages load no SQL editor before they are drawn, the
charts that would grow with the archive are bounded and link to the rest, the world's shapes
are the compact ones. The bytes and times themselves are measured by `make bench-pages`
(bench/pages.py); the same bounds at 37 publications are in test_scale.py."""

import gzip
import json
import re
import sys

import pytest

import site_helpers  # noqa: F401  Datasette first: it loads the site's package as a plugin, whole

from conftest import ROOT
from norway_returns.site.dashboard_pages import data_url
from site_helpers import chart_rows, load_metadata

sys.path.insert(0, str(ROOT / "tools"))
from world_shapes import SHAPES, requantize  # noqa: E402

OVERVIEW = "/-/dashboards/overview?period=2024-05&kind=nationality"
PAGES = ["/returns/returns", "/returns/country_profile?country=Ukraine", "/returns", "/returns?sql=select+1",
         OVERVIEW, "/-/dashboards/country?country=Ukraine"]
BLOCKING_LIMIT = 50_000  # bytes gzipped: issue 21's largest render-blocking script


def blocking_scripts(html):
    """The src of every script the HTML loads render-blocking: without defer, async or module."""
    found = []
    for attrs in re.findall(r"<script\b([^>]*)>", html):
        src = re.search(r'\bsrc="([^"]+)"', attrs)
        if src and not re.search(r"\b(defer|async)\b|type=\"module\"", attrs):
            found.append(src[1].replace("&amp;", "&"))
    return found


@pytest.mark.parametrize("path", PAGES)
def test_no_page_loads_a_large_script_render_blocking(local_site, path):
    html = local_site.ok(path).text
    for src in blocking_scripts(html):
        body = local_site.ok(src).content
        assert len(gzip.compress(body, 6)) <= BLOCKING_LIMIT, (path, src)
    # and none of Datasette's SQL editor, whatever its size
    assert not [s for s in blocking_scripts(html) if "codemirror" in s or "sql-formatter" in s], path


@pytest.mark.parametrize("path,editor", [("/returns", True), ("/returns?sql=select+1", True),
                                         ("/returns/country_profile?country=Ukraine", False)])
def test_the_sql_editor_is_loaded_after_the_page_and_only_where_the_sql_is_editable(local_site, path, editor):
    html = local_site.ok(path).text
    assert not re.search(r"<(script|link)\b[^>]*(codemirror|sql-formatter)", html)
    # the loader at the foot: CodeMirror for an editable SQL box, the formatter for its button
    assert 'script("codemirror-5.57.0.min.js")' in html and 'addEventListener("load", afterDrawn' in html
    assert ('<textarea id="sql-editor"' in html) is editor
    assert ('<pre id="sql-query">' in html) is not editor
    # the files it names are Datasette's, where it looks for them
    for name in ("codemirror-5.57.0.min.js", "codemirror-5.57.0-sql.min.js", "cm-resize-1.0.1.min.js",
                 "codemirror-5.57.0.min.css", "sql-formatter-2.3.3.min.js"):
        assert local_site.ok("/-/static/" + name).content



def test_the_chart_by_category_shows_the_chosen_publication_and_those_before_it(local_site):
    rows = chart_rows(local_site, "overview", "categories", "period=2024-05&kind=nationality")
    # the four publications of raw/, less February 2025, after the one chosen
    assert sorted({r["covers"] for r in rows}) == ["Jan–Jun 2022", "Jan–Mar 2024", "Jan–May 2024"]
    # the Total row printed under the table by nationality, May 2024: Dublin 368 (line 186)
    assert sum(r["persons"] for r in rows if r["covers"] == "Jan–May 2024" and r["category"].startswith("Dublin")) \
        == 368
    latest = chart_rows(local_site, "overview", "categories", "")
    assert {r["period"] for r in latest} == {"2022-06", "2024-03", "2024-05", "2025-02"}


def more_links(html):
    return [(text, href.replace("&amp;", "&"))
            for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>',
                                         " ".join(re.findall(r'<p class="chart-more">.*?</p>', html)))]


@pytest.mark.parametrize("path,bounded,rows", [
    (OVERVIEW, 3, {"/returns/category_totals", "/returns/monthly_figures", "/returns/convicted_share"}),
    ("/-/dashboards/country?country=Ukraine", 3, {"/returns/country_profile"})])
def test_each_bounded_chart_links_to_every_publication(local_site, path, bounded, rows):
    html = local_site.ok(path).text
    assert html.count('<p class="chart-more">') == bounded
    links = more_links(html)
    assert {href.split("?")[0] for _, href in links if ".csv" not in href} == rows
    for _, href in links:
        response = local_site.ok(href)
        if ".csv" in href:  # every publication's rows, as CSV: four publications, each a row or more
            lines = response.text.splitlines()
            assert lines[0].startswith("period,") and len({line.split(",")[0] for line in lines[1:]}) == 4
    # every publication of the country: since the first month there could be
    every = local_site.ok("/returns/country_profile.json?country=Ukraine&kind=nationality&since=2000-01&_shape=array")
    assert {r["period"] for r in every.json()} == {"2022-06", "2024-03", "2024-05", "2025-02"}


def test_the_world_shapes_are_the_compact_ones():
    world = json.loads(SHAPES.read_text(encoding="utf-8"))
    assert list(world["objects"]) == ["countries"]  # world-atlas's `land`, drawn by no chart, left out
    shapes = world["objects"]["countries"]["geometries"]
    assert len(shapes) == 177 and {"760", "804"} <= {s.get("id") for s in shapes}
    # a 10,000 grid across the world: 0.036 degrees of longitude a step
    assert round(360 / world["transform"]["scale"][0]) + 1 == 10_000
    # what tools/world_shapes.py makes of world-atlas's file, and of its own: the same file
    assert requantize(world, 10_000) == world
    assert len(gzip.compress(SHAPES.read_bytes(), 6)) < 30_000
