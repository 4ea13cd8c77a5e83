"""norway_returns/site/i18n.py: the front page in English and Norwegian (bokmål), each at
its own URL, its words from the message catalogue and its numbers as each language writes
them; <html lang>, hreflang alternates and the language switch."""

import re

from conftest import PREFIX
from site_helpers import ok

NBSP = "\u00a0"


def headline(html):
    section = re.search(r'<section class="headline-section">(.*?)</section>', html, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_the_front_page_in_norwegian(local_site):
    html = ok(local_site, "/?lang=nb").text
    assert '<html lang="nb">' in html
    text = headline(html)
    # February 2025 (raw/2025-02-en.txt): 181 returned, 345 so far against 349 (-1.1 %), 27.6 % convicted
    assert "Siste publikasjon: februar 2025" in text
    assert "181 personer uttransportert i februar 2025" in text
    assert "345 hittil i år (jan.–feb. 2025), mot 349 ett år tidligere (-1,1 %)" in text
    assert "27,6 % straffedømte" in text
    assert "Storbritannia" in text and "Oversikten" in text  # the countries by their Norwegian names


def test_thousands_as_each_language_writes_them(local_site):
    # so far this year by May 2024: 1,033 (raw/2024-05-en.txt) — the front page shows the
    # latest; the filters write any number as the page's language does
    from norway_returns.site import i18n
    token = i18n.current.set("nb")
    try:
        assert (i18n.number(1033), i18n.decimal(27.6), i18n.decimal(8.3, 1, True)) == (f"1{NBSP}033", "27,6", "+8,3")
    finally:
        i18n.current.reset(token)
    assert (i18n.number(1033), i18n.decimal(27.6)) == ("1,033", "27.6")


def test_the_front_page_in_english_stays_as_it_was(local_site):
    html = ok(local_site, "/").text
    assert '<html lang="en">' in html
    text = headline(html)
    assert "The latest publication: February 2025" in text and "against 349 a year earlier (-1.1 %)" in text
    assert "27.6 % convicted offenders" in text


def test_each_language_links_the_other_and_says_it_in_the_head(local_site):
    for path, language in (("/", "en"), ("/?lang=nb", "nb")):
        html = ok(local_site, path).text
        head = html.split("</head>")[0]
        assert '<link rel="alternate" hreflang="en" href="/">' in head
        assert '<link rel="alternate" hreflang="nb" href="/?lang=nb">' in head
        switch = re.search(r'<p class="language-switch">(.*?)</p>', html).group(1)
        assert f'<strong lang="{language}">' in switch
    assert '<a lang="nb" hreflang="nb" href="/?lang=nb">Norsk</a>' in ok(local_site, "/").text


def test_under_the_builds_prefix(prefixed_site):
    html = ok(prefixed_site, PREFIX + "?lang=nb").text
    assert '<html lang="nb">' in html and f'hreflang="en" href="{PREFIX}"' in html


def test_a_page_not_yet_translated_says_it_is_english(local_site):
    html = ok(local_site, "/returns/returns_wide?lang=nb").text
    assert '<html lang="en">' in html and "hreflang" not in html
