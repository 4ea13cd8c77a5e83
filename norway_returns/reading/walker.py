"""The walk of a table, the same for every reader: from its header, past blank lines, page
furniture, a title and the header repeated at the head of a page, to its Total row.

A reader says what each of its items is (a printed line of a PDF, a line of a text, a
Line of cells) by subclassing Walk: `what(k)` names the item's kind, `header_end(k)` where
a header block beginning at k ends (None where it is no table's header); the hooks
`header`, `title`, `row`, `total` and `other` receive what the walk finds, in order.
The table stage (tables.py) walks Lines so to read a table's cells; the readers that
place words by position (pdf.py, positional.py) walk their printed lines so to find
which of them form a table before they make its cells.
"""

BLANK, FURNITURE, TITLE, HEADER, ROW, TOTAL, OTHER, STOP = (
    "blank", "furniture", "title", "header", "row", "total", "other", "stop")


class Walk:
    """One table's walk over items 0..n-1. Subclasses say what the items are; see the module."""

    # a line that reads as none of a table's (prose, a row that is not one) ends the table
    # (a reader of words that stops where its table stops), or is a row of it (the table
    # stage, which says what is wrong with such a row)
    other_ends = False
    # a title below rows on the same page begins the next table (readers of pages)
    title_after_rows_ends = False

    def __init__(self, n):
        self.n = n

    def what(self, k):
        raise NotImplementedError

    def header_end(self, k):
        raise NotImplementedError

    def page(self, k):
        """The page item k stands on (None: the items have no pages)."""
        return None

    def too_far(self, k, rows_on_page):
        """Whether item k stands too far below the rows of its page to be the table's (a footer)."""
        return False

    # hooks
    def header(self, first, end):
        pass

    def title(self, k):
        pass

    def skipped(self, k, what):
        pass

    def row(self, k):
        pass

    def total(self, k):
        """A Total row at k: the index where the table goes on (a Total row that is only a
        footer repeated at the foot of a page), or None where it ends."""
        return None

    def walk(self, start):
        """Walk the table whose header begins at `start`: the index after its last item, and
        whether it ended at its Total row."""
        end = self.header_end(start)
        self.header(start, end)
        k, rows = end, []  # rows: those of the current page
        while k < self.n:
            if rows and self.page(k) != self.page(rows[-1]):
                rows = []
            what = self.what(k)
            if what in (BLANK, FURNITURE):
                self.skipped(k, what)
                k += 1
                continue
            if what == STOP:
                break
            if what == TITLE:
                if rows and self.title_after_rows_ends:
                    break
                self.title(k)
                k += 1
                continue
            if what == HEADER:
                j = self.header_end(k)
                if j is None:
                    break
                self.header(k, j)
                k = j
                continue
            if what == OTHER and self.other_ends:
                break
            if rows and self.too_far(k, rows):
                break
            rows.append(k)
            if what == TOTAL:
                j = self.total(k)
                if j is None:
                    return k + 1, True
                k = j
                continue
            self.row(k)
            k += 1
        return k, False
