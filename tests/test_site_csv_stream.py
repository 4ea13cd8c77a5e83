"""norway_returns/site/csv_stream.py: a whole table as CSV, the same bytes as Datasette's own
stream, at the speed of one query."""

import csv
import io

from norway_returns.site import csv_stream


def test_the_whole_table_with_labels(local_site):
    response = local_site.ok("/returns/returns.csv?_stream=on&_labels=on&_size=max")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1303  # every cell of the four publications
    syria = [r for r in rows if r["period"] == "2024-05" and r["kind"] == "nationality" and r["country"] == "SYR"
             and r["category"] == "dublin"]
    assert [(r["count"], r["country_label"], r["category_label"]) for r in syria] == [("44", "Syria", "Dublin")]


def test_the_same_bytes_as_datasettes_own_stream(local_site):
    ours = local_site.ok("/returns/returns.csv?_stream=on&_labels=on&_size=max").text
    # a filter that keeps every row sends the request to Datasette's own stream
    theirs = local_site.ok("/returns/returns.csv?_stream=on&_labels=on&_size=max&period__gte=1900").text
    assert ours == theirs


def test_the_table_pages_csv_link_streams_every_row(local_site):
    html = local_site.ok("/returns/returns").text
    assert 'href="/returns/returns.csv?_labels=on&amp;_size=max&amp;_stream=on"' in html
    assert csv_stream.UNDERSTOOD >= {"_stream", "_labels", "_size"}
