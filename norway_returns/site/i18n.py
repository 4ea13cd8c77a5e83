"""The site in two languages: English and Norwegian (bokmål), each page at its own URL
(`?lang=nb`; English without it), so that either can be linked and bookmarked.

- The words are data: a message catalogue per language (`site/locale/nb.po`, gettext's
  format, read with Babel when the site starts), used by the templates through Jinja's
  i18n extension (`{{ _("...") }}`); English is the catalogue's source.
- Numbers as each language writes them (Babel's CLDR data): `1 033` and `27,6 %` in
  Norwegian, `1,033` and `27.6 %` in English (the filters `number` and `decimal`).
- The language of a request is read by the formats layer (formats.py), which also writes
  `<html lang>`, the hreflang alternates and the language switch into every page.
"""

import contextvars
import urllib.parse

from babel.messages.pofile import read_po
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from ..resources import SITE

LANGUAGES = {"en": "English", "nb": "Norsk bokmål"}  # the first is the default, the catalogue's source
SWITCH = {"en": "English", "nb": "Norsk"}  # the switch's words, each in its own language
LOCALES = {"en": "en_GB", "nb": "nb_NO"}
PARAM = "lang"
# the pages whose words are in the catalogue: the front page and the dashboards (each of
# their charts on its own page too); every other page stays English (its <html lang> says
# so, and it offers no Norwegian alternate it does not have)
TRANSLATED = {"/", "/-/dashboards/overview", "/-/dashboards/country"}
current = contextvars.ContextVar("language", default="en")
CATALOGUES = {}


def catalogue(language):
    if language not in CATALOGUES:
        path = SITE / "locale" / f"{language}.po"
        messages = {}
        if path.exists():
            with path.open("rb") as f:
                for m in read_po(f, locale=LOCALES[language]):
                    if m.id and m.string:
                        messages[m.id] = m.string
        CATALOGUES[language] = messages
    return CATALOGUES[language]


def translated(path):
    """Whether the page at PATH (under the site's base_url) is in the catalogue."""
    return path in TRANSLATED or any(path.startswith(p + "/") for p in TRANSLATED if p != "/")


def language_of(query_string):
    """The language a request asks for (`lang=nb`), else the default."""
    asked = urllib.parse.parse_qs(query_string).get(PARAM, [""])[0]
    return asked if asked in LANGUAGES else "en"


def translate(language, message):
    """MESSAGE (English, the catalogue's msgid) in LANGUAGE; English where it has no msgstr."""
    return catalogue(language).get(message, message) if language in LANGUAGES else message


def gettext(message):
    return translate(current.get(), message)


def ngettext(singular, plural, n):
    return gettext(singular if n == 1 else plural)


def _locale(language=None):
    """Babel's locale of LANGUAGE, by default the page's."""
    return LOCALES.get(language or current.get(), LOCALES["en"])


def number(value, language=None):
    return format_decimal(value, locale=_locale(language))


def decimal(value, places=1, sign=False, language=None):
    """A decimal as the page's language writes it; with sign, a rise says "+"."""
    text = format_decimal(value, format="#,##0." + "0" * places, locale=_locale(language))
    return "+" + text if sign and value > 0 else text


def number_locale(language):
    """The language's number symbols as a d3-format locale (Vega-Lite's `formatLocale`), from
    the same CLDR data as the server's numbers, so that a chart's axis writes `1 033` where
    the page's text does."""
    locale = _locale(language)
    return {"decimal": get_decimal_symbol(locale), "thousands": get_group_symbol(locale),
            "grouping": [3], "currency": ["", ""], "percent": "%"}


def url_in(language, path, query_string):
    """The same page in another language."""
    args = [(k, v) for k, v in urllib.parse.parse_qsl(query_string, keep_blank_values=True) if k != PARAM]
    if language != "en":
        args.append((PARAM, language))
    return path + ("?" + urllib.parse.urlencode(args) if args else "")


def with_language(url):
    """A link of the site's own pages in the page's language (templates: `url|in_language`)."""
    language = current.get()
    if language == "en":
        return url
    return str(url) + ("&" if "?" in str(url) else "?") + f"{PARAM}={language}"


def install(datasette):
    """At startup: the templates' `_()`, and the number filters."""
    env = datasette.jinja_env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.filters["number"] = number
    env.filters["decimal"] = decimal
    env.filters["in_language"] = with_language
    env.globals["page_language"] = lambda: current.get()
