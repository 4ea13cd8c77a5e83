"""How the site answers a request it cannot serve.

A request that asks for what a table does not offer is the client's error (400), not the
server's (500). Datasette 0.65 raises its sort errors (`?_sort=` on a column that does not
exist or is not sortable, `_sort` with `_sort_desc`) with status 500, which reads as the site
failing; fixed in Datasette 1.0a2 (datasette#1950), not in 0.65.x. The message stays
Datasette's own, and Datasette's own handler renders it, with the status set here.

(Out of memory is answered as a query error, 400: compat.query_outcomes. No traceback is
printed per error: compat.quiet_errors.)
"""

from .compat import DatasetteError

CLIENT_ERRORS = ("Cannot sort table by ", "Cannot use _sort and _sort_desc at the same time")


def as_client_error(exception):
    """The plugin's handle_exception hook: set a client error's status; Datasette renders it."""
    if isinstance(exception, DatasetteError) and exception.status == 500 \
            and str(exception.message).startswith(CLIENT_ERRORS):
        exception.status = 400
    return None
