"""A publication fetched from its address (http or https), whole, within a time and a size.

What comes back must be a publication: a PDF, a text, or the publication's web page
(an HTML page, kept as .html). A body is taken only whole: one shorter than the
Content-Length the server announced, or a chunked stream cut before its last chunk, is
refused as incomplete. The time allowed bounds the whole download (connecting, the
headers and every byte of the body), not each read: a server that sends a byte a second
is cut off when it is up. Anything larger than a monthly publication can be is refused,
and every failure of the network is a message naming the address, never a traceback.
"""

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..errors import BuildError
from .sources import MAX_DOCUMENT_BYTES

CHUNK = 1 << 16
USER_AGENT = "norway-returns (forced-returns statistics from Norway)"
HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_url(text):
    return str(text).lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Fetched:
    data: bytes
    url: str  # where it came from, redirects followed (links in a page are relative to it)
    content_type: str  # as the server said, e.g. text/html
    charset: str | None

    @property
    def is_html(self):
        return self.content_type in HTML_TYPES


class _Deadline:
    """Every connection a download opens, shut when its time is up: a read blocked on a
    server that sends nothing, or a byte at a time, then returns at once."""

    def __init__(self, seconds):
        self.at = time.monotonic() + seconds
        self.sockets, self.passed = [], False
        self.lock = threading.Lock()
        self.timer = threading.Timer(seconds, self._shut)
        self.timer.daemon = True

    def _shut(self):
        with self.lock:
            self.passed = True
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def watch(self, sock):
        with self.lock:
            self.sockets.append(sock)
        if self.passed:
            self._shut()

    def left(self):
        return self.at - time.monotonic()

    def opener(self):
        deadline = self

        def watched(connection_class):
            class Watched(connection_class):
                def connect(self):
                    super().connect()
                    deadline.watch(self.sock)

            return Watched

        class HTTP(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(watched(http.client.HTTPConnection), req)

        class HTTPS(urllib.request.HTTPSHandler):
            def https_open(self, req):
                return self.do_open(watched(http.client.HTTPSConnection), req, context=self._context)

        return urllib.request.build_opener(HTTP, HTTPS)


def fetch(url, timeout=30.0, max_bytes=MAX_DOCUMENT_BYTES):
    """What is at `url` (redirects followed), whole: Fetched; BuildError(url, ...) if it cannot be had."""
    deadline = _Deadline(timeout)
    late = f"no whole answer within {timeout:g} s (a slow or stalled server; try again, or download it yourself)"
    deadline.timer.start()
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with deadline.opener().open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            length = int(length) if length and length.strip().isdigit() else None
            if length is not None and length > max_bytes:
                raise BuildError(url, None, _too_large(length, max_bytes))
            body = bytearray()
            try:
                # read1: what has arrived, so that the deadline is looked at between reads
                while chunk := response.read1(CHUNK):
                    body += chunk
                    if len(body) > max_bytes:
                        raise BuildError(url, None, f"more than {max_bytes / 1e6:.0f} MB: too large for a "
                                         "monthly publication")
                    if deadline.passed:
                        raise BuildError(url, None, late)
            except http.client.IncompleteRead:  # a chunked stream cut before its last chunk
                raise BuildError(url, None, late if deadline.passed else _incomplete(len(body), None)) from None
            if deadline.passed:
                raise BuildError(url, None, late)
            if length is not None and len(body) < length:  # the connection closed early
                raise BuildError(url, None, _incomplete(len(body), length))
            return Fetched(bytes(body), response.geturl(), response.headers.get_content_type(),
                           response.headers.get_content_charset())
    except BuildError:
        raise
    except urllib.error.HTTPError as e:
        raise BuildError(url, None, f"the server answered HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if deadline.passed or isinstance(reason, TimeoutError):
            raise BuildError(url, None, late) from None
        raise BuildError(url, None, f"cannot be fetched: {getattr(reason, 'strerror', None) or reason}") from None
    except (TimeoutError, socket.timeout):
        raise BuildError(url, None, late) from None
    except OSError as e:  # a connection reset or refused while reading
        if deadline.passed:
            raise BuildError(url, None, late) from None
        raise BuildError(url, None, f"cannot be fetched: {e.strerror or e}") from None
    except http.client.InvalidURL as e:
        raise BuildError(url, None, f"not an address that can be fetched: {e}") from None
    except http.client.HTTPException as e:  # a broken answer: no status line, a header too long, ...
        if deadline.passed:
            raise BuildError(url, None, late) from None
        raise BuildError(url, None, f"cannot be fetched: the server's answer is broken "
                         f"({type(e).__name__}{': ' + str(e) if str(e) else ''})") from None
    except ValueError as e:  # an address urllib cannot use (a port that is no number, ...)
        raise BuildError(url, None, f"not an address that can be fetched: {e}") from None
    finally:
        deadline.timer.cancel()


def download(url, timeout=30.0, max_bytes=MAX_DOCUMENT_BYTES):
    """The body at `url`, whole, as bytes (see fetch)."""
    return fetch(url, timeout, max_bytes).data


def _incomplete(got, expected):
    said = f"the server announced {expected:,} bytes and sent {got:,}" if expected else \
        f"the server's chunked answer stopped after {got:,} bytes, before its last chunk"
    return f"incomplete: {said} (the connection was cut); nothing was kept: try again"


def _too_large(size, limit):
    return f"{size / 1e6:.1f} MB: too large for a monthly publication (at most {limit / 1e6:.0f} MB)"


def looks_like_html(data):
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")) or b"<html" in start[:512]


def kind_of(data, name, content_type=None):
    """'.pdf', '.html' (a web page) or '.txt' for a publication's bytes; BuildError(name, ...)
    for anything else."""
    head = data[:1024]
    if b"%PDF-" in head:
        return ".pdf"
    if content_type in HTML_TYPES or looks_like_html(data):
        return ".html"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"pk\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BuildError(name, None, "an office document, not a publication: save it as PDF (or as text) "
                         "and add that")
    if not data.strip():
        raise BuildError(name, None, "empty: not a publication")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs
        raise BuildError(name, None, "binary data: neither a PDF nor a text")
    return ".txt"
