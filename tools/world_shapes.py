"""The world map's shapes as the site serves them (norway_returns/site/static/world/).

    python tools/world_shapes.py [SOURCE] [--grid 10000]

From world-atlas 2.0.2's countries-110m.json (SOURCE; by default the site's own copy, which
this leaves as it is when run again): the `countries` object only (the maps draw no `land`),
its arcs quantized to a grid of GRID x GRID over the world's bounding box instead of
world-atlas's 100,000. Every shape, its id and name stay; only the digits of each point
shrink: a step of 0.036 degrees of longitude, under half a pixel on the overview's map of
Europe (the finest it draws), for a file of 28 KB gzipped instead of 39 KB, which the
overview downloads before its maps are drawn.
"""

import json
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "norway_returns" / "site" / "static" / "world" / "countries-110m.json"


def requantize(topology, grid):
    """The topology with its arcs on a grid x grid lattice over its bbox (TopoJSON's own
    quantization: integer points, each arc's first absolute and the rest as deltas)."""
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    west, south, east, north = topology["bbox"]
    step = ((east - west) / (grid - 1), (north - south) / (grid - 1))
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            lon, lat = x * scale[0] + translate[0], y * scale[1] + translate[1]
            point = (round((lon - west) / step[0]), round((lat - south) / step[1]))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) == 1:  # an arc shorter than a step keeps its two ends
            points.append(points[0])
        arcs.append([list(points[0])] + [[b[0] - a[0], b[1] - a[1]] for a, b in zip(points, points[1:])])
    return {"type": "Topology", "bbox": topology["bbox"],
            "transform": {"scale": list(step), "translate": [west, south]},
            "objects": {"countries": topology["objects"]["countries"]}, "arcs": arcs}


@click.command()
@click.argument("source", default=str(SHAPES), type=click.Path(exists=True, dir_okay=False))
@click.option("--grid", default=10_000, show_default=True, help="Points across the world, each way.")
def main(source, grid):
    topology = requantize(json.loads(Path(source).read_text(encoding="utf-8")), grid)
    SHAPES.write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    main()
