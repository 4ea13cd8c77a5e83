"""The formats the site answers in, and what every page's head says about them (a layer of
middleware.py, just outside Datasette).

- A URL asking for a format the site does not offer (`/returns/returns.zip`,
  `/returns.xlsx`) is a 404: Datasette 0.65 answers such a URL with the HTML page of the
  name before the dot, so a guessed download "worked" and saved a web page.
- The Atom feed (datasette-atom) is sent as `application/atom+xml` (RFC 4287, section 7),
  with `xml:base` set to its own address, so that each entry's link to the publication's
  page on this site (written relative in the canned query) resolves under any base_url.
- Every HTML page's head announces the feed (`<link rel="alternate" type="application/atom+xml">`)
  and says its language (`<html lang="en">`).
"""

import re

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
                    body = _html(body, link["head"])
                    kind = dict((k.lower(), v) for k, v in start.get("headers", []))[b"content-type"]
                headers += [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
                await send(dict(start, headers=headers))
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await app(scope, receive, sending)

    return formats


def _html(body, head):
    if body.startswith(b"<!DOCTYPE html>") or b"<html>" in body[:300]:
        body = body.replace(b"<html>", b'<html lang="en">', 1)
    if head and b"</head>" in body and b"application/atom+xml" not in body.split(b"</head>", 1)[0]:
        body = body.replace(b"</head>", head + b"</head>", 1)
    return body


def _own_url(datasette, scope):
    """The feed's own address, under the site's base_url (the build's prefix included)."""
    host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"), "localhost")
    path = str(datasette.urls.path(scope["path"].lstrip("/")))
    return f"{scope.get('scheme', 'http')}://{host}{path}".replace('"', "%22").replace("&", "&amp;").replace("<", "%3C")
