"""`norway-returns package DIR`: the database as a Frictionless data package and its
DCAT-AP-NO description, checked through the command line as a user runs it, validated
with the frictionless library, loaded back into SQLite, and served by the site."""

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import yaml
from frictionless import Package
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns  # (its names imported singly would be inspected by pytest, with warnings)

from conftest import ROOT
from norway_returns.site import serve

PROGRAM = Path(sys.executable).with_name("norway-returns")
EU = "http://publications.europa.eu/resource/authority/"
METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
DESCRIBED = METADATA["databases"]["returns"]["tables"]


def package(folder, db, *more):
    return subprocess.run([str(PROGRAM), "package", str(folder), "--db", str(db), *map(str, more)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def written(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("package") / "package"
    result = package(folder, built[0])
    assert result.returncode == 0, result.stderr
    assert "datapackage.json" in result.stdout and "catalog.ttl" in result.stdout
    return folder


@pytest.fixture(scope="module")
def descriptor(written):
    return json.loads((written / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables(built):
    conn = sqlite3.connect(built[0])
    names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    conn.close()
    return names


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def primary_key_rows(db_path, table, key):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(f"SELECT * FROM [{table}] ORDER BY {', '.join(f'[{k}]' for k in key)}").fetchall()
    finally:
        conn.close()


# ------------------------------------------------------------------ the CSVs

def test_a_csv_per_table_with_a_header_row(written, tables, built):
    assert sorted(p.stem for p in written.glob("*.csv")) == sorted(tables)
    conn = sqlite3.connect(built[0])
    for name in tables:
        rows = read_csv(written / f"{name}.csv")
        assert rows[0] == [c[1] for c in conn.execute(f"PRAGMA table_info([{name}])")], name
        assert len(rows) - 1 == conn.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0], name
    conn.close()


def test_the_csv_holds_the_publications_numbers(written):
    rows = read_csv(written / "returns.csv")
    header = rows[0]
    cells = {tuple(r[:4]): dict(zip(header, r)) for r in rows[1:]}
    # May 2024, by nationality, Syria: 7 asylum, 2 refused entry, 44 Dublin, 6 expelled (59)
    syria = {c: cells[("2024-05", "nationality", "SYR", c)]["count"]
             for c in ("asylum", "refused_entry_or_stay", "dublin", "expulsion")}
    assert syria == {"asylum": "7", "refused_entry_or_stay": "2", "dublin": "44", "expulsion": "6"}
    assert cells[("2024-05", "nationality", "SYR", "asylum")]["source"] == "raw/2024-05-en.txt:165"
    # February 2025: Ukrainians returned under Dublin
    assert cells[("2025-02", "nationality", "UKR", "dublin")]["count"] == "20"
    # Norwegian edition, its names and letters kept in UTF-8
    publications = {r[0]: r for r in read_csv(written / "publications.csv")[1:]}
    assert "Månedsstatistikk mars 2024: Uttransporteringer fra Norge" in publications["2024-03"]


def test_rows_are_in_primary_key_order(written, descriptor):
    for resource in descriptor["resources"]:
        rows = read_csv(written / resource["path"])
        header, body = rows[0], rows[1:]
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        at = [header.index(k) for k in resource["schema"]["primaryKey"]]

        def key(row):
            return tuple(int(row[i]) if types[header[i]] == "integer" else row[i] for i in at)
        assert body == sorted(body, key=key), resource["name"]
    checks = read_csv(written / "checks.csv")
    assert [int(r[0]) for r in checks[1:]] == list(range(1, len(checks)))


# ------------------------------------------------------------ datapackage.json

def test_the_descriptor_says_what_the_standard_asks(descriptor):
    assert descriptor["name"] == "norway-returns"
    assert descriptor["title"] == METADATA["title"] == "Forced returns from Norway"
    assert descriptor["licenses"] == [{"name": "NLOD-2.0", "path": "https://data.norge.no/nlod/en/2.0",
                                       "title": "Norwegian Licence for Open Government Data (NLOD) 2.0"}]
    assert descriptor["version"] == "2025-02"  # the latest period
    assert descriptor["created"] == "2025-02-28T00:00:00Z"  # its publication's as-of date
    assert descriptor["sources"][0] == {"title": METADATA["source"], "path": METADATA["source_url"]}
    assert "Statistics for May 2024: Returns from Norway (2024-05)" in [s["title"] for s in descriptor["sources"]]
    # the site's description, as text: its words, not its markup or its download links
    assert "Assisted returns" in descriptor["description"] and "<" not in descriptor["description"]
    assert "Download:" not in descriptor["description"]


def test_every_table_and_column_is_described_as_in_metadata(descriptor, tables):
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert sorted(resources) == sorted(tables)
    for name, resource in resources.items():
        meta = DESCRIBED[name]
        assert resource["description"], name
        if "description" in meta:
            assert resource["description"] == " ".join(meta["description"].split()), name
        for field in resource["schema"]["fields"]:
            assert field["description"] == meta["columns"][field["name"]], f"{name}.{field['name']}"
    # a stored view's HTML description, as its text
    assert resources["monthly_returns"]["description"].startswith("Each month's own returns, derived from")


def test_types_and_keys(descriptor):
    resources = {r["name"]: r for r in descriptor["resources"]}
    returns = resources["returns"]["schema"]
    types = {f["name"]: f["type"] for f in returns["fields"]}
    assert types == {"period": "string", "kind": "string", "country": "string", "category": "string",
                     "count": "integer", "status": "string", "source": "string"}
    assert returns["primaryKey"] == ["period", "kind", "country", "category"]
    assert {(tuple(k["fields"]), k["reference"]["resource"], tuple(k["reference"]["fields"]))
            for k in returns["foreignKeys"]} == {
        (("period",), "publications", ("period",)), (("country",), "countries", ("code",)),
        (("category",), "categories", ("code",))}
    share = {f["name"]: f["type"] for f in resources["convicted_top_nationalities"]["schema"]["fields"]}
    assert share["share_pct"] == "number" and share["rank"] == "integer"
    assert resources["returns_wide"]["schema"]["primaryKey"] == ["period", "kind", "country"]
    for resource in descriptor["resources"]:
        assert resource["path"] == f"{resource['name']}.csv" and resource["encoding"] == "utf-8"


def test_the_same_database_gives_the_same_bytes(written, built, tmp_path):
    again = tmp_path / "again"
    assert package(again, built[0]).returncode == 0
    assert package(again, built[0]).returncode == 0  # over its own earlier output
    files = sorted(p.name for p in written.iterdir())
    assert files == sorted(p.name for p in again.iterdir())
    assert "catalog.ttl" in files and "datapackage.json" in files
    for name in files:
        assert (written / name).read_bytes() == (again / name).read_bytes(), name


# ------------------------------------------------------------ frictionless

def test_frictionless_validates_the_package_with_its_foreign_keys(written, tmp_path):
    report = Package(str(written / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "type", "message"])[:10]
    assert report.stats["tasks"] == len(list(written.glob("*.csv")))

    # the same package with one country code that is in no table of countries
    broken = tmp_path / "broken"
    shutil.copytree(written, broken)
    text = (broken / "returns.csv").read_text(encoding="utf-8")
    assert ",SYR,asylum,7," in text
    (broken / "returns.csv").write_text(text.replace(",SYR,asylum,7,", ",SYX,asylum,7,", 1), encoding="utf-8")
    report = Package(str(broken / "datapackage.json")).validate()
    errors = [(task.name, error.type, error.message) for task in report.tasks for error in task.errors]
    assert [e[:2] for e in errors] == [("returns", "foreign-key")], errors
    assert "SYX" in errors[0][2]


def test_loaded_into_a_fresh_sqlite_database_it_gives_the_same_rows(written, built, descriptor, tmp_path):
    copy = tmp_path / "from-package.db"
    Package(str(written / "datapackage.json")).publish(f"sqlite:///{copy}")
    for resource in descriptor["resources"]:
        key = resource["schema"]["primaryKey"]
        original = primary_key_rows(built[0], resource["name"], key)
        loaded = primary_key_rows(copy, resource["name"], key)
        assert loaded == original, resource["name"]
    # NULL and the empty string stay apart: an unsaid figure is NULL, a check without detail ''
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM checks WHERE detail = ''").fetchone()[0] > 0
    assert conn.execute("SELECT count(*) FROM checks WHERE kind IS NULL").fetchone()[0] > 0
    assert conn.execute("SELECT last_period FROM categories WHERE code = 'asylum'").fetchone() == (None,)
    conn.close()


def test_a_column_with_both_null_and_empty_strings_keeps_them_apart(built, tmp_path):
    db_path = tmp_path / "returns.db"
    shutil.copy(built[0], db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE checks SET detail = NULL WHERE id = 1 AND detail = ''")
    conn.close()
    folder = tmp_path / "package"
    assert package(folder, db_path).returncode == 0
    checks = next(r for r in json.loads((folder / "datapackage.json").read_text())["resources"] if r["name"] == "checks")
    assert {f["name"]: f.get("missingValues") for f in checks["schema"]["fields"]}["detail"] == [r"\N"]
    assert Package(str(folder / "datapackage.json")).validate().valid
    copy = tmp_path / "copy.db"
    Package(str(folder / "datapackage.json")).publish(f"sqlite:///{copy}")
    assert primary_key_rows(copy, "checks", ["id"]) == primary_key_rows(db_path, "checks", ["id"])
    assert sqlite3.connect(copy).execute("SELECT detail FROM checks WHERE id = 1").fetchone() == (None,)


# ------------------------------------------------------------ catalog.ttl

CATALOG_MANDATORY = [ns.DCTERMS.title, ns.DCTERMS.description, ns.DCTERMS.publisher, ns.DCTERMS.identifier,
                     ns.DCAT.contactPoint, ns.DCAT.dataset]
DATASET_MANDATORY = [ns.DCTERMS.title, ns.DCTERMS.description, ns.DCTERMS.identifier, ns.DCTERMS.publisher, ns.DCAT.theme]
DISTRIBUTION_MANDATORY = [ns.DCAT.accessURL]


@pytest.fixture(scope="module")
def catalog(written):
    g = Graph()
    g.parse(written / "catalog.ttl", format="turtle")
    return g


def one(g, kind):
    nodes = list(g.subjects(ns.RDF.type, kind))
    assert len(nodes) == 1, (kind, nodes)
    return nodes[0]


def test_the_catalogue_has_dcat_ap_no_mandatory_properties(catalog):
    g = catalog
    cat, dataset = one(g, ns.DCAT.Catalog), one(g, ns.DCAT.Dataset)
    for node, required in [(cat, CATALOG_MANDATORY), (dataset, DATASET_MANDATORY)]:
        for prop in required:
            assert list(g.objects(node, prop)), f"{node} has no {prop}"
    for prop in (ns.DCTERMS.title, ns.DCTERMS.description):
        for node in (cat, dataset):
            assert {o.language for o in g.objects(node, prop)} == {"en", "nb"}, (node, prop)
    assert (cat, ns.DCAT.dataset, dataset) in g
    # the publisher is an agent with a name; the contact point a vCard
    publisher = g.value(dataset, ns.DCTERMS.publisher)
    assert (publisher, ns.RDF.type, ns.FOAF.Agent) in g and g.value(publisher, ns.FOAF.name)
    assert g.value(dataset, ns.DCAT.contactPoint) is not None
    # themes from EU's data-theme vocabulary, as DCAT-AP-NO requires
    assert URIRef(EU + "data-theme/JUST") in set(g.objects(dataset, ns.DCAT.theme))
    assert all(str(t).startswith(EU + "data-theme/") for t in g.objects(dataset, ns.DCAT.theme))


def test_the_dataset_covers_norway_from_the_first_to_the_latest_period(catalog):
    g = catalog
    dataset = one(g, ns.DCAT.Dataset)
    assert (g.value(dataset, ns.DCTERMS.title, any=True) is not None)
    assert Literal("Forced returns from Norway", lang="en") in set(g.objects(dataset, ns.DCTERMS.title))
    assert Literal("Uttransporteringer fra Norge", lang="nb") in set(g.objects(dataset, ns.DCTERMS.title))
    assert URIRef(EU + "country/NOR") in set(g.objects(dataset, ns.DCTERMS.spatial))
    period = g.value(dataset, ns.DCTERMS.temporal)
    assert g.value(period, ns.DCAT.startDate) == Literal("2022-06-01", datatype=ns.XSD.date)
    assert g.value(period, ns.DCAT.endDate) == Literal("2025-02-28", datatype=ns.XSD.date)
    assert g.value(dataset, ns.DCTERMS.license) == URIRef(EU + "licence/NLOD_2_0")


def test_the_distributions_are_the_package_the_database_and_the_site(catalog):
    g = catalog
    dataset = one(g, ns.DCAT.Dataset)
    distributions = list(g.objects(dataset, ns.DCAT.distribution))
    assert sorted(distributions) == sorted(g.subjects(ns.RDF.type, ns.DCAT.Distribution))
    for node in distributions:
        for prop in DISTRIBUTION_MANDATORY:
            assert g.value(node, prop) is not None, (node, prop)
        assert g.value(node, ns.DCTERMS.license) == URIRef(EU + "licence/NLOD_2_0")
    urls = {str(g.value(d, ns.DCAT.accessURL)) for d in distributions}
    assert urls == {"https://norway-returns.fly.dev/package/datapackage.json",
                    "https://norway-returns.fly.dev/returns.db", "https://norway-returns.fly.dev/"}


def test_base_url_moves_every_link(built, tmp_path):
    folder = tmp_path / "elsewhere"
    assert package(folder, built[0], "--base-url", "https://example.org/returns").returncode == 0
    g = Graph().parse(folder / "catalog.ttl", format="turtle")
    urls = {str(o) for o in g.objects(None, ns.DCAT.accessURL)}
    assert urls == {"https://example.org/returns/package/datapackage.json",
                    "https://example.org/returns/returns.db", "https://example.org/returns/"}
    assert json.loads((folder / "datapackage.json").read_text())["homepage"] == "https://example.org/returns"


def test_an_organisation_as_publisher_is_its_enhetsregisteret_entity(catalog):
    """What an organisation that registers the dataset writes in data/publishing.yml."""
    from norway_returns.writing import catalog as writer, descriptions
    from norway_returns.writing.package import PUBLISHING

    publishing = yaml.safe_load(PUBLISHING.read_text(encoding="utf-8"))
    publishing["publisher"]["organisation_number"] = 123456789
    publishing["contact"]["email"] = "data@example.org"
    g = writer.graph(descriptions.read(ROOT / "metadata.yml"), publishing, "https://example.org/",
                     "2022-06", "2025-02", "2025-02-28")
    dataset = one(g, ns.DCAT.Dataset)
    publisher = g.value(dataset, ns.DCTERMS.publisher)
    assert publisher == URIRef("https://data.brreg.no/enhetsregisteret/api/enheter/123456789")
    assert g.value(publisher, ns.DCTERMS.identifier) == Literal("123456789")
    assert g.value(one(g, ns.DCAT.Catalog), ns.DCTERMS.publisher) == publisher
    contact = g.value(dataset, ns.DCAT.contactPoint)
    assert URIRef("mailto:data@example.org") in set(g.objects(contact, None))
    # without one, as published here, the publisher is named in the catalogue itself
    assert str(catalog.value(one(catalog, ns.DCAT.Dataset), ns.DCTERMS.publisher)).endswith("catalog.ttl#publisher")


# ------------------------------------------------------------ bad input

def test_a_base_url_that_is_no_web_address_is_refused(built, tmp_path):
    for bad in ("ftp://example.org/", "example.org", "https://exa mple.org/", 'https://example.org/"x'):
        result = package(tmp_path / "out", built[0], "--base-url", bad)
        assert result.returncode == 2 and "Invalid value for '--base-url'" in result.stderr, bad
        assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_a_database_stops_with_its_name(tmp_path):
    bad = tmp_path / "returns.db"
    bad.write_text("not a database\n")
    result = package(tmp_path / "out", bad)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{bad}: ") and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_database_without_publications_stops_with_its_name(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    result = package(tmp_path / "out", other)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{other}: no table publications")
    assert not (tmp_path / "out").exists()


def test_a_folder_of_other_files_is_not_replaced(built, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    result = package(folder, built[0])
    assert result.returncode == 1 and result.stderr.startswith(f"{folder}: not empty")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def test_its_own_output_is_replaced_whole_and_only_while_it_holds_nothing_else(built, tmp_path):
    folder = tmp_path / "package"
    assert package(folder, built[0]).returncode == 0
    first = tree(folder)
    assert ".norway-returns-output.json" in first  # the marker: what this command wrote there
    # written again over its own output: the same files, nothing left beside it
    result = package(folder, built[0])
    assert result.returncode == 0, result.stderr
    assert tree(folder) == first
    assert [p.name for p in tmp_path.iterdir()] == ["package"]
    # a file the user put in it: refused, naming the file, and the folder as it was
    (folder / "my-notes.txt").write_text("keep me")
    result = package(folder, built[0])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{folder}/my-notes.txt: not written by `norway-returns package`")
    assert tree(folder) == {**first, "my-notes.txt": b"keep me"}
    (folder / "my-notes.txt").unlink()
    # a file of its own that the user changed: refused too
    (folder / "returns.csv").write_text("edited\n")
    result = package(folder, built[0])
    assert result.returncode == 1 and result.stderr.startswith(f"{folder}/returns.csv: changed since")
    assert (folder / "returns.csv").read_text() == "edited\n"


@pytest.mark.parametrize("what", ["raw", "the project", "a file", "a link"])
def test_a_folder_it_did_not_make_is_refused(built, tmp_path, what):
    home = tmp_path / "home"
    shutil.copytree(ROOT / "raw", home / "raw")
    shutil.copy(built[0], home / "returns.db")
    (home / "notes.txt").write_text("mine")
    (home / "link").symlink_to(home / "raw")
    target = {"raw": "raw", "the project": ".", "a file": "notes.txt", "a link": "link"}[what]
    before = tree(home)
    result = subprocess.run([str(PROGRAM), "package", target, "--db", "returns.db"], cwd=home,
                            capture_output=True, text=True, timeout=300)
    if what == "a file":  # click says so first
        assert result.returncode == 2 and "Directory 'notes.txt' is a file" in result.stderr
    else:
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith(f"{target}: ") and "nothing was changed" in result.stderr
    assert tree(home) == before and sorted(p.name for p in home.iterdir()) == ["link", "notes.txt", "raw",
                                                                                "returns.db"]


def test_a_package_written_before_the_marker_is_replaced(built, written, tmp_path):
    folder = tmp_path / "package"
    shutil.copytree(written, folder)
    (folder / ".norway-returns-output.json").unlink()  # as a version without the marker wrote it
    result = package(folder, built[0])
    assert result.returncode == 0, result.stderr
    assert tree(folder) == tree(written)


# ------------------------------------------------------------ served

def test_the_site_serves_the_package_and_the_database(built, written, tmp_path):
    db_path = tmp_path / "returns.db"
    shutil.copy(built[0], db_path)
    with serve.running(db_path, tmp_path, package=written) as (base, _):
        index = httpx.get(f"{base}/").text
        assert "Download:" in index
        for href in ("package/datapackage.json", "package/returns.csv", "returns.db"):
            assert f'href="{href}"' in index, href
        served = httpx.get(f"{base}/package/datapackage.json")
        assert served.status_code == 200 and served.json()["version"] == "2025-02"
        assert httpx.get(f"{base}/package/returns.csv").content == (written / "returns.csv").read_bytes()
        turtle = httpx.get(f"{base}/package/catalog.ttl")
        assert turtle.status_code == 200
        assert one(Graph().parse(data=turtle.text, format="turtle"), ns.DCAT.Dataset)
        # Datasette offers the whole file of a database it serves immutable
        download = httpx.get(f"{base}/returns.db")
        assert download.status_code == 200 and download.content == db_path.read_bytes()
        # and the package validates from the site, as a user would check it
        report = Package(f"{base}/package/datapackage.json").validate()
        assert report.valid, report.flatten(["resourceName", "type", "message"])[:5]


def test_the_package_as_one_zip(written):
    import zipfile
    from norway_returns.atomic import MARKER
    from norway_returns.writing.package import ZIP
    with zipfile.ZipFile(written / ZIP) as z:
        names = sorted(z.namelist())
        files = sorted(p.name for p in written.iterdir() if p.name not in (ZIP, MARKER))
        assert names == [f"norway-returns/{n}" for n in files]
        for name in files:  # each file as the folder holds it
            assert z.read(f"norway-returns/{name}") == (written / name).read_bytes(), name
        rows = list(csv.DictReader(z.read("norway-returns/returns_wide.csv").decode("utf-8").splitlines()))
    # Syria by nationality in May 2024 (raw/2024-05-en.txt, line 165): Dublin 44, total 59
    syria = next(r for r in rows if (r["period"], r["kind"], r["country"]) == ("2024-05", "nationality", "SYR"))
    assert (syria["dublin"], syria["total"]) == ("44", "59")
    assert z.getinfo("norway-returns/datapackage.json").date_time[:3] == (2025, 2, 28)  # the latest as-of, not the clock
