"""A person's tour of the site in Chromium, against the site as `make serve` runs it.

It takes the screenshots the README shows: into docs/screenshots/ with
`make screenshots` (SCREENSHOTS=docs), elsewhere into the test's temp folder, so
that `make test` leaves the working tree as it was.
"""

import os


import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by the Makefile
# No background connections: the machine's network is closed and they only slow it down.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    if os.environ.get("SCREENSHOTS") == "docs":
        return ROOT / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def page(site, shots):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.base = site[0]
        page.shots = shots
        yield page
        browser.close()
        assert errors == []


def shot(page, name, full_page=False):
    page.shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(page.shots / f"{name}.png"), full_page=full_page)


def test_index(page):
    page.goto(page.base + "/")
    assert page.locator("h1").inner_text() == "Forced returns from Norway"
    assert "assisted returns" in page.locator(".metadata-description").inner_text().lower()
    shot(page, "index")


def test_syria_in_may_2024_with_facets(page):
    # a journalist's two clicks: the returns table, filtered to one country and month
    page.goto(page.base + "/returns/returns?country=SYR&period=2024-05")
    facets = page.locator(".facet-info")
    assert facets.count() >= 3
    assert "nationality" in page.locator(".facet-info[data-column=kind]").inner_text()
    rows = page.locator("table.rows-and-columns tbody tr")
    text = " ".join(rows.all_inner_texts())
    # "Syria 7 2 44 6 59" by nationality (2024-05:165); no row by destination
    assert rows.count() == 4 and "Syria" in text and "44" in text
    assert "2024-05" in page.locator(".facet-info[data-column=period]").inner_text()
    shot(page, "table-with-facets", full_page=True)


def test_a_view_through_its_chart_link(page):
    page.goto(page.base + "/returns/convicted_share")
    page.get_by_role("link", name="share of the month's returns, percent").click()
    page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=15000)
    assert page.eval_on_selector("select[name=y_column]", "e => e.value") == "convicted_in_month_pct"
    page.locator(".datasette-vega").scroll_into_view_if_needed()
    shot(page, "chart")


def test_a_canned_query(page):
    page.goto(page.base + "/returns/country_profile?country=Ukraine")
    assert "Country profile" in page.locator("h1").inner_text()
    text = " ".join(page.locator("table.rows-and-columns tbody tr").all_inner_texts())
    assert "2025-02" in text and "Ukraine" in text
    shot(page, "canned-query", full_page=True)
