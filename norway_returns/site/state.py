"""What the site works out once per Datasette instance and keeps on it (the database is
immutable): the names of codes, the cells made of them, the front page's figures, the
publications served. Kept on the instance, not in a module, so that two sites of one process
(the tests make many) never see each other's."""


def kept(datasette, what):
    """The dict kept under `what` for this site (made empty the first time)."""
    try:
        return datasette.norway_returns_kept[what]  # asked for every cell: the quickest way first
    except AttributeError:
        datasette.norway_returns_kept = {}
    except KeyError:
        pass
    return datasette.norway_returns_kept.setdefault(what, {})
