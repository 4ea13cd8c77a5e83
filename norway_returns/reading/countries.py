"""Stage 5: printed country names -> ISO 3166-1 alpha-3 codes, English and Norwegian.

Only exact matches (see data/countries.yml); an unknown name is the caller's error
to report with its line. `Countries.is_prefix` lets the table stage join a name
that the PDF wrapped over several lines.
"""

import difflib
import functools
import gettext

import pycountry

from .vocabulary import load, norm


class Countries:
    def __init__(self):
        data = load("countries")
        self.extra = data["extra_codes"]
        nb = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nb"], fallback=True)
        self._names = {}  # normalised name -> code
        self.rows = {}  # code -> row of the countries table
        for c in pycountry.countries:
            name_no = nb.gettext(c.name)
            for n in {c.name, getattr(c, "common_name", c.name), getattr(c, "official_name", c.name), name_no}:
                self._names.setdefault(norm(n), c.alpha_3)
            self.rows[c.alpha_3] = {
                "code": c.alpha_3,
                "alpha2": c.alpha_2,
                "numeric": c.numeric,  # ISO 3166-1 numeric: the ids of the site's world map
                "name_en": data["short_names_en"].get(c.alpha_3, getattr(c, "common_name", c.name)),
                "name_no": data["short_names_no"].get(c.alpha_3, name_no),
            }
        for code, row in self.extra.items():
            self.rows[code] = {"code": code, "numeric": None, **row}
            self._names.setdefault(norm(row["name_en"]), code)
            self._names.setdefault(norm(row["name_no"]), code)
        for name, code in data["aliases"].items():
            assert code in self.rows, f"alias {name} -> unknown code {code}"
            self._names[norm(name)] = code  # the police's spelling wins over a standard one
        self._prefixes = {
            " ".join(words[:i])
            for name in self._names
            for words in [name.split()]
            for i in range(1, len(words))
        }
        self.demonyms = {norm(k): v for k, v in data["demonyms"].items()}

    def code(self, printed):
        """The code of a printed name, or None if the name is not known exactly."""
        return self._names.get(norm(printed))

    def is_prefix(self, text):
        """Whether `text` is the first words of a known name (a name cut by a line break)."""
        t = norm(text)
        if t in self._prefixes:
            return True
        # "Elfenbens-" at a line break may be the first part of "Elfenbenskysten"
        return t.endswith("-") and any(n.startswith(t[:-1].rstrip()) for n in self._names)

    def joins(self, first, rest):
        """The ways a name broken over two lines may read when joined again."""
        if first.rstrip().endswith("-"):
            stem = first.rstrip()
            return [f"{stem} {rest}", f"{stem}{rest}", f"{stem[:-1]}{rest}"]
        return [f"{first} {rest}"]

    def read_as(self, misread):
        """The countries a name OCR misread nearly spells: [(code, name)], one where it is decided.
        Near: the same letters but for OCR's look-alikes (`lraq`, `Ghaua`), or else as many
        letters, all but one in six the same (`Ethiopla`), a mark where a letter was counting
        as unknown (`Monteneg')`). OCR misreads letters; a name with
        letters missing or added ("Dominican" for "Dominican Republic", "Dominica") is not
        near."""
        name = norm(misread)
        folded = _fold(name)
        same = {}
        for known, code in self._names.items():
            if _fold(known) == folded:
                same.setdefault(code, known)
        if not same:
            # a mark where a letter was (`Monteneg')`) is a letter OCR could not read: unknown,
            # not wrong; a name of such marks mostly is no name
            unread = [not (ch.isalpha() or ch in " -.") for ch in name]
            allowed = len(name) // 6  # a short name ("ran": Iran? Man?) must match but for look-alikes
            if allowed and sum(unread) <= len(name) // 4:
                for known, code in self._names.items():
                    if len(known) == len(name) and sum(a != b and not u for a, b, u in zip(known, name, unread)) <= allowed:
                        same.setdefault(code, known)
        return list(same.items())

    def suggest(self, printed, cutoff=0.75):
        close = difflib.get_close_matches(norm(printed), list(self._names), n=3, cutoff=cutoff)
        return close


# Letters OCR takes for one another: each group read as one letter when a misread name is matched.
LOOKALIKES = {"l": "i1|!ĺľłíìï", "o": "0öòóø", "n": "u", "e": "c", "h": "b"}
_FOLD = {ch: base for base, chars in LOOKALIKES.items() for ch in chars}


def _fold(text):
    text = text.replace("rn", "m").replace("vv", "w").replace("cl", "d")
    return "".join(_FOLD.get(ch, ch) for ch in text)


@functools.cache
def countries():
    return Countries()
