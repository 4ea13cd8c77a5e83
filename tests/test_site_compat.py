"""norway_returns/site/compat.py: each internal it relies on is still there and still of the
shape it was written for, each patch changes nothing a reader sees, and no other module of
the site uses a private name of Datasette or pluggy."""

import ast
import asyncio
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from datasette import facets
from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

import datasette.handle_exception as default_errors
from norway_returns.site import compat
from site_helpers import Site, serve_settings

SITE = Path(compat.__file__).parent


def run(coro):
    return asyncio.new_event_loop().run_until_complete(coro)


# ------------------------------------------------------------ the internals are still there

def test_the_versions_written_for_are_the_ones_installed():
    # every patch applies here; on a Datasette outside its range it would not
    assert all(p.applies() for p in compat.PATCHES), [p.name for p in compat.PATCHES if not p.applies()]


def test_a_patch_is_left_out_on_a_version_it_was_not_written_for(monkeypatch):
    monkeypatch.setattr(compat, "version", lambda dist: "1.0a19" if dist == "datasette" else "99")
    assert not any(p.applies() for p in compat.PATCHES)


def test_quiet_errors_relies_on_the_rich_global_of_the_default_handler():
    assert hasattr(default_errors, "rich")
    assert "rich" in inspect.getsource(default_errors.handle_exception)


def test_metadata_once_relies_on_these_methods_and_their_arguments():
    assert list(inspect.signature(Datasette._table_permission_allows).parameters) == ["self", "database", "table"]
    for name in ("metadata", "plugin_config"):
        params = list(inspect.signature(getattr(Datasette, name)).parameters)
        assert params[-3:] == ["database", "table", "fallback"], (name, params)


def test_schema_once_relies_on_these_lookups_and_questions():
    for name in compat.SCHEMA_LOOKUPS:
        assert inspect.iscoroutinefunction(getattr(Database, name)), name
    import datasette.app
    # the SQL Datasette asks, as its source writes it (adjacent literals joined)
    strings = {node.value for module in (datasette.app, datasette.database)
               for node in ast.walk(ast.parse(inspect.getsource(module)))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    for sql in compat.SCHEMA_SQL:
        assert sql in strings, sql
    assert inspect.iscoroutinefunction(Datasette.refresh_schemas)


def test_facets_once_relies_on_get_configs():
    assert callable(facets.Facet.get_configs)
    assert "source_and_config" in inspect.getsource(facets) or "config" in inspect.getsource(facets.Facet.get_configs)


def test_markdown_cells_relies_on_pluggy_hook_callers_internals():
    hook = pm.hook.render_cell
    for name in ("_remove_plugin", "_add_hookimpl", "get_hookimpls"):
        assert hasattr(hook, name), name
    assert any(getattr(i.plugin, "__name__", None) == compat.MARKDOWN
               for i in pm.hook.render_cell.get_hookimpls() + compat._markdown_removed)


def test_query_outcomes_relies_on_execute_and_its_exceptions():
    assert inspect.iscoroutinefunction(Database.execute)
    assert issubclass(compat.QueryInterrupted, Exception)
    # Python's sqlite3 still raises SQLite's out-of-memory as a bare MemoryError (in a process
    # of its own: the heap limit is the process's, and can only be lowered)
    probe = ("import sqlite3\nc = sqlite3.connect(':memory:')\nc.execute('pragma hard_heap_limit = 1000000')\n"
             "try:\n    c.execute('select length(group_concat(randomblob(100000))) from (with recursive n(i) as "
             "(select 1 union all select i + 1 from n where i < 100) select i from n)').fetchall()\n"
             "except MemoryError as e:\n    print('MemoryError', type(e).__mro__[1].__name__)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    assert out.strip() == "MemoryError Exception"


def test_the_undocumented_names_still_mean_what_they_meant():
    assert compat.escape_sqlite("a b") == "[a b]" and compat.escape_sqlite("ab") == "ab"
    assert compat.path_from_row_pks({"period": "2024-05", "kind": "x"}, ["period", "kind"], False) == "2024-05,x"
    assert issubclass(compat.DatasetteError, Exception) and "status" in inspect.signature(compat.DatasetteError).parameters
    assert compat.Results([(1,)], False, [("a",)]).rows == [(1,)]
    assert callable(compat.sqlite_timelimit) and callable(compat.add_cors_headers)
    ds = Datasette(memory=True, static_mounts=[("raw", "/somewhere/raw")])
    assert compat.static_mount(ds, "raw") == "/somewhere/raw" and compat.static_mount(ds, "x") is None
    assert compat.table_sort(Datasette(memory=True, metadata={"databases": {"d": {"tables": {"t": {"sort": "a"}}}}}),
                             "d", "t")


# ------------------------------------------------------------ and change nothing a reader sees

PAGES = ["/returns/returns.json?period=2024-05&kind=nationality&country=SYR&_shape=array",
         "/returns/returns.json?_facet=period&period=2025-02&kind=nationality&_size=0",
         "/returns.json", "/returns/returns_wide.json?country=UKR&_shape=array&_sort=period"]


def untimed(answer):
    """An answer without its timings (query_ms)."""
    if isinstance(answer, dict):
        return {k: untimed(v) for k, v in answer.items() if k != "query_ms"}
    return [untimed(v) for v in answer] if isinstance(answer, list) else answer


def test_the_site_answers_the_same_with_and_without_the_patches(built, monkeypatch):
    with_patches = Site(built[0], settings=serve_settings())
    answers = [untimed(with_patches.json(p)) for p in PAGES]
    assert set(compat.applied(with_patches.ds)) >= {"metadata_once", "schema_once", "query_outcomes"}
    monkeypatch.setenv(compat.ENV, "off")
    without = Site(built[0], settings=serve_settings())
    assert [untimed(without.json(p)) for p in PAGES] == answers
    assert not set(compat.applied(without.ds)) & {"metadata_once", "schema_once", "query_outcomes"}
    # a real figure, either way: Syria's Dublin returns so far in May 2024 (printed 44)
    assert {r["category"]: r["count"] for r in answers[0]}["dublin"] == 44
    # a facet asked for twice is counted once (the metadata facets returns by period)
    facet_names = [f["name"] for f in answers[1]["facet_results"].values()]
    assert facet_names.count("period") == 1


# ------------------------------------------------------------ no private name elsewhere

PUBLIC_DATASETTE = {"datasette": {"hookimpl"}, "datasette.utils.asgi": {"Response", "NotFound", "Request", "Forbidden"},
                    "datasette.utils": {"tilde_decode", "tilde_encode"}, "datasette.app": {"Datasette"}}


def test_no_private_name_of_datasette_or_pluggy_outside_the_compatibility_module():
    for path in sorted(SITE.glob("*.py")):
        if path.name == "compat.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert not (node.attr.startswith("_") and not node.attr.startswith("__")), \
                    f"{path.name}:{node.lineno}: .{node.attr}"
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("datasette", "pluggy"):
                names = {a.name for a in node.names}
                assert names <= PUBLIC_DATASETTE.get(node.module, set()), f"{path.name}:{node.lineno}: {node.module} {names}"
            if isinstance(node, ast.Import):
                assert not any(a.name.split(".")[0] in ("datasette", "pluggy") for a in node.names), \
                    f"{path.name}:{node.lineno}"


def test_vega_on_demand_relies_on_pluggy_hook_callers_internals_and_the_plugins_hooks():
    import datasette_vega
    for name in compat.VEGA_HOOKS:
        hook = getattr(pm.hook, name)
        for attr in ("_remove_plugin", "get_hookimpls"):
            assert hasattr(hook, attr), (name, attr)
        impls = [i for i in hook.get_hookimpls() if getattr(i.plugin, "__name__", None) == compat.VEGA]
        impls += [i for n, i in compat._vega_removed.items() if n == name]
        assert impls, name
        # its hooks take no argument and name its static files, one script and one stylesheet
        assert inspect.signature(getattr(datasette_vega, name)).parameters == {}
    urls = datasette_vega.extra_js_urls() + datasette_vega.extra_css_urls()
    assert [u.rsplit(".", 1)[-1] for u in urls] == ["js", "css"]
    assert all(u.startswith("/-/static-plugins/datasette_vega/") for u in urls)


def test_the_site_has_its_hooks_however_it_is_first_imported():
    # imported before Datasette: its entry point loaded while the package was half made
    probe = ("import norway_returns.site.serve\nfrom datasette.plugins import pm\nimport norway_returns.site as s\n"
             "print(pm.get_name(s), sorted(h.name for h in pm.get_hookcallers(s))[:2])\n"
             "print([d.project_name for p, d in pm.list_plugin_distinfo() if p is s])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.split("\n")
    assert out[0] == "norway_returns ['asgi_wrapper', 'extra_body_script']", out
    assert out[1] == "['norway-returns']"
