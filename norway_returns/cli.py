"""`norway-returns`: the one program, with a subcommand per job.

    norway-returns build               raw/ -> returns.db
    norway-returns add FILE_OR_URL     a new publication into raw/ and the manifest, checked by a build
    norway-returns serve               the site, as `make serve` runs it
    norway-returns publish ...         a deployable copy (`datasette publish`)
    norway-returns package DIR         the data as files: a Frictionless data package and its DCAT-AP-NO description

`python build_db.py` is `norway-returns build`.
"""

import sys

import click

from .build import build as run_build
from .errors import BuildError
from .site.publish import publish
from .site.serve import serve
from .writing.package import command as package


def fail(message, db_path=None):
    """Print the build's own message and stop with status 1."""
    click.echo(message, err=True)
    if db_path:
        click.echo(f"build failed; {db_path} is unchanged", err=True)
    sys.exit(1)


def raw_option(f):
    return click.option("--raw", default="raw", show_default=True, type=click.Path(file_okay=False),
                        help="Folder of publications with manifest.yml (and corrections.yml).")(f)


def db_option(help="The database file."):
    return click.option("--db", "db_path", default="returns.db", show_default=True,
                        type=click.Path(dir_okay=False), help=help)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="norway-returns")
def cli():
    """Forced returns from Norway: the police's monthly statistics as one SQLite database,
    published with Datasette.

    \b
    Build the database from raw/ and look at it:
        norway-returns build
        norway-returns serve
    Add next month's publication (checked by a full build, undone if it fails):
        norway-returns add ~/Downloads/statistics-march-2025.pdf
    """


@cli.command()
@raw_option
@db_option("The database to write; replaced only when the build succeeds.")
@click.option("--views", default="sql/views", show_default=True, type=click.Path(file_okay=False),
              help="Folder of view definitions, one NAME.sql per view.")
def build(raw, db_path, views):
    """Build the database from the publications listed in RAW/manifest.yml.

    Every table is reconciled with its printed totals; on bad input the build prints
    FILE:LINE: what is wrong, exits with status 1 and leaves the previous database as it was.

    \b
    Example:
        norway-returns build --raw raw --db returns.db
    """
    try:
        summary = run_build(raw, db_path, views)
    except BuildError as e:
        fail(str(e), db_path)
    except OSError as e:
        fail(f"{e.filename or raw}: {e.strerror}", db_path)
    click.echo(str(summary))
    click.echo(f"wrote {db_path}")


cli.add_command(serve)
cli.add_command(publish)
cli.add_command(package)


def main():
    cli()


if __name__ == "__main__":
    main()
