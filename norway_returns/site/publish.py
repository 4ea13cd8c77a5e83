"""Deploying a copy: `datasette publish` with the metadata, plugins and settings of `make serve`.

    norway-returns publish files DIR        # a deployable directory, no network
    norway-returns publish command fly      # print the command that deploys to Fly
    norway-returns publish command cloudrun

A copy serves the data package at /package/ as the site does: `files` writes it from the
database; before deploying with the printed command, `make package` writes package/.
"""

import shlex
import subprocess
import tempfile
from importlib.metadata import version
from pathlib import Path

import click

from ..atomic import replace_folder
from ..writing.package import build as build_package
from .serve import ROOT, datasette, settings, site_options

APP = "norway-returns"
# the site's plugins from PyPI, deployed at the versions installed here
PLUGINS = ["datasette-vega", "datasette-dashboards", "datasette-block-robots", "datasette-copyable",
           "datasette-atom"]
# libraries that plugins/ imports
LIBRARIES = ["asgi-gzip"]


def publish_args(provider, db="returns.db", *extra, package="package"):
    """`datasette publish PROVIDER ...` with Datasette and its plugins pinned to the versions
    here, the site's plugins folder, templates and static files (the map, raw/), the settings of
    `serve` (the build's URL prefix among them, named after `db`), and the data package
    (`norway-returns package`) served at /package/."""
    if not Path(db).exists():
        raise click.ClickException(f"{db} does not exist: build it first (its URLs are named after it)")
    served = settings(db, package=package if Path(package).is_dir() else None)
    options = " ".join(f"--setting {name} {value}" for name, value in served.items())
    installs = [f"datasette=={version('datasette')}", *(f"{p}=={version(p)}" for p in PLUGINS + LIBRARIES)]
    return [datasette(), "publish", provider, str(db), "--metadata", str(ROOT / "metadata.yml"),
            *site_options(), "--static", f"package:{package}",
            *(a for name in installs for a in ("--install", name)),
            "--extra-options", options, *extra]


def generate(db, directory):
    """Write the files a Fly deployment is built from (Dockerfile, fly.toml, data and the data
    package made from the same database) into `directory`."""
    def write(directory):
        with tempfile.TemporaryDirectory() as tmp:
            package = build_package(db, Path(tmp) / "package", ROOT / "metadata.yml")
            subprocess.run(publish_args("fly", db, "--app", APP, "--generate-dir", str(directory), package=package),
                           check=True)

    # only a folder this command wrote is replaced, whole (atomic.replace_folder)
    return replace_folder(directory, write, "norway-returns publish files")


@click.group()
def publish():
    """Deploy a copy of the site with `datasette publish`, with the metadata, plugins and
    settings of `norway-returns serve`, and Datasette and its plugins pinned to the
    versions installed here.

    \b
    Examples:
        norway-returns publish files publish/    # a directory `fly deploy` builds from
        norway-returns publish command cloudrun  # the command that deploys to Cloud Run
    """


@publish.command()
@click.argument("directory", default="publish")
@click.option("--db", default="returns.db", show_default=True, type=click.Path(dir_okay=False, exists=True),
              help="The database to deploy.")
def files(directory, db):
    """Write DIRECTORY, which `fly deploy` builds from (made without network)."""
    click.echo(f"wrote {generate(db, directory)}")


@publish.command()
@click.argument("provider", type=click.Choice(["fly", "cloudrun"]))
def command(provider):
    """Print the `datasette publish` command that deploys to PROVIDER."""
    extra = ["--app", APP] if provider == "fly" else ["--service", APP]
    args = publish_args(provider, "returns.db", *extra)
    args[0] = "datasette"
    click.echo(shlex.join(str(a).replace(str(ROOT) + "/", "") for a in args))

