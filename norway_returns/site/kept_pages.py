"""The pages of a build kept in this process's memory, as a caching proxy would keep them.

Asked again (the same path and query, host and scheme, gzipped or not, by a reader without a
cookie), a page that went out with the build's far-future Cache-Control (caching.py) is sent
from memory instead of being made again: the same bytes and headers, with
`x-page-cache: hit` added. Without a proxy in front (a `datasette publish` to a platform
without a CDN), a page that a newspaper's link sends thousands to is made once.

At most 64 MB in all (the environment's NORWAY_RETURNS_KEEP_PAGES_MB; 0 keeps none), the
least recently asked page dropped first; a response over LARGEST_MB is not kept. A page is
counted by what it costs the process: every object kept for it (its body, its start message
and headers, its key, its slot), as Python sizes them. A large body is kept in memory mapped
for it alone, given back to the system when the page is dropped: bodies kept on the heap and
dropped in the order readers happen to ask leave holes that the process keeps (a third more
than the cap, in tests/test_site_kept_pages.py), so the cap would not be what it spends. The key is
made from the request as middleware.py normalised it, the same request every layer below
sees, so what is kept and what is sent agree on every header that decides the bytes.
"""

import mmap
import os
import sys
from collections import OrderedDict

from .caching import FAR_FUTURE, PREFIXED, anonymous

KEEP_MB = "NORWAY_RETURNS_KEEP_PAGES_MB", 64  # the environment's setting, and its default
LARGEST_MB = 2  # the largest page kept (a whole table as CSV is not: it is streamed anew)
HIT = (b"x-page-cache", b"hit")


def megabytes(name, default):
    value = os.environ.get(name, str(default))
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name} is a number of megabytes (0 keeps no page), not {value!r}") from None


OUTSIDE_HEAP = 64 * 1024  # bodies of at least this many bytes are kept in memory of their own
SLOT = 100  # bytes of an OrderedDict's entry beyond the objects it holds (its hash slot and link)


class Body:
    """A large body in anonymous memory mapped for it alone (munmap'd when dropped)."""

    def __init__(self, data):
        self.size = len(data)
        self.memory = mmap.mmap(-1, self.size)
        self.memory.write(data)

    def bytes(self):
        return self.memory[:self.size]

    def cost(self):
        return -(-self.size // mmap.PAGESIZE) * mmap.PAGESIZE + sys.getsizeof(self) + sys.getsizeof(self.memory)


def cost(key, start, body):
    """What keeping a page costs, in bytes: every object kept for it, as Python sizes them."""
    headers = start["headers"]
    held = [start, headers, *headers, *(half for pair in headers for half in pair), key, *key, (start, body, 0)]
    return sum(map(sys.getsizeof, held)) + (body.cost() if isinstance(body, Body) else sys.getsizeof(body)) + SLOT


class KeptPages:
    """The pages of a build in memory, by request: (start message, body), least recently
    asked first out once they pass `limit` bytes in all."""

    def __init__(self, limit, largest):
        self.limit, self.largest = limit, min(limit, largest)
        self.pages = OrderedDict()
        self.size = 0

    def key(self, scope):
        """What a page depends on besides its path and query: the host and scheme its absolute
        links are made from (JSON's next_url, the Atom feed), and whether it goes out gzipped."""
        if self.limit <= 0 or scope.get("method") != "GET":
            return None
        headers = dict((k.lower(), v) for k, v in scope.get("headers", []))
        return (scope.get("scheme"), headers.get(b"host"), scope["path"], scope.get("query_string", b""),
                headers.get(b"accept-encoding") == b"gzip")

    def get(self, key):
        """(start message, body bytes) of the page kept for `key`, or None."""
        page = self.pages.get(key) if key is not None else None
        if page is None:
            return None
        self.pages.move_to_end(key)
        start, body, _ = page
        return start, body.bytes() if isinstance(body, Body) else body

    def put(self, key, start, body):
        if len(body) > self.largest:
            return
        if len(body) >= OUTSIDE_HEAP:
            body = Body(body)
        size = cost(key, start, body)
        old = self.pages.pop(key, None)
        self.size += size - (old[2] if old else 0)
        self.pages[key] = (start, body, size)
        while self.size > self.limit:
            _, (_, _, dropped) = self.pages.popitem(last=False)
            self.size -= dropped


def kept(app, pages):
    """Pages under the build's prefix sent from `pages` when kept; kept when they go out with
    the build's far-future Cache-Control."""

    async def keeping(scope, receive, send):
        key = pages.key(scope) if scope.get(PREFIXED) and anonymous(scope) else None
        if key is None:
            return await app(scope, receive, send)
        page = pages.get(key)
        if page is not None:
            start, body = page
            await send(dict(start, headers=[*start["headers"], HIT]))
            await send({"type": "http.response.body", "body": body})
            return
        keeping = []  # the start message, then the bodies of a page to keep

        async def sending(message):
            if message["type"] == "http.response.start":
                if message["status"] == 200 and (b"cache-control", FAR_FUTURE) in message.get("headers", []):
                    keeping.append(message)
            elif keeping and message["type"] == "http.response.body":
                keeping.append(message.get("body", b""))
                if sum(map(len, keeping[1:])) > pages.largest:
                    keeping.clear()  # too large to keep: sent on as it comes
                elif not message.get("more_body", False):
                    pages.put(key, keeping[0], b"".join(keeping[1:]))
            await send(message)

        await app(scope, receive, sending)

    return keeping
