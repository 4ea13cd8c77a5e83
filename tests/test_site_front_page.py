"""norway_returns/site/front_page.py: the latest publication's figures on the front page."""


def test_the_front_page_leads_with_the_latest_publication(local_site):
    html = local_site.ok("/").text
    # February 2025: 181 returned in the month, 345 so far against 349 a year earlier,
    # 27.6 % convicted offenders, 10 minors (the publication's prose)
    assert "The latest publication: February 2025" in html
    for figure in ("<strong>181</strong>", "<strong>345</strong>", "against 349 a year earlier (-1.1 %)",
                   "<strong>27.6 %</strong>", "<strong>10</strong><span>minors returned in February 2025"):
        assert figure in html, figure


def test_the_front_page_links_the_most_returned_nationalities(local_site):
    html = local_site.ok("/").text
    assert html.index("country=United%20Kingdom") < html.index("country=Ukraine") < html.index("country=Syria")
