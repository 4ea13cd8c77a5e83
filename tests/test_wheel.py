"""Installed as people install Python software: a wheel of the project, built from the files
the repository holds, installed in a new virtual environment outside the checkout, builds
from a folder that holds only raw/, serves every page of the site from it, and publishes a
copy that installs the same wheel."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import venv

import httpx
import pytest

from conftest import ROOT
from norway_returns.site.serve import free_port, running_command



def run(args, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the new environment's bin folder, a folder holding only raw/)."""
    tmp = tmp_path_factory.mktemp("wheel")
    # the repository's files as a fresh clone has them: what git tracks, as the tree holds it
    clone = tmp / "clone"
    for name in run(["git", "ls-files", "-z"], cwd=ROOT).split("\0"):
        if name and (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name, follow_symlinks=False)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp / "dist", clone])
    wheel = next((tmp / "dist").glob("norway_returns-*.whl"))
    shutil.rmtree(clone)
    venv.create(tmp / "env", with_pip=True)
    bin_ = tmp / "env" / "bin"
    run([bin_ / "python", "-m", "pip", "install", "--quiet", wheel])
    site = tmp / "site"
    shutil.copytree(ROOT / "raw", site / "raw")
    return bin_, site


def env_outside_checkout():
    """The environment without anything that points at the checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def test_the_wheel_carries_the_site_and_not_the_checkout(installed):
    bin_, site = installed
    where = run([bin_ / "python", "-c", "import norway_returns, norway_returns.resources as r; "
                 "print(norway_returns.__file__); print(r.METADATA.is_file(), len(list(r.VIEWS.glob('*.sql'))))"],
                cwd=site, env=env_outside_checkout())
    module, found = where.split("\n")[:2]
    assert str(ROOT) not in module and str(bin_.parent) in module
    assert found == "True 10"


def test_an_installed_wheel_builds_serves_and_publishes_from_raw_alone(installed):
    bin_, site = installed
    env = env_outside_checkout()
    out = run([bin_ / "norway-returns", "build", "--raw", "raw", "--db", "returns.db"], cwd=site, env=env)
    assert "4 publication(s)" in out and (site / "returns.db").exists()
    run([bin_ / "norway-returns", "package", "package", "--db", "returns.db"], cwd=site, env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [str(bin_ / "norway-returns"), "serve", "--db", "returns.db", "--port", str(port)]
    with running_command(args, base, "the installed site", cwd=site, env=env):
        index = httpx.get(base + "/")
        assert index.status_code == 200 and "The latest publication: February 2025" in index.text
        prefix = re.search(r'href="(/v-[0-9a-f]{12}/)returns"', index.text)[1]
        pages = {
            "": "Forced returns from Norway",
            "-/dashboards/overview": "World map",
            "-/dashboards/country?country=Ukraine": "Ukraine",
            "-/source/2024-05-en.txt?lines=165": "Syria",
            "raw/2024-05-en.txt": "Syria",
            "returns/country_profile?country=UKR": "Ukraine",
            "returns/returns?country=SYR&period=2024-05": "Syria",
            "package/datapackage.json": "returns.csv",
            "-/static-plugins/norway-returns/world/countries-110m.json": "Topology",
            "-/static-plugins/norway-returns/site.css": "headline",
        }
        for page, word in pages.items():
            response = httpx.get(base + prefix + page)
            assert response.status_code == 200 and word in response.text, page
        # a real figure: Ukraine's Dublin returns so far in February 2025, printed 20
        rows = httpx.get(base + prefix + "returns/returns.json", params={
            "period": "2025-02", "kind": "nationality", "country": "UKR", "category": "dublin",
            "_shape": "array"}).json()
        assert [r["count"] for r in rows] == [20]
        plugins = {p["name"]: p for p in httpx.get(base + prefix + "-/plugins.json").json()}
        ours = plugins["norway-returns"]
        assert ours["version"] and ours["templates"] and ours["static"]
        assert not [name for name in plugins if name.endswith(".py")]  # no plugin files

    # publish: the copy installs the same wheel, and serves the site as the image runs it
    run([bin_ / "norway-returns", "publish", "files", "publish", "--db", "returns.db"], cwd=site, env=env)
    directory = site / "publish"
    dockerfile = (directory / "Dockerfile").read_text()
    wheel = re.search(r"pip install .* plugins/(norway_returns-[\d.]+-py3-none-any\.whl)", dockerfile)[1]
    assert [p.name for p in (directory / "plugins").iterdir()] == [wheel]
    run([bin_ / "datasette", "inspect", "returns.db", "--inspect-file", "inspect-data.json"], cwd=directory, env=env)
    cmd = shlex.split(re.search(r"^CMD (.*)$", dockerfile, re.M)[1])
    port = free_port()
    cmd = [str(bin_ / "datasette")] + [{"$PORT": str(port), "0.0.0.0": "127.0.0.1"}.get(a, a) for a in cmd[1:]]
    base = f"http://127.0.0.1:{port}"
    with running_command(cmd, base, "the published copy", cwd=directory, env=env):
        index = httpx.get(base + "/")
        assert "The latest publication: February 2025" in index.text
        prefix = re.search(r'href="(/v-[0-9a-f]{12}/)returns"', index.text)[1]
        assert "World map" in httpx.get(base + prefix + "-/dashboards/overview").text
        assert "Syria" in httpx.get(base + prefix + "raw/2024-05-en.txt").text
