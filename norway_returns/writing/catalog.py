"""The dataset described for data catalogues: DIR/catalog.ttl, DCAT-AP-NO in Turtle.

DCAT-AP-NO is the Norwegian profile of DCAT-AP, which data.norge.no (Felles datakatalog)
and data.europa.eu harvest. One catalogue holds one dataset, with its three distributions:
the data package, the SQLite database and the site. Mandatory in DCAT-AP-NO 2.x: for the
catalogue title, description, publisher, identifier (and its datasets); for the dataset
title, description, identifier, publisher and an EU data theme; for a distribution its
access URL. Also given: contact point, keywords, spatial coverage (Norway), temporal
coverage (the first to the latest period), licence, access rights, languages, frequency.

The English title and description come from metadata.yml (descriptions.py), the
Norwegian ones and the vocabularies from data/publishing.yml. Every node is named by a
URI in this document (no blank nodes), so that the same database gives the same bytes.
"""

import calendar

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
ENHETSREGISTERET = "https://data.brreg.no/enhetsregisteret/api/enheter/"

# The distributions: (id, path under the site, title, description, EU file type, IANA media type,
# the standard it conforms to)
DISTRIBUTIONS = [
    ("datapackage", "package/datapackage.json", "Data package (Frictionless): a CSV per table",
     "datapackage.json describes every table, its columns, types and keys; each table is a CSV file "
     "(UTF-8, a header row) beside it.", "JSON", "application/json",
     "https://specs.frictionlessdata.io/data-package/"),
    ("sqlite", "returns.db", "SQLite database",
     "The whole database, returns.db, with its views, as one SQLite file.", None, "application/vnd.sqlite3", None),
    ("site", "", "The site: browse, filter, query with SQL",
     "Datasette: every table and view with facets and charts, SQL queries, CSV and JSON of any page.",
     "HTML", "text/html", None),
]


def last_day(period):
    year, month = map(int, period.split("-"))
    return f"{period}-{calendar.monthrange(year, month)[1]:02d}"


def graph(described, publishing, base_url, first, latest, as_of):
    base = base_url.rstrip("/") + "/"
    here = base + "package/catalog.ttl#"
    g = Graph()
    for prefix, ns in [("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("skos", SKOS)]:
        g.bind(prefix, ns)
    catalog, dataset = URIRef(here + "catalog"), URIRef(here + "dataset")
    licence = URIRef(publishing["license"]["eu"])

    def typed(node, *classes):
        """The node, with its classes stated: a validator need not know the vocabularies."""
        for cls in classes:
            g.add((node, RDF.type, cls))
        return node

    def texts(node, prop, en, nb):
        g.add((node, prop, Literal(en, lang="en")))
        g.add((node, prop, Literal(nb, lang="nb")))

    # the publisher: Enhetsregisteret's entity where an organisation number is given
    who = publishing["publisher"]
    number = str(who.get("organisation_number") or "").strip()
    publisher = URIRef(ENHETSREGISTERET + number if number else here + "publisher")
    g.add((publisher, RDF.type, FOAF.Agent))
    texts(publisher, FOAF.name, who["name_en"], who["name_nb"])
    if number:
        g.add((publisher, DCTERMS.identifier, Literal(number)))

    contact = URIRef(here + "contact")
    typed(contact, VCARD.Kind, VCARD.Organization)
    g.add((contact, VCARD.fn, Literal(publishing["contact"]["name"])))
    if publishing["contact"].get("email"):
        g.add((contact, VCARD.hasEmail, URIRef("mailto:" + publishing["contact"]["email"])))
    g.add((contact, VCARD.hasURL, URIRef(base)))

    g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    g.add((licence, RDFS.label, Literal(described.license, lang="en")))
    g.add((licence, RDFS.seeAlso, URIRef(described.license_url)))

    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.identifier, Literal(str(catalog))))
    texts(catalog, DCTERMS.title, described.title, publishing["title_nb"])
    texts(catalog, DCTERMS.description, described.description, publishing["description_nb"])
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCAT.contactPoint, contact))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, FOAF.homepage, typed(URIRef(base), FOAF.Document)))
    g.add((catalog, DCTERMS.modified, Literal(as_of, datatype=XSD.date)))
    g.add((catalog, DCAT.dataset, dataset))

    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    texts(dataset, DCTERMS.title, described.title, publishing["title_nb"])
    texts(dataset, DCTERMS.description, described.description, publishing["description_nb"])
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    for theme, label in publishing["themes"].items():
        g.add((dataset, DCAT.theme, typed(URIRef(theme), SKOS.Concept)))
        g.add((URIRef(theme), SKOS.prefLabel, Literal(label, lang="en")))
    for lang, words in publishing["keywords"].items():
        for word in words:
            g.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    for place in publishing["spatial"]:
        g.add((URIRef(place), RDF.type, DCTERMS.Location))
        g.add((dataset, DCTERMS.spatial, URIRef(place)))
    period = URIRef(here + "temporal")
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(f"{first}-01", datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(last_day(latest), datatype=XSD.date)))
    g.add((dataset, DCTERMS.temporal, period))
    for language in publishing["languages"]:
        g.add((dataset, DCTERMS.language, typed(URIRef(language), DCTERMS.LinguisticSystem)))
    g.add((dataset, DCTERMS.accrualPeriodicity, typed(URIRef(publishing["frequency"]), DCTERMS.Frequency)))
    g.add((dataset, DCTERMS.accessRights, typed(URIRef(publishing["access_rights"]), DCTERMS.RightsStatement)))
    g.add((dataset, DCTERMS.modified, Literal(as_of, datatype=XSD.date)))
    g.add((dataset, DCTERMS.license, licence))
    g.add((dataset, DCAT.landingPage, typed(URIRef(base), FOAF.Document)))
    g.add((dataset, OWL.versionInfo, Literal(latest)))
    source = URIRef(described.source_url)
    g.add((dataset, DCTERMS.relation, source))
    g.add((source, RDFS.label, Literal(described.source, lang="en")))
    provenance = URIRef(here + "provenance")
    g.add((provenance, RDF.type, DCTERMS.ProvenanceStatement))
    g.add((provenance, RDFS.label, Literal(
        f"Read from the monthly publications of {described.source}, {first} to {latest}, and checked "
        "against their printed totals; every number names the line it was read from.", lang="en")))
    g.add((dataset, DCTERMS.provenance, provenance))

    for name, path, title, description, file_type, media_type, standard in DISTRIBUTIONS:
        node = URIRef(here + name)
        url = URIRef(base + path)
        g.add((dataset, DCAT.distribution, node))
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCTERMS.title, Literal(title, lang="en")))
        g.add((node, DCTERMS.description, Literal(description, lang="en")))
        g.add((node, DCAT.accessURL, url))
        if path:
            g.add((node, DCAT.downloadURL, url))
        if file_type:
            g.add((node, DCTERMS["format"], typed(URIRef(FILE_TYPE + file_type), DCTERMS.MediaTypeOrExtent)))
        g.add((node, DCAT.mediaType, typed(URIRef(IANA + media_type), DCTERMS.MediaType)))
        if standard:
            g.add((node, DCTERMS.conformsTo, URIRef(standard)))
            g.add((URIRef(standard), RDF.type, DCTERMS.Standard))
        g.add((node, DCTERMS.license, licence))
    return g


def write(path, described, publishing, base_url, first, latest, as_of):
    g = graph(described, publishing, base_url, first, latest, as_of)
    path.write_text(g.serialize(format="turtle"), encoding="utf-8")
    return g
