"""One writer at a time, and nothing left behind: two `add`s started together both land in
the manifest, and raw/ builds; a killed add leaves no temp file in raw/ and no staging
folder beside it once the next command has run. Through the installed program."""

import os
import random
import signal
import subprocess
import time

import yaml

from test_add import PROGRAM, SEEDS, add, home  # noqa: F401  (home: a fixture)

PAIR = ("2025-02-en.txt", "2024-03-no.txt")


def start_add(name, cwd):
    return subprocess.Popen([PROGRAM, "add", str(SEEDS / name)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def listed(home):
    manifest = home / "raw" / "manifest.yml"
    return sorted(e["file"] for e in yaml.safe_load(manifest.read_text(encoding="utf-8")) or [])


def leftovers(home):
    """Temp files in raw/, staging folders beside it."""
    return sorted([p.name for p in (home / "raw").iterdir() if p.name.startswith(".")] +
                  [p.name for p in home.iterdir() if p.name.startswith(".add-")])


def test_two_adds_started_together_both_land(home):
    for round in range(8):
        for f in (home / "raw").iterdir():
            f.unlink()
        first, second = (start_add(name, home) for name in PAIR)
        outs = [p.communicate(timeout=300) for p in (first, second)]
        for p, (out, err) in zip((first, second), outs):
            assert p.returncode == 0, (round, err)
            assert out.startswith("added raw/"), (round, out)
        assert listed(home) == sorted(PAIR), round
        build = subprocess.run([PROGRAM, "build", "--db", "again.db"], cwd=home, capture_output=True, text=True)
        assert build.returncode == 0, (round, build.stderr)
        assert "2 publication(s)" in build.stdout
    assert leftovers(home) == []


def test_the_same_add_twice_together_adds_it_once(home):
    first, second = (start_add(PAIR[0], home) for _ in range(2))
    results = [(p.returncode, out, err) for p in (first, second) for out, err in [p.communicate(timeout=300)]]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, _, err in results if code == 1)
    assert "this document is already listed, as 2025-02-en.txt" in refused
    assert listed(home) == [PAIR[0]]


def test_a_killed_add_leaves_nothing_the_next_command_keeps(home):
    started = time.monotonic()
    assert add(SEEDS / PAIR[1], cwd=home).returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(20241204)
    caught = 0
    for attempt in range(12):
        proc = start_add(PAIR[0], home)
        time.sleep(rng.uniform(0.2, duration * 0.9))
        caught += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        if PAIR[0] in listed(home):  # it finished: take it out again, for the next kill
            lines = (home / "raw" / "manifest.yml").read_text(encoding="utf-8").split("\n- file: ")
            (home / "raw" / "manifest.yml").write_text(
                "\n- file: ".join(l for l in lines if not l.startswith(PAIR[0])), encoding="utf-8")
            (home / "raw" / PAIR[0]).unlink()
        # the next command (a build) clears what the killed one left, and raw/ builds
        build = subprocess.run([PROGRAM, "build"], cwd=home, capture_output=True, text=True)
        assert build.returncode == 0, (attempt, build.stderr)
        assert leftovers(home) == [], attempt
    assert caught >= 6, caught
    # and the next add adds
    result = add(SEEDS / PAIR[0], cwd=home)
    assert result.returncode == 0, result.stderr
    assert listed(home) == sorted(PAIR)


def test_an_add_waits_for_a_build_holding_raw(home):
    import fcntl

    fd = os.open(home / "raw", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)  # as a build reading raw/ holds it
    try:
        proc = start_add(PAIR[0], home)
        # it says it waits (its first word on stderr), and it does, however slow the machine
        said = proc.stderr.readline()
        time.sleep(1)
        assert proc.poll() is None  # waiting
    finally:
        os.close(fd)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "raw/: in use by another command (add, update or build); waiting for it to finish" in said + err
    # and one that cannot wait long enough is refused, with a message
    fd = os.open(home / "raw", os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        result = subprocess.run([PROGRAM, "add", str(SEEDS / PAIR[1])], cwd=home, capture_output=True, text=True,
                                env={**os.environ, "NORWAY_RETURNS_LOCK_WAIT": "1"}, timeout=60)
    finally:
        os.close(fd)
    assert result.returncode == 1
    assert "raw/: still in use by another command after 1 s: try again when it has finished" in result.stderr
    assert "nothing added" in result.stderr and "Traceback" not in result.stderr
    assert listed(home) == [PAIR[0]]


KILLED_BEFORE_THE_MANIFEST = """
import os, signal, sys
import norway_returns.add as add
write = add.write_atomically
def killed_at_the_manifest(path, data):
    after = os.environ.get("KILL_AFTER_THE_MANIFEST")
    if path.name == "manifest.yml" and not after:
        os.kill(os.getpid(), signal.SIGKILL)  # the document is written, its entry is not
    write(path, data)
    if path.name == "manifest.yml" and after:
        os.kill(os.getpid(), signal.SIGKILL)  # the entry is written, the document it replaces not removed
add.write_atomically = killed_at_the_manifest
from norway_returns.cli import cli
cli(sys.argv[1:])
"""


def test_an_add_killed_between_the_document_and_its_entry_is_undone(home, tmp_path):
    import sys

    def killed_add(*args, after=False):
        return subprocess.run([sys.executable, "-c", KILLED_BEFORE_THE_MANIFEST, "add", *map(str, args)], cwd=home,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "KILL_AFTER_THE_MANIFEST": "1" if after else ""})

    assert add(SEEDS / PAIR[1], cwd=home).returncode == 0
    before = {p.name: p.read_bytes() for p in (home / "raw").iterdir()}
    # a new document: written into raw/, unlisted, when the add is killed
    assert killed_add(SEEDS / PAIR[0]).returncode == -signal.SIGKILL
    assert (home / "raw" / PAIR[0]).exists() and leftovers(home)
    build = subprocess.run([PROGRAM, "build"], cwd=home, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr  # the next command puts raw/ back as it was
    assert {p.name: p.read_bytes() for p in (home / "raw").iterdir()} == before and leftovers(home) == []
    # a document replacing one of the same name: the one listed is put back
    variant = tmp_path / "variant.txt"
    variant.write_bytes((SEEDS / PAIR[1]).read_bytes() + b"\n")
    assert killed_add(variant, "--replace").returncode == -signal.SIGKILL
    assert (home / "raw" / PAIR[1]).read_bytes() == variant.read_bytes()
    build = subprocess.run([PROGRAM, "build"], cwd=home, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    assert {p.name: p.read_bytes() for p in (home / "raw").iterdir()} == before and leftovers(home) == []
    # a PDF replacing the text of its month, killed once its entry is written: the next
    # command finishes, removing the text it replaced
    from test_add import make_pdfs

    pdf = make_pdfs.render(make_pdfs.from_text(SEEDS, PAIR[1]), tmp_path / "march.pdf", ruled=False)
    assert killed_add(pdf, "--replace", after=True).returncode == -signal.SIGKILL
    assert (home / "raw" / PAIR[1]).exists() and listed(home) == ["2024-03-no.pdf"]
    build = subprocess.run([PROGRAM, "build"], cwd=home, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    assert sorted(p.name for p in (home / "raw").iterdir()) == ["2024-03-no.pdf", "manifest.yml"]
    assert leftovers(home) == []
