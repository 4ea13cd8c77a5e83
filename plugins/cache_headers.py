"""Datasette plugin: the pages of a build cached for as long as the build stands.

`norway-returns serve` (and `publish`) serve the site under a prefix named after the build,
Datasette's base_url `/v-BUILD/` (norway_returns/site/serve.py: BUILD hashes the database,
metadata, plugins, templates and versions). A page under the current prefix can never
change, so it goes out with a far-future `Cache-Control`: a caching proxy or CDN in front
serves it again without asking Datasette. Not cached for long, each as Datasette sends it:
an error, a page for a signed-in user or one that sets a cookie (Datasette marks those
private), a page made while one of its queries was cut short by a time limit (a facet
or count that timed out under load must not be kept), and a CSV stream other than the whole
tables of plugins/csv_stream.py (Datasette's ends with an error's text if a later page fails). A link with an older build's prefix
is redirected to the current one; URLs without a prefix (the index, links from elsewhere)
still work and are kept for Datasette's default_cache_ttl.

The same pages are also kept in this process's memory, as a caching proxy would keep them:
asked again (the same URL, host and scheme, with or without gzip, by a reader without a
cookie), a page is sent from memory instead of being made again, the same bytes and headers
with `x-page-cache: hit` added. Without a proxy in front (a `datasette publish` to a
platform without a CDN), a page that a newspaper's link sends thousands to is made once.
At most 64 MB in all (the environment's NORWAY_RETURNS_KEEP_PAGES_MB; 0 keeps none), the
least recently asked page dropped first; a response over LARGEST_MB is not kept.
"""

import contextvars
import os
import re
from collections import OrderedDict

from datasette import hookimpl
from datasette.database import QueryInterrupted

WHOLE_TABLE = "norway_returns.whole_table_csv"  # set by plugins/csv_stream.py
FAR_FUTURE = b"public, max-age=31536000, immutable"
BUILD = re.compile(r"v-[0-9a-f]{12}/$")  # the end of base_url: /v-BUILD/ or /data/v-BUILD/

KEEP_MB = "NORWAY_RETURNS_KEEP_PAGES_MB", 64  # the environment's setting, and its default
LARGEST_MB = 2  # the largest page kept (a whole table as CSV is not: it is streamed anew)
HIT = (b"x-page-cache", b"hit")

# Set for each request under the prefix: whether one of its queries was interrupted.
_interrupted = contextvars.ContextVar("interrupted", default=None)


@hookimpl
def startup(datasette):
    for db in datasette.databases.values():
        execute = db.execute

        async def noting_interruptions(*args, _execute=execute, **kwargs):
            try:
                return await _execute(*args, **kwargs)
            except QueryInterrupted:
                flag = _interrupted.get()
                if flag is not None:
                    flag.append(True)
                raise

        db.execute = noting_interruptions


@hookimpl(trylast=True)
def asgi_wrapper(datasette):
    prefix = datasette.setting("base_url")
    build = BUILD.search(prefix)
    if not build:
        return lambda app: app  # not served under a build's prefix: Datasette's own headers
    outer = prefix[:build.start()]  # "/", or the path the site is served under
    any_build = re.compile("^" + re.escape(outer) + BUILD.pattern[:-1])

    def wrap(app):
        kept = KeptPages(_megabytes(*KEEP_MB) * 2**20, LARGEST_MB * 2**20)

        async def cache_headers(scope, receive, send):
            path = scope.get("path", "")
            if scope.get("type") != "http":
                return await app(scope, receive, send)
            older = any_build.match(path)
            if older and not path.startswith(prefix):
                location = prefix + path[older.end():]
                if scope.get("query_string"):
                    location += "?" + scope["query_string"].decode("latin-1")
                await send({"type": "http.response.start", "status": 302, "headers": [
                    (b"location", location.encode("latin-1")),
                    (b"cache-control", f"max-age={datasette.setting('default_cache_ttl')}".encode())]})
                await send({"type": "http.response.body", "body": b""})
                return
            anonymous = not any(k.lower() in (b"cookie", b"authorization") for k, _ in scope.get("headers", []))
            if not path.startswith(prefix):
                if outer != "/" and path.startswith(outer):  # the site's path without the build's
                    scope = _strip(scope, outer)
                return await app(scope, receive, send if not anonymous else _default_ttl(send, datasette))
            key = kept.key(scope) if anonymous else None
            page = kept.get(key)
            if page is not None:
                start, body, _ = page
                await send(dict(start, headers=[*start["headers"], HIT]))
                await send({"type": "http.response.body", "body": body})
                return
            # Datasette 0.65 expects a proxy to take base_url off the path (with it left on, its
            # links carry it twice): this is that proxy
            scope = _strip(scope, prefix)
            interrupted = []
            _interrupted.set(interrupted)
            # Datasette's own CSV stream ends with an error's text if a later page fails: not kept
            partial = path.endswith(".csv") and b"_stream" in scope.get("query_string", b"")

            async def far_future(message):
                if message["type"] == "http.response.start":
                    headers = message.get("headers", [])
                    names = {k.lower() for k, _ in headers}
                    private = any(k.lower() == b"cache-control" and (b"private" in v or b"no-store" in v)
                                  for k, v in headers)
                    if (message["status"] == 200 and anonymous and not private and not interrupted
                            and b"set-cookie" not in names and (not partial or scope.get(WHOLE_TABLE))):
                        headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                        message = dict(message, headers=headers + [(b"cache-control", FAR_FUTURE)])
                        if key is not None:
                            keeping.append(message)
                elif keeping and message["type"] == "http.response.body":
                    keeping.append(message.get("body", b""))
                    if sum(map(len, keeping[1:])) > kept.largest:
                        keeping.clear()  # too large to keep: sent on as it comes
                    elif not message.get("more_body", False):
                        kept.put(key, keeping[0], b"".join(keeping[1:]))
                await send(message)

            keeping = []  # a page to keep: its start message, then its bodies
            await app(scope, receive, far_future)

        return cache_headers

    return wrap


def _megabytes(name, default):
    value = os.environ.get(name, str(default))
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name} is a number of megabytes (0 keeps no page), not {value!r}") from None


class KeptPages:
    """The pages of a build in memory, by request: (start message, body), least recently
    asked first out once they pass `limit` bytes in all."""

    ENTRY = 500  # bytes of Python objects around each page kept (tuples, the dict's slot)

    def __init__(self, limit, largest):
        self.limit, self.largest = limit, min(limit, largest)
        self.pages = OrderedDict()
        self.size = 0

    def key(self, scope):
        """What a page depends on besides its URL: the host and scheme its absolute links
        (JSON's next_url, the Atom feed) are made from, and whether it may go out gzipped."""
        if self.limit <= 0 or scope.get("method") != "GET":
            return None
        headers = dict((k.lower(), v) for k, v in scope.get("headers", []))
        return (scope.get("scheme"), headers.get(b"host"), scope["path"], scope.get("query_string", b""),
                b"gzip" in headers.get(b"accept-encoding", b""))

    def get(self, key):
        page = self.pages.get(key) if key is not None else None
        if page is not None:
            self.pages.move_to_end(key)
        return page

    def put(self, key, start, body):
        if len(body) > self.largest:
            return
        # counted with its URL and headers: many small answers to long URLs weigh what they hold
        size = len(body) + sum(len(k) + len(v) for k, v in start["headers"]) + sum(
            len(part) for part in key if isinstance(part, (bytes, str))) + self.ENTRY
        old = self.pages.pop(key, None)
        self.size += size - (old[2] if old else 0)
        self.pages[key] = (start, body, size)
        while self.size > self.limit:
            _, (_, _, dropped) = self.pages.popitem(last=False)
            self.size -= dropped


def _default_ttl(send, datasette):
    """Outside the prefix: default_cache_ttl for a page Datasette leaves without (the index)."""
    async def with_ttl(message):
        if message["type"] == "http.response.start" and message["status"] == 200:
            headers = message.get("headers", [])
            if not any(k.lower() in (b"cache-control", b"set-cookie") for k, _ in headers):
                ttl = f"max-age={datasette.setting('default_cache_ttl')}".encode()
                message = dict(message, headers=[*headers, (b"cache-control", ttl)])
        await send(message)
    return with_ttl


def _strip(scope, prefix):
    """The request as Datasette expects it behind a proxy that takes base_url off."""
    raw = scope.get("raw_path")
    return dict(scope, path=scope["path"][len(prefix) - 1:],
                raw_path=raw[len(prefix) - 1:] if raw and raw.startswith(prefix.encode()) else raw)
