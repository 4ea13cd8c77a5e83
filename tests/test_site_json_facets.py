"""norway_returns/site/json_facets.py: JSON counts facets only when asked; HTML keeps its own."""

import pytest
import site_helpers  # noqa: F401  Datasette first: it loads the site's package as a plugin, whole

from norway_returns.site.json_facets import wants_no_facets


@pytest.mark.parametrize("path,query,expected", [
    ("/returns/returns.json", "_size=100", True),
    ("/returns/returns.json", "", True),
    ("/returns/returns", "_format=json", True),
    ("/returns/returns.json", "_facet=kind", False),
    ("/returns/returns.json", "_facet_array=x", False),
    ("/returns/returns.json", "_nofacet=", False),  # said by the request itself: as it is
    ("/returns/returns", "_size=100", False),  # the HTML page
    ("/returns/returns.csv", "", False),  # Datasette's CSV adds its own
])
def test_which_requests_are_answered_without_facets(path, query, expected):
    assert wants_no_facets(path, query) is expected


def test_json_rows_without_the_default_facets(local_site):
    page = local_site.json("/returns/returns.json?_size=100")
    assert page["facet_results"] == {} and len(page["rows"]) == 100
    # the next page carries it on
    assert "_nofacet=1" in page["next_url"]
    second = local_site.json(page["next_url"].replace("http://localhost", ""))
    assert second["facet_results"] == {} and second["rows"] != page["rows"]


def test_json_asked_for_a_facet_gets_it_and_the_default_ones(local_site):
    page = local_site.json("/returns/returns.json?_facet=kind&_size=1")
    facets = page["facet_results"]
    assert set(facets) == {"period", "kind", "category", "country"}
    counts = {r["value"]: r["count"] for r in facets["kind"]["results"]}
    assert counts == {"nationality": 710, "destination": 593}  # every cell of the four publications
    syria = local_site.json("/returns/returns.json?country=SYR&_facet=period")["facet_results"]
    assert {r["value"]: r["count"] for r in syria["kind"]["results"]} == {"nationality": 14}


def test_the_html_page_keeps_its_facets(local_site):
    html = local_site.ok("/returns/returns").text
    for column in ("period", "kind", "category", "country"):
        assert f'class="facet-info facet-returns-returns-{column}"' in html or \
            f'data-column="{column}"' in html, column
