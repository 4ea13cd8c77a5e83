"""norway_returns/site/__init__.py: the plugin, as Datasette finds it through the entry point."""

import subprocess
import sys

import pytest

HOOKS = {"startup", "prepare_connection", "prepare_jinja2_environment", "asgi_wrapper", "register_output_renderer", "register_routes", "render_cell", "extra_template_vars",
         "extra_body_script", "extra_css_urls", "handle_exception"}

# Datasette loads the entry points when its plugin manager is first imported; the site's package
# may be imported before that (a test, a program that imports norway_returns.site.serve) or by it
PROBE = """
import sys
if sys.argv[1] == "site first":
    import norway_returns.site.serve
from datasette.app import Datasette
from datasette.plugins import get_plugins, pm
plugin = next(p for p in get_plugins() if p["name"] == "norway-returns")
# Datasette's own plugins keep their hooks too (its error handler, its facets)
assert {"datasette.handle_exception", "norway_returns"} <= {i.plugin_name for i in pm.hook.handle_exception.get_hookimpls()}
assert "datasette.facets" in {i.plugin_name for i in pm.hook.register_facet_classes.get_hookimpls()}
print(" ".join(sorted(plugin["hooks"])), bool(plugin["templates_path"]), bool(plugin["static_path"]))
"""


@pytest.mark.parametrize("order", ["site first", "datasette first"])
def test_every_hook_is_registered_whatever_is_imported_first(order):
    out = subprocess.run([sys.executable, "-c", PROBE, order], capture_output=True, text=True, check=True).stdout.split()
    assert set(out[:-2]) == HOOKS and out[-2:] == ["True", "True"]


def test_the_site_is_one_plugin_of_its_package(local_site):
    plugins = {p["name"]: p for p in local_site.json("/-/plugins.json")}
    assert set(plugins["norway-returns"]["hooks"]) == HOOKS
    assert plugins["norway-returns"]["templates"] and plugins["norway-returns"]["static"]
    assert not [name for name in plugins if name.endswith(".py")]
