#!/usr/bin/env python3
"""Build returns.db from the publications in raw/. See `python build_db.py --help`."""

from norway_returns.cli import main

if __name__ == "__main__":
    main()
