"""Forced returns from Norway: the police's monthly statistics as one SQLite database.

The package is grouped by job:
- reading/: sources (the manifest) -> extract (pdf for PDFs) -> tables -> countries,
  figures; what each document gave is kept in the cache (cache.py).
- checking/: reconcile every table with its printed totals, with a person's corrections.
- writing/: the database, written with sqlite-utils.
- site/: serving it with Datasette and publishing a copy.
`build.build()` runs the stages in order; `cli.py` is the `norway-returns` program. Files
are written whole or not at all (atomic.py); errors name FILE:LINE (errors.py).
"""
