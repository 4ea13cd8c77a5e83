"""Datasette plugin: how the site answers a request it cannot serve.

- A request that asks for what a table does not offer is the client's error (400),
  not the server's (500). Datasette 0.65 raises its sort errors (`?_sort=` on a column
  that does not exist or is not sortable, `_sort` with `_sort_desc`) with status 500,
  which reads as the site failing. The message stays Datasette's own.
- No traceback is rendered for it on the server. Where the `rich` library is
  installed (the data package's tools bring it), Datasette prints every error with
  its local variables to the console, on the thread that serves every request: about
  three seconds per bad query, during which no other page is answered.
"""

import datasette.handle_exception
from datasette import hookimpl
from datasette.views.base import DatasetteError

datasette.handle_exception.rich = None  # Datasette checks this module global before printing

CLIENT_ERRORS = ("Cannot sort table by ", "Cannot use _sort and _sort_desc at the same time")


@hookimpl
def handle_exception(exception):
    if isinstance(exception, DatasetteError) and exception.status == 500 \
            and str(exception.message).startswith(CLIENT_ERRORS):
        exception.status = 400  # Datasette's own handler renders it, with this status
    return None
