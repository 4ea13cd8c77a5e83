"""The one interface of the readers: a form of document -> Lines (lines.py).

A new form of document is a subclass that names its file suffixes and reads a file
into Lines; `reader_for` finds the reader of a file. The readers are registered in
extract.py, which is the only module that knows them all.
"""


class Reader:
    """Reads one form of document. Subclasses set `suffixes` and implement `read`."""

    suffixes: tuple = ()

    def read(self, path, name):
        """The Lines of the file at `path`, named `name` (raw/FILE) in what they say; a
        BuildError naming the file (and line) where it cannot be read."""
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}{self.suffixes}"
