#!/usr/bin/env python3
"""Build returns.db from the publications in raw/: `norway-returns build`.
See `python build_db.py --help`."""

from norway_returns.cli import build

if __name__ == "__main__":
    build()
