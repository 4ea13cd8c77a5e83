"""norway_returns/site/source_viewer.py: the publications, and only they, at /raw/ and
/-/source/; every line range answers 200 or 400."""

import os
import shutil

import pytest

from site_helpers import Site, serve_settings


@pytest.fixture(scope="module")
def careless_raw(built, tmp_path_factory):
    """raw/ with what a careless user or a killed command leaves in it."""
    from conftest import ROOT
    raw = tmp_path_factory.mktemp("raw") / "raw"
    shutil.copytree(ROOT / "raw", raw)
    (raw / ".2025-03-en.pdf.tmp").write_text("a half-written download")
    (raw / "notes.txt").write_text("my own notes")
    outside = raw.parent / "secret.txt"
    outside.write_text("outside raw/")
    os.symlink(outside, raw / "link.txt")
    s = Site(built[0], settings=serve_settings(), raw=raw)
    yield s
    s.close()


def test_a_publication_as_published(local_site):
    response = local_site.ok("/raw/2024-05-en.txt")
    assert "Syria\t7\t2\t44\t6\t59" in response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "Syria" in local_site.ok("/raw/manifest.yml").text or "2024-05" in local_site.ok("/raw/manifest.yml").text


@pytest.mark.parametrize("name", [".2025-03-en.pdf.tmp", "notes.txt", "link.txt", "secret.txt", "..%2Fsecret.txt"])
def test_nothing_else_of_the_folder(careless_raw, name):
    for page in (f"/raw/{name}", f"/-/source/{name}"):
        response = careless_raw.get(page)
        if response.status_code == 302:  # Datasette's tilde-encoding of a path's dots and slashes
            response = careless_raw.get(response.headers["location"])
        assert response.status_code == 404, page


def test_the_line_asked_for_is_highlighted(local_site):
    html = local_site.ok("/-/source/2024-05-en.txt?lines=165").text
    assert '<tr id="L165" class="wanted">' in html and "Line 165 is highlighted" in html
    html = local_site.ok("/-/source/2024-05-en.txt?lines=164-166").text
    assert html.count('class="wanted"') == 3 and "Lines 164–166 are highlighted" in html


@pytest.mark.parametrize("lines,status", [("9" * 5000, 400), ("5-2", 400), ("0", 400), ("abc", 400), ("1-", 400),
                                          ("1-100000", 200), ("99999", 200), ("", 200)])
def test_every_line_range_answers_200_or_400(local_site, lines, status):
    assert local_site.get(f"/-/source/2024-05-en.txt?lines={lines}").status_code == status


def cells_of(html, line):
    import re
    row = re.search(rf'<tr id="L{line}"[^>]*>(.*?)</tr>', html).group(1)
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]


def test_tab_separated_cells_stand_under_their_columns(local_site):
    html = local_site.ok("/-/source/2024-05-en.txt?lines=165").text
    # "Syria 7 2 44 6 59" under "Asylum, Refused stay or (entry), Dublin, Expulsion, Total" (line 66)
    syria = cells_of(html, 165)[1:]
    header = cells_of(html, 66)[1:]
    assert header[syria.index("44")] == "Dublin" and header[syria.index("2")] == "Refused stay or"
    assert header[syria.index("59")] == "Total"


def test_the_tables_header_is_kept_in_view_above_the_highlighted_line(local_site):
    html = local_site.ok("/-/source/2024-05-en.txt?lines=165").text
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    # the table goes on over a page of the PDF, whose header the text repeats at line 151
    assert "<th>Dublin</th>" in head and "<th>Refused stay or entry</th>" in head
    assert "the header of the table (line 151) stays in view" in html
    assert "position: sticky" in html and "scroll-margin-top" in html
    assert "<thead>" not in local_site.ok("/-/source/2024-05-en.txt").text  # no line asked for: no header kept


def test_the_publications_own_address_is_linked_where_the_manifest_has_one(local_site, built, tmp_path):
    import sqlite3
    db = tmp_path / "returns.db"
    shutil.copy(built[0], db)
    with sqlite3.connect(db) as conn:
        conn.execute("update publications set source_url = 'https://www.politiet.no/statistikk/2024-05' where period = '2024-05'")
    other = Site(db, settings=serve_settings())
    try:
        html = other.ok("/-/source/2024-05-en.txt?lines=165").text
        assert '<a href="https://www.politiet.no/statistikk/2024-05">https://www.politiet.no/statistikk/2024-05</a>' in html
        assert "where it was published" not in other.ok("/-/source/2022-06-en.txt?lines=1").text
    finally:
        other.close()
