"""The files the program reads, found through the installed package, never through a checkout.

Everything `build`, `serve`, `package` and `publish` read ships inside `norway_returns/` as
package data (pyproject.toml, [tool.setuptools.package-data]): a wheel installed anywhere
builds from a folder that holds only raw/ and serves the whole site. The package is installed
as files (Datasette and SQLite need real paths), so each of these is a `pathlib.Path`.
"""

from importlib.resources import files
from pathlib import Path

PACKAGE = Path(str(files("norway_returns")))

DATA = PACKAGE / "data"  # vocabularies: categories, countries, titles, figures, publishing
VIEWS = PACKAGE / "sql" / "views"  # one view per file, the file name is the view's
SITE = PACKAGE / "site"  # the Datasette plugin: its templates/ and static/ are found by Datasette
METADATA = SITE / "metadata.yml"  # Datasette's titles, descriptions, facets, canned queries, dashboards
