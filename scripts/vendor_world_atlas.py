"""Vendor Natural Earth's 1:110m countries, with internationally recognised borders, for the site's maps.

The source is the npm registry's ``world-atlas`` 2.0.2 (Natural Earth 4.1.0 as TopoJSON, ISC licence over
public-domain data). Natural Earth draws de facto control by default; this site draws the borders the
United Nations recognises, so this script corrects the file before it is vendored:

* Crimea: Natural Earth draws it as a polygon of Russia. UN General Assembly resolution 68/262
  (27 March 2014) affirms Ukraine's territorial integrity within its internationally recognised
  borders, so the polygon is merged into Ukraine's shape (their shared arc, the Perekop isthmus, is
  dropped, as it is no border).
* Northern Cyprus and Somaliland: drawn apart from Cyprus and Somalia and without an ISO code; UN
  Security Council resolution 541 (1983) holds the declaration of a state in northern Cyprus legally
  invalid, and no UN organ recognises Somaliland apart from Somalia. Each is merged into the UN
  member state it belongs to.

Everything else is kept byte for byte in meaning (the ``land`` object, names, ids, quantisation).

Usage, from the project root (run once per version; the output is deterministic)::

    python scripts/vendor_world_atlas.py                      # runs `npm pack world-atlas@2.0.2` in a temp folder
    python scripts/vendor_world_atlas.py --tarball world-atlas-2.0.2.tgz

It checks the tarball against the registry's published sha512 integrity, then writes
``static/vendor/world-atlas-2.0.2/`` (countries-110m.json, LICENSE, README.md).
"""

import argparse
import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "world-atlas@2.0.2"
# `npm view world-atlas@2.0.2 dist.integrity`
INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "static" / "vendor" / "world-atlas-2.0.2"

UKRAINE, RUSSIA, CYPRUS, SOMALIA = "804", "643", "196", "706"
CRIMEA = (34.1, 45.0)  # a point on the peninsula (longitude, latitude)


@dataclass(frozen=True)
class Correction:
    """Move the polygon of ``source`` (an id, or a name for shapes without one) that contains ``point``
    (or all of it) into the shape of ``target``."""

    source: str
    target: str
    why: str
    point: tuple | None = None


CORRECTIONS = (
    Correction(RUSSIA, UKRAINE, "Crimea drawn as part of Ukraine (UN General Assembly resolution 68/262)", CRIMEA),
    Correction("N. Cyprus", CYPRUS, "Northern Cyprus drawn as part of Cyprus (UN Security Council resolution 541)"),
    Correction("Somaliland", SOMALIA, "Somaliland drawn as part of Somalia, the UN member state"),
)


# --- TopoJSON arcs --------------------------------------------------------------------------------


def arc_ends(topology):
    """(start, end) of every arc in quantised integer coordinates: arcs are delta-encoded."""
    ends = []
    for arc in topology["arcs"]:
        x = y = 0
        first = None
        for dx, dy in arc:
            x, y = x + dx, y + dy
            first = first or (x, y)
        ends.append((first, (x, y)))
    return ends


def signed_ends(ends, index):
    """Start and end of arc ``index`` as a ring walks it (a negative index ``~i`` walks arc i backwards)."""
    start, end = ends[index] if index >= 0 else ends[~index][::-1]
    return start, end


def ring_points(topology, ring):
    """A ring of arc indices as (longitude, latitude) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    points = []
    for index in ring:
        arc = topology["arcs"][index if index >= 0 else ~index]
        x = y = 0
        decoded = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            decoded.append((x * sx + tx, y * sy + ty))
        if index < 0:
            decoded.reverse()
        points.extend(decoded if not points else decoded[1:])
    return points


def contains(points, lon, lat):
    """Even-odd rule: is (lon, lat) inside the ring?"""
    inside = False
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def set_polygons(geometry, parts):
    if len(parts) == 1:
        geometry["type"], geometry["arcs"] = "Polygon", parts[0]
    else:
        geometry["type"], geometry["arcs"] = "MultiPolygon", parts


def stitch(rings, ends):
    """The rings of the union of polygons that share arcs: an arc walked both ways is an inner border and
    goes; what is left is chained end to start into closed rings."""
    walked = [index for ring in rings for index in ring]
    present = set(walked)
    left = [index for index in walked if ~index not in present]
    by_start = {}
    for index in left:
        by_start.setdefault(signed_ends(ends, index)[0], []).append(index)
    used, result = set(), []
    for first in left:
        if first in used:
            continue
        ring, index = [], first
        while index not in used:
            used.add(index)
            ring.append(index)
            following = [i for i in by_start.get(signed_ends(ends, index)[1], []) if i not in used]
            if not following:
                break
            index = following[0]
        if signed_ends(ends, ring[-1])[1] != signed_ends(ends, ring[0])[0]:
            raise ValueError(f"the merged arcs do not close into a ring: {ring}")
        result.append(ring)
    return result


def area(points):
    """Unsigned planar area of a ring of (longitude, latitude) points (shoelace formula)."""
    pairs = zip(points, points[1:] + points[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def merge(topology, target_polygons, piece):
    """``target_polygons`` with ``piece`` (a polygon) joined to the polygon it shares arcs with, or added."""
    piece_arcs = {~index for ring in piece for index in ring}
    for position, polygon in enumerate(target_polygons):
        if any(index in piece_arcs for ring in polygon for index in ring):
            merged = stitch([*polygon, *piece], arc_ends(topology))
            merged.sort(key=lambda ring: area(ring_points(topology, ring)), reverse=True)  # the outer ring first
            return [*target_polygons[:position], merged, *target_polygons[position + 1 :]]
    return [*target_polygons, piece]


def apply(topology, correction):
    """Apply one correction to ``topology`` in place."""
    geometries = topology["objects"]["countries"]["geometries"]

    def find(key):
        found = [g for g in geometries if g.get("id") == key or (not g.get("id") and g["properties"]["name"] == key)]
        if len(found) != 1:
            raise ValueError(f"expected one shape for {key!r}, found {len(found)}")
        return found[0]

    source, target = find(correction.source), find(correction.target)
    parts = polygons(source)
    if correction.point is None:
        moving, staying = parts, []
    else:
        moving = [p for p in parts if contains(ring_points(topology, p[0]), *correction.point)]
        staying = [p for p in parts if p not in moving]
        if len(moving) != 1:
            raise ValueError(f"expected one polygon of {correction.source} at {correction.point}")
    into = polygons(target)
    for piece in moving:
        into = merge(topology, into, piece)
    set_polygons(target, into)
    if staying:
        set_polygons(source, staying)
    else:
        geometries.remove(source)


def correct(topology):
    for correction in CORRECTIONS:
        apply(topology, correction)
    return topology


# --- The package ----------------------------------------------------------------------------------


def fetch_tarball(folder):
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True, capture_output=True)  # noqa: S603, S607 - a fixed command
    return next(Path(folder).glob("world-atlas-*.tgz"))


def verify(data):
    algorithm, expected = INTEGRITY.split("-", 1)
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"{PACKAGE}: integrity mismatch ({algorithm}-{actual})")


def readme():
    changes = "\n".join(f"- {c.why}." for c in CORRECTIONS)
    return f"""# world-atlas 2.0.2 (Natural Earth 4.1.0, 1:110m countries)

Source: the npm registry's `{PACKAGE}` ({INTEGRITY}), https://github.com/topojson/world-atlas.
Licence: ISC (LICENSE, Mike Bostock) over Natural Earth's public-domain data (https://www.naturalearthdata.com/).

Only `countries-110m.json` is kept. What was changed, by `scripts/vendor_world_atlas.py` (run it again
to rebuild this folder; never edit these files by hand): internationally recognised borders instead of
Natural Earth's de facto ones.

{changes}

Ids are ISO 3166-1 numeric codes as strings; Kosovo has no id.
"""


def vendor(tarball, target=TARGET):
    data = Path(tarball).read_bytes()
    verify(data)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        topology = json.load(archive.extractfile("package/countries-110m.json"))
        licence = archive.extractfile("package/LICENSE").read()
    correct(topology)
    target.mkdir(parents=True, exist_ok=True)
    (target / "countries-110m.json").write_text(json.dumps(topology, separators=(",", ":")), encoding="utf-8")
    (target / "LICENSE").write_bytes(licence)
    (target / "README.md").write_text(readme(), encoding="utf-8")
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", help="world-atlas-2.0.2.tgz from `npm pack` (fetched when left out)")
    args = parser.parse_args(argv)
    if args.tarball:
        written = vendor(args.tarball)
    else:
        with tempfile.TemporaryDirectory() as folder:
            written = vendor(fetch_tarball(folder))
    sys.stdout.write(f"Wrote {written.relative_to(ROOT)}/\n")


if __name__ == "__main__":
    main()
