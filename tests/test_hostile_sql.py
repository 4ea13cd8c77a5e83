"""Hostile SQL through HTTP, against the site as `make serve` runs it.

Each query is refused, or stopped by the SQL time limit; the database does not
change; and the site keeps answering ordinary requests while they run.
"""

import concurrent.futures
import hashlib
import socket
import time
import urllib.parse

import httpx
import pytest

from norway_returns.site.serve import SETTINGS

LIMIT_S = SETTINGS["sql_time_limit_ms"] / 1000

HOSTILE = {
    "endless recursive CTE": "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r",
    "huge cross join": "select count(*) from returns a, returns b, returns c, returns d",
    "a gigabyte randomblob": "select length(randomblob(1000000000))",
    "a gigabyte zeroblob": "select hex(zeroblob(1000000000))",
    "attach": "attach database ':memory:' as other",
    "pragma write": "pragma journal_mode = delete",
    "pragma write in a select": "select * from pragma_user_version(7)",
    "load_extension": "select load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')",
    "insert": "insert into returns (period, kind, country, category, count) values ('2099-01', 'x', 'NOR', 'asylum', 1)",
    "update": "update returns set count = 0",
    "delete": "delete from returns",
    "drop": "drop table returns",
    "create": "create table evil (x)",
    "two statements": "select 1; drop table returns",
    "vacuum into": "vacuum into '/tmp/copy.db'",
}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(base, sql):
    started = time.monotonic()
    response = httpx.get(f"{base}/returns.json", params={"sql": sql, "_shape": "objects"}, timeout=60)
    return response, time.monotonic() - started


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_query_is_refused_or_stopped(site, name):
    base, db_path, _ = site
    before = digest(db_path)
    response, took = run(base, HOSTILE[name])
    body = response.text
    assert response.status_code in (400, 403), (response.status_code, body[:300])
    assert took < LIMIT_S + 8, took
    assert digest(db_path) == before
    # the data is all still there
    count = httpx.get(f"{base}/returns.json", params={"sql": "select count(*) n from returns", "_shape": "array"})
    assert count.json() == [{"n": 1303}]


def raw_get(base, target):
    """Send a request line as it is (HTTP clients refuse URLs this long): the status, or None if dropped."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        try:
            first = conn.makefile("rb").readline()
        except (ConnectionResetError, socket.timeout):
            return None
    return int(first.split()[1]) if first else None


def test_a_megabyte_query_string_is_refused(site):
    base, db_path, _ = site
    before = digest(db_path)
    sql = "select 1 where 'x' = '" + "x" * 1_000_000 + "'"
    # the HTTP server answers 400 or drops the connection; Datasette never runs it
    assert raw_get(base, "/returns.json?sql=" + urllib.parse.quote(sql)) in (None, 400, 413, 414, 431)
    assert digest(db_path) == before
    assert httpx.get(f"{base}/returns/returns.json?_size=1").status_code == 200


def test_site_keeps_answering_while_hostile_queries_run(site):
    base, _, _ = site
    slow = [HOSTILE["endless recursive CTE"], HOSTILE["huge cross join"]]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        running = [pool.submit(run, base, sql) for sql in slow]
        time.sleep(0.3)  # both now hold a SQL thread
        started = time.monotonic()
        ordinary = httpx.get(f"{base}/returns/returns.json",
                             params={"country": "UKR", "period": "2025-02", "_shape": "array"}, timeout=30)
        answered_in = time.monotonic() - started
        assert ordinary.status_code == 200
        assert {r["category"]: r["count"] for r in ordinary.json() if r["kind"] == "nationality"}["dublin"] == 20
        assert answered_in < LIMIT_S, answered_in
        for f in running:
            response, took = f.result()
            assert response.status_code == 400
            assert "took too long" in response.text.lower() or "interrupted" in response.text.lower()
