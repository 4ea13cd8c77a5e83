"""norway_returns/site/cells.py: a cell says where its number was read and what its code names."""

import re

from datasette.app import Datasette

from norway_returns.site import cells


def cell(html, column):
    return re.findall(rf'<td class="col-{column} [^>]*>(.*?)</td>', html)


def test_a_source_links_to_its_line(local_site):
    # Syria's Dublin returns so far in May 2024: 44, printed on line 165 of the text
    html = local_site.ok("/returns/returns?country=SYR&period=2024-05&kind=nationality&category=dublin").text
    assert cell(html, "count") == ["44"]
    assert cell(html, "source") == ['<a href="/-/source/2024-05-en.txt?lines=165#L165">raw/2024-05-en.txt:165</a>']


def test_sources_of_pdfs_texts_and_lists_under_a_base_url():
    ds = Datasette(memory=True, settings={"base_url": "/data/"})
    assert cells.linked_sources(ds, "raw/2025-03-en.pdf:68 (page 3)") == \
        '<a href="/data/raw/2025-03-en.pdf#page=3">raw/2025-03-en.pdf:68 (page 3)</a>'
    both = cells.linked_sources(ds, "raw/2024-05-en.txt:140,raw/2024-05-en.txt:141")
    assert both.count("<a ") == 2 and cells.linked_sources(ds, "no source here") is None


def test_a_code_shows_its_name_where_no_foreign_key_names_it(local_site):
    html = local_site.ok("/returns/returns_wide?country=SYR&period=2024-05&kind=nationality").text
    assert cell(html, "country") == ['<a href="/returns/countries/SYR" title="Syria">Syria</a> <em>SYR</em>']
    assert cell(html, "country_name") == ['<a href="/-/dashboards/country?country=Syria">Syria</a>']
    assert cell(html, "total") == ["59"]  # the row's printed Total


def test_why_a_cell_was_corrected_links_to_its_checks(local_site):
    # on the table page a foreign key's cell is {value, label}: the link carries the values
    html = local_site.ok("/returns/returns?status=corrected&country=COD&_size=1").text
    why = re.search(r'corrected \(<a href="([^"]+)">why</a>\)', html)[1].replace("&amp;", "&")
    assert why == "/returns/cell_checks?period=2024-05&kind=nationality&country=COD"
    checks = local_site.rows(why)
    assert checks and all(c["outcome"] == "corrected" for c in checks if c["outcome"] != "ok")
