"""norway_returns/site/sqlite_limits.py: every connection bounded, answered as the client's error."""

import pytest

from norway_returns.site import sqlite_limits


@pytest.mark.parametrize("sql,message", [
    ("select length(zeroblob(200000))", "string or blob too big"),
    ("select 'a' like '" + "%" * 300 + "'", "LIKE or GLOB pattern too complex"),
    ("attach database ':memory:' as x", "Statement must be a SELECT"),
])
def test_a_query_past_a_bound_is_refused(local_site, sql, message):
    response = local_site.get("/returns.json?" + __import__("urllib.parse").parse.urlencode({"sql": sql}))
    assert response.status_code == 400 and message in response.json()["error"], response.text[:300]


def test_the_bounds_are_set_on_the_sites_connections(local_site):
    rows = local_site.rows("/returns?sql=" + __import__("urllib.parse").parse.quote("select 1 as one"))
    assert rows == [{"one": 1}]
    assert sqlite_limits.PRAGMAS["hard_heap_limit"] == sqlite_limits.HEAP_LIMIT_MB * 2**20
