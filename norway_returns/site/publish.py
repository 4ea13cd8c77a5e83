"""Deploying a copy: `datasette publish` with the metadata, plugin and settings of `make serve`.

    norway-returns publish files DIR        # a deployable directory, no network
    norway-returns publish command fly      # print the command that deploys to Fly
    norway-returns publish command cloudrun

The copy installs this project's package, as it is installed here (PEP 610 says how: from
a checkout, a wheel file or a repository, a wheel of it is made and goes into the image;
from an index, its name and version), with Datasette and the site's plugins pinned to the
versions installed here. No plugin file is copied: the site is the package's entry point.
A copy serves the data package at /package/ as the site does: `files` writes it from the
database; before deploying with the printed command, `make package` writes package/.
"""

import json
import shlex
import subprocess
import sys
import tempfile
from importlib.metadata import distributions, version
from pathlib import Path

import click

from ..atomic import replace_folder
from ..writing.package import build as build_package
from .serve import datasette, settings, site_options

APP = "norway-returns"
PROJECT = "norway-returns"
# the site's plugins and libraries from PyPI, deployed at the versions installed here
PLUGINS = ["datasette-vega", "datasette-dashboards", "datasette-block-robots", "datasette-copyable",
           "datasette-atom"]
# `datasette publish` carries one folder into the image without serving it: its
# --plugins-dir, copied to plugins/. It holds only the project's wheel, which pip installs;
# Datasette loads no plugin from it (it loads *.py files, and there are none).
WHEELS = "plugins"
WHEEL = "norway_returns-{version}-py3-none-any.whl"  # a pure-Python wheel's name (PEP 427)


def installed_from():
    """How this project was installed here (PEP 610's direct_url.json): a pip requirement
    for the image, and whether it must be built into a wheel first (a checkout, a file, a
    repository) or is on an index (None: `norway-returns==VERSION`)."""
    # the installed distribution's record: a checkout's own egg-info (which setuptools leaves
    # in the source folder, found first when the folder is on sys.path) has none
    text = next((t for d in distributions(name=PROJECT) if (t := d.read_text("direct_url.json"))), None)
    if not text:
        return None
    direct = json.loads(text)
    url = direct["url"]
    if "vcs_info" in direct:
        vcs = direct["vcs_info"]
        return f"{PROJECT} @ {vcs['vcs']}+{url}@{vcs.get('commit_id', '')}".rstrip("@")
    if url.startswith("file://"):
        return url[len("file://"):]
    return f"{PROJECT} @ {url}"


def project_wheel(folder):
    """The project's wheel, made in `folder` from where it was installed; None when it was
    installed from an index."""
    source = installed_from()
    if source is None:
        return None
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                             str(folder), source], capture_output=True, text=True)
    wheels = sorted(Path(folder).glob("norway_returns-*.whl"))
    if result.returncode != 0 or not wheels:
        raise click.ClickException(f"could not make a wheel of {PROJECT} from {source}:\n{result.stderr.strip()}")
    return wheels[-1]


def publish_args(provider, db="returns.db", *extra, raw="raw", package="package", wheel=None, wheels=None):
    """`datasette publish PROVIDER ...` with Datasette and the site's plugins pinned to the
    versions here, the project's package (the file `wheel` in the folder `wheels`, or its
    version on an index), the site's metadata, raw/ and the data package (`norway-returns package`),
    and the settings of `serve` (the build's URL prefix among them, named after `db`)."""
    if not Path(db).exists():
        raise click.ClickException(f"{db} does not exist: build it first (its URLs are named after it)")
    served = settings(db, package=package if Path(package).is_dir() else None)
    options = " ".join(f"--setting {name} {value}" for name, value in served.items())
    project = f"{WHEELS}/{wheel}" if wheel else f"{PROJECT}=={version(PROJECT)}"
    installs = [f"datasette=={version('datasette')}", *(f"{p}=={version(p)}" for p in PLUGINS), project]
    return [datasette(), "publish", provider, str(db), *site_options(raw, package),
            *(["--plugins-dir", str(wheels)] if wheel else []),
            *(a for name in installs for a in ("--install", name)),
            "--extra-options", options, *extra]


def generate(db, directory, raw="raw"):
    """Write the files a Fly deployment is built from (Dockerfile, fly.toml, the database,
    raw/, the data package made from the same database, the project's wheel) into `directory`."""
    def write(directory):
        with tempfile.TemporaryDirectory() as tmp:
            package = build_package(db, Path(tmp) / "package")
            wheels = Path(tmp) / "wheels"
            wheels.mkdir()
            wheel = project_wheel(wheels)
            subprocess.run(publish_args("fly", db, "--app", APP, "--generate-dir", str(directory), raw=raw,
                                        package=package, wheel=wheel.name if wheel else None, wheels=wheels),
                           check=True)

    # only a folder this command wrote is replaced, whole (atomic.replace_folder)
    return replace_folder(directory, write, "norway-returns publish files")


@click.group()
def publish():
    """Deploy a copy of the site with `datasette publish`, with the metadata, plugin and
    settings of `norway-returns serve`: the copy installs this project's package, and
    Datasette and its plugins pinned to the versions installed here.

    \b
    Examples:
        norway-returns publish files publish/    # a directory `fly deploy` builds from
        norway-returns publish command cloudrun  # the command that deploys to Cloud Run
    """


@publish.command()
@click.argument("directory", default="publish")
@click.option("--db", default="returns.db", show_default=True, type=click.Path(dir_okay=False, exists=True),
              help="The database to deploy.")
@click.option("--raw", default="raw", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="The publications it was built from, served at /raw/.")
def files(directory, db, raw):
    """Write DIRECTORY, which `fly deploy` builds from (made without network)."""
    click.echo(f"wrote {generate(db, directory, raw)}")


@publish.command()
@click.argument("provider", type=click.Choice(["fly", "cloudrun"]))
@click.option("--wheels", default="dist", show_default=True, type=click.Path(file_okay=False),
              help="The folder the first command makes the project's wheel in.")
def command(provider, wheels):
    """Print the commands that deploy to PROVIDER: the one that makes the project's wheel
    (unless it is installed from an index), then `datasette publish`.

    \b
    Example:
        norway-returns publish command fly | sh
    """
    extra = ["--app", APP] if provider == "fly" else ["--service", APP]
    source = installed_from()
    cwd = str(Path.cwd()) + "/"
    if source is not None:
        click.echo(shlex.join(["python", "-m", "pip", "wheel", "--no-deps", "--wheel-dir", wheels,
                               source.replace(cwd, "") or "."]))
    args = publish_args(provider, "returns.db", *extra, wheel=WHEEL.format(version=version(PROJECT))
                        if source is not None else None, wheels=wheels)
    args[0] = "datasette"
    click.echo(shlex.join(str(a).replace(cwd, "") for a in args))
