"""An entry written into raw/manifest.yml as a person would write it, keeping the
file's comments and the order of its entries.

Entries are YAML block mappings in a top-level list. The new text is parsed again and
must hold exactly the entries meant, or nothing is written: a manifest laid out in
another way (a flow list, say) is refused rather than broken.
"""

import yaml

from ..errors import BuildError
from ..reading.sources import load_yaml_list

ORDER = ("file", "period", "language", "title", "sha256", "source_url", "retrieved", "note", "damaged")
QUOTED = ("period", "language")  # "2024-05" and "no" read as a string only when quoted


def entry_text(entry):
    """The YAML block of one entry: `- file: ...` and its keys, indented beneath."""
    out = []
    for key in ORDER:
        if entry.get(key) is None:
            continue
        value = str(entry[key])
        if key in QUOTED:
            text = '"' + value + '"'
        else:
            text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
            text = text.strip().removesuffix("...").strip()
        out.append(("- " if not out else "  ") + f"{key}: {text}")
    return "\n".join(out) + "\n"


def _entry_lines(lines, start):
    """The 0-based range of the entry whose first line is `start` (1-based): up to the
    next top-level item, less the comments and blank lines before it."""
    end = start
    while end < len(lines) and not lines[end].startswith("-"):
        end += 1
    while end > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return start - 1, end


def with_entry(path, entry, replacing=None):
    """The manifest's new text with `entry` appended, or put in place of the entry that
    starts on line `replacing`."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    before = [_plain(e) for e in load_yaml_list(path, "manifest")] if path.exists() else []
    block = entry_text(entry)
    if replacing is None:
        new = text + ("\n" if text and not text.endswith("\n") else "") + block
        expected = before + [_plain(entry)]
    else:
        lines = text.splitlines(keepends=True)
        a, b = _entry_lines(lines, replacing)
        new = "".join(lines[:a]) + block + "".join(lines[b:])
        old = [e for e in load_yaml_list(path, "manifest") if e["__line__"] == replacing]
        expected = [_plain(entry) if e == _plain(old[0]) else e for e in before]
    if [_plain(e) for e in (yaml.safe_load(new) or [])] != expected:
        raise BuildError(f"raw/{path.name}", None, "cannot add an entry to this manifest's layout without "
                         "changing the others: write it as a YAML list of block mappings (`- file: ...`)")
    return new


def _plain(entry):
    return {k: str(v) for k, v in entry.items() if k != "__line__" and v is not None}
