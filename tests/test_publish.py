"""`make publish-files`: the generated deployment directory serves the site."""

import pytest
import re
import shlex
import subprocess
import time
from pathlib import Path

import httpx

from conftest import ROOT
from norway_returns.site import publish
from norway_returns.site.serve import free_port



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
    proc = subprocess.Popen(cmd, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                page = httpx.get(f"{base}/", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
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
    finally:
        proc.terminate()
        proc.wait(timeout=10)
