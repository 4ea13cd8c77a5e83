"""The command line: python build_db.py [--raw DIR] [--db PATH]."""

import sys

import click

from .build import build
from .errors import BuildError


@click.command()
@click.option("--raw", default="raw", show_default=True, type=click.Path(file_okay=False),
              help="Folder of publications with manifest.yml (and corrections.yml).")
@click.option("--db", "db_path", default="returns.db", show_default=True, type=click.Path(dir_okay=False),
              help="The database to write; replaced only when the build succeeds.")
@click.option("--views", default="sql/views", show_default=True, type=click.Path(file_okay=False),
              help="Folder of view definitions, one NAME.sql per view.")
def main(raw, db_path, views):
    """Build the forced-returns database from the publications in RAW."""
    try:
        summary = build(raw, db_path, views)
    except BuildError as e:
        click.echo(str(e), err=True)
        click.echo(f"build failed; {db_path} is unchanged", err=True)
        sys.exit(1)
    except OSError as e:
        click.echo(f"{e.filename or raw}: {e.strerror}", err=True)
        click.echo(f"build failed; {db_path} is unchanged", err=True)
        sys.exit(1)
    click.echo(str(summary))
    click.echo(f"wrote {db_path}")


if __name__ == "__main__":
    main()
