"""The site's one composition of ASGI middleware (the plugin's only asgi_wrapper).

From the outside in, each layer seeing the request as the one before it left it:

1. **normalise**: the request as every layer below sees it. Of the headers that decide a
   response's bytes, Accept-Encoding becomes exactly `gzip` or nothing (however often and
   however it was given), and a request with two Host headers is refused (400), so that
   the pages kept in memory and the pages sent agree on them; the scheme is the server's.
2. **build prefix** (caching.py): the build's `/v-BUILD/` taken off the path; an older
   build's prefix redirected; other paths kept for a minute.
3. **kept pages** (kept_pages.py): a page asked again sent from memory.
4. **compression**: gzip where the client asks for it, asgi-gzip's middleware (as
   datasette-gzip, which wraps the same middleware as a plugin of its own, but inside this
   order, and at level 6 instead of its fixed 9: on the CSV of every row of `returns` level
   9 took three times the CPU for a body 5 % smaller).
5. **far-future headers** (caching.py): Cache-Control for a year on what may be kept.
6. **whole-table CSV** (csv_stream.py): a table's every row streamed at the speed of one query.
7. **facets asked for** (json_facets.py): JSON that names no facet is answered without
   counting the table's default facets (`_nofacet=1`); HTML keeps them.
8. **formats** (formats.py): 404 for a format the site does not offer; the feed's type;
   every page's head announcing the feed and its language.
8. Datasette.
"""

from asgi_gzip import GZipMiddleware

from . import caching, csv_stream, formats, json_facets
from .kept_pages import KEEP_MB, LARGEST_MB, KeptPages, kept, megabytes

GZIP_LEVEL = 6
GZIP_MINIMUM = 500  # bytes: a smaller body goes out as it is


def accepts_gzip(values):
    """Whether Accept-Encoding values (bytes, each a comma-separated list) accept gzip: a
    coding `gzip` (or `*`) whose q is not 0 (RFC 9110, 12.5.3)."""
    for value in values:
        for item in value.decode("latin-1").split(","):
            coding, _, params = item.strip().partition(";")
            if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
                continue
            q = params.replace(" ", "").lower()
            if not q.startswith("q=") or _quality(q[2:]) > 0:
                return True
    return False


def _quality(text):
    try:
        return float(text)
    except ValueError:
        return 0.0


def normalise(app, datasette_app):
    """HTTP requests normalised into the layers; anything else (lifespan) straight to Datasette."""
    async def normalised(scope, receive, send):
        if scope.get("type") != "http":
            return await datasette_app(scope, receive, send)
        headers = scope.get("headers", [])
        if sum(1 for k, _ in headers if k.lower() == b"host") > 1:
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": b"Bad request: more than one Host header"})
            return
        encodings = [v for k, v in headers if k.lower() == b"accept-encoding"]
        headers = [(k, v) for k, v in headers if k.lower() != b"accept-encoding"]
        if accepts_gzip(encodings):
            headers.append((b"accept-encoding", b"gzip"))
        await app(dict(scope, headers=headers), receive, send)

    return normalised


def wrap(datasette):
    """The asgi_wrapper hook's wrapper: Datasette's app inside the layers above."""
    def wrapper(datasette_app):
        app = csv_stream.whole_tables(json_facets.asked_only(formats.layer(datasette_app, datasette)), datasette)
        built = caching.build_prefix(datasette)
        if built:
            app = caching.far_future(app)
        app = GZipMiddleware(app, minimum_size=GZIP_MINIMUM, compresslevel=GZIP_LEVEL)
        if built:
            app = kept(app, KeptPages(megabytes(*KEEP_MB) * 2**20, LARGEST_MB * 2**20))
            app = caching.under_prefix(app, datasette, *built)
        return normalise(app, datasette_app)

    return wrapper
