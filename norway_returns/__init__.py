"""Forced returns from Norway: the police's monthly statistics as one SQLite database.

Stages, one module each: sources -> extract (pdf for PDFs) -> tables -> countries ->
figures -> reconcile (with corrections) -> db. `build.build()` runs them in order,
reading PDFs in parallel and keeping what each gave in the cache (cache.py); files
are written whole or not at all (atomic.py).
"""
