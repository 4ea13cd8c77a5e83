"""norway_returns/site/errors.py: what a table does not offer is the client's error."""

import pytest


@pytest.mark.parametrize("path", ["/returns/returns?_sort=nope", "/returns/returns.json?_sort=nope",
                                  "/returns/returns.json?_sort=count&_sort_desc=count"])
def test_a_sort_the_table_does_not_offer_is_a_bad_request(local_site, path):
    response = local_site.get(path)
    assert response.status_code == 400
    assert "Cannot sort table by nope" in response.text or "Cannot use _sort and _sort_desc" in response.text
