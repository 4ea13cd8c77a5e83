"""datasette-vega's chart controls, loaded when a reader opens them.

datasette-vega (a React app of 922 KB, 288 KB gzipped) draws a chart of a table or query
page's rows when "Show charting options" is pressed, or at once when the page's fragment
names a chart (`#g.mark=line&g.x_column=...`, the links of the site's descriptions). The
site loads it only then (compat.vega_on_demand takes its script out of every page's head):
this script puts the same button before the rows and, when it is pressed or a fragment
names a chart (on arrival or after a link on the page is followed), loads the plugin's
stylesheet and script and hands over to it. Pages with no rows table, and the dashboards,
load nothing of it.
"""

import json

# datasette-vega starts on DOMContentLoaded (it finds the page's JSON link and its rows
# table then); while its script runs, a listener for it is called at once if the event has
# passed (the script may run before or after it).
LOADER = """
(() => {
  const files = %(files)s;
  const table = document.querySelector("table.rows-and-columns");
  if (!table || !document.querySelector(".export-links a[href*=json]")) return;
  if (document.querySelector('script[src*="datasette_vega"]')) return;  // the plugin's own tag
  let loading = null;
  const load = () => loading || (loading = new Promise((resolve, reject) => {
    for (const href of files.extra_css_urls || []) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    }
    const add = document.addEventListener;
    document.addEventListener = function (type, listener, options) {
      if (type !== "DOMContentLoaded" || document.readyState === "loading") return add.call(this, type, listener, options);
      listener.call(document, new Event("DOMContentLoaded"));
    };
    const script = document.createElement("script");
    script.src = (files.extra_js_urls || [])[0];
    script.onload = () => { document.addEventListener = add; resolve(); };
    script.onerror = () => { document.addEventListener = add; reject(new Error("datasette-vega did not load")); };
    document.head.appendChild(script);
  }));
  const placeholder = document.createElement("div");
  placeholder.className = "datasette-vega-inactive site-chart-controls";
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Show charting options";
  placeholder.appendChild(button);
  table.parentNode.insertBefore(placeholder, table);
  const open = async pressed => {
    button.disabled = true;
    await load();
    placeholder.remove();
    if (pressed) {  // the plugin's own button, in the place of this one
      const theirs = document.querySelector(".datasette-vega-inactive button");
      if (theirs) theirs.click();
    }
  };
  const namesChart = () => /(^#|&)g\\./.test(location.hash);
  button.addEventListener("click", () => open(true));
  if (namesChart()) open(false);
  window.addEventListener("hashchange", () => { if (namesChart()) open(false); });
})();
"""


def loader(files):
    """The page's loader of datasette-vega, given compat.vega_files(); None where the plugin
    puts its own script on the page."""
    if not files.get("extra_js_urls"):
        return None
    return LOADER % {"files": json.dumps(files)}
