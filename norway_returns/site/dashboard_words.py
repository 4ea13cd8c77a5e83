"""The dashboards' own words in the page's language, translated as each page is drawn.

metadata.yml holds each dashboard once, in English; the site's copies of
datasette-dashboards' templates (templates/dashboards/) draw the page from
`translated(dashboard)`: its title, description, filters' names and options, each chart's
title, About text and the words under its title (`more`), and in each Vega-Lite spec every `title` (the axes', the legends',
the tooltips'; a title object's `text`) and every `datum` that is a word (the map's "None
returned"), looked up in the message catalogue (i18n.py: msgid English, msgstr Norwegian).
The words in the charts' rows come from their SQL (sql_words.py).

`messages(config)` lists every msgid this translation asks for, so that a test can say
which have no Norwegian yet.
"""

from . import i18n

SPEC_WORDS = ("title", "datum")  # the keys of a Vega-Lite spec whose text a reader reads


def _spec(node, say):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in SPEC_WORDS and isinstance(value, str):
                out[key] = say(value)
            elif key == "title" and isinstance(value, dict) and isinstance(value.get("text"), str):
                out[key] = {**value, "text": say(value["text"])}
            else:
                out[key] = _spec(value, say)
        return out
    if isinstance(node, list):
        return [_spec(v, say) for v in node]
    return node


def chart(chart, say):
    out = dict(chart)
    if isinstance(out.get("title"), str):
        out["title"] = say(out["title"])
    if isinstance(out.get("more"), list):  # what a bounded chart leaves out, said under its title
        out["more"] = [{**m, "text": say(m["text"])} if isinstance(m, dict) and isinstance(m.get("text"), str) else m
                       for m in out["more"]]
    if out.get("library") == "markdown" and isinstance(out.get("display"), str):
        out["display"] = say(out["display"])
    elif out.get("library") in ("vega-lite", "vega"):
        out["display"] = _spec(out.get("display"), say)
    return out


def _dashboard(dashboard, say):
    out = dict(dashboard)
    for key in ("title", "description"):
        if isinstance(out.get(key), str):
            out[key] = say(out[key])
    out["filters"] = {k: {**f, "name": say(f["name"]) if isinstance(f.get("name"), str) else f.get("name")}
                      for k, f in (dashboard.get("filters") or {}).items()}
    out["charts"] = {k: chart(c, say) for k, c in (dashboard.get("charts") or {}).items()}
    return out


def _say(language):
    return lambda text: i18n.translate(language, text)


def translated(dashboard, language=None):
    """A copy of DASHBOARD (as datasette-dashboards hands it to its template) in LANGUAGE,
    by default the page's."""
    language = language or i18n.current.get()
    return dashboard if language == "en" or not dashboard else _dashboard(dashboard, _say(language))


def translated_chart(one, language=None):
    language = language or i18n.current.get()
    return one if language == "en" or not one else chart(one, _say(language))


def option_label(option, language=None):
    """A filter's fixed option (`nationality`) as the page's language names it; the value
    sent stays the option itself."""
    return i18n.translate(language or i18n.current.get(), option) if isinstance(option, str) else option


def messages(config):
    """Every msgid translated() and option_label() ask for, across the dashboards of a
    datasette-dashboards config."""
    found = []
    say = lambda text: found.append(text) or text  # noqa: E731
    for dashboard in (config or {}).values():
        _dashboard(dashboard, say)
        for f in (dashboard.get("filters") or {}).values():
            if not ({"db", "query"} & f.keys()):
                for option in f.get("options") or []:
                    say(option)
    return list(dict.fromkeys(found))
