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
    assert '<div id="L165" class="wanted">' in html and "Line 165 is highlighted" in html
    html = local_site.ok("/-/source/2024-05-en.txt?lines=164-166").text
    assert html.count('class="wanted"') == 3 and "Lines 164–166 are highlighted" in html


@pytest.mark.parametrize("lines,status", [("9" * 5000, 400), ("5-2", 400), ("0", 400), ("abc", 400), ("1-", 400),
                                          ("1-100000", 200), ("99999", 200), ("", 200)])
def test_every_line_range_answers_200_or_400(local_site, lines, status):
    assert local_site.get(f"/-/source/2024-05-en.txt?lines={lines}").status_code == status
