"""The dashboards' words and numbers in the page's language, written where the charts' rows
are made: in their SQL (metadata.yml). A dashboard page in Norwegian (`?lang=nb`) passes
its language with its filters to every chart's query as `:lang` (the filter `lang`, kept
by the form as a hidden input); without it `:lang` is empty, and the words are English.

Four SQL functions on every connection (prepare_connection):

- `say(:lang, 'English words %s', ...)`: the words from the message catalogue (i18n.py,
  site/locale/nb.po: the msgid is the English text), each `%s` filled in order; NULL if
  any filling is NULL, so that `coalesce(say(...), '')` leaves out a clause with no figure;
- `in_lang(:lang, name_en, name_no)`: one of the database's two labels (a country's name,
  a category's label, a period's); the English one where the Norwegian is missing;
- `number_in(:lang, n)`, `decimal_in(:lang, x, places, sign)`: as the language writes
  numbers (Babel): `1 033` and `27,6` in Norwegian, `1,033` and `27.6` in English.
"""

from . import i18n


def _language(lang):
    return lang if lang in i18n.LANGUAGES else "en"


def say(lang, message, *fillings):
    if message is None or any(f is None for f in fillings):
        return None
    text = i18n.translate(_language(lang), message)
    return text % tuple(str(f) for f in fillings) if fillings or "%%" in text else text


def in_lang(lang, english, norwegian):
    return norwegian if _language(lang) == "nb" and norwegian else english


def number_in(lang, value):
    return None if value is None else i18n.number(value, language=_language(lang))


def decimal_in(lang, value, places=1, sign=0):
    return None if value is None else i18n.decimal(value, int(places), bool(sign), language=_language(lang))


def prepare_connection(conn):
    conn.create_function("say", -1, say, deterministic=True)
    conn.create_function("in_lang", 3, in_lang, deterministic=True)
    conn.create_function("number_in", 2, number_in, deterministic=True)
    conn.create_function("decimal_in", -1, decimal_in, deterministic=True)
