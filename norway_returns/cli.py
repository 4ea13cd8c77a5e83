"""`norway-returns`: the one program, with a subcommand per job.

    norway-returns build               raw/ -> returns.db
    norway-returns add FILE_OR_URL     a new publication into raw/ and the manifest, checked by a build
    norway-returns update [URL]        every publication the statistics page links that raw/ lacks, added
    norway-returns serve               the site, as `make serve` runs it
    norway-returns publish ...         a deployable copy (`datasette publish`)
    norway-returns package DIR         the data as files: a Frictionless data package and its DCAT-AP-NO description

`python build_db.py` is `norway-returns build`.
"""

import subprocess
import sys
from pathlib import Path

import click

from .add import add as run_add
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


class Program(click.Group):
    """The subcommands, each stopping on bad input with its FILE: message and status 1,
    never a traceback (each command says more where it can)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BuildError as e:
            fail(str(e))
        except OSError as e:
            fail(f"{e.filename or 'norway-returns'}: {e.strerror or e}")
        except subprocess.CalledProcessError as e:  # `datasette publish`, whose own message is above
            fail(f"{Path(str(e.cmd[0])).name} {e.cmd[1] if len(e.cmd) > 1 else ''}: stopped with status {e.returncode}")


@click.group(cls=Program, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--views", type=click.Path(file_okay=False),
              help="Folder of view definitions, one NAME.sql per view (default: the package's sql/views/).")
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


@cli.command()
@click.argument("source", metavar="FILE_OR_URL")
@raw_option
@db_option("The database to replace with the checked build.")
@click.option("--views", type=click.Path(file_okay=False),
              help="Folder of view definitions, one NAME.sql per view (default: the package's sql/views/).")
@click.option("--period", metavar="YYYY-MM", help="The month it covers (default: what its title says).")
@click.option("--language", type=click.Choice(["en", "no"]), help="Its language (default: what its title says).")
@click.option("--title", help="Its title (default: its title line).")
@click.option("--source-url", metavar="URL", help="Where it was published (default: the URL it was fetched from).")
@click.option("--damaged", metavar="TEXT",
              help="What its extraction damaged (an OCR'd text, say): lets the build repair cells from the "
                   "printed sums, where they decide.")
@click.option("--replace", is_flag=True, help="Replace the document already listed for its period and language.")
@click.option("--timeout", default=30.0, show_default=True, metavar="SECONDS",
              help="How long a download may take in all.")
def add(source, raw, db_path, views, period, language, title, source_url, damaged, replace, timeout):
    """Add a publication (a PDF or an extracted text, a file or an http(s) URL, or the
    address of a publication's web page) to RAW.

    Its period, language and title are read from its own title line ("Statistics for
    May 2024", "Månedsstatistikk mai 2024"); the options override them. It is copied into
    RAW as YYYY-MM-LANG.pdf (or .txt, or .html for a web page, its address kept as
    source_url), its entry appended to RAW/manifest.yml with its sha256, and the whole of
    RAW built. If that build fails, RAW and the manifest stay exactly as they were and the
    build's FILE:LINE message says why; if it succeeds, the database is replaced with the
    checked build. RAW is locked meanwhile: a second add waits for the first.

    \b
    Examples:
        norway-returns add ~/Downloads/manedsstatistikk-mars-2025.pdf
        norway-returns add https://example.org/statistics-march-2025.pdf
        norway-returns add https://example.org/statistics/march-2025/
        norway-returns add scan.txt --period 2024-05 --language en --damaged "OCR: garbled totals"
    """
    try:
        added = run_add(source, raw, db_path, views, period=period, language=language, title=title,
                        source_url=source_url, damaged=damaged, replace=replace, timeout=timeout)
    except BuildError as e:
        fail(f"{e}\nnothing added: {raw}/ and {db_path} are as they were")
    except OSError as e:
        fail(f"{e.filename or source}: {e.strerror}\nnothing added: {raw}/ and {db_path} are as they were")
    e = added.entry
    click.echo(f"added {added.file}: {e['period']} {e['language']}" + (f", {e['title']!r}" if e.get("title") else "")
               + (f" (replacing {added.replaced})" if added.replaced else ""))
    click.echo(f"sha256 {e['sha256']}")
    click.echo(added.publication_line())
    click.echo(f"wrote {db_path}")


@cli.command()
@click.argument("listing", metavar="[URL]", required=False)
@raw_option
@db_option("The database to replace with each checked build.")
@click.option("--views", default="sql/views", show_default=True, type=click.Path(file_okay=False),
              help="Folder of view definitions, one NAME.sql per view.")
@click.option("--timeout", default=30.0, show_default=True, metavar="SECONDS",
              help="How long each download may take in all.")
@click.option("--max-pages", type=click.IntRange(1), metavar="N",
              help="Fetch at most N pages and documents, the listing counted [default: max_pages in "
                   "norway_returns/data/publishing.yml].")
@click.option("--max-bytes", type=click.IntRange(1), metavar="N",
              help="Stop once N bytes have been fetched in all [default: max_bytes there].")
def update(listing, raw, db_path, views, timeout, max_pages, max_bytes):
    """Add every publication a listing page links that RAW lacks.

    URL is the page that lists the publications (default: the police's statistics page,
    `update: listing` in norway_returns/data/publishing.yml). Its links whose text reads
    as a publication's title ("Statistics for May 2024", "Månedsstatistikk mars 2024") are
    followed, newest first; each publication RAW has no entry for (a web page, or the PDF
    it links) is added with all of `add`'s checks. Run again, it adds nothing. At most
    `max_pages` pages and `max_bytes` bytes are fetched in one run.

    \b
    Example:
        norway-returns update
        norway-returns update https://example.org/statistics/ --raw raw --db returns.db
    """
    from .update import update as run_update

    report = run_update(listing, raw, db_path, views, timeout=timeout, max_pages=max_pages, max_bytes=max_bytes,
                        echo=click.echo)
    if report.stopped:
        click.echo(report.stopped, err=True)
    click.echo(f"{len(report.added)} added, {len(report.present)} already in {raw}/, {len(report.failed)} not added, "
               f"of the {len(report.links)} publications {report.listing} links")
    if report.added:
        click.echo(f"wrote {db_path}")
    if report.failed or report.stopped:
        sys.exit(1)


cli.add_command(serve)
cli.add_command(publish)
cli.add_command(package)


def main():
    cli()


if __name__ == "__main__":
    main()
