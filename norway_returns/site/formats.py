"""The formats the site answers in, and what every page's head says about them (a layer of
middleware.py, just outside Datasette).

- A URL asking for a format the site does not offer (`/returns/returns.zip`,
  `/returns.xlsx`) is a 404: Datasette 0.65 answers such a URL with the HTML page of the
  name before the dot, so a guessed download "worked" and saved a web page.
- The Atom feed (datasette-atom) is sent as `application/atom+xml` (RFC 4287, section 7),
  with `xml:base` set to its own address, so that each entry's link to the publication's
  page on this site (written relative in the canned query) resolves under any base_url.
- Every HTML page's head announces the feed (`<link rel="alternate" type="application/atom+xml">`)
  and says its language (`<html lang="en">` or `"nb"`, i18n.py), with the page in each
  language as an hreflang alternate and a language switch at the top of the page.
"""

import html as html_text
import re
import urllib.parse

from . import i18n

FEED = "publications_feed"  # the canned query datasette-atom renders as the feed
BUILT_IN = {"json", "csv"}
EXTENSION = re.compile(r"^(?P<name>.+)\.(?P<ext>[A-Za-z0-9]{1,10})$")


def offered(datasette):
    return BUILT_IN | set(datasette.renderers)


def unknown_format(datasette, path):
    """Whether PATH (without the build's prefix) asks a database, table, query or row for a
    format the site does not offer."""
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0].startswith("-"):
        return False
    database, _, db_ext = parts[0].partition(".")
    if database not in datasette.databases:
        return False
    if len(parts) == 1:  # /returns.db (the file), /returns.json (its tables): nothing else
        return bool(db_ext) and db_ext not in ("db", "json")
    match = EXTENSION.match(parts[-1])
    if not match or db_ext:
        return False
    if len(parts) == 2 and parts[1] in _names(datasette, database):  # a table named with a dot
        return False
    return match["ext"] not in offered(datasette)


def _names(datasette, database):
    from .state import kept
    return kept(datasette, "table names").get(database, set())


def load_table_names(datasette):
    async def load():
        from .state import kept
        names = kept(datasette, "table names")
        for name, db in datasette.databases.items():
            names[name] = set(await db.table_names()) | set(await db.view_names()) \
                | set((datasette.metadata("queries", database=name) or {}).keys())
    return load


def feed_link(datasette):
    database = next((n for n in datasette.databases if (datasette.metadata("queries", database=n) or {}).get(FEED)), None)
    if database is None:
        return b""
    href = str(datasette.urls.path(f"{database}/{FEED}.atom"))
    title = (datasette.metadata("queries", database=database)[FEED].get("title") or FEED)
    return (f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{href}">\n'
            .replace("&", "&amp;").encode())


def layer(app, datasette):
    link = {}

    async def formats(scope, receive, send):
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        path = scope.get("path", "")
        if unknown_format(datasette, path):
            body = b"Not found: this site offers no such format (it offers " + \
                ", ".join(sorted(offered(datasette) | {"db"})).encode() + b")"
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        if "head" not in link:
            link["head"] = feed_link(datasette)
        query = scope.get("query_string", b"").decode("latin-1")
        translated = i18n.translated(path)
        if not translated and _filters_by_language(query) and scope.get("method") in ("GET", "HEAD"):
            # an English-only page asked in another language (a link edited by hand): Datasette
            # would read `lang` as a filter on a column of that name and show no rows, a false 0
            location = i18n.url_in("en", str(datasette.urls.path(path.lstrip("/"))), query)
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        language = i18n.language_of(query) if translated else "en"
        token = i18n.current.set(language)
        state = {}

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = dict((k.lower(), v) for k, v in message.get("headers", []))
                kind = headers.get(b"content-type", b"")
                if path.endswith(".atom") and kind.startswith(b"application/xml"):
                    state["edit"] = "atom"
                elif kind.startswith(b"text/html"):
                    state["edit"] = "html"
                if "edit" in state:  # the body is changed: held until whole
                    state["start"] = message
                    state["body"] = []
                    return
            elif message["type"] == "http.response.body" and "edit" in state:
                state["body"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(state["body"])
                start = state["start"]
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length", b"content-type")]
                if state["edit"] == "atom":
                    base = _own_url(datasette, scope).encode()
                    body = body.replace(b'<feed xmlns="http://www.w3.org/2005/Atom"',
                                        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="' + base + b'"', 1)
                    kind = b"application/atom+xml; charset=utf-8"
                else:
                    body = _html(body, link["head"], language, _languages(datasette, path, query) if translated else ())
                    kind = dict((k.lower(), v) for k, v in start.get("headers", []))[b"content-type"]
                headers += [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
                await send(dict(start, headers=headers))
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            i18n.current.reset(token)

    return formats


def _filters_by_language(query):
    """Whether Datasette would take the request's `lang` for a filter: on any page but SQL's,
    where :lang is the query's parameter (the dashboards' charts pass it so)."""
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    return i18n.PARAM in params and "sql" not in params


def _languages(datasette, path, query):
    """(language, its name, the page's address in it) for each language."""
    public = str(datasette.urls.path(path.lstrip("/")))
    return [(code, i18n.SWITCH[code], i18n.url_in(code, public, query)) for code in i18n.LANGUAGES]


def _html(body, head, language="en", languages=()):
    if body.startswith(b"<!DOCTYPE html>") or b"<html>" in body[:300]:
        body = body.replace(b"<html>", f'<html lang="{language}">'.encode(), 1)
    if b"</head>" not in body:
        return body
    before, after = body.split(b"</head>", 1)
    extra = b"" if b"application/atom+xml" in before else head
    for code, _, href in languages:
        extra += f'<link rel="alternate" hreflang="{code}" href="{html_text.escape(href)}">\n'.encode()
    if languages:
        switch = " · ".join(f'<strong lang="{code}">{name}</strong>' if code == language
                            else f'<a lang="{code}" hreflang="{code}" href="{html_text.escape(href)}">{name}</a>'
                            for code, name, href in languages)
        after = after.replace(b"<header><nav>", b'<header><nav><p class="language-switch">' + switch.encode() + b"</p>", 1)
    return before + extra + b"</head>" + after


def _own_url(datasette, scope):
    """The feed's own address, under the site's base_url (the build's prefix included)."""
    host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"), "localhost")
    path = str(datasette.urls.path(scope["path"].lstrip("/")))
    return f"{scope.get('scheme', 'http')}://{host}{path}".replace('"', "%22").replace("&", "&amp;").replace("<", "%3C")
