"""Helpers for tests/test_site.py: Datasette's own test client, synchronously, and the
pieces of datasette-vega's URL-fragment format the chart links rely on."""

import asyncio
import csv
import io
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import httpx
import yaml
from datasette.app import Datasette

from norway_returns.resources import METADATA, VIEWS as VIEWS_DIR

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "returns"

# datasette-vega (static/main.*.js, DatasetteVega.js in its source map) keeps its state in
# the fragment as `g.KEY=VALUE` pairs joined by `&`, each part URI-encoded:
#   #g.mark=line&g.x_column=period&g.x_type=ordinal&g.y_column=total&g.y_type=quantitative
CHART_KEYS = {"mark", "x_column", "x_type", "y_column", "y_type", "color_column", "size_column"}
CHART_MARKS = {"bar", "line", "circle"}
CHART_TYPES = {"quantitative", "quantitative-bin", "temporal", "temporal-bin", "ordinal", "nominal"}
CHART_COLUMN_KEYS = ("x_column", "y_column", "color_column", "size_column")


def live_view(conn, view):
    """sql/views/VIEW.sql as a temporary view `live_VIEW`, computed when queried (the
    stored views' tables are compared with it); its name."""
    conn.execute(f"create temp view if not exists [live_{view}] as "
                 + (VIEWS_DIR / f"{view}.sql").read_text(encoding="utf-8"))
    return f"live_{view}"


def load_metadata():
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def database_metadata(metadata=None):
    return (metadata or load_metadata())["databases"][DATABASE]


def serve_settings():
    """The settings `make serve` gives Datasette (norway_returns/site/serve.py), so the tests
    run the site as it is served; "on"/"off" become booleans, as on the command line."""
    from norway_returns.site.serve import SETTINGS
    return {k: {"on": True, "off": False}.get(v, v) if isinstance(v, str) else v for k, v in SETTINGS.items()}


class Site:
    """A Datasette instance serving one database file immutable (as `datasette -i`), with
    synchronous get/json/csv helpers. One event loop for all requests of the instance.
    The site's plugin is installed (the package's entry point): Datasette loads it, with
    its templates and static files, as `make serve` does; raw/ is mounted as it does."""

    def __init__(self, db_path, metadata=None, settings=None, static_mounts=None, raw=ROOT / "raw"):
        self.ds = Datasette(immutables=[str(db_path)], metadata=metadata or load_metadata(),
                            settings=settings or {},
                            static_mounts=[("raw", str(raw))] + list(static_mounts or []))
        self.loop = asyncio.new_event_loop()

    def close(self):
        self.loop.close()

    def get(self, path):
        return self.loop.run_until_complete(self.ds.client.get(path))

    def request(self, path, headers=None, cookies=None):
        """GET the path exactly as given (Datasette's client would put base_url before it),
        with these headers (a list of pairs: a header may be given twice)."""
        async def send():
            await self.ds.invoke_startup()
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                         base_url="http://localhost", cookies=cookies) as client:
                return await client.get(path, headers=headers)
        if not hasattr(self, "app"):
            self.app = self.ds.app()
        return self.loop.run_until_complete(send())

    def ok(self, path):
        response = self.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:500]}"
        return response

    def json(self, path):
        return self.ok(path).json()

    def rows(self, path):
        """Rows of a table, view or canned query as a list of dicts: PATH[?QUERY] is
        fetched as PATH.json?_shape=array[&QUERY]."""
        base, _, query = path.partition("?")
        return self.json(f"{base}.json?_shape=array" + (f"&{query}" if query else ""))

    def csv(self, path):
        return list(csv.DictReader(io.StringIO(self.ok(path).text)))


def chart_rows(site, dashboard, slug, query_string):
    """A dashboard chart's rows, asked for at the URL its page fetches them from."""
    from norway_returns.site.dashboard_pages import data_url
    chart = load_metadata()["plugins"]["datasette-dashboards"][dashboard]["charts"][slug]
    return site.json(data_url(chart, query_string, "/"))["rows"]


def ok(site, path, headers=None):
    """A page asked exactly as given (under a build's prefix, say), answered 200."""
    response = site.request(path, headers=headers)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:500]}"
    return response


def split_fragment(fragment):
    """The chart settings of a fragment, read as datasette-vega reads them."""
    fragment = fragment.lstrip("#")
    out = {}
    for bit in fragment.split("&"):
        if bit.startswith("g."):
            key, _, value = bit.partition("=")
            out[unquote(key)[2:]] = unquote(value)
    return out


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def links(html):
    """Every <a href> of an HTML fragment, entities decoded."""
    parser = _Links()
    parser.feed(html)
    return parser.links
