"""norway_returns/site/kept_pages.py: a page asked again is sent from memory, within a limit."""

from conftest import PREFIX
from site_helpers import ok
from norway_returns.site.kept_pages import HIT, KeptPages


def test_a_page_asked_again_comes_from_memory_with_the_same_bytes(prefixed_site):
    path = PREFIX + "returns/returns_wide.json?country=UKR&period=2025-02&_shape=array"
    first = ok(prefixed_site, path)
    again = ok(prefixed_site, path)
    assert "x-page-cache" not in first.headers and again.headers["x-page-cache"] == "hit"
    assert again.content == first.content
    assert [r["total"] for r in again.json() if r["kind"] == "nationality"] == [
        r["total"] for r in first.json() if r["kind"] == "nationality"]


def test_the_least_recently_asked_page_goes_first_past_the_limit():
    pages = KeptPages(limit=3000, largest=2000)
    start = {"type": "http.response.start", "status": 200, "headers": []}
    for n in range(3):
        pages.put(("http", b"h", f"/{n}", b"", False), start, b"x" * 900)
    assert pages.get(("http", b"h", "/0", b"", False)) is None  # 3 x (900 + key + 500) > 3000
    assert pages.get(("http", b"h", "/2", b"", False)) is not None
    assert pages.size <= 3000
    pages.put(("http", b"h", "/big", b"", False), start, b"x" * 2001)  # over `largest`: not kept
    assert pages.get(("http", b"h", "/big", b"", False)) is None
    assert HIT == (b"x-page-cache", b"hit")
