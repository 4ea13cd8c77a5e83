"""norway_returns/site/countries.py: a country by any of its names (English, Norwegian, any
case, the police's spellings, ISO codes, common names), and a name the site does not know
said so with the nearest names, never a false 0."""

import html
import urllib.parse

import pytest

from site_helpers import load_metadata


def lookup(local_site, name):
    [row] = local_site.rows("/returns/country_lookup?" + urllib.parse.urlencode({"name": name}))
    return row


@pytest.mark.parametrize("name, code", [
    ("Ukraine", "UKR"), ("Ukraina", "UKR"), ("ukraine", "UKR"), ("UKRAINA", "UKR"), ("UKR", "UKR"), ("UA", "UKR"),
    ("Turkey", "TUR"), ("Türkiye", "TUR"), ("turkiye", "TUR"), ("Tyrkia", "TUR"),
    ("UK", "GBR"), ("The United Kingdom", "GBR"), ("Storbritannia", "GBR"),
    ("Russland", "RUS"), ("Czechia", "CZE"), ("Tsjekkia", "CZE"), ("  syria ", "SYR"), ("DRC", "COD"),
])
def test_a_country_by_any_of_its_names(local_site, name, code):
    assert lookup(local_site, name)["code"] == code


def test_a_misspelt_name_is_unknown_with_the_nearest_names(local_site):
    row = lookup(local_site, "Ukriane")
    assert row["outcome"] == "unknown" and row["code"] is None
    assert row["nearest"].split("; ")[0] == "Ukraine"
    assert lookup(local_site, "Afgh")["nearest"].split("; ")[0] == "Afghanistan"  # a beginning first



def metric(local_site, chart, country):
    query = load_metadata()["plugins"]["datasette-dashboards"]["country"]["charts"][chart]["query"]
    rows = local_site.json("/returns.json?_shape=array&" + urllib.parse.urlencode({"sql": query, "country": country}))
    return rows[0]["figure"]


def test_the_country_page_reads_a_country_by_any_name(local_site):
    # Ukrainians returned Jan–Feb 2025 (raw/2025-02-en.txt): the same for every name of it
    figures = {metric(local_site, "nationals", n) for n in ("Ukraine", "ukraina", "UKR", "UA")}
    assert len(figures) == 1
    [figure] = figures
    assert "Ukraine, by nationality, Jan–Feb 2025" in figure


def test_an_unknown_name_says_so_and_offers_names_never_a_zero(local_site):
    figure = metric(local_site, "nationals", "Ukriane")
    assert "No country named “Ukriane” in these publications" in figure
    assert '<a href="?country=Ukraine">Ukraine</a>' in figure
    assert not figure.startswith("0")
    # what was typed is shown as text, never as markup
    assert "&lt;script&gt;" in metric(local_site, "destination", "<script>")
    # and the charts draw nothing rather than a row of zeros
    query = load_metadata()["plugins"]["datasette-dashboards"]["country"]["charts"]["by_nationality"]["query"]
    assert local_site.json("/returns.json?_shape=array&" + urllib.parse.urlencode({"sql": query, "country": "Ukriane"})) == []


def test_the_country_filter_suggests_every_name(local_site):
    page = local_site.ok("/-/dashboards/country?country=ukraina").text
    assert 'list="country-list"' in page  # a text box with suggestions, not a closed list
    options = {html.unescape(o) for o in __import__("re").findall(r'<option value="([^"]*)"', page)}
    assert {"Ukraine", "Ukraina", "Türkiye", "Tyrkia", "Storbritannia"} <= options
    assert 'value="ukraina"' in page  # the name typed stays in the box
