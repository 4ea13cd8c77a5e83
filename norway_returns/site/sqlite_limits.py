"""Bounds on every SQLite connection of a site that runs SQL from anyone.

Datasette's SQL time limit is a progress handler, which SQLite calls between the steps
of a query, once per thousand of its instructions. It cannot stop one long step, nor
a thousand steps that each build a large string. So every connection also gets:

- size limits (SQLITE_LIMIT_*): the largest string or blob a query may build, a LIKE
  or GLOB pattern, a statement and its compiled program. A step's work grows with the
  strings it handles: capped at 100 KB, the costliest step (instr or replace with a
  50 KB needle in a 100 KB string, quadratic) takes about a tenth of a second, where
  the default cap of a gigabyte allows hours;
- sorts and temporary tables in memory (temp_store), never gigabytes in temporary
  files, within a heap limit for the whole process (hard_heap_limit): a query that
  would pass it fails with "out of memory" at once, answered as the client's error
  (400, like a query stopped at the time limit; compat.query_outcomes);
- a watchdog that interrupts a statement still running at the time limit
  (sqlite3_interrupt, which SQLite checks at every row, not every thousand steps):
  a query whose every row takes a tenth of a second ran for 10 s before.

The database file is opened read-only and immutable by Datasette; ATTACH is off.
"""

import sqlite3
import threading
import time

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 100_000,  # largest string or blob; the biggest stored value is under 4 KB
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # longest SQL statement
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 200,  # LIKE/GLOB cost grows with pattern x string
    sqlite3.SQLITE_LIMIT_VDBE_OP: 25_000,  # instructions of one compiled statement (views: ~300)
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # nothing may be attached
}
HEAP_LIMIT_MB = 512  # all of SQLite's memory in this process (the pragma only lowers it)
PRAGMAS = {
    "temp_store": "MEMORY",  # sorts and temporary b-trees: in memory, under the heap limit
    "hard_heap_limit": HEAP_LIMIT_MB * 2**20,
}
# How often the watchdog looks for statements past the time limit.
TICK_S = 0.05


class Watchdog:
    """Statements by connection, with when each started; interrupts the overdue ones.

    A connection's trace callback (called by SQLite as each statement starts) stamps
    it; the watchdog thread calls interrupt() on a connection whose latest statement
    started longer ago than the limit, and forgets it. A statement that has already
    finished is not affected: SQLite ignores an interrupt when nothing runs (only one
    that starts on that connection at that very instant could be interrupted with it).
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.started = {}  # id(connection) -> (connection, started, limit in seconds)
        self.thread = None

    def watch(self, conn, limit_s):
        key = id(conn)

        def stamp(_sql):
            with self.lock:
                self.started[key] = (conn, time.monotonic(), limit_s)

        conn.set_trace_callback(stamp)
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self.run, name="sqlite-watchdog", daemon=True)
                self.thread.start()

    def run(self):
        while True:
            time.sleep(TICK_S)
            now = time.monotonic()
            with self.lock:
                for key, (conn, started, limit_s) in list(self.started.items()):
                    if now - started > limit_s:
                        del self.started[key]
                        try:
                            conn.interrupt()
                        except sqlite3.ProgrammingError:  # closed meanwhile
                            pass


WATCHDOG = Watchdog()


def prepare_connection(conn, datasette):
    """Bound a new connection (the plugin's prepare_connection hook)."""
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    for name, value in PRAGMAS.items():
        conn.execute(f"PRAGMA {name} = {value}")
    WATCHDOG.watch(conn, datasette.setting("sql_time_limit_ms") / 1000)
