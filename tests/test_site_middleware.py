"""norway_returns/site/middleware.py: one composition, in which what is kept and what is sent
agree on every header that decides a response's bytes."""

import gzip

import pytest

from conftest import PREFIX
from norway_returns.site.middleware import accepts_gzip


def get(local_site, path, headers):
    return local_site.request(path, headers=headers)


@pytest.mark.parametrize("values,accepted", [([b"gzip"], True), ([b"identity", b"gzip"], True),
                                             ([b"br, gzip;q=0.5"], True), ([b"gzip;q=0"], False),
                                             ([b"identity"], False), ([], False), ([b"*"], True)])
def test_accept_encoding_as_rfc_9110_reads_it(values, accepted):
    assert accepts_gzip(values) is accepted


def test_accept_encoding_given_twice_is_one_answer_kept_and_sent_alike(prefixed_site):
    path = PREFIX + "returns/returns.json?country=SYR&_size=max"
    twice = get(prefixed_site, path, [("Accept-Encoding", "identity"), ("Accept-Encoding", "gzip")])
    assert twice.headers["content-encoding"] == "gzip"
    once = get(prefixed_site, path, [("Accept-Encoding", "gzip")])
    assert once.headers.get("x-page-cache") == "hit" and once.content == twice.content
    plain = get(prefixed_site, path, [("Accept-Encoding", "gzip;q=0")])
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(gzip.compress(plain.content)) == plain.content
    assert plain.json()["rows"] == once.json()["rows"]


def test_two_host_headers_are_refused(prefixed_site):
    response = get(prefixed_site, PREFIX + "returns", [("Host", "a.example"), ("Host", "b.example")])
    assert response.status_code == 400


def test_the_host_decides_the_absolute_links_kept(prefixed_site):
    path = PREFIX + "returns/returns.json?_size=1"
    a = get(prefixed_site, path, [("Host", "a.example")]).json()["next_url"]
    b = get(prefixed_site, path, [("Host", "b.example")]).json()["next_url"]
    assert a.startswith("http://a.example/") and b.startswith("http://b.example/")
