"""The manifest and the documents agree, and a careless manifest is refused at its line.

A publication states its month and language in its title (raw/2024-05-en.txt:3
"Statistics for May 2024: Returns from Norway", raw/2024-03-no.txt:4 "Månedsstatistikk
mars 2024: ..."); the manifest may leave them out, and where it gives them, they must agree.
"""

import datetime
import os
import sqlite3

import pytest

from conftest import run_cli, value
from norway_returns.reading.sources import sha256
from test_build import assert_stopped, previous_db  # noqa: F401  (a fixture)


def edit_manifest(raw_copy, old, new):
    text = raw_copy.text("manifest.yml")
    assert old in text, old
    raw_copy.write("manifest.yml", text.replace(old, new, 1), rehash=False)


def next_month():
    today = datetime.date.today()
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


BAD = {
    "a period its document contradicts": (
        lambda r: edit_manifest(r, 'period: "2024-05"', 'period: "2024-04"'),
        "raw/manifest.yml:19: period 2024-04, but raw/2024-05-en.txt:3 says 'Statistics for May 2024: Returns "
        "from Norway' (period 2024-05): correct the entry, or leave period out"),
    "a language its document contradicts": (
        lambda r: edit_manifest(r, 'language: "no"', "language: en"),
        "raw/manifest.yml:13: language en, but raw/2024-03-no.txt:4 says 'Månedsstatistikk mars 2024: "
        "Uttransporteringer fra Norge' (language no)"),
    "a language that is neither": (
        lambda r: edit_manifest(r, 'language: "no"', "language: de"),
        "raw/manifest.yml:13: language 'de' is not one of en, no (English or Norwegian)"),
    "a month that does not exist": (
        lambda r: edit_manifest(r, 'period: "2024-05"', 'period: "2024-13"'),
        "raw/manifest.yml:19: period '2024-13' is not YYYY-MM with a month 01-12"),
    "a period still to come": (
        lambda r: edit_manifest(r, 'period: "2025-02"', f'period: "{next_month()}"'),
        f"raw/manifest.yml:26: period {next_month()} is still to come"),
    "one document listed twice under two names": (
        lambda r: [(r.path / "2025-02-copy.txt").write_bytes((r.path / "2025-02-en.txt").read_bytes()),
                   edit_manifest(r, "- file: 2025-02-en.txt", "- file: 2025-02-copy.txt\n"
                                 "  sha256: 49118df696f695d5d0c8852c9635b569fd672b10077edd75b8d27efbe42be66a\n"
                                 "- file: 2025-02-en.txt")],
        "raw/manifest.yml:28: raw/2025-02-en.txt is the same document as raw/2025-02-copy.txt (line 26): "
        "one publication, listed twice"),
    "a month stated by two documents, one entry leaving its period out": (
        lambda r: [r.write("2025-02-bis.txt", r.text("2025-02-en.txt") + "\n", rehash=False),
                   r.write("manifest.yml", r.text("manifest.yml") + "- file: 2025-02-bis.txt\n  sha256: "
                           + sha256(r.path / "2025-02-bis.txt") + "\n", rehash=False)],
        "raw/manifest.yml:26: raw/2025-02-en.txt is for 2025-02, as is raw/2025-02-bis.txt (line 32): "
        "one publication a month"),
    "no period in the entry nor in the document": (
        lambda r: [edit_manifest(r, '  period: "2025-02"\n', ""),
                   r.write("2025-02-en.txt", r.text("2025-02-en.txt").replace(
                       "**Statistics for February 2025:", "**Statistics:"))],
        "raw/manifest.yml:26: no period: raw/2025-02-en.txt states none in a title line"),
    "a manifest that lists nothing": (
        lambda r: [r.write("manifest.yml", "# nothing yet\n", rehash=False)]
        + [(r.path / n).unlink() for n in ("2022-06-en.txt", "2024-03-no.txt", "2024-05-en.txt",
                                           "2025-02-en.txt", "corrections.yml")],
        "raw/manifest.yml:1: the manifest lists no publication"),
    "a symbolic link in raw/": (
        lambda r: [(r.path / "2025-02-en.txt").rename(r.path.parent / "elsewhere.txt"),
                   os.symlink(r.path.parent / "elsewhere.txt", r.path / "2025-02-en.txt")],
        "raw/manifest.yml:26: raw/2025-02-en.txt is a symbolic link: raw/ holds the documents themselves"),
    "a symbolic link in raw/, not listed": (
        lambda r: os.symlink(r.path / "2025-02-en.txt", r.path / "2025-03-en.txt"),
        "raw/manifest.yml:31: raw/2025-03-en.txt is a symbolic link"),
    "a document in a folder of raw/": (
        lambda r: [(r.path / "2025").mkdir(), (r.path / "2025" / "2025-03-en.txt").write_text("x")],
        "raw/manifest.yml:31: raw/2025/ is a folder: raw/ holds the documents themselves"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_careless_manifest_stops_the_build(raw_copy, previous_db, case):  # noqa: F811
    damage, message = BAD[case]
    damage(raw_copy)
    before = previous_db.read_bytes()
    result = run_cli("--raw", raw_copy.path, "--db", previous_db)
    assert message in result.stderr, result.stderr
    assert_stopped(result, message.split(":")[0], previous_db, before)


@pytest.mark.parametrize("written", ["nb", "NO", "Norsk", "bokmål", "nn", "nor"])
def test_norwegian_as_a_norwegian_writes_it(raw_copy, tmp_path, written):
    edit_manifest(raw_copy, 'language: "no"', f"language: {written}")
    result = run_cli("--raw", raw_copy.path, "--db", tmp_path / "out.db")
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(tmp_path / "out.db")
    assert value(db, "select language from publications where period = '2024-03'") == "no"


def test_period_and_language_may_be_left_to_the_document(raw_copy, built, tmp_path):
    # every period and language left out, and Norwegian's `no` unquoted (YAML 1.1 reads false)
    text = raw_copy.text("manifest.yml")
    for line in [l for l in text.split("\n") if l.startswith(("  period:", "  language:"))]:
        text = text.replace(line + "\n", "", 1)
    text = text.replace("- file: 2024-03-no.txt\n", "- file: 2024-03-no.txt\n  language: no\n")
    # and a language as people write it
    text = text.replace("- file: 2024-05-en.txt\n", "- file: 2024-05-en.txt\n  language: English\n")
    raw_copy.write("manifest.yml", text, rehash=False)
    out = tmp_path / "out.db"
    result = run_cli("--raw", raw_copy.path, "--db", out)
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(out)
    assert db.execute("select period, language, title from publications order by period").fetchall() == [
        ("2022-06", "en", "Statistics for June 2022: Forced returns from Norway"),
        ("2024-03", "no", "Månedsstatistikk mars 2024: Uttransporteringer fra Norge"),
        ("2024-05", "en", "Statistics for May 2024: Returns from Norway"),
        ("2025-02", "en", "Statistics for February 2025: Forced returns from Norway"),
    ]
    dump = lambda p: [l for l in sqlite3.connect(p).iterdump()]  # noqa: E731
    assert dump(out) == dump(built[0])  # the same data as the manifest that says it all
    assert value(db, "select count from returns where period = '2024-03' and kind = 'nationality' and "
                     "country = 'SYR' and category = 'dublin'") == 26
