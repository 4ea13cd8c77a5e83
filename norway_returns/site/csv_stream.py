"""A whole table as CSV at the speed of one query.

Datasette 0.65 streams `TABLE.csv?_stream=on` by running its table page again for every
page of rows (counting, label lookups, a row object per row) and sends each row through
every ASGI layer on its own: at 20 years of months the `returns` table took half a minute.
For the plain case, a table's every row with or without labels, this plugin sends the same
bytes itself: pages of `max_returned_rows` read in primary-key order with a row-value
keyset (an index range each, so all pages together cost one scan), each page's labels
looked up by SQL in the same query and its CSV written in Datasette's SQL thread, and one
ASGI message per page. Anything else (filters, a sort, a view, SQL, a signed-in user)
goes to Datasette as before.

It also makes the table page's CSV link stream every row (`_stream=on`), so the link
gives the whole table (or the whole filtered selection), not its first page.
"""

import csv
import io
from urllib.parse import parse_qsl

from datasette.utils import tilde_decode
from datasette.utils.asgi import Request

from .caching import WHOLE_TABLE
from .compat import add_cors_headers, escape_sqlite, path_from_row_pks, path_with_format, sqlite_timelimit, table_sort

# Query-string arguments the fast path understands; any other goes to Datasette.
UNDERSTOOD = {"_stream", "_size", "_labels", "_dl", "_header", "_nofacet", "_nocount"}
TRUE = {"on", "1", "true", "yes"}


def csv_link(request, datasette, database, table):
    """The table page's CSV link, streaming every row (extra_template_vars of a table page)."""
    async def csv_link():
        db = datasette.get_database(database)
        labels = bool(await db.foreign_keys_for_table(table))
        extra = {"_size": "max", **({"_labels": "on"} if labels else {}), "_stream": "on"}
        return {"url_csv": datasette.urls.path(path_with_format(request=request, format="csv", extra_qs=extra))}

    return csv_link


def whole_tables(app, datasette):
    """The innermost layer of middleware.py: the other layers see this response too."""
    async def csv_stream(scope, receive, send):
        plan = await _plan(datasette, scope) if scope.get("type") == "http" else None
        if plan is not None:
            scope[WHOLE_TABLE] = True  # for caching.far_future: a complete file or none
        if plan is None or not await _stream(datasette, plan, send):
            scope.pop(WHOLE_TABLE, None)
            await app(scope, receive, send)

    return csv_stream


async def _plan(datasette, scope):
    """What to send for a plain whole-table CSV stream, or None for Datasette to answer."""
    path = scope.get("path", "")
    if scope.get("method") != "GET" or not path.endswith(".csv"):
        return None
    base_url = datasette.setting("base_url")
    if base_url != "/" and path.startswith(base_url):
        path = "/" + path[len(base_url):]
    parts = path.lstrip("/")[: -len(".csv")].split("/")
    args = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
    headers = {k.lower() for k, _ in scope.get("headers", [])}
    if (len(parts) != 2 or args.get("_stream", "").lower() not in TRUE or set(args) - UNDERSTOOD
            or args.get("_size", "max") != "max" or b"cookie" in headers or b"authorization" in headers):
        return None
    await datasette.invoke_startup()
    try:
        db = datasette.get_database(route=tilde_decode(parts[0]))
    except KeyError:
        return None
    table = tilde_decode(parts[1])
    if not datasette.setting("allow_csv_stream") or not await db.table_exists(table):
        return None
    if table_sort(datasette, db.name, table):
        return None  # a table sorted by metadata: Datasette's own paging keeps its order
    visible, _ = await datasette.check_visibility(
        None, permissions=[("view-table", (db.name, table)), ("view-database", db.name), "view-instance"])
    if not visible:
        return None
    details = await db.table_column_details(table)
    pks = await db.primary_keys(table)
    rowid_alias = len(pks) == 1 and any(c.name == pks[0] and c.type.upper() == "INTEGER" for c in details)
    if not rowid_alias and any(c.is_pk and not c.notnull for c in details):
        return None  # a NULL in the key would fall out of the keyset comparison
    select = ([] if pks else ["rowid"]) + [c.name for c in details]
    labels = {}
    if args.get("_labels", "").lower() in TRUE:
        for fk in await db.foreign_keys_for_table(table):
            if fk["column"] in select and fk["column"] not in labels:
                labels[fk["column"]] = (fk, await db.label_column_for_table(fk["other_table"]))
    headings = [h for c in select for h in ([c, f"{c}_label"] if c in labels else [c])]
    keys = pks or ["rowid"]
    return dict(db=db, table=table, select=select, pks=pks, keys=keys, labels=labels, headings=headings,
                key_at=[headings.index(k) for k in keys], header=args.get("_header") != "off", download=bool(args.get("_dl")),
                request=Request(scope, None))


def _sql(plan, after):
    """One page: the next max_returned_rows rows after the key `after`, each label beside its code."""
    cols = []
    for c in plan["select"]:
        cols.append(f"t.{escape_sqlite(c)}")
        if c in plan["labels"]:
            fk, label = plan["labels"][c]
            if label is None:  # no label column: Datasette labels a code with itself
                cols.append(f"t.{escape_sqlite(c)}")
            else:
                cols.append(f"(select {escape_sqlite(label)} from {escape_sqlite(fk['other_table'])} "
                            f"where {escape_sqlite(fk['other_column'])} = t.{escape_sqlite(c)} limit 1)")
    keys = ", ".join(f"t.{escape_sqlite(k)}" for k in plan["keys"])
    where = f"where ({keys}) > ({', '.join('?' for _ in plan['keys'])}) " if after else ""
    return (f"select {', '.join(cols)} from {escape_sqlite(plan['table'])} as t "
            f"{where}order by {keys} limit ?")


async def _stream(datasette, plan, send):
    """Send the CSV; False if its first page failed (Datasette then answers, with its error page).
    A later page that fails aborts the response, so that no cache keeps a truncated file."""
    db, size, key_at = plan["db"], datasette.setting("max_returned_rows"), plan["key_at"]
    limit = datasette.setting("max_csv_mb") * 1024 * 1024

    def page(conn, after):
        """The page's CSV, written in the SQL thread; the key to continue after (None at the end)."""
        factory, conn.row_factory = conn.row_factory, None  # plain tuples: a third faster
        try:
            with sqlite_timelimit(conn, datasette.setting("sql_time_limit_ms")):
                body = conn.execute(_sql(plan, after), [*(after or ()), size]).fetchall()
        finally:
            conn.row_factory = factory
        last = [body[-1][i] for i in key_at] if len(body) == size else None
        if any(isinstance(v, bytes) for r in body for v in r):
            body = [_blob_urls(datasette, plan, r) for r in body]
        out = io.StringIO()
        csv.writer(out).writerows(body)
        return out.getvalue(), last, body

    try:
        chunk, after, body = await db.execute_fn(lambda conn: page(conn, None))
    except Exception:
        return False
    headers = {"content-type": "text/csv; charset=utf-8" if plan["download"] else "text/plain; charset=utf-8",
               "vary": "Cookie, Authorization"}
    if plan["download"]:
        headers["content-disposition"] = f'attachment; filename="{plan["table"]}.csv"'
    if datasette.cors:
        add_cors_headers(headers)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]})
    head = io.StringIO()
    if plan["header"]:
        csv.writer(head).writerow(plan["headings"])
    text, sent = head.getvalue(), 0
    while True:
        if limit and sent + len(text) + len(chunk) > limit:  # max_csv_mb, counted as Datasette does
            text += _rows_within(body, limit - sent - len(text)) + f"CSV contains more than {limit} bytes"
            await send({"type": "http.response.body", "body": text.encode("utf-8")})
            return True
        text += chunk
        sent += len(text)
        await send({"type": "http.response.body", "body": text.encode("utf-8"), "more_body": after is not None})
        if after is None:
            return True
        text = ""
        chunk, after, body = await db.execute_fn(lambda conn: page(conn, after))


def _rows_within(rows, room):
    """The CSV of as many of `rows` as fit in `room` characters."""
    out, buf = [], io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow(row)
        if len(buf.getvalue()) > room:
            break
        out.append(buf.getvalue())
        room -= len(buf.getvalue())
    return "".join(out)


def _blob_urls(datasette, plan, row):
    """A binary cell as Datasette's CSV gives it: the absolute URL of the blob."""
    cells = dict(zip(plan["headings"], row))
    path = path_from_row_pks(cells, plan["pks"], not plan["pks"])
    return [datasette.absolute_url(plan["request"], datasette.urls.row_blob(plan["db"].name, plan["table"], path, col))
            if isinstance(v, bytes) else v for col, v in zip(plan["headings"], row)]
