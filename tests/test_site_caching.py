"""norway_returns/site/caching.py: the pages of a build cached for as long as it stands."""

from conftest import PREFIX
from site_helpers import ok
from norway_returns.site.caching import FAR_FUTURE

YEAR = FAR_FUTURE.decode()


def test_a_page_of_the_build_is_kept_for_a_year(prefixed_site):
    response = ok(prefixed_site, PREFIX + "returns/returns.json?country=SYR&period=2024-05&_shape=array")
    assert response.headers["cache-control"] == YEAR
    assert sum(r["count"] for r in response.json() if r["kind"] == "nationality") == 59  # Syria's printed Total
    # its links stay under the prefix
    assert f'href="{PREFIX}returns/publications"' in ok(prefixed_site, PREFIX).text


def test_an_older_builds_page_is_redirected_to_this_ones(prefixed_site):
    response = prefixed_site.request("/v-ffffffffffff/returns/returns?country=SYR")
    assert response.status_code == 302 and response.headers["location"] == PREFIX + "returns/returns?country=SYR"


def test_outside_the_prefix_a_minute(prefixed_site):
    response = ok(prefixed_site, "/")
    assert response.headers["cache-control"] == "max-age=60"


def test_not_kept_errors_private_pages_and_cookies(prefixed_site):
    assert prefixed_site.request(PREFIX + "returns/no_such_table").headers.get("cache-control") != YEAR
    signed_in = prefixed_site.request(PREFIX + "returns/returns?_size=1", cookies={"ds_actor": "x"})
    assert signed_in.headers.get("cache-control") != YEAR
    # a CSV stream that is not csv_stream.py's whole table: Datasette's own, which may end in an error
    filtered = ok(prefixed_site, PREFIX + "returns/returns.csv?_stream=on&period__gte=1900")
    assert filtered.headers.get("cache-control") != YEAR
    whole = ok(prefixed_site, PREFIX + "returns/returns.csv?_stream=on&_size=max")
    assert whole.headers["cache-control"] == YEAR
