"""The pages of a build cached for as long as the build stands: the layers of middleware.py.

`norway-returns serve` (and `publish`) serve the site under a prefix named after the build,
Datasette's base_url `/v-BUILD/` (serve.py: BUILD hashes the database, the site's files and
the versions of Datasette and its plugins). A page under the current prefix can never
change, so it goes out with a far-future `Cache-Control`: a caching proxy or CDN in front
serves it again without asking Datasette. Not cached for long, each as Datasette sends it:
an error, a page for a signed-in user or one that sets a cookie (Datasette marks those
private), a page made while one of its queries was cut short by a time limit (a facet or
count that timed out under load must not be kept), and a CSV stream other than the whole
tables of csv_stream.py (Datasette's ends with an error's text if a later page fails). A link
with an older build's prefix is redirected to the current one; URLs without a prefix (the
index, links from elsewhere) still work and are kept for Datasette's default_cache_ttl.

The same pages are also kept in this process's memory (kept_pages.py), as a caching proxy
would keep them.
"""

import re

from .compat import watch_interruptions

WHOLE_TABLE = "norway_returns.whole_table_csv"  # set in the scope by csv_stream.py
FAR_FUTURE = b"public, max-age=31536000, immutable"
BUILD = re.compile(r"v-[0-9a-f]{12}/$")  # the end of base_url: /v-BUILD/ or /data/v-BUILD/


def build_prefix(datasette):
    """(the build's prefix, the path the site is served under), or None when the site is
    not served under a build's prefix (then Datasette's own headers stand)."""
    prefix = datasette.setting("base_url")
    build = BUILD.search(prefix)
    return (prefix, prefix[:build.start()]) if build else None


def anonymous(scope):
    return not any(k.lower() in (b"cookie", b"authorization") for k, _ in scope.get("headers", []))


def under_prefix(app, datasette, prefix, outer):
    """Requests under the build's prefix go on with it taken off the path (Datasette 0.65
    expects a proxy to take base_url off: with it left on, its links carry it twice; this is
    that proxy); an older build's prefix is redirected to the current one; any other path
    goes on as it is, kept for default_cache_ttl."""
    any_build = re.compile("^" + re.escape(outer) + BUILD.pattern[:-1])
    ttl = f"max-age={datasette.setting('default_cache_ttl')}".encode()

    async def prefixed(scope, receive, send):
        path = scope["path"]
        older = any_build.match(path)
        if older and not path.startswith(prefix):
            location = prefix + path[older.end():]
            if scope.get("query_string"):
                location += "?" + scope["query_string"].decode("latin-1")
            await send({"type": "http.response.start", "status": 302,
                        "headers": [(b"location", location.encode("latin-1")), (b"cache-control", ttl)]})
            await send({"type": "http.response.body", "body": b""})
            return
        if path.startswith(prefix):
            return await app(_strip(dict(scope, **{PREFIXED: True}), prefix), receive, send)
        if outer != "/" and path.startswith(outer):  # the site's path without the build's
            scope = _strip(scope, outer)
        await app(scope, receive, _default_ttl(send, ttl) if anonymous(scope) else send)

    return prefixed


PREFIXED = "norway_returns.under_build_prefix"  # set in the scope of a request under the prefix


def far_future(app):
    """A far-future Cache-Control on every page of the build that may be kept: a 200 to an
    anonymous reader, not private, setting no cookie, with no query interrupted, and, of CSV
    streams, only csv_stream.py's whole tables."""

    async def with_far_future(scope, receive, send):
        if not scope.get(PREFIXED):
            return await app(scope, receive, send)
        interrupted = watch_interruptions()
        partial = scope["path"].endswith(".csv") and b"_stream" in scope.get("query_string", b"")
        reader = anonymous(scope)

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                names = {k.lower() for k, _ in headers}
                private = any(k.lower() == b"cache-control" and (b"private" in v or b"no-store" in v)
                              for k, v in headers)
                if (message["status"] == 200 and reader and not private and not interrupted
                        and b"set-cookie" not in names and (not partial or scope.get(WHOLE_TABLE))):
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    message = dict(message, headers=headers + [(b"cache-control", FAR_FUTURE)])
            await send(message)

        await app(scope, receive, sending)

    return with_far_future


def _default_ttl(send, ttl):
    """Outside the prefix: default_cache_ttl for a page Datasette leaves without (the index)."""
    async def with_ttl(message):
        if message["type"] == "http.response.start" and message["status"] == 200:
            headers = message.get("headers", [])
            if not any(k.lower() in (b"cache-control", b"set-cookie") for k, _ in headers):
                message = dict(message, headers=[*headers, (b"cache-control", ttl)])
        await send(message)
    return with_ttl


def _strip(scope, prefix):
    """The request as Datasette expects it behind a proxy that takes base_url off."""
    raw = scope.get("raw_path")
    return dict(scope, path=scope["path"][len(prefix) - 1:],
                raw_path=raw[len(prefix) - 1:] if raw and raw.startswith(prefix.encode()) else raw)
