"""Facets in JSON only when the request asks for them.

Datasette 0.65 counts a table's default facets (the metadata's `facets`, four on `returns`)
for its JSON as well as for its HTML page: `returns.json?_size=100` took 28.5 ms with them
and 2.7 ms without, and paging through the table as JSON counted them again on every page.
A program reading the JSON API asks for rows; one that wants counts says which with
`_facet=COLUMN` (or `_facet_array=`, `_facet_date=`), and then gets those and the default
facets, as Datasette gives them. So a JSON request that names no facet is answered as with
Datasette's own `_nofacet=1` (which its CSV already adds for itself); the HTML pages keep
their facets. The `next_url` of such a page carries the `_nofacet=1` on.
"""

from urllib.parse import parse_qsl

ASKING = ("_facet", "_facet_array", "_facet_date")


def wants_no_facets(path, query_string):
    """Whether a request is for JSON and names no facet (and has not said _nofacet itself)."""
    args = parse_qsl(query_string, keep_blank_values=True)
    fmt = next((v for k, v in args if k == "_format"), None)
    if not (path.endswith(".json") or fmt == "json"):
        return False
    return not any(k in ASKING or k == "_nofacet" for k, _ in args)


def asked_only(app):
    """An ASGI layer: `_nofacet=1` added to JSON requests that name no facet."""
    async def json_facets(scope, receive, send):
        if scope.get("type") == "http":
            query = scope.get("query_string", b"").decode("latin-1")
            if wants_no_facets(scope.get("path", ""), query):
                query = (query + "&" if query else "") + "_nofacet=1"
                scope = dict(scope, query_string=query.encode("latin-1"))
        await app(scope, receive, send)

    return json_facets
