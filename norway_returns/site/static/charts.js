// What a dashboard chart gives a reader beyond its marks (inlined by site/dashboards.py):
// - its title, period and source drawn into the chart itself, so that the PNG and SVG
//   saved from its menu (vega-embed's actions) carry them, named for what they show;
// - its figures in a compact table under it, readable without hovering;
// - an embed snippet for an article (the chart's own page in an iframe).
// Its words and numbers in the page's language: window.siteWords (English -> the page's,
// from the message catalogue) and window.siteNumbers (the d3 number locale), both written
// by site/dashboards.py.
const columns_more = (rows, field) => new Set(rows.map(r => r[field])).size > 1;
const say = (text, ...fillings) => fillings.reduce((t, f) => t.replace("%s", f), (window.siteWords || {})[text] || text);

window.siteTakeaway = {
  SOURCE: "Source: National Police Immigration Service, monthly statistics",

  // a number as the page's language writes it (1 033 in Norwegian, 1,033 in English), as its axes do
  format(n) {
    return n.toLocaleString(document.documentElement.lang === "nb" ? "nb-NO" : "en-GB");
  },

  // the Vega-Lite layer whose encoding says what the chart counts
  encoded(spec) {
    if (spec.encoding) return spec;
    return (spec.layer || []).find(l => l.encoding && Object.values(l.encoding).some(e => e.type === "quantitative")) || null;
  },

  period(rows) {
    const covers = [...new Set(rows.map(r => r.covers || r.month).filter(Boolean))];
    if (covers.length === 0) return "";
    return covers.length === 1 ? covers[0] : say("%s to %s", covers[0], covers[covers.length - 1]);
  },

  fileName(title, period) {
    // in ASCII letters: "måneden" -> "maneden", "Sør" -> "sor"
    const ascii = (title + (period ? " " + period : "")).toLowerCase().replace(/æ/g, "ae").replace(/[øœ]/g, "o")
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return ascii.replace(/[^\w]+/g, "-").replace(/^-|-$/g, "");
  },

  // the spec with its title, period, source and the site's address drawn in
  prepare(spec, el) {
    if (!spec || !spec.data || !Array.isArray(spec.data.values) || !spec.description) return {spec, opts: {}};
    const rows = spec.data.values;
    const kinds = [...new Set(rows.map(r => r.kind).filter(Boolean))];
    // the table a chart shows when it shows one (the map: by nationality or by destination)
    // (the rows name it in the page's language: "by destination", "etter destinasjon")
    const period = [kinds.length === 1 ? kinds[0][0].toUpperCase() + kinds[0].slice(1) : "", this.period(rows)].filter(Boolean).join(", ");
    const site = location.origin + location.pathname.replace(/\/-\/dashboards\/.*$/, "/");
    const subtitle = [period, say(this.SOURCE) + " · " + site].filter(Boolean);
    // the title's lines as wide as the card (a longer line would shrink the chart to make room for it)
    const width = el && el.clientWidth ? el.clientWidth - 50 : 600;
    const titled = {...this.narrow(spec, width + 50), title: {
      text: this.lines(spec.description, width / 7.2), subtitle: subtitle.flatMap(line => this.lines(line, width / 5.4)),
      anchor: "start", fontSize: 13, subtitleFontSize: 10, subtitleColor: "#555", limit: 0}};
    const opts = {actions: {export: true, source: false, compiled: false, editor: false},
                  downloadFileName: this.fileName(spec.description, period),
                  i18n: {PNG_ACTION: say("Save as PNG"), SVG_ACTION: say("Save as SVG")}};
    if (window.siteNumbers) opts.formatLocale = window.siteNumbers;
    return {spec: titled, opts, rows, period};
  },

  // TEXT in lines of at most CHARS characters, broken between words
  lines(text, chars) {
    const out = [];
    for (const word of String(text).split(" ")) {
      if (out.length && (out[out.length - 1] + " " + word).length <= chars) out[out.length - 1] += " " + word;
      else out.push(word);
    }
    return out;
  },

  // on a phone's width: the x axis's labels in lines of one word each (side by side they
  // overlap), legends below the chart in one column, a map's projection scaled to the width
  narrow(spec, width) {
    if (width >= 500) return spec;  // a desktop's half of the page (about 600 px) draws them as written
    const walk = node => {
      if (Array.isArray(node)) return node.map(walk);
      if (!node || typeof node !== "object") return node;
      const out = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v);
      const enc = out.encoding;
      if (enc && enc.x && ["ordinal", "nominal"].includes(enc.x.type))
        enc.x = {...enc.x, axis: {...(enc.x.axis || {}), labelExpr: "split(datum.label, ' ')", labelAngle: 0}};
      if (enc && enc.x && enc.x.type === "quantitative")  // fewer ticks, their labels apart
        enc.x = {...enc.x, axis: {...(enc.x.axis || {}), tickCount: Math.max(3, Math.floor(width / 80))}};
      if (enc && enc.color && enc.color.legend)
        enc.color = {...enc.color, legend: {...enc.color.legend, orient: "bottom", columns: 1}};
      if (out.projection) {
        if (out.projection.scale) out.projection = {...out.projection, scale: Math.round(out.projection.scale * width / 600)};
        if (out.height) out.height = Math.max(160, Math.round(out.height * width / 600));
      }
      return out;
    };
    return walk(spec);
  },

  // the chart's figures as a table: one row per category of the axis, a column per colour
  figures(spec, rows) {
    const enc = (this.encoded(spec) || {}).encoding;
    if (!enc || !rows || rows.length === 0) return null;
    const channels = Object.entries(enc).filter(([k]) => ["x", "y", "color", "xOffset", "shape"].includes(k));
    const value = channels.find(([, e]) => e.type === "quantitative" && e.field);
    if (!value) return null;
    const key = channels.find(([k, e]) => k !== value[0] && (k === "x" || k === "y") && e.field)
             || (enc.tooltip || []).map(t => ["tooltip", t]).find(([, t]) => t.field && t.field !== value[1].field && !t.format);
    const series = channels.find(([k, e]) => (k === "color" || k === "xOffset") && e.field && e.type !== "quantitative");
    const field = value[1].field;
    // a total only where the marks are stacked (side by side, the series are not parts of a whole)
    const stacked = series && series[0] === "color" && !enc.xOffset && columns_more(rows, series[1].field);
    const byKey = new Map(), columns = [];
    for (const row of rows) {
      const k = key ? row[key[1].field] : "";
      const s = series ? row[series[1].field] : field;
      if (!byKey.has(k)) byKey.set(k, new Map());
      if (!columns.includes(s)) columns.push(s);
      const cell = byKey.get(k);
      cell.set(s, (cell.get(s) || 0) + (Number(row[field]) || 0));
    }
    let keys = [...byKey.keys()];
    if (!series && enc.shape) keys.sort((a, b) => byKey.get(b).get(field) - byKey.get(a).get(field));  // the map: most first
    const format = n => this.format(n);
    const table = document.createElement("table");
    table.className = "chart-figures";
    const head = table.createTHead().insertRow();
    const th = text => { const c = document.createElement("th"); c.textContent = text; head.appendChild(c); };
    // the key's column named as its axis names it, or else as its tooltip does (an axis without a title)
    const named = f => ((enc.tooltip || []).find(t => t.field === f && t.title) || {}).title || f;
    th(key ? (key[1].title || named(key[1].field) || "") : "");
    for (const c of columns) th(series ? c : (value[1].title || field));
    if (stacked) th(say("Total"));
    const body = table.createTBody();
    for (const k of keys) {
      const tr = body.insertRow();
      tr.insertCell().textContent = k;
      let total = 0;
      for (const c of columns) {
        const v = byKey.get(k).get(c);
        total += v || 0;
        const td = tr.insertCell();
        td.textContent = v === undefined ? "" : format(v);
      }
      if (stacked) tr.insertCell().textContent = format(total);
    }
    return table;
  },

  after(el, spec, rows) {
    const card = el.closest(".dashboard-card") || el.parentElement;
    if (!card || card.querySelector(".chart-takeaway")) return;
    const box = document.createElement("div");
    box.className = "chart-takeaway";
    const table = this.figures(spec, rows);
    if (table) {
      const details = document.createElement("details");
      details.className = "chart-figures-box";
      details.open = table.tBodies[0].rows.length <= 20;
      const summary = document.createElement("summary");
      summary.textContent = say("The figures (%s rows)", table.tBodies[0].rows.length);
      details.append(summary, table);
      box.appendChild(details);
    }
    const slug = el.id.replace(/^chart-/, "");
    const page = location.pathname.replace(/\/$/, "");
    if (/\/-\/dashboards\/[^\/]+$/.test(page)) {
      const embed = document.createElement("details");
      embed.className = "chart-embed";
      const summary = document.createElement("summary");
      summary.textContent = say("Embed this chart");
      const code = document.createElement("textarea");
      code.readOnly = true;
      code.rows = 2;
      code.value = `<iframe src="${location.origin}${page}/${slug}${location.search}" width="100%" height="480" style="border:0" title="${(spec.description || "").replace(/"/g, "&quot;")}"></iframe>`;
      embed.append(summary, code);
      box.appendChild(embed);
    }
    card.appendChild(box);
  },
};
