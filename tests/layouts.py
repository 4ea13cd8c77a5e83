"""Re-lay a text publication in the other layout, line for line.

TAB-separated -> space-aligned: cells joined by one space, an empty cell shown as
one more space (so a run of 1 + 2k spaces holds k empty cells). Space-aligned ->
TAB-separated: the cells the space reader finds, joined by TABs. Prose and header
lines keep their words; line numbers do not move.
"""

from norway_returns.reading.extract import split_spaced


def tabs_to_spaces(text):
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        cells = [c.strip() for c in line.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        name, values = cells[0], cells[1:]
        if not any(v[:1].isdigit() for v in values):  # prose or header: keep the words
            out.append(" ".join(c for c in cells if c))
            continue
        out.append(" ".join([name] + [v or " " for v in values]).rstrip())
    return "\n".join(out)


def spaces_to_tabs(text):
    out = []
    for line in text.split("\n"):
        cells, problem = split_spaced(line)
        if len(cells) > 1 and not problem and any(c[:1].isdigit() for c in cells[1:]):
            out.append("\t".join(cells))
        else:
            out.append(line)
    return "\n".join(out)
