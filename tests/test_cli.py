"""The one program, `norway-returns`: each subcommand explains itself, and `serve`
serves as `make serve` does."""

import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from norway_returns.site.serve import SETTINGS, free_port

PROGRAM = str(Path(sys.executable).with_name("norway-returns"))


def test_every_subcommand_explains_itself_with_an_example():
    top = subprocess.run([PROGRAM, "--help"], capture_output=True, text=True)
    assert top.returncode == 0
    commands = ("build", "add", "update", "serve", "publish", "package")
    for command in commands:
        assert f"\n  {command} " in top.stdout, top.stdout
        result = subprocess.run([PROGRAM, command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "Example" in result.stdout, (command, result.stdout)


def test_serve_serves_as_make_serve_does(built, tmp_path):
    db = tmp_path / "returns.db"
    shutil.copy(built[0], db)
    port = free_port()
    proc = subprocess.Popen([PROGRAM, "serve", "--db", str(db), "--inspect-file", str(tmp_path / "inspect.json"),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                settings = json.load(urllib.request.urlopen(base + "/-/settings.json", timeout=1))
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the site did not start")
        on = {"on": "true", "off": "false"}  # Datasette reports boolean settings as true/false
        for name, value in SETTINGS.items():
            assert str(settings[name]).lower() == on.get(str(value), str(value)), name
        databases = json.load(urllib.request.urlopen(base + "/-/databases.json"))
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("returns", False)]
        rows = json.load(urllib.request.urlopen(
            base + "/returns.json?sql=select+count+from+returns+where+period%3D'2025-02'+and+kind%3D'nationality'"
                   "+and+country%3D'SYR'+and+category%3D'dublin'&_shape=array"))
        assert rows == [{"count": 8}]  # raw/2025-02-en.txt:128
    finally:
        proc.terminate()
        proc.wait(timeout=10)
