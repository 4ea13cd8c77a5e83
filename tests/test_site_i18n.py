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


def test_the_front_page_in_norwegian_from_its_heading_to_its_footer(local_site):
    html = ok(local_site, "/?lang=nb").text
    assert "<title>Uttransporteringer fra Norge</title>" in html and "<h1>Uttransporteringer fra Norge</h1>" in html
    assert f"6{NBSP}269 rader i 16 tabeller, 5 visninger" in html
    footer = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.split('<footer class="ft">')[1])).replace("&middot;", "·")
    assert footer.startswith(" Drevet av Datasette · Lisens: Norsk lisens for offentlige data (NLOD) 2.0 · Kilde: Politiets utlendingsenhet")
    # the links to the dashboards keep the language
    assert 'href="/-/dashboards/overview?lang=nb"' in html and 'href="/-/dashboards/country?country=Ukraina&amp;lang=nb"' in html


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


def test_a_page_not_translated_says_it_is_english(local_site):
    # asked in Norwegian, it is sent to its own address (`lang` would filter its rows away)
    assert local_site.request("/returns/returns_wide?lang=nb").headers["location"] == "/returns/returns_wide"
    html = ok(local_site, "/returns/returns_wide").text
    assert '<html lang="en">' in html and "hreflang" not in html


# ------------------------------------------------------------ the dashboards in Norwegian

import json  # noqa: E402
import urllib.parse  # noqa: E402

from site_helpers import load_metadata  # noqa: E402


def dashboards():
    return load_metadata()["plugins"]["datasette-dashboards"]


def page_charts(html):
    """The charts a dashboard's page draws, as its script hands them to renderChart."""
    return {slug: json.loads(chart) for slug, chart in re.findall(r"renderChart\('(\w+)', (\{.*?\}), '", html)}


def chart_rows(site, dashboard, chart, query):
    """A chart's rows as its page asks for them: its SQL with the page's filters (lang among them)."""
    sql = urllib.parse.quote(dashboards()[dashboard]["charts"][chart]["query"])
    return ok(site, f"/returns.json?sql={sql}&{query}&_shape=array").json()


def test_the_overview_in_norwegian(local_site):
    html = ok(local_site, "/-/dashboards/overview?period=2024-05&lang=nb").text
    assert '<html lang="nb">' in html
    assert "<title>Uttransporteringer fra Norge: oversikt</title>" in html
    assert "<h1>Uttransporteringer fra Norge: oversikt</h1>" in html
    assert "Den siste publikasjonens hovedtall" in html  # the about text
    for words in ("Publikasjon (ÅÅÅÅ-MM)", "Tabell: etter nasjonalitet eller etter destinasjon",  # filters
                  "Personer uttransportert hittil i år, etter kategori, publikasjon for publikasjon",  # charts' titles
                  "Den valgte publikasjonen og de elleve før den; alle publikasjoner:",  # what a bounded chart leaves out
                  "Straffedømte, andel i måneden", "Verdenskart: personer uttransportert hittil i år",
                  "<strong>Hittil i år.</strong> Politiets tabeller"):  # the About text
        assert words in html, words
    # the Vega-Lite specs the page draws: their axes', legends' and tooltips' titles
    charts = page_charts(html)
    encoding = charts["categories"]["display"]["encoding"]
    assert (encoding["y"]["title"], encoding["color"]["title"]) == ("Personer (hittil i år)", "Kategori")
    assert [t["title"] for t in encoding["tooltip"]] == ["Land", "Periode", "Kategori", "Personer"]
    assert charts["map"]["display"]["layer"][0]["encoding"]["color"]["datum"] == "Ingen uttransportert"
    assert '<option value="destination" >etter destinasjon</option>' in html  # the value sent stays the code
    # the filters' form keeps the language; the other filters are the page's
    assert '<input type="hidden" name="lang" value="nb">' in html
    assert '<option value="Tyskland">' in html  # the countries by their Norwegian names
    # and each chart's own page keeps it
    assert 'href="/-/dashboards/overview/categories?' in html and re.search(r'/-/dashboards/overview/categories\?[^"]*lang=nb', html)
    head = html.split("</head>")[0]
    assert '<link rel="alternate" hreflang="en" href="/-/dashboards/overview?period=2024-05">' in head
    assert '<link rel="alternate" hreflang="nb" href="/-/dashboards/overview?period=2024-05&amp;lang=nb">' in head
    assert '<a href="/?lang=nb">forside</a>' in html  # back to the front page, in Norwegian


def test_the_overview_in_english_stays_english(local_site):
    html = ok(local_site, "/-/dashboards/overview?period=2024-05").text
    assert '<html lang="en">' in html and "<h1>Forced returns from Norway: overview</h1>" in html
    assert 'name="lang"' not in html and '<option value="Germany">' in html
    assert '<a lang="nb" hreflang="nb" href="/-/dashboards/overview?period=2024-05&amp;lang=nb">Norsk</a>' in html


def test_the_overviews_rows_in_norwegian(local_site):
    # May 2024 (raw/2024-05-en.txt): 233 returned, 1,033 so far this year against 954, 47 of
    # them convicted (20.2 %); the Total row by nationality: Dublin 368
    query = "period=2024-05&kind=nationality&lang=nb"
    figure = lambda chart: re.sub(r" +", " ", re.sub(r"<[^>]+>", " ", chart_rows(local_site, "overview", chart, query)[0]["figure"])).strip()  # noqa: E731
    assert figure("returned") == "233 personer uttransportert i mai 2024"
    assert figure("ytd") == f"1{NBSP}033 uttransportert jan.–mai 2024, mot 954 ett år tidligere (+8,3 %)"
    assert figure("convicted") == "20,2 % 47 av 233 uttransportert i mai 2024"
    categories = chart_rows(local_site, "overview", "categories", query)
    assert {(r["covers"], r["category"]): r["persons"] for r in categories}[("jan.–mai 2024", "Dublin")] == 368
    assert {r["category"] for r in categories} >= {"Asyl", "Utvisning", "Bortvisning"}
    nationalities = chart_rows(local_site, "overview", "nationalities", query)
    assert {(r["country"], r["category"]): r["persons"] for r in nationalities}[("Syria", "Dublin")] == 44
    destinations = chart_rows(local_site, "overview", "destinations", query)
    assert "Tyskland" in {r["country"] for r in destinations} and "Germany" not in {r["country"] for r in destinations}
    # the map: named in Norwegian, joined to its shapes by the English name; 51 to the UK by destination in February 2025
    shapes = chart_rows(local_site, "overview", "map", "period=2025-02&kind=destination&lang=nb")
    uk = next(r for r in shapes if r["name_en"] == "United Kingdom")
    assert (uk["country"], uk["persons"], uk["kind"], uk["covers"]) == ("Storbritannia", 51, "etter destinasjon", "jan.–feb. 2025")
    # and in English, as before
    english = chart_rows(local_site, "overview", "ytd", "period=2024-05")[0]["figure"]
    assert english.startswith("1,033<br>") and "against 954 a year earlier (+8.3 %)" in english


def test_the_country_page_in_norwegian(local_site):
    html = ok(local_site, "/-/dashboards/country?country=Ukraina&lang=nb").text
    assert '<html lang="nb">' in html and "<h1>Uttransporteringer fra Norge: ett land</h1>" in html
    for words in ("Borgere uttransportert, siste publikasjon", "Nasjonalitet mot destinasjon, hittil i år",
                  "Land: hvilket som helst av navnene", '<a href="overview?lang=nb" rel="nofollow">Oversikten</a>'):
        assert words in html, words
    # "Ukraine 1 20 4 1 26" by nationality in February 2025 (raw/2025-02-en.txt, line 134)
    query = "country=Ukraina&lang=nb"
    note = chart_rows(local_site, "country", "nationals", query)[0]["figure"]
    assert note == '26<br><span class="metric-note">Ukraina, etter nasjonalitet, jan.–feb. 2025</span>'
    both = {(r["covers"], r["table"]): r["persons"] for r in chart_rows(local_site, "country", "both", query)}
    assert both[("jan.–feb. 2025", "Landets borgere (etter nasjonalitet)")] == 26
    # a name it does not know: said in Norwegian, its nearest names linked in Norwegian
    unknown = chart_rows(local_site, "country", "nationals", "country=Ukriane&lang=nb")[0]["figure"]
    assert "Ingen land heter «Ukriane» i disse publikasjonene. Nærmest: " in unknown
    assert '<a href="?country=Ukraina&amp;lang=nb">Ukraina</a>' in unknown


def test_a_chart_on_its_own_page_in_norwegian(local_site):
    html = ok(local_site, "/-/dashboards/overview/months?lang=nb").text
    assert '<html lang="nb">' in html and "<title>Personer uttransportert i måneden, slik hver publikasjon oppgir</title>" in html
    assert '<a href="/-/dashboards/overview?lang=nb">Uttransporteringer fra Norge: oversikt</a>' in html


def test_the_scripts_words_and_numbers_in_the_pages_language(local_site):
    html = ok(local_site, "/-/dashboards/overview?lang=nb").text
    words = json.loads(re.search(r"window.siteWords = (\{.*?\});\n", html).group(1))
    assert words["Source: National Police Immigration Service, monthly statistics"] == \
        "Kilde: Politiets utlendingsenhet, månedsstatistikk"
    numbers = json.loads(re.search(r"window.siteNumbers = (\{.*?\});\n", html).group(1))
    assert (numbers["decimal"], numbers["thousands"]) == (",", NBSP)
    english = ok(local_site, "/-/dashboards/overview").text
    assert "window.siteWords = {};" in english and '"thousands": ","' in english


def used_messages():
    """Every English text the translated pages show through the catalogue: the dashboards'
    config's words, the say(:lang, '...') of their SQL, the scripts' words, the site's
    metadata's words and every _("...") of the site's templates."""
    from norway_returns.resources import METADATA
    from norway_returns.site import dashboard_words, dashboards as scripts
    from norway_returns.resources import SITE
    found = dashboard_words.messages(dashboards())
    found += [m.replace("''", "'") for m in re.findall(r"say\(:lang, '((?:[^']|'')*)'", METADATA.read_text(encoding="utf-8"))]
    found += list(scripts.WORDS)
    # the site's metadata's words, which the Norwegian pages' heading and footer show
    found += [load_metadata()[key] for key in ("title", "license", "license_url", "source", "about")]
    for template in (SITE / "templates").rglob("*.html"):
        found += re.findall(r"""_\((?:"([^"]*)"|'([^']*)')""", template.read_text(encoding="utf-8"))
    return [m if isinstance(m, str) else "".join(m) for m in found]


def test_every_english_text_of_the_translated_pages_has_its_norwegian():
    from norway_returns.site import i18n
    used = used_messages()
    assert len(used) > 80 and "Persons (so far this year)" in used and "not stated" in used and "Apply" in used
    missing = [m for m in used if m not in i18n.catalogue("nb")]
    assert missing == [], "add to norway_returns/site/locale/nb.po: " + repr(missing)


def test_sql_words():
    from norway_returns.site import sql_words
    assert sql_words.say("nb", "persons returned in %s", "mai 2024") == "personer uttransportert i mai 2024"
    assert sql_words.say("", "persons returned in %s", "May 2024") == "persons returned in May 2024"
    assert sql_words.say("nb", ", %s unaccompanied", None) is None  # a clause with no figure is left out
    assert sql_words.say("xx", "not stated") == "not stated"
    assert sql_words.in_lang("nb", "Germany", "Tyskland") == "Tyskland" and sql_words.in_lang("nb", "Kosovo", None) == "Kosovo"
    assert sql_words.in_lang(None, "Germany", "Tyskland") == "Germany"
    assert (sql_words.number_in("nb", 1033), sql_words.number_in("", 1033)) == (f"1{NBSP}033", "1,033")
    assert sql_words.decimal_in("nb", 8.25, 1, 1) == "+8,2" or sql_words.decimal_in("nb", 8.25, 1, 1) == "+8,3"
