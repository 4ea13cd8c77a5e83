"""A publication as the police's news CMS renders its article page, for tools/make_fixtures.py.

The page is what a newsroom saves: the site's header with its navigation and search, a
breadcrumb trail, the article (heading, date line, paragraphs, each table in a scrolling
region, headed by an <h3>), related links, a cookie banner and the site's footer, with
scripts. The tables are as CMSs write them: <thead> and <tbody>, the country as a row
header (`<th scope="row">`), empty cells holding `&nbsp;`, each cell carrying its column in
`data-label` (for the narrow screen's stacked layout), or, in the `editor` variant, a
table typed in the CMS's editor: no <thead>, the labels a first row of bold <td>s, the
name column headed "Nationality" / "Nasjonalitet".
"""

import html

WORDS = {
    "en": dict(lang="en", site="The Norwegian Police Service", home="Home", stats="Statistics and analysis",
               menu=["Services", "Report a crime", "Immigration", "About the police"], search="Search",
               published="Published", related="Related content",
               links=["Forced returns", "Return of unaccompanied minors", "Statistics archive"],
               cookie="We use cookies to make our website work and to improve it. Read more in our "
                      "privacy statement.", accept="Accept all", decline="Only necessary",
               footer=["Emergency number: 112", "Police: 02800", "Privacy statement", "Accessibility statement"],
               name_column="Nationality", share="Share this page"),
    "no": dict(lang="nb", site="Politiet", home="Forside", stats="Statistikk og analyse",
               menu=["Tjenester", "Anmeld", "Utlendingsforvaltning", "Om politiet"], search="Søk",
               published="Publisert", related="Relatert innhold",
               links=["Uttransportering", "Retur av enslige mindreårige", "Statistikkarkiv"],
               cookie="Vi bruker informasjonskapsler for at nettstedet skal fungere og for å forbedre det. "
                      "Les mer i personvernerklæringen.", accept="Godta alle", decline="Bare nødvendige",
               footer=["Nødnummer: 112", "Politiet: 02800", "Personvernerklæring", "Tilgjengelighetserklæring"],
               name_column="Nasjonalitet", share="Del denne siden"),
}


def _number(text):
    """A count as the CMS prints it: thousands apart by a no-break space."""
    return f"{int(text):,}".replace(",", "&nbsp;") if text.isdigit() else html.escape(text)


def _table(t, labels, words, editor):
    columns = [labels[c] for c in t.columns]
    out = [f'<div class="table-scroll" role="region" tabindex="0" aria-label="{html.escape(t.title)}">',
           '<table class="table table--striped">']
    if editor:
        out.append("<tbody>")
        out.append(f"<tr><td><strong>{words['name_column']}</strong></td>"
                   + "".join(f"<td><strong>{html.escape(c)}</strong></td>" for c in columns) + "</tr>")
    else:
        out.append('<thead>\n<tr>\n<th scope="col"><span class="visually-hidden">'
                   f'{words["name_column"]}</span></th>\n'
                   + "\n".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns) + "\n</tr>\n</thead>")
        out.append("<tbody>")

    def row(name, cells, tag="tbody"):
        if editor:
            return ("<tr><td>" + html.escape(name) + "</td>"
                    + "".join(f"<td>{_number(c) if c else '&nbsp;'}</td>" for c in cells) + "</tr>")
        return (f'<tr>\n<th scope="row" data-label="{words["name_column"]}">{html.escape(name)}</th>\n'
                + "".join(f'<td data-label="{html.escape(label)}">{_number(c) if c else "&nbsp;"}</td>'
                          for label, c in zip(columns, cells)) + "\n</tr>")

    out += [row(name, cells) for name, cells in t.printed_rows()]
    if editor:
        out.append(row(t.total_label, t.printed_total()).replace("<td>", "<td><strong>", 1)
                   .replace("</td>", "</strong></td>", 1))
        out.append("</tbody>")
    else:
        out.append("</tbody>\n<tfoot>")
        out.append(row(t.total_label, t.printed_total()))
        out.append("</tfoot>")
    out.append("</table>\n</div>")
    return out


def _paragraphs(lines):
    out = []
    for text in lines:
        if not text:
            continue
        text = html.escape(text).replace("  ", " &nbsp;")
        # the CMS keeps a number and its word together with a no-break space
        out.append(f"<p>{text}</p>")
    return out


def cms_page(pub, labels, path, editor=False, published="2025-01-01"):
    """`pub` as the CMS serves its article page, written to `path`."""
    w = WORDS[pub.language]
    title = html.escape(pub.title)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{w["lang"]}" class="no-js">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title} | {w['site']}</title>",
        '<link rel="stylesheet" href="/static/css/main.css">',
        "<style>.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
        ".table-scroll{overflow-x:auto} td{text-align:right} th[scope=row]{text-align:left}"
        "@media (max-width:600px){thead{display:none} td::before{content:attr(data-label)}}</style>",
        "<script>document.documentElement.className = 'js';</script>",
        "</head>",
        '<body class="page page--article has-cookie-banner">',
        f'<a class="skip-link" href="#main-content">{"Skip to main content" if pub.language == "en" else "Hopp til hovedinnhold"}</a>',
        '<header class="site-header" role="banner">',
        f'<a class="site-header__logo" href="/">{w["site"]}</a>',
        '<nav class="main-menu" aria-label="Main menu">',
        "<ul>" + "".join(f'<li><a href="/{k}">{m}</a></li>' for k, m in enumerate(w["menu"])) + "</ul>",
        "</nav>",
        f'<div class="site-search"><label for="q">{w["search"]}</label><input id="q" type="search"></div>',
        "</header>",
        '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>'
        f'<li><a href="/">{w["home"]}</a></li><li><a href="/statistics">{w["stats"]}</a></li>'
        f"<li>{title}</li></ol></nav>",
        '<main id="main-content">',
        '<article class="article">',
        f'<h1 class="article__title">{title}</h1>',
        f'<div class="article__meta"><span class="article__label">{w["published"]}</span> '
        f'<time datetime="{published}">{published}</time></div>',
        '<div class="article__body rich-text">',
    ]
    parts += _paragraphs(pub.prose_before)
    for t in pub.tables:
        parts.append(f"<h3>{html.escape(t.title)}</h3>")
        parts += _table(t, labels, w, editor)
    parts += _paragraphs(pub.prose_after)
    parts += [
        "</div>",
        f'<div class="share-buttons"><span>{w["share"]}</span> <a href="#">Facebook</a> <a href="#">X</a></div>',
        "</article>",
        '<aside class="related-links">',
        f"<h2>{w['related']}</h2>",
        "<ul>" + "".join(f'<li><a href="/{k}">{link}</a></li>' for k, link in enumerate(w["links"])) + "</ul>",
        "</aside>",
        "</main>",
        '<div id="cookie-banner" class="cookie-consent" role="dialog" aria-label="Cookies">',
        f'<p>{w["cookie"]}</p><button type="button">{w["accept"]}</button>'
        f'<button type="button">{w["decline"]}</button>',
        "</div>",
        '<footer class="site-footer" role="contentinfo">',
        "<ul>" + "".join(f"<li>{f}</li>" for f in w["footer"]) + "</ul>",
        f"<p>© {w['site']}</p>",
        "</footer>",
        # what the site's script adds once the page has loaded: a newsletter prompt
        "<script>document.addEventListener('DOMContentLoaded', function () {"
        "var d = document.createElement('div'); d.className = 'newsletter-prompt';"
        "d.innerHTML = '<p>Subscribe to our newsletter</p>'; document.body.appendChild(d);});</script>",
        "</body>",
        "</html>",
    ]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path
