"""norway_returns/site/kept_pages.py: a page asked again is sent from memory, within a limit."""

import subprocess
import sys

import pytest

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


# Pages of every size, kept and dropped in the orders readers happen to ask them in; a third
# of them asked again and again (kept longest). Run in a process of its own, its growth read
# from /proc: what the cache costs the process must be its cap, give or take a little.
GROWTH = """
import os, sys
from norway_returns.site.kept_pages import KeptPages
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096
cap = 32 * 2**20
pages = KeptPages(cap, 2 * 2**20)
order = sys.argv[1]
base, peak, hot = rss(), 0, []
for i in range(1200):
    size = {"creeping": 100_000 + (i * 300) % 1_800_000, "small": 300 + i % 700,
            "mixed": (500, 5_000, 60_000, 300_000, 1_500_000)[i % 5]}[order]
    start = {"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(size).encode()),
        (b"cache-control", b"public, max-age=31536000, immutable"), (b"vary", b"Accept-Encoding")]}
    key = ("http", b"localhost:8001", "/v-0123456789ab/returns/returns.json", b"country=%d" % i, True)
    pages.put(key, start, b"%d" % (i % 10) * size)  # touched bytes: counted in the RSS
    if i % 3 == 0:
        hot.append(key)
    for k in hot[-10:]:
        pages.get(k)
    peak = max(peak, rss() - base)
print(pages.size / cap, peak / cap)
"""


@pytest.mark.parametrize("order", ["creeping", "small", "mixed"])
def test_the_cap_is_what_the_process_spends(order):
    from conftest import ROOT
    out = subprocess.run([sys.executable, "-c", GROWTH, order], capture_output=True, text=True, cwd=ROOT, check=True)
    counted, grown = map(float, out.stdout.split())
    assert counted <= 1.0
    assert grown <= 1.15, f"{order}: the process grew {grown:.2f} times the cap"
