"""norway_returns/site/formats.py: 404 for a format the site does not offer, the Atom feed
as RFC 4287 asks (its type, author, IRI ids, each entry linking to the publication's page
here), and every page's head announcing the feed and its language."""

import xml.etree.ElementTree as ET

import feedgen  # noqa: F401  (datasette-atom's writer: the feed is parsed below by the standard library)
import pytest

from conftest import PREFIX
from site_helpers import ok

ATOM = "{http://www.w3.org/2005/Atom}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@pytest.mark.parametrize("path", ["/returns/returns.xls", "/returns/returns.zip", "/returns.zip",
                                  "/returns.xlsx", "/returns/publications/2024-05.pdf", "/returns/country_profile.foo"])
def test_a_format_the_site_does_not_offer_is_not_found(local_site, path):
    response = local_site.get(path)
    assert response.status_code == 404 and "no such format" in response.text


@pytest.mark.parametrize("path", ["/returns.db", "/returns.json", "/returns/returns.json", "/returns/returns.csv",
                                  "/returns/publications/2024-05.json", "/returns/returns_wide.xlsx"])
def test_the_formats_it_offers_are_served(local_site, path):
    assert local_site.get(path).status_code == 200


def parsed_feed(local_site, path="/returns/publications_feed.atom"):
    response = ok(local_site, path)
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def test_the_feed_is_atom_with_authors_iri_ids_and_links_to_each_publication(local_site):
    feed = parsed_feed(local_site)
    base = feed.get(XML_BASE)
    assert base == "http://localhost/returns/publications_feed.atom"
    entries = feed.findall(f"{ATOM}entry")
    by_id = {e.find(f"{ATOM}id").text: e for e in entries}
    may = by_id["tag:norway-returns,2024:publication/2024-05"]  # a tag URI: an IRI (RFC 4151)
    assert may.find(f"{ATOM}author/{ATOM}name").text == "National Police Immigration Service (Politiets utlendingsenhet)"
    link = may.find(f"{ATOM}link").get("href")
    assert link == "publications/2024-05"
    from urllib.parse import urljoin
    page = urljoin(base, link)
    assert page == "http://localhost/returns/publications/2024-05"
    # the link opens the publication's page, with its figures' source
    assert "raw/2024-05-en.txt" in ok(local_site, page.replace("http://localhost", "")).text
    assert "1033" in may.find(f"{ATOM}content").text
    assert all(e.find(f"{ATOM}author/{ATOM}name") is not None for e in entries)


def test_the_feed_resolves_under_the_builds_prefix(prefixed_site):
    feed = parsed_feed(prefixed_site, PREFIX + "returns/publications_feed.atom")
    assert feed.get(XML_BASE) == f"http://localhost{PREFIX}returns/publications_feed.atom"


@pytest.mark.parametrize("path", ["/", "/returns", "/returns/returns_wide", "/-/dashboards/overview",
                                  "/returns/country_profile", "/-/source/2024-05-en.txt?lines=165"])
def test_every_page_announces_the_feed_and_its_language(local_site, path):
    html = ok(local_site, path).text
    head = html.split("</head>", 1)[0]
    assert '<html lang="en">' in head
    assert '<link rel="alternate" type="application/atom+xml" title="New publications (Atom feed)" href="/returns/publications_feed.atom">' in head


def test_under_the_prefix_the_feed_link_carries_it(prefixed_site):
    assert f'href="{PREFIX}returns/publications_feed.atom"' in ok(prefixed_site, PREFIX).text.split("</head>")[0]


def test_a_canned_query_is_titled_by_its_name_not_its_sql(local_site):
    import re
    title = re.search(r"<title>(.*?)</title>", ok(local_site, "/returns/country_profile?country=UKR").text, re.S).group(1)
    assert title == "Country profile (returns)"
    sql = re.search(r"<title>(.*?)</title>", ok(local_site, "/returns?sql=select+1").text, re.S).group(1)
    assert sql == "returns: select 1"  # a query of one's own keeps its SQL as its title


def test_the_feed_in_norwegian(local_site):
    feed = parsed_feed(local_site, "/returns/publications_feed_nb.atom")
    assert feed.find(f"{ATOM}title").text == "Nye publikasjoner (Atom-strøm)"
    may = next(e for e in feed.findall(f"{ATOM}entry") if e.find(f"{ATOM}id").text.endswith("2024-05/nb"))
    assert may.find(f"{ATOM}title").text == "Uttransporteringer fra Norge, mai 2024"
    # May 2024 (raw/2024-05-en.txt): 1033 so far this year, 233 in the month, 47 convicted
    assert may.find(f"{ATOM}content").text.startswith("Personer uttransportert hittil i år (jan.–mai 2024): 1033. "
                                                      "Uttransportert i mai 2024: 233, hvorav 47 straffedømte")
    assert may.find(f"{ATOM}link").get("href") == "publications/2024-05"
    assert "publications_feed_nb.atom" in ok(local_site, "/?lang=nb").text


def test_an_english_only_page_asked_in_norwegian_is_sent_to_its_own_address_not_filtered(local_site):
    """Datasette reads `?lang=nb` on a table page as a filter on a column `lang`: 0 rows, a false 0."""
    sent = local_site.request("/returns/returns?country=SYR&lang=nb")
    assert sent.status_code == 302 and sent.headers["location"] == "/returns/returns?country=SYR"
    # there, Syria's 14 cells of the four publications (Dublin 44 of May 2024 among them)
    assert "14 rows" in local_site.ok("/returns/returns?country=SYR").text
    # the charts' SQL keeps its :lang, and the translated pages their language
    rows = local_site.json("/returns.json?sql=select+say(:lang,+'Category')+as+word&lang=nb&_shape=array")
    assert rows == [{"word": "Kategori"}]
    assert local_site.request("/-/dashboards/overview?lang=nb").status_code == 200


def test_under_the_prefix_the_page_without_lang_is_the_prefixed_one(prefixed_site):
    sent = prefixed_site.request(PREFIX + "returns/returns?country=SYR&lang=nb")
    assert sent.status_code == 302 and sent.headers["location"] == PREFIX + "returns/returns?country=SYR"
