"""norway_returns/site/xlsx.py: every table and query as an Excel workbook, opened with
openpyxl: a publication's figures, names beside codes, a name that says what it holds."""

import io

import openpyxl

from site_helpers import ok


def workbook(local_site, path):
    response = ok(local_site, path)
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response, openpyxl.load_workbook(io.BytesIO(response.content))


def rows(book):
    sheet = book.worksheets[0]
    header, *body = sheet.iter_rows(values_only=True)
    return [dict(zip(header, r)) for r in body]


def test_a_tables_rows_with_names_beside_codes(local_site):
    response, book = workbook(local_site, "/returns/returns_wide.xlsx?period=2024-05&kind=nationality&country=SYR")
    assert 'filename="returns_wide-period-2024-05-kind-nationality-country-SYR.xlsx"' in response.headers["content-disposition"]
    [syria] = rows(book)
    # Syria by nationality, May 2024 (raw/2024-05-en.txt, line 165): Dublin 44, total 59
    assert (syria["country"], syria["country_name"], syria["dublin"], syria["total"]) == ("SYR", "Syria", 44, 59)
    header = [c.value for c in book.worksheets[0][1]]
    assert header.index("country_name") == header.index("country") + 1
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Source"].startswith("National Police Immigration Service")


def test_a_code_table_gets_english_and_norwegian_names(local_site):
    _, book = workbook(local_site, "/returns/returns.xlsx?period=2024-05&kind=nationality&country=UKR")
    cells = rows(book)
    assert {(r["country_name"], r["country_name_no"]) for r in cells} == {("Ukraine", "Ukraina")}
    # Ukrainians returned so far in 2024 by May (raw/2024-05-en.txt): Dublin 149
    dublin = next(r for r in cells if r["category"] == "dublin")
    assert (dublin["category_label"], dublin["count"]) == ("Dublin", 149)
    assert len(cells) == 4


def test_a_canned_query_by_its_name(local_site):
    response, book = workbook(local_site, "/returns/country_profile.xlsx?country=Ukraina&kind=nationality")
    assert 'filename="country_profile-country-Ukraina-kind-nationality.xlsx"' in response.headers["content-disposition"]
    by_period = {r["period"]: r for r in rows(book)}
    assert by_period["2024-05"]["country_name"] == "Ukraine"
    assert dict(book["About"].iter_rows(values_only=True))["Rows"] == "Country profile"


def test_the_table_page_offers_it(local_site):
    assert 'returns_wide.xlsx' in ok(local_site, "/returns/returns_wide").text
