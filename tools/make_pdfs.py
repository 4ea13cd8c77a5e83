#!/usr/bin/env python3
"""Make PDF publications laid out like the police's monthly statistics.

The police publish PDFs; raw/ holds only text extractions of four of them. This
tool draws PDFs (with reportlab) that hold what a publication holds: the title, the
prose with its headline figures, then the tables by nationality and by destination
over several pages, each page repeating the running title, the table's title and the
header row; country names wrapped inside a narrow name column, empty cells for
zero, and a Total (Sum) row. Tables come ruled (a border round every cell) or
unruled (columns only by position).

Two sources of data:

- `from-text`: a publication of raw/ re-drawn from its text: the prose lines as
  printed and the tables as the build reads them (repaired and corrected, so a PDF
  of the OCR-damaged May 2024 holds the reconciled numbers and needs no corrections).
- `archive`: synthetic months, each a consecutive year-to-date publication (the
  counts grow month by month and start again each January), in English and
  Norwegian, five category columns before 2025 and six from 2025.

    python tools/make_pdfs.py from-text raw 2025-02-en.txt out/2025-02-en.pdf --unruled
    python tools/make_pdfs.py archive out/ --start 2016-01 --months 120

Both write a manifest.yml entry (with the sha256) for what they make, so that the
folder builds with `python build_db.py --raw out/`.
"""

import calendar
import copy
import hashlib
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import click
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from norway_returns.build import KINDS, load_document  # noqa: E402
from norway_returns.checking.corrections import read_corrections  # noqa: E402
from norway_returns.reading.countries import countries  # noqa: E402
from norway_returns.reading.extract import extract  # noqa: E402
from norway_returns.reading.sources import read_manifest  # noqa: E402
from norway_returns.reading.tables import find_tables  # noqa: E402
from norway_returns.reading.vocabulary import norm, table_kind  # noqa: E402

LABELS = {
    "en": {"asylum": "Asylum", "refused_entry_or_stay": "Refused stay or entry", "dublin": "Dublin",
           "international_protection": "Granted international protection", "expulsion": "Expulsion",
           "other": "Other", "total": "Total"},
    "no": {"asylum": "Asyl", "refused_entry_or_stay": "Bortvisning", "dublin": "Dublin",
           "international_protection": "Innvilget internasjonal beskyttelse", "expulsion": "Utvisning",
           "other": "Andre", "total": "Sum"},
}
# the police's column orders: until 2024, and from 2025 with international protection
COLUMNS_5 = ["asylum", "refused_entry_or_stay", "dublin", "expulsion", "total"]
COLUMNS_6 = ["asylum", "dublin", "international_protection", "refused_entry_or_stay", "expulsion", "total"]
MONTHS_NO = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
             "november", "desember"]


@dataclass
class TableData:
    kind: str  # nationality | destination
    title: str
    columns: list  # category codes in printed order, then "total"
    rows: list  # [(printed name, {category: count})], in printed order
    total_label: str = "Total"

    @property
    def total(self):
        t = {c: sum(r.get(c, 0) for _, r in self.rows) for c in self.columns if c != "total"}
        t["total"] = sum(t.values())
        return t

    def printed_rows(self):
        """Each row's cells as printed, in column order: an empty cell for no returns, then
        the row's total."""
        for name, counts in self.rows:
            values = [counts.get(c, 0) for c in self.columns if c != "total"]
            yield name, [str(v) if v else "" for v in values] + [str(sum(values))]

    def printed_total(self):
        """The Total row's cells as printed, in column order."""
        return [str(self.total[c]) for c in self.columns]


@dataclass
class Publication:
    period: str  # YYYY-MM
    language: str  # en | no
    title: str
    prose_before: list  # printed lines ("" for a blank line)
    tables: list  # [TableData], nationality first
    prose_after: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # what the prose states, for tests and derived months

    @property
    def year(self):
        return int(self.period[:4])

    @property
    def month(self):
        return int(self.period[5:])


# --- a publication from its text in raw/ ------------------------------------------


def _prose_text(line):
    text = " ".join(c for c in line.cells if c) if len(line.cells) > 1 else line.text
    return " ".join(text.replace("**", "").split())


def from_text(raw, file):
    """The publication raw/FILE as the build reads it: prose lines and reconciled tables."""
    raw = Path(raw)
    doc = next((d for d in read_manifest(raw) if d.path.name == file), None)
    if doc is None:
        raise click.ClickException(f"{file} is not in {raw}/manifest.yml")
    corrections = [c for c in read_corrections(raw) if c.file == doc.name]
    results, figures, _, _ = load_document(doc, corrections, set())
    lines = extract(doc)
    tables = sorted(find_tables(lines), key=lambda t: t.first_line)
    first, last = tables[0], tables[-1]
    # the prose before the first table, without the caption block right above its header
    before = [l for l in lines if l.number < first.first_line]
    while before and before[-1].is_blank:
        before.pop()
    while before and not before[-1].is_blank:
        before.pop()
    title = doc.title or ""
    prose = [_prose_text(l) for l in before]
    while prose and (not prose[0] or norm(prose[0]).rstrip(":") in norm(title)):
        prose.pop(0)  # the title is drawn as the title
    after = [_prose_text(l) for l in lines if l.number > last.total.line.number]
    out = []
    for table in tables:
        result = results[table.kind]
        names = {}
        for printed, code in result.names:
            names.setdefault(code, printed)
        rows, order = {}, {}
        for cell in result.cells:
            rows.setdefault(cell.country, {})[cell.category] = cell.count
            line = int(cell.source.rsplit(":", 1)[1].split("-")[0])
            order[cell.country] = min(order.get(cell.country, line), line)
        titles = [_prose_text(l) for k, l in table.titles if table_kind(l.text) == table.kind]
        total_label = table.total.line.cells[0] or LABELS[doc.language]["total"]
        out.append(TableData(table.kind, titles[0] if titles else _table_title(doc.language, doc.period, table.kind),
                             list(table.columns), [(names[c], rows[c]) for c in sorted(rows, key=order.get)],
                             total_label))
        assert out[-1].total == {c: v for c, (v, _) in result.totals.items()}, (file, table.kind)
    return Publication(doc.period, doc.language, title, prose, out, after,
                       {k: f.value for k, f in figures.items()})


# --- synthetic publications -------------------------------------------------------


def _table_title(language, period, kind):
    if language == "no":
        return f"Uttransporteringer hittil i år etter {'nasjonalitet' if kind == 'nationality' else 'destinasjon'}"
    return f"Returnees so far in {period[:4]} by {kind}"


def _title(language, year, month):
    if language == "no":
        return f"Månedsstatistikk {MONTHS_NO[month - 1]} {year}: Uttransporteringer fra Norge"
    return f"Statistics for {calendar.month_name[month]} {year}: Forced returns from Norway"


def synthetic_prose(language, year, month, f):
    """Prose in the police's wording (the sentences data/figures.yml reads), for figures `f`.

    f: returned_in_month, convicted_in_month, ytd_total, ytd_total_prev_year, convicted_ytd,
    convicted_ytd_prev_year, minors_in_month, charter_flights_in_month, charter_flights_ytd.
    Returns (lines, the figures the lines state: `f` with what the wording adds or leaves out).
    """
    last_day = calendar.monthrange(year, month)[1]
    change = round((f["ytd_total"] - f["ytd_total_prev_year"]) / f["ytd_total_prev_year"] * 100, 1)
    pct = round(100 * f["convicted_in_month"] / max(f["returned_in_month"], 1))
    stated = dict(f, ytd_change_pct_published=change, convicted_in_month_pct_published=pct,
                  minors_unaccompanied_in_month=0)
    charter_month, charter_ytd = f["charter_flights_in_month"], f["charter_flights_ytd"]
    if language == "no":
        m = MONTHS_NO[month - 1]
        if charter_ytd == 0:
            charter = ["Det har ikke blitt gjennomført charter hittil i år."]
        elif charter_month == 0:
            charter = [f"Ingen charter i {m}. Hittil i år er det gjennomført {charter_ytd} charter."]
        else:  # the Norwegian wording read by data/figures.yml has no count for the month
            charter = [f"Hittil i år er det gjennomført {charter_ytd} charter."]
            stated.pop("charter_flights_in_month")
        lines = [
            f"Politiet uttransporterte {f['returned_in_month']} personer i {m} {year}. Av disse var "
            f"{f['convicted_in_month']} ilagt én eller flere straffereaksjoner.",
            "",
            "Politiets utlendingsenhet (PU) har nasjonalt ansvar for å iverksette, kvalitetssikre og koordinere "
            "alle uttransporteringer av utlendinger uten lovlig opphold i riket.",
            "",
            f"Sammenlignet med {year - 1}:",
            "Tvangsmessige uttransporteringer",
            f"Per {last_day:02d}.{month:02d}.{year - 1} {f['ytd_total_prev_year']}",
            f"Per {last_day:02d}.{month:02d}.{year} {f['ytd_total']}",
            f"Prosentvis endring {change:.1f} %".replace(".", ","),
            "Vi tar forbehold om endrede tall pga etterregistreringer.",
            "",
            "Straffede",
            f"I {m} uttransporterte politiet {f['convicted_in_month']} personer ilagt straffereaksjon, noe som "
            f"tilsvarer {pct} prosent av samtlige uttransporteringer denne måneden.",
            f"Hittil i år er det gjennomført {f['convicted_ytd']} uttransporteringer av personer ilagt "
            f"straffereaksjon, mot {f['convicted_ytd_prev_year']} i samme periode i fjor.",
            "",
            "Mindreårige",
            f"I {m} ble {f['minors_in_month']} mindreårige uttransportert til sitt hjemland eller trygt "
            "tredjeland. Samtlige reiste sammen med foresatte.",
            "",
            "Uttransporter med charter",
            *charter,
        ]
        return lines, stated
    name = calendar.month_name[month]
    flights = "no" if charter_ytd == 0 else charter_ytd
    lines = [
        f"The police forcibly returned {f['returned_in_month']} persons in {name} {year}, "
        f"{f['convicted_in_month']} of whom were convicted offenders.",
        "",
        "The National Police Immigration Service (NPIS) is responsible for executing, coordinating and assuring "
        "the quality of all returns of foreigners staying illegally in Norway. Assisted returns are not included "
        "in these statistics.",
        "",
        f"Compared with {year - 1}",
        "Forced returns",
        f"As at {last_day} {name} {year - 1} {f['ytd_total_prev_year']}",
        f"As at {last_day} {name} {year} {f['ytd_total']}",
        f"Change in percent {change:.1f}".replace(".", ","),
        "These figures may change due to delays in the registration process.",
        "",
        "Convicted offenders",
        f"In {name}, the police returned {f['convicted_in_month']} convicted offenders, {pct}% of all "
        "returnees that month.",
        f"So far this year, {f['convicted_ytd']} convicted offenders have been returned, compared with "
        f"{f['convicted_ytd_prev_year']} in the same period last year.",
        "",
        "Minors",
        f"A total of {f['minors_in_month']} minors were returned in {name}, either to their home country or to "
        "a safe third country. All travelled with their parents or guardians.",
        "",
        "Returns on chartered flights",
        (f"No returnee flights were chartered in {name}." if charter_month == 0 else
         f"{charter_month} returnee {'flight was' if charter_month == 1 else 'flights were'} chartered in {name}.")
        + f" So far this year, there {'has' if charter_ytd == 1 else 'have'} been {flights} chartered returnee "
        f"flight{'' if charter_ytd == 1 else 's'}.",
    ]
    return lines, stated


# names the police print; long ones wrap in the narrow name column
_LONG = {"COD": ("Democratic Republic of the Congo", "Den demokratiske republikken Kongo"),
         "KNA": ("Saint Kitts and Nevis", None), "TTO": ("Trinidad and Tobago", None),
         "ARE": ("United Arab Emirates", "De forente arabiske emirater"),
         "DOM": ("Dominican Republic", "Den dominikanske republikk"), "BIH": ("Bosnia-Herzegovina", None)}
# destinations of Dublin and international-protection returns
_EUROPE = ["DEU", "SWE", "DNK", "FRA", "ITA", "ESP", "POL", "NLD", "GRC", "AUT", "CHE", "FIN", "BEL", "LTU"]


def name_pool(raw=ROOT / "raw"):
    """code -> {language: printed name}, from the publications in raw/ and the countries table."""
    C = countries()
    pool = {}
    for doc in read_manifest(raw):
        lines = extract(doc)
        for table in find_tables(lines):
            for line, _ in table.body:
                code = C.code(line.cells[0]) if line.cells[0] else None
                if code and code not in ("XXA", "XXX"):
                    pool.setdefault(code, {}).setdefault(doc.language, line.cells[0])
    for code, (en, no) in _LONG.items():
        pool.setdefault(code, {})["en"] = en
        if no:
            pool[code]["no"] = no
    for code, names in pool.items():
        for lang in ("en", "no"):
            if lang not in names:
                row = C.rows.get(code, {})
                guess = row.get(f"name_{lang}")
                if guess and C.code(guess) == code:
                    names[lang] = guess
    return {code: names for code, names in pool.items() if set(names) == {"en", "no"}}


class Archive:
    """Consecutive synthetic months: events of return, counted year to date."""

    def __init__(self, seed=2016, pool=None, size=84):
        self.rng = random.Random(seed)
        self.pool = pool or name_pool()
        codes = sorted(self.pool)
        self.rng.shuffle(codes)
        # `size` nationalities (the long names among them, to wrap in their cells): about
        # six pages a month by the end of a year
        long = [c for c in _LONG if c in self.pool]
        self.codes = long + [c for c in codes if c not in long][: size - len(long)]
        self.rng.shuffle(self.codes)
        # a few countries return many, most a few (Zipf-like weights)
        self.weights = [1 / (k + 1) ** 0.8 for k in range(len(self.codes))]
        self.europe = [c for c in _EUROPE if c in self.pool]
        self.previous = {}  # year -> ytd figures of the month before

    def _events(self, year, n):
        cats = [c for c in (COLUMNS_6 if year >= 2025 else COLUMNS_5) if c != "total"]
        cat_weights = {"asylum": 2, "refused_entry_or_stay": 5, "dublin": 3, "international_protection": 1,
                       "expulsion": 5}
        out = []
        for code in self.rng.choices(self.codes, self.weights, k=n):
            cat = self.rng.choices(cats, [cat_weights[c] for c in cats])[0]
            if cat in ("dublin", "international_protection") or self.rng.random() < 0.15:
                dest = self.rng.choice(self.europe)
            else:
                dest = code
            out.append((code, dest, cat))
        return out

    def months(self, start, count, language=lambda year, month: "no" if month % 3 == 0 else "en"):
        """Publications for `count` months from `start` (YYYY-MM)."""
        year, month = int(start[:4]), int(start[5:])
        ytd, convicted_ytd, charter_ytd = None, 0, 0
        for _ in range(count):
            if month == 1 or ytd is None:
                ytd, convicted_ytd, charter_ytd = [], 0, 0
            n = self.rng.randint(150, 260)
            events = self._events(year, n)
            ytd += events
            convicted = sum(1 for _, _, c in events if c == "expulsion") // 2 + self.rng.randint(0, 10)
            charter = int(self.rng.random() < 0.2)
            convicted_ytd += convicted
            charter_ytd += charter
            f = dict(returned_in_month=n, convicted_in_month=convicted, ytd_total=len(ytd),
                     ytd_total_prev_year=max(1, int(len(ytd) * self.rng.uniform(0.8, 1.25))),
                     convicted_ytd=convicted_ytd,
                     convicted_ytd_prev_year=int(convicted_ytd * self.rng.uniform(0.8, 1.25)),
                     minors_in_month=self.rng.randint(2, 20), charter_flights_in_month=charter,
                     charter_flights_ytd=charter_ytd)
            yield self.publication(year, month, language(year, month), ytd, f)
            month += 1
            if month > 12:
                year, month = year + 1, 1

    def publication(self, year, month, language, events, figures):
        columns = COLUMNS_6 if year >= 2025 else COLUMNS_5
        period = f"{year:04d}-{month:02d}"
        tables = []
        for k, kind in enumerate(KINDS):
            counts = {}
            for e in events:
                counts.setdefault(e[k], {}).setdefault(e[2], 0)
                counts[e[k]][e[2]] += 1
            order = sorted(counts, key=lambda c: norm(self.pool[c]["no"]))  # the police sort by Norwegian name
            tables.append(TableData(kind, _table_title(language, period, kind), list(columns),
                                    [(self.pool[c][language], counts[c]) for c in order],
                                    LABELS[language]["total"]))
        prose, stated = synthetic_prose(language, year, month, figures)
        return Publication(period, language, _title(language, year, month), prose, tables, [], stated)


def next_month(pub, returned, seed=0):
    """The month after `pub` (same year): its tables grown by `returned` new returns.

    The new returns go to countries and categories of `pub`'s tables, the same ones
    in both tables, so that both Total rows grow alike; the prose states them.
    """
    rng = random.Random(seed)
    year, month = pub.year, pub.month + 1
    assert month <= 12, "next_month stays within the year"
    nat, dest = (copy.deepcopy(t) for t in pub.tables)
    cats = [c for c in nat.columns if c != "total"]
    for _ in range(returned):
        cat = rng.choice(cats)
        for table in (nat, dest):
            name, counts = rng.choice(table.rows)
            counts[cat] = counts.get(cat, 0) + 1
    convicted = returned // 4
    before = pub.figures
    f = dict(returned_in_month=returned, convicted_in_month=convicted, ytd_total=nat.total["total"],
             ytd_total_prev_year=before.get("ytd_total_prev_year") or nat.total["total"],
             convicted_ytd=(before.get("convicted_ytd") or 0) + convicted,
             convicted_ytd_prev_year=before.get("convicted_ytd_prev_year") or convicted,
             minors_in_month=3, charter_flights_in_month=0, charter_flights_ytd=before.get("charter_flights_ytd") or 0)
    for t in (nat, dest):
        t.title = _table_title(pub.language, f"{year:04d}-{month:02d}", t.kind)
    prose, stated = synthetic_prose(pub.language, year, month, f)
    return Publication(f"{year:04d}-{month:02d}", pub.language, _title(pub.language, year, month),
                       prose, [nat, dest], [], stated)


# --- drawing ----------------------------------------------------------------------


def render(pub, path, ruled=True, valign="MIDDLE", align="RIGHT", name_width=78, encrypt=None):
    """Draw `pub` as a PDF at `path`.

    ruled: a border round every cell (else none: columns only by position).
    valign: where a row's numbers stand beside a wrapped name (TOP, MIDDLE, BOTTOM).
    align: the numbers in their cells (RIGHT or CENTER).
    name_width: the name column in points; long names wrap inside it.
    encrypt: a reportlab StandardEncryption (or a user password) to protect the file.
    """
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName="Helvetica", fontSize=10, leading=13,
                          spaceAfter=0)
    title = ParagraphStyle("title", parent=styles["Title"], fontName="Helvetica-Bold", fontSize=16, leading=20,
                           alignment=0)
    caption = ParagraphStyle("caption", parent=body, fontName="Helvetica-Bold", fontSize=11, leading=14)
    name_style = ParagraphStyle("name", parent=body, fontSize=8, leading=9.6)
    head_style = ParagraphStyle("head", parent=name_style, fontName="Helvetica-Bold", alignment=TA_CENTER)

    def page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, pub.title)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, str(doc.page))
        canvas.restoreState()

    story = [Paragraph(escape(pub.title), title), Spacer(1, 6)]
    for text in pub.prose_before:
        story.append(Paragraph(escape(text), body) if text else Spacer(1, 8))
    for t in pub.tables:
        labels = LABELS[pub.language]
        data = [[Paragraph(escape(t.title), caption)] + [""] * (len(t.columns)),
                [""] + [Paragraph(escape(labels[c]), head_style) for c in t.columns]]
        for name, cells in t.printed_rows():
            data.append([Paragraph(escape(name), name_style)] + cells)
        data.append([Paragraph(f"<b>{escape(t.total_label)}</b>", name_style)] + t.printed_total())
        value_width = min(62, (A4[0] - 40 * mm - name_width) / len(t.columns))
        style = [("SPAN", (0, 0), (-1, 0)), ("FONTNAME", (1, 2), (-1, -1), "Helvetica"),
                 ("FONTSIZE", (1, 2), (-1, -1), 8), ("ALIGN", (1, 2), (-1, -1), align),
                 ("VALIGN", (0, 1), (-1, -1), valign), ("FONTNAME", (1, -1), (-1, -1), "Helvetica-Bold"),
                 ("TOPPADDING", (0, 2), (-1, -1), 2), ("BOTTOMPADDING", (0, 2), (-1, -1), 3)]
        if ruled:
            style.append(("GRID", (0, 1), (-1, -1), 0.5, colors.black))
        table = Table(data, colWidths=[name_width] + [value_width] * len(t.columns), repeatRows=2, hAlign="LEFT")
        table.setStyle(TableStyle(style))
        story += [Spacer(1, 14), table]
    if pub.prose_after:
        story.append(Spacer(1, 14))
        for text in pub.prose_after:
            story.append(Paragraph(escape(text), body) if text else Spacer(1, 8))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=pub.title, author="Politiets utlendingsenhet (synthetic)",
                            encrypt=encrypt, invariant=1)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return path


# --- manifests --------------------------------------------------------------------


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def manifest_entry(path, pub):
    return {"file": Path(path).name, "period": pub.period, "language": pub.language, "title": pub.title,
            "sha256": sha256(path)}


def write_manifest(folder, entries):
    """manifest.yml for `entries` (dicts as manifest_entry gives), periods quoted."""
    text = yaml.safe_dump(sorted(entries, key=lambda e: e["period"]), allow_unicode=True, sort_keys=False,
                          default_style=None)
    Path(folder, "manifest.yml").write_text(text, encoding="utf-8")


# --- command line -----------------------------------------------------------------


@click.group()
def main():
    """Make PDF publications like the police's monthly statistics."""


_layout = [
    click.option("--ruled/--unruled", default=True, show_default=True, help="Borders round every cell, or none."),
    click.option("--valign", type=click.Choice(["TOP", "MIDDLE", "BOTTOM"]), default="MIDDLE", show_default=True,
                 help="Where a row's numbers stand beside a wrapped name."),
    click.option("--align", type=click.Choice(["RIGHT", "CENTER"]), default="RIGHT", show_default=True),
    click.option("--name-width", type=float, default=78, show_default=True,
                 help="Width of the name column in points; longer names wrap."),
]


def layout(f):
    for option in reversed(_layout):
        f = option(f)
    return f


@main.command("from-text")
@click.argument("raw", type=click.Path(file_okay=False, exists=True))
@click.argument("file")
@click.argument("out", type=click.Path(dir_okay=False))
@layout
@click.option("--manifest/--no-manifest", default=True, help="Add the PDF to OUT's folder's manifest.yml.")
def from_text_command(raw, file, out, ruled, valign, align, name_width, manifest):
    """Draw the publication RAW/FILE (a text in the manifest) as the PDF OUT."""
    pub = from_text(raw, file)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    render(pub, out, ruled=ruled, valign=valign, align=align, name_width=name_width)
    if manifest:
        _add_to_manifest(out.parent, manifest_entry(out, pub))
    click.echo(f"wrote {out}")


def _add_to_manifest(folder, entry):
    path = Path(folder, "manifest.yml")
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    entries = [e for e in entries or [] if e["file"] != entry["file"] and e["period"] != entry["period"]]
    write_manifest(folder, entries + [entry])


@main.command("archive")
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--start", default="2016-01", show_default=True, help="The first month, YYYY-MM.")
@click.option("--months", default=120, show_default=True, help="How many consecutive months.")
@click.option("--seed", default=2016, show_default=True)
@layout
@click.option("--mixed/--same", default=True, show_default=True,
              help="Alternate ruled and unruled tables month by month (else all as --ruled says).")
def archive_command(out, start, months, seed, ruled, valign, align, name_width, mixed):
    """Synthetic consecutive months, year to date, as PDFs in OUT with their manifest.yml."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for k, pub in enumerate(Archive(seed).months(start, months)):
        path = out / f"{pub.period}-{pub.language}.pdf"
        render(pub, path, ruled=(k % 2 == 0) if mixed else ruled, valign=valign, align=align,
               name_width=name_width)
        entries.append(manifest_entry(path, pub))
    write_manifest(out, entries)
    click.echo(f"wrote {len(entries)} PDFs and manifest.yml to {out}")


if __name__ == "__main__":
    main()
