"""The web page reader: the police's article as its site serves it and as a browser saves it.

The pages of tests/documents/ (tools/make_web_pages.py, as a news CMS renders them, and
Chromium's saved copies) build their publication's cells exactly (test_documents.py);
these tests check what the reader keeps and leaves out, and where each cell came from.
"""

import sqlite3
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from norway_returns.errors import BuildError
from norway_returns.reading.extract import extract_file
from norway_returns.reading.tables import find_tables, group_rows
from norway_returns.reading.title import read_title
from test_documents import build_alone

DOCUMENTS = ROOT / "tests" / "documents"
ENTRIES = {e["file"]: e for e in yaml.safe_load((DOCUMENTS / "documents.yml").read_text(encoding="utf-8"))}
PAGES = sorted(f for f in ENTRIES if f.endswith(".html"))
# what the site puts around the article: none of it is the publication
FURNITURE = {"en": ["Skip to main content", "Report a crime", "Breadcrumb", "We use cookies", "Accept all",
                    "Related content", "Statistics archive", "Emergency number", "Share this page",
                    "Subscribe to our newsletter", "Nationality"],
             "no": ["Hopp til hovedinnhold", "Anmeld", "informasjonskapsler", "Godta alle", "Relatert innhold",
                    "Statistikkarkiv", "Nødnummer", "Del denne siden", "Subscribe to our newsletter",
                    "Nasjonalitet"]}


def lines_of(file):
    return extract_file(DOCUMENTS / file, f"raw/{file}")


def test_the_pages_are_served_and_saved_in_both_languages():
    assert {ENTRIES[f]["language"] for f in PAGES if "saved" not in f} == {"en", "no"}
    assert {ENTRIES[f]["language"] for f in PAGES if "saved" in f} == {"en", "no"}
    saved = (DOCUMENTS / "2024-03-no-page-saved.html").read_text(encoding="utf-8")
    served = (DOCUMENTS / "2024-03-no-page.html").read_text(encoding="utf-8")
    # a saved page is the document once its scripts ran, marked with where it came from
    assert "<!-- saved from url=" in saved and "<!-- saved from url=" not in served
    assert '<div class="newsletter-prompt">' in saved and '<div class="newsletter-prompt">' not in served


@pytest.mark.parametrize("file", PAGES)
def test_a_page_gives_its_title_prose_and_tables_and_leaves_the_site_out(file):
    entry = ENTRIES[file]
    lines = lines_of(file)
    title = read_title(lines)
    assert (title.period, title.language, title.text) == (entry["period"], entry["language"], entry["title"])
    assert lines[0].text == entry["title"]  # the page's heading, not its <title> with the site's name
    text = "\n".join(l.text for l in lines)
    for words in FURNITURE[entry["language"]]:
        assert words not in text, words
    tables = find_tables(lines)
    assert sorted(t.kind for t in tables) == ["destination", "nationality"]
    # the prose is read: its first paragraph states the month's returns
    assert any(l.text.startswith(("The police forcibly returned", "Politiet uttransporterte")) for l in lines)


def test_a_cells_origin_is_its_line_in_the_pages_source(tmp_path):
    """Every number traces back to the line of the page where its row stands."""
    entry = ENTRIES["2024-03-no-page.html"]
    result, db = build_alone(tmp_path, entry)
    assert result.returncode == 0, result.stderr
    source = (DOCUMENTS / entry["file"]).read_text(encoding="utf-8").split("\n")
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("select r.count, r.source, c.name_en from returns r join countries c "
                            "on c.code = r.country where r.kind = 'nationality'").fetchall()
        syria = conn.execute("select sum(count) from returns where period = '2024-03' and kind = 'nationality' "
                             "and country = 'SYR'").fetchone()[0]
        printed = dict(conn.execute("select kind || ':' || category, count from published_totals "
                                    "where period = '2024-03'").fetchall())
    finally:
        conn.close()
    assert printed["nationality:total"] == 554  # the printed Total row, read through &nbsp; and tfoot
    assert syria > 0
    assert len(rows) > 100
    for count, where, name in rows:
        file, line = where.rsplit(":", 1)
        assert file == "raw/2024-03-no-page.html"
        # the <tr> where the row begins; its row header, the printed name, on the next line
        assert source[int(line) - 1] == "<tr>"
        assert source[int(line)].startswith('<th scope="row"')


def page(tmp_path, body, head="<meta charset='utf-8'>"):
    path = tmp_path / "page.html"
    path.write_text(f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>", encoding="utf-8")
    return path


TABLE = """
<div class="scroll"><div class="scroll__inner"><table>
<caption>Returnees so far in 2024 by nationality</caption>
<thead><tr><th>Nationality</th><th>Asylum</th><th>Refused stay or entry</th><th>Dublin</th>
<th>Expulsion</th><th>Total</th></tr></thead>
<tbody>
<tr><th scope="row">C&ocirc;te d&#8217;Ivoire</th><td>&nbsp;</td><td>1</td><td></td><td>2</td><td>3</td></tr>
<tr><th scope="row">Syria <span class="visually-hidden">(Syrian Arab Republic)</span></th><td>4</td>
<td colspan="2">&nbsp;</td><td>1</td><td>5</td></tr>
</tbody>
<tfoot><tr><th scope="row">Total</th><td>4</td><td>1</td><td></td><td>3</td><td>8</td></tr></tfoot>
</table></div></div>"""


def test_a_tables_cells_are_its_cells(tmp_path):
    path = page(tmp_path, "<main><h1>Statistics for May 2024: Returns from Norway</h1>"
                          "<p>The police forcibly returned 8&nbsp;persons in May&nbsp;2024.</p>" + TABLE + "</main>")
    lines = extract_file(path, "raw/page.html")
    texts = [l.cells for l in lines]
    assert texts[0] == ("Statistics for May 2024: Returns from Norway",)
    assert texts[1] == ("The police forcibly returned 8 persons in May 2024.",)
    assert texts[2] == ("Returnees so far in 2024 by nationality",)
    assert texts[3] == ("", "Asylum", "Refused stay or entry", "Dublin", "Expulsion", "Total")
    assert texts[4] == ("Côte d\u2019Ivoire", "", "1", "", "2", "3")
    assert texts[5] == ("Syria", "4", "", "", "1", "5")  # colspan=2: two empty cells; the hidden text left out
    assert texts[6] == ("Total", "4", "1", "", "3", "8")
    source = path.read_text(encoding="utf-8").split("\n")
    assert [l.number for l in lines[3:]] == [4, 7, 8, 11]  # each row's line in the file
    assert "<th>Nationality</th>" in source[3] and "C&ocirc;te" in source[6] and "Syria" in source[7]
    assert "<tfoot><tr><th scope=\"row\">Total" in source[10]
    (table,) = find_tables(lines)
    assert table.kind == "nationality" and table.total.cells["total"].value == 8


def test_a_table_whose_header_is_only_in_data_labels(tmp_path):
    """A responsive table without a header row: each cell names its column in data-label."""
    labels = ["Land", "Asyl", "Bortvisning", "Dublin", "Utvisning", "Sum"]

    def row(cells):
        return "<tr>" + "".join(f'<td data-label="{l}">{c}</td>' for l, c in zip(labels, cells)) + "</tr>"

    body = ("<article><h1>Månedsstatistikk mars 2024: Uttransporteringer fra Norge</h1>"
            "<h3>Uttransporteringer hittil i år etter destinasjon</h3><table>"
            + row(["Tyskland", "", "7", "1 234", "", "1 241"]) + row(["Sum", "", "7", "1 234", "", "1 241"])
            + "</table></article>")
    lines = extract_file(page(tmp_path, body), "raw/page.html")
    assert lines[2].cells == ("", "Asyl", "Bortvisning", "Dublin", "Utvisning", "Sum")
    assert lines[3].cells == ("Tyskland", "", "7", "1234", "", "1241")  # 1 234: one number
    (table,) = find_tables(lines)
    (rowed,) = group_rows(table)
    assert table.kind == "destination" and rowed.code == "DEU"


def test_the_site_around_the_article_is_left_out(tmp_path):
    body = ("<header><nav><ul><li>Returnees so far in 2024 by destination</li></ul></nav></header>"
            "<div id='cookie-consent'><p>We use cookies</p></div>"
            "<div class='page'><main><h1>Statistics for May 2024: Returns from Norway</h1>" + TABLE +
            "<aside><h2>Related</h2><p>Returnees so far in 2023 by destination</p></aside></main></div>"
            "<footer><p>Page 1 of 1</p></footer><script>var x = '<p>Asylum</p>';</script>")
    lines = extract_file(page(tmp_path, body), "raw/page.html")
    text = "\n".join(l.text for l in lines)
    assert "cookies" not in text and "by destination" not in text and "Page 1" not in text and "var x" not in text
    assert len(find_tables(lines)) == 1


def test_a_page_in_another_encoding_and_without_a_charset(tmp_path):
    latin = page(tmp_path, "<h1>Månedsstatistikk mars 2024: Uttransporteringer fra Norge</h1>",
                 head="<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>")
    latin.write_bytes(latin.read_text(encoding="utf-8").encode("latin-1"))
    assert read_title(extract_file(latin, "raw/page.html")).period == "2024-03"
    plain = page(tmp_path, "<h1>Månedsstatistikk mars 2024: Uttransporteringer fra Norge</h1>", head="")
    assert extract_file(plain, "raw/page.html")[0].text.startswith("Månedsstatistikk")  # UTF-8 by default


@pytest.mark.parametrize("content, why", [
    (b"", "empty file"),
    (b"<html><head><title>x</title></head><body><nav>Menu</nav></body></html>", "without text in its content"),
])
def test_a_page_without_a_publication_is_refused_naming_the_file(tmp_path, content, why):
    path = Path(tmp_path / "page.html")
    path.write_bytes(content)
    with pytest.raises(BuildError) as e:
        extract_file(path, "raw/page.html")
    assert str(e.value).startswith("raw/page.html") and why in str(e.value)


def test_a_header_over_two_rows_with_spanning_cells(tmp_path):
    """"Nasjonalitet" and "Sum" spanning both header rows, the categories grouped under one label."""
    body = ("<main><h1>Månedsstatistikk mars 2024: Uttransporteringer fra Norge</h1>"
            "<table><caption>Uttransporteringer hittil i år etter nasjonalitet</caption><thead>"
            "<tr><th rowspan='2'>Nasjonalitet</th><th colspan='4'>Kategori</th><th rowspan='2'>Sum</th></tr>"
            "<tr><th>Asyl</th><th>Bortvisning</th><th>Dublin</th><th>Utvisning</th></tr></thead><tbody>"
            "<tr><td>Tyskland</td><td></td><td>2</td><td>1</td><td></td><td>3</td></tr>"
            "<tr><td>Sum</td><td></td><td>2</td><td>1</td><td></td><td>3</td></tr></tbody></table></main>")
    lines = extract_file(page(tmp_path, body), "raw/page.html")
    assert [l.cells for l in lines[2:4]] == [("", "Kategori", "", "", "", "Sum"),
                                             ("", "Asyl", "Bortvisning", "Dublin", "Utvisning", "")]
    (table,) = find_tables(lines)
    assert table.columns == ["asylum", "refused_entry_or_stay", "dublin", "expulsion", "total"]
    assert table.total.cells["dublin"].value == 1


def test_a_saved_page_is_added_as_a_months_publication(tmp_path, db):
    """`norway-returns add PAGE.html`: the page names its month and language in its heading,
    goes into raw/ and the manifest, and builds its publication's cells."""
    import shutil
    import subprocess
    import sys

    home = tmp_path / "home"
    (home / "raw").mkdir(parents=True)
    shutil.copytree(ROOT / "sql", home / "sql")
    saved = DOCUMENTS / "2024-03-no-page-saved.html"
    program = str(Path(sys.executable).with_name("norway-returns"))
    result = subprocess.run([program, "add", str(saved)], cwd=home, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("added raw/2024-03-no.html: 2024-03 no, ")
    assert (home / "raw" / "2024-03-no.html").read_bytes() == saved.read_bytes()
    (entry,) = yaml.safe_load((home / "raw" / "manifest.yml").read_text(encoding="utf-8"))
    assert entry["title"] == "Månedsstatistikk mars 2024: Uttransporteringer fra Norge"
    cells = "select period, kind, country, category, count from returns where period = '2024-03' order by 1, 2, 3, 4"
    conn = sqlite3.connect(home / "returns.db")
    try:
        assert conn.execute(cells).fetchall() == [tuple(r) for r in db.execute(cells)]
    finally:
        conn.close()


def test_a_column_hidden_on_phones_only_is_read(tmp_path):
    """Bootstrap's hidden-xs hides a cell on a phone's screen only: the page shows it."""
    body = ("<main><h1>Statistics for May 2024: Returns from Norway</h1><table>"
            "<caption>Returnees so far in 2024 by destination</caption>"
            "<tr><th></th><th class='hidden-xs'>Asylum</th><th>Dublin</th><th>Total</th></tr>"
            "<tr><td>Germany</td><td class='hidden-xs'>1</td><td>2</td><td>3</td></tr>"
            "<tr><td>Total</td><td class='hidden-xs'>1</td><td>2</td><td>3</td></tr></table></main>")
    lines = extract_file(page(tmp_path, body), "raw/page.html")
    assert lines[3].cells == ("Germany", "1", "2", "3")


def test_an_articles_own_header_is_read(tmp_path):
    """<header> inside an <article> is the article's (its heading), not the site's."""
    body = ("<header><p>Politiet</p></header><article><header><h1>Statistics for May 2024: Returns from Norway"
            "</h1></header><p>The police forcibly returned 233 persons in May 2024.</p>"
            "<footer><p>Published 6 June 2024</p></footer></article><footer><p>Emergency: 112</p></footer>")
    lines = extract_file(page(tmp_path, body), "raw/page.html")
    assert [l.text for l in lines] == ["Statistics for May 2024: Returns from Norway",
                                       "The police forcibly returned 233 persons in May 2024.",
                                       "Published 6 June 2024"]
    assert read_title(lines).period == "2024-05"
