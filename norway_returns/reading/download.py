"""A publication fetched from its address (http or https), within a time and a size.

What comes back must be a publication: a PDF or a text. An HTML page (the police's web
page about the statistics, a login or error page) is refused, as is anything larger
than a monthly publication can be, or slower than the time allowed.
"""

import time
import urllib.error
import urllib.request

from ..errors import BuildError
from .sources import MAX_DOCUMENT_BYTES

CHUNK = 1 << 16
USER_AGENT = "norway-returns (forced-returns statistics from Norway)"


def is_url(text):
    return str(text).lower().startswith(("http://", "https://"))


def download(url, timeout=30.0, max_bytes=MAX_DOCUMENT_BYTES):
    """The body at `url` (redirects followed) as bytes; BuildError(url, ...) if it cannot be had."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    late = f"no whole answer within {timeout:g} s (a slow or stalled server; try again, or download it yourself)"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise BuildError(url, None, _too_large(int(length), max_bytes))
            if "html" in response.headers.get_content_type():
                raise BuildError(url, None, _html(response.headers.get_content_type()))
            body = bytearray()
            while chunk := response.read(CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise BuildError(url, None, f"more than {max_bytes / 1e6:.0f} MB: too large for a monthly "
                                     "publication")
                if time.monotonic() > deadline:
                    raise BuildError(url, None, late)
            return bytes(body)
    except urllib.error.HTTPError as e:
        raise BuildError(url, None, f"the server answered HTTP {e.code} {e.reason}") from None
    except TimeoutError:
        raise BuildError(url, None, late) from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError):
            raise BuildError(url, None, late) from None
        raise BuildError(url, None, f"cannot be fetched: {getattr(reason, 'strerror', None) or reason}") from None
    except OSError as e:  # a connection reset or refused while reading
        raise BuildError(url, None, f"cannot be fetched: {e.strerror or e}") from None


def _too_large(size, limit):
    return f"{size / 1e6:.1f} MB: too large for a monthly publication (at most {limit / 1e6:.0f} MB)"


def _html(what):
    return (f"an HTML page ({what}), not a publication: give the address of the PDF itself "
            "(the link on the statistics page), or download it and add the file")


def kind_of(data, name):
    """'.pdf' or '.txt' for a publication's bytes; BuildError(name, ...) for anything else."""
    head = data[:1024]
    if b"%PDF-" in head:
        return ".pdf"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")):
        raise BuildError(name, None, _html("text/html"))
    if start.startswith((b"pk\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BuildError(name, None, "an office document, not a publication: save it as PDF (or as text) "
                         "and add that")
    if not data.strip():
        raise BuildError(name, None, "empty: not a publication")
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs
        raise BuildError(name, None, "binary data: neither a PDF nor a text")
    return ".txt"
