#!/usr/bin/env python3
"""Make publications in the police's older layout (until 2021) from the seeds' data.

Until 2021 the monthly tables print three categories: Asylum rejected (Avslag asyl),
Dublin/safe third country (Dublin/trygt tredjeland) and Removed or expelled (Bort- og
utviste; until 2015 Removed, expelled and other, Bort-, utviste og andre); the prose
opens "Politiets utlendingsenhet (PU) uttransporterte 541 personer i mars. Av disse
var 197 ilagt en eller flere straffereaksjoner." or "The National Police Immigration
Service (NPIS) forcibly returned 375 persons in March 2018, and 136 of these were
convicted offenders."

This tool takes a publication of raw/ as the build reads it (tools/make_pdfs.py
`from_text`: the reconciled tables), sums each row's cells into the older categories
printed in the chosen period (data/categories.yml: their first/last period, and the
categories of today each `covers`), names the countries in the edition's language,
and writes it as an older edition: title, prose, both tables with their Total (Sum)
row and column, and the definitions. As TAB-separated text, space-aligned text (one
space between cells, two more for each empty cell, long names wrapped over two lines)
a PDF drawn by make_pdfs.render, ruled or not, or an HTML page printed to PDF by
Chromium (headless), as a user saves a web page. A manifest.yml lists what it made.

    python tools/make_older_publications.py tests/documents/older
"""

import calendar
import re
import shutil
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from make_pdfs import (LABELS, MONTHS_NO, Publication, TableData, from_text, manifest_entry, name_pool,  # noqa: E402
                       render, write_manifest)
from norway_returns.reading.countries import countries  # noqa: E402
from norway_returns.reading.vocabulary import categories  # noqa: E402

# The documents: which seed's data, as which older edition, in which layout, and the
# prose's monthly figures (the tables are year to date, the prose the month's own).
DOCUMENTS = [
    dict(file="2018-03-en.txt", seed="2024-05-en.txt", period="2018-03", language="en", layout="tab",
         returned=375, convicted=136, ytd_prev_year=1187),
    dict(file="2015-03-no.txt", seed="2022-06-en.txt", period="2015-03", language="no", layout="space",
         returned=541, convicted=197, ytd_prev_year=1402),
    dict(file="2019-02-no.pdf", seed="2025-02-en.txt", period="2019-02", language="no", layout="ruled",
         returned=171, convicted=64, ytd_prev_year=388),
    dict(file="2016-03-en.pdf", seed="2024-03-no.txt", period="2016-03", language="en", layout="unruled",
         returned=230, convicted=88, ytd_prev_year=612),
    dict(file="2017-09-en.pdf", seed="2024-05-en.txt", period="2017-09", language="en", layout="html",
         returned=402, convicted=151, ytd_prev_year=1120),
]

# How the older editions word their definitions of the three categories.
DEFINITIONS = {
    "en": {
        "asylum_rejected": "persons who applied for protection (asylum) in Norway and whose application was "
                           "processed and finally rejected in Norway.",
        "dublin_safe_third_country": "persons returned under the Dublin Regulation, or to a safe third country "
                                     "where they already hold a permit.",
        "removed_or_expelled": "persons refused entry or stay, and persons expelled from Norway, most of them "
                               "after a criminal conviction.",
        "removed_expelled_or_other": "persons refused entry or stay, persons expelled from Norway, and persons "
                                     "in no other category.",
    },
    "no": {
        "asylum_rejected": "alle som har søkt beskyttelse (asyl) i Norge og som har fått endelig avslag på en "
                           "asylsøknad som er realitetsbehandlet i Norge.",
        "dublin_safe_third_country": "de som uttransporteres etter Dublin-forordningen, eller til et trygt "
                                     "tredjeland der de allerede har en oppholdstillatelse.",
        "removed_or_expelled": "personer som er bortvist fra riket, og personer som er utvist, de fleste på "
                               "bakgrunn av straffereaksjon.",
        "removed_expelled_or_other": "personer som er bortvist eller utvist fra riket, og personer som ikke "
                                     "omfattes av noen av de andre kategoriene.",
    },
}
ROWS_PER_PAGE = 40  # text layouts: the title and header are repeated after this many rows
WRAP_AT = 16  # space layout: a longer name is wrapped over two lines, as the extraction leaves it


def older_categories(period):
    """The older categories printed in `period`, in the police's order, each with what it covers."""
    out = []
    for c in categories():
        if c.get("covers") and (c["first_period"] or "") <= period <= (c["last_period"] or "9999-99"):
            out.append(c)
    return out


def older_publication(raw, spec):
    """The seed publication raw/SEED as the older edition `spec` describes."""
    seed = from_text(raw, spec["seed"])
    period, language = spec["period"], spec["language"]
    cats = older_categories(period)
    for c in cats:  # the labels make_pdfs.render prints
        LABELS[language].setdefault(c["code"], c[f"label_{language}"])
    C, pool = countries(), name_pool(Path(raw))
    tables = []
    for t in seed.tables:
        rows = []
        for name, counts in t.rows:
            code = C.code(name)
            summed = {c["code"]: sum(counts.get(k, 0) for k in c["covers"]) for c in cats}
            assert sum(summed.values()) == sum(counts.values()), f"{name}: a cell of {spec['seed']} is in no older category"
            printed = pool.get(code, {}).get(language) or C.rows[code][f"name_{language}"]
            assert C.code(printed) == code, printed
            rows.append((printed, {k: v for k, v in summed.items() if v}))
        order = sorted(range(len(rows)), key=lambda k: rows[k][0].casefold())
        tables.append(TableData(t.kind, _table_title(language, period, t.kind), [c["code"] for c in cats] + ["total"],
                                [rows[k] for k in order], LABELS[language]["total"]))
    assert tables[0].total == tables[1].total
    year, month = int(period[:4]), int(period[5:])
    prose = _prose(language, year, month, spec, tables[0].total["total"])
    definitions = _definitions(language, cats)
    figures = dict(returned_in_month=spec["returned"], convicted_in_month=spec["convicted"],
                   ytd_total=tables[0].total["total"], ytd_total_prev_year=spec["ytd_prev_year"])
    return Publication(period, language, _title(language, year, month), prose, tables, definitions, figures)


def _title(language, year, month):
    if language == "no":
        return f"Månedsstatistikk {MONTHS_NO[month - 1]} {year}: Uttransporteringer fra Norge"
    return f"Statistics for {calendar.month_name[month]} {year}: Forced returns from Norway"


def _table_title(language, period, kind):
    if language == "no":
        return f"Uttransporteringer hittil i år etter {'nasjonalitet' if kind == 'nationality' else 'destinasjon'}"
    return f"Returnees so far in {period[:4]} by {kind}"


def _prose(language, year, month, spec, ytd):
    last = calendar.monthrange(year, month)[1]
    prev = spec["ytd_prev_year"]
    change = f"{round((ytd - prev) / prev * 100, 1):.1f}".replace(".", ",")
    if language == "no":
        m = MONTHS_NO[month - 1]
        return [
            f"Politiets utlendingsenhet (PU) uttransporterte {spec['returned']} personer i {m}. Av disse var "
            f"{spec['convicted']} ilagt en eller flere straffereaksjoner.",
            "",
            "PU har nasjonalt ansvar for å iverksette, kvalitetssikre og koordinere alle uttransporteringer av "
            "utlendinger uten lovlig opphold i riket. Assistert retur er ikke omhandlet i denne statistikken.",
            "",
            f"Sammenlignet med {year - 1}:",
            "Tvangsmessige uttransporteringer",
            f"Per {last:02d}.{month:02d}.{year - 1} {prev}",
            f"Per {last:02d}.{month:02d}.{year} {ytd}",
            f"Prosentvis endring {change} %",
            "Vi tar forbehold om endrede tall pga etterregistreringer.",
        ]
    name = calendar.month_name[month]
    return [
        f"The National Police Immigration Service (NPIS) forcibly returned {spec['returned']} persons in {name} "
        f"{year}, and {spec['convicted']} of these were convicted offenders.",
        "",
        "The NPIS is responsible for executing, coordinating and assuring the quality of all forced returns of "
        "foreigners without legal residence in Norway. Assisted returns are not included in these statistics.",
        "",
        f"Compared with {year - 1}",
        "Forced returns",
        f"As at {last} {name} {year - 1} {prev}",
        f"As at {last} {name} {year} {ytd}",
        f"Change in percent {change}",
        "These figures may change due to delays in the registration process.",
    ]


def _definitions(language, cats):
    heading = "De ulike kategoriene av uttransporterte" if language == "no" else "The categories of returnees"
    return [heading] + [f"{k}) {c[f'label_{language}']} – {DEFINITIONS[language][c['code']]}"
                        for k, c in enumerate(cats, start=1)]


# --- text layouts -----------------------------------------------------------------


def _values(table, counts):
    cats = [c for c in table.columns if c != "total"]
    values = [counts.get(c, 0) for c in cats]
    return [str(v) if v else "" for v in values] + [str(sum(values))]


def _tab_line(name, cells):
    return "\t".join([name, *cells])


def _space_line(name, cells):
    """One space between cells; an empty cell is two more spaces (1 + 2k spaces: k empty cells)."""
    out = name
    gap = 1
    for c in cells:
        if c:
            out += " " * gap + c
            gap = 1
        else:
            gap += 2
    return out


def _wrap(name):
    """A long name over two lines, broken where the first part starts a known name."""
    C = countries()
    if len(name) <= WRAP_AT:
        return [name]
    for k in range(len(name) - 1, 0, -1):
        if name[k] == " " and k <= WRAP_AT and C.is_prefix(name[:k]):
            return [name[:k], name[k + 1:]]
        if name[k - 1] == "-" and k <= WRAP_AT and C.is_prefix(name[:k]):
            return [name[:k], name[k:]]
    return [name]


def write_text(pub, path, layout):
    lines = [pub.title, ""]
    lines += pub.prose_before
    for t in pub.tables:
        labels = [LABELS[pub.language][c] for c in t.columns]
        header = _tab_line("", labels) if layout == "tab" else "  " + " ".join(labels)
        for k, (name, counts) in enumerate(t.rows):
            if k % ROWS_PER_PAGE == 0:
                lines += ["", "", t.title, header, ""]
            cells = _values(t, counts)
            if layout == "tab":
                lines.append(_tab_line(name, cells))
            else:
                *first, last = _wrap(name)
                lines += first
                lines.append(_space_line(last, cells))
        total = [str(t.total[c]) for c in t.columns]
        lines.append(_tab_line(t.total_label, total) if layout == "tab" else _space_line(t.total_label, total))
    lines += [""] + pub.prose_after + [""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")


# --- an HTML page printed by Chromium ----------------------------------------------


def write_html(pub):
    """The publication as a web page: headings, paragraphs, and a ruled table per kind."""
    labels = LABELS[pub.language]
    parts = ["<!DOCTYPE html>", f'<html lang="{"nb" if pub.language == "no" else "en"}"><head><meta charset="utf-8">',
             f"<title>{escape(pub.title)}</title>",
             "<style>body{font-family:sans-serif;font-size:10pt} table{border-collapse:collapse;margin:1em 0}"
             " th,td{border:1px solid #888;padding:2px 6px} td.n{text-align:right}</style></head><body>",
             f"<h1>{escape(pub.title)}</h1>"]
    parts += [f"<p>{escape(line)}</p>" for line in pub.prose_before if line]
    for t in pub.tables:
        parts.append(f"<h2>{escape(t.title)}</h2><table><thead><tr><th></th>"
                     + "".join(f"<th>{escape(labels[c])}</th>" for c in t.columns) + "</tr></thead><tbody>")
        for name, counts in t.rows:
            cells = _values(t, counts)
            parts.append(f"<tr><td>{escape(name)}</td>" + "".join(f'<td class="n">{c}</td>' for c in cells) + "</tr>")
        parts.append(f"<tr><th>{escape(t.total_label)}</th>"
                     + "".join(f'<td class="n"><b>{t.total[c]}</b></td>' for c in t.columns) + "</tr></tbody></table>")
    parts += [f"<p>{escape(line)}</p>" for line in pub.prose_after if line]
    return "\n".join(parts + ["</body></html>", ""])


def print_html(html, path, as_of):
    """`html` printed to the PDF `path` by headless Chromium, without its header and footer;
    as_of (YYYYMMDD) is the date the file says it was made."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not browser:
        raise click.ClickException("Chromium is needed to print the HTML edition (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp, "page.html")
        page.write_text(html, encoding="utf-8")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer",
                        f"--print-to-pdf={Path(path).resolve()}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    # the same bytes every time: Chromium stamps the time of printing; put the month's end
    # there, as long as what it replaces (the cross-reference offsets stay right)
    data = Path(path).read_bytes()

    def stamp(m):
        fixed = m[1] + b" (D:" + as_of.encode() + b"000000+00'00')"
        return fixed if len(fixed) == len(m[0]) else m[0]

    Path(path).write_bytes(re.sub(rb"(/(?:CreationDate|ModDate)) \(D:[^)]*\)", stamp, data))


@click.command()
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--raw", default=str(ROOT / "raw"), show_default=True, type=click.Path(file_okay=False, exists=True),
              help="The seed publications and their manifest.")
def main(out, raw):
    """Write the older editions of DOCUMENTS, and their manifest.yml, to OUT."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for spec in DOCUMENTS:
        pub = older_publication(raw, spec)
        path = out / spec["file"]
        if spec["layout"] in ("tab", "space"):
            write_text(pub, path, spec["layout"])
        elif spec["layout"] == "html":
            year, month = pub.year, pub.month
            print_html(write_html(pub), path, f"{year:04d}{month:02d}{calendar.monthrange(year, month)[1]:02d}")
        else:
            render(pub, path, ruled=spec["layout"] == "ruled")
        entry = manifest_entry(path, pub)
        entry["note"] = (f"Made by tools/make_older_publications.py from the tables of raw/{spec['seed']}, summed "
                         f"into the categories of {pub.period[:4]}; layout: {spec['layout']}.")
        entries.append(entry)
        click.echo(f"wrote {path}")
    write_manifest(out, entries)


if __name__ == "__main__":
    main()
