"""A country by any of its names: English or Norwegian, in any case and with or without
accents, every spelling a publication printed (the database's `country_names`), ISO
3166-1's names and two- and three-letter codes (pycountry), and the few other names a
reader types (norway_returns/data/country_aliases.yml: UK, DRC, Burma).

Two SQL functions on every connection (prepare_connection), used by the country page and
the canned query `country_lookup`:

- `country_code(text)`: the country's code, or NULL for a name the site does not know;
- `country_nearest(text[, lang])`: the names nearest to it, as a JSON array (difflib),
  so that a misspelt or unknown name says so and offers names instead of a false 0;
  English names, Norwegian ones with `lang` 'nb' (the dashboards' :lang).
"""

import difflib
import json
import re
import unicodedata

import pycountry
import yaml

from ..resources import DATA
from .state import kept

NEAREST = 5


def key(name):
    """A name as the lookup compares it: case, accents, punctuation and "the" left out."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def load(datasette):
    """At startup: every name of every country the database knows, by its lookup key."""
    async def load():
        aliases = yaml.safe_load((DATA / "country_aliases.yml").read_text(encoding="utf-8")) or {}
        for name, db in datasette.databases.items():
            if not {"countries", "country_names"} <= set(await db.table_names()):
                continue
            rows = list(await db.execute("select code, name_en, name_no from countries"))
            countries = {code: name_en for code, name_en, _ in rows}
            names = {}
            for code, name_en, name_no in rows:
                for n in (code, name_en, name_no):
                    names.setdefault(key(n), code) if n else None
            for n, code in await db.execute("select name, code from country_names where code is not null"):
                names.setdefault(key(n), code)
            for code, others in aliases.items():
                for n in others:
                    names.setdefault(key(n), code)
            for c in pycountry.countries:
                if c.alpha_3 in countries:
                    for n in (c.alpha_2, c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
                        if n:
                            names.setdefault(key(n), c.alpha_3)
            kept(datasette, "country lookup")[name] = {"names": names, "english": countries,
                                                       "norwegian": {c: n_no or n_en for c, n_en, n_no in rows}}
    return load


def _lookups(datasette):
    return list(kept(datasette, "country lookup").values())


def country_code(datasette, text):
    if text is None or not str(text).strip():
        return None
    for lookup in _lookups(datasette):
        code = lookup["names"].get(key(text))
        if code:
            return code
    return None


def country_nearest(datasette, text, lang=None):
    out = []
    language = "norwegian" if lang == "nb" else "english"
    for lookup in _lookups(datasette):
        wanted = key(text or "")
        close = difflib.get_close_matches(wanted, lookup["names"], n=NEAREST * 4, cutoff=0.5)
        # a name that begins as typed comes first ("ukr" -> Ukraine)
        starts = sorted(k for k in lookup["names"] if wanted and k.startswith(wanted))
        for k in starts + close:
            name = lookup[language].get(lookup["names"][k])
            if name and name not in out:
                out.append(name)
    return json.dumps(out[:NEAREST], ensure_ascii=False)


def prepare_connection(conn, datasette):
    conn.create_function("country_code", 1, lambda text: country_code(datasette, text), deterministic=True)
    conn.create_function("country_nearest", -1, lambda text, lang=None: country_nearest(datasette, text, lang),
                         deterministic=True)
