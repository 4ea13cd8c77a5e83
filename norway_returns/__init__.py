"""Forced returns from Norway: the police's monthly statistics as one SQLite database.

Stages, one module each: sources -> extract -> tables -> countries -> figures ->
reconcile -> db. `build.build()` runs them in order.
"""
