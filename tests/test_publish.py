"""`make publish-files`: the generated deployment directory serves the site."""

import re
import shlex
import subprocess
from pathlib import Path

import httpx
import pytest

from conftest import ROOT
from norway_returns.site import publish
from norway_returns.site.serve import free_port, running_command



def test_generated_directory_serves_the_site(built, tmp_path):
    directory = publish.generate(built[0], tmp_path / "publish", ROOT / "raw")
    dockerfile = (directory / "Dockerfile").read_text()
    # Datasette and the chart plugin are pinned; the site goes along as the project's package,
    # its wheel in the one folder datasette publish carries unserved, with no plugin file
    assert re.search(r"pip install .*datasette==0\.65\.\d+ datasette-vega==\d", dockerfile)
    assert re.search(r"pip install .* plugins/norway_returns-[\d.]+-py3-none-any\.whl", dockerfile)
    assert "--setting sql_time_limit_ms 2000" in dockerfile
    assert [p.suffix for p in (directory / "plugins").iterdir()] == [".whl"]
    assert (directory / "fly.toml").exists() and (directory / "returns.db").exists()
    # the data package of the same database, served at /package/
    assert (directory / "package" / "datapackage.json").exists() and (directory / "package" / "catalog.ttl").exists()
    assert "--static package:package" in dockerfile

    # run what the image runs, here: the RUN inspect step, then the CMD
    venv = Path(publish.datasette()).parent
    run = re.search(r"^RUN (datasette inspect .*)$", dockerfile, re.M)[1]
    subprocess.run([str(venv / "datasette"), *shlex.split(run)[1:]], cwd=directory, check=True)
    cmd = shlex.split(re.search(r"^CMD (.*)$", dockerfile, re.M)[1])
    port = free_port()
    cmd = [str(venv / "datasette")] + [{"$PORT": str(port), "0.0.0.0": "127.0.0.1"}.get(a, a) for a in cmd[1:]]
    base = f"http://127.0.0.1:{port}"
    with running_command(cmd, base, "the published copy", cwd=directory):
        page = httpx.get(f"{base}/", timeout=30)
        assert page.status_code == 200 and "Forced returns from Norway" in page.text
        rows = httpx.get(f"{base}/returns/returns.json", params={
            "period": "2025-02", "kind": "nationality", "country": "UKR", "category": "dublin",
            "_shape": "array"}).json()
        assert [r["count"] for r in rows] == [20]
        plugins = httpx.get(f"{base}/-/plugins.json").text
        for plugin in publish.PLUGINS:
            assert plugin in plugins and re.search(rf"{plugin}==\d", dockerfile), plugin
        # the site's own files go along: the map, the publications, the templates
        assert httpx.get(f"{base}/-/static-plugins/norway-returns/world/countries-110m.json").json()["type"] == "Topology"
        assert "Syria" in httpx.get(f"{base}/raw/2024-05-en.txt").text
        assert "The latest publication" in page.text
        assert "World map" in httpx.get(f"{base}/-/dashboards/overview").text
        package = httpx.get(f"{base}/package/datapackage.json").json()
        assert package["version"] == "2025-02" and len(package["resources"]) == len(list((directory / "package").glob("*.csv")))
        assert httpx.get(f"{base}/returns.db").content == (directory / "returns.db").read_bytes()


PROGRAM = str(Path(__import__("sys").executable).with_name("norway-returns"))


def tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def publish_files(target, cwd):
    return subprocess.run([PROGRAM, "publish", "files", str(target), "--db", "returns.db"], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(built, tmp_path):
    """A user's folder: raw/, the database, a folder of their own files."""
    import shutil

    from conftest import ROOT

    home = tmp_path / "home"
    shutil.copytree(ROOT / "raw", home / "raw")
    shutil.copy(built[0], home / "returns.db")
    (home / "mine").mkdir()
    (home / "mine" / "letter.txt").write_text("keep me")
    return home


@pytest.mark.parametrize("target", ["mine", "raw", "."])
def test_publish_files_refuses_a_folder_it_did_not_make(project, target):
    before = tree(project)
    result = publish_files(target, project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"{target}: not empty and not written by `norway-returns publish files`")
    assert tree(project) == before


def test_publish_files_replaces_its_own_output_and_nothing_else(project):
    assert publish_files("publish", project).returncode == 0
    first = tree(project / "publish")
    assert "Dockerfile" in first and ".norway-returns-output.json" in first
    result = publish_files("publish", project)  # again: its own output, replaced whole
    assert result.returncode == 0, result.stderr
    assert tree(project / "publish").keys() == first.keys()
    assert not [p.name for p in project.iterdir() if p.name.startswith(".publish")]  # nothing left beside it
    (project / "publish" / "secrets.env").write_text("FLY_API_TOKEN=mine")
    result = publish_files("publish", project)
    assert result.returncode == 1
    assert result.stderr.startswith("publish/secrets.env: not written by `norway-returns publish files`")
    assert (project / "publish" / "secrets.env").read_text() == "FLY_API_TOKEN=mine"
