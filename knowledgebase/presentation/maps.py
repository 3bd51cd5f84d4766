"""World maps drawn on the server as SVG: no tile server, nothing fetched at run time, no script needed.

The shapes are Natural Earth's 1:110m countries from static/vendor/world-atlas-2.0.2/, vendored with
internationally recognised borders (Crimea is part of Ukraine: ``scripts/vendor_world_atlas.py``).
This module decodes the TopoJSON (delta-encoded arcs, quantised with the file's transform), projects it
with Equal Earth, an equal-area projection, so a shaded country looks as large as it is, and writes the
SVG paths once per process.

A map is drawn as a figure (``templates/includes/map.html``) with a title, a description, a legend and a
table of the same numbers, so nothing depends on seeing the picture. A country with data is a link (to
its filtered list or its profile) in the tab order, named by its numbers; the other shapes link to
their country's profile for the mouse only, hidden from the keyboard and from screen readers, which
reach the same pages through the table. Colours come from the stylesheet through classes.
"""

import functools
import hashlib
import json
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledgebase.core.translation import country_name

ATLAS = settings.BASE_DIR / "static" / "vendor" / "world-atlas-2.0.2" / "countries-110m.json"
ISO_CODES = settings.BASE_DIR / "knowledgebase" / "core" / "data" / "iso_3166_1.json"

# Equal Earth (Šavrič, Patterson and Jenny, 2018, doi:10.1080/13658816.2018.1504949), closed form.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2

# What the world map shows: every country but Antarctica, from the Arctic islands to Tierra del Fuego.
NORTH, SOUTH = 84.0, -57.0
LEFT_EDGE = -math.pi / (M * A1)  # x of longitude -180 at the equator, on the unit sphere
WIDTH = 1000
SCALE = WIDTH / (2 * -LEFT_EDGE)
LEAVE_OUT = {"AQ"}  # Antarctica: it would take a quarter of the height and carries no data here
CUT_STEP = 2.0  # degrees of latitude between points added along the antimeridian where a ring is cut

STEP_CLASSES = 5  # map-step-1 (lightest) … map-step-5 (darkest) in site.css


# --- Projection -----------------------------------------------------------------------------------


def equal_earth(lon, lat):
    """(x, y) of a point in degrees on the unit sphere's Equal Earth plane, y pointing north."""
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


TOP = equal_earth(0, NORTH)[1]
HEIGHT = round((TOP - equal_earth(0, SOUTH)[1]) * SCALE)


def project(lon, lat):
    """A point in degrees as (x, y) in the world map's SVG units (y down)."""
    x, y = equal_earth(lon, lat)
    return (x - LEFT_EDGE) * SCALE, (TOP - y) * SCALE


# --- TopoJSON -------------------------------------------------------------------------------------


def decode_arcs(topology):
    """Every arc as (longitude, latitude) points: arcs are delta-encoded in quantised integers."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_of(arcs, indices):
    """The closed ring that walks these arcs (``~i`` walks arc i backwards); each arc starts where the
    last one ended, so that point is kept once."""
    points = []
    for index in indices:
        part = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(part if not points else part[1:])
    return points


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


@dataclass(frozen=True)
class Territory:
    """A shape of the atlas in degrees: its ISO 3166-1 alpha-2 code ("" for Kosovo, which has none) and
    name (the site's English name of the country, Natural Earth's for a shape without a code)."""

    code: str
    name: str
    polygons: tuple  # of polygons, each a tuple of rings of (lon, lat), the outer ring first


@functools.cache
def territories():
    """Every shape of the vendored atlas, by alpha-2 code (the atlas keys them by ISO numeric code)."""
    iso = {row["numeric"]: row for row in json.loads(ISO_CODES.read_text("utf-8"))["countries"]}
    topology = json.loads(ATLAS.read_text("utf-8"))
    arcs = decode_arcs(topology)
    return tuple(
        Territory(
            code=iso[geometry["id"]]["code"] if geometry.get("id") in iso else "",
            name=iso[geometry["id"]]["name"] if geometry.get("id") in iso else geometry["properties"]["name"],
            polygons=tuple(tuple(ring_of(arcs, ring) for ring in polygon) for polygon in polygons_of(geometry)),
        )
        for geometry in topology["objects"]["countries"]["geometries"]
    )


def contains(territory, lon, lat):
    """Whether (lon, lat) lies in the territory (even-odd rule over its rings: holes are outside)."""
    inside = False
    for polygon in territory.polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
    return inside


def territory_at(lon, lat):
    """The territory that contains a point, or None at sea."""
    return next((t for t in territories() if contains(t, lon, lat)), None)


# --- Drawing --------------------------------------------------------------------------------------


def _unwrap(ring):
    """The ring with longitudes made continuous where it crosses the antimeridian (so past ±180)."""
    out, shift = [ring[0]], 0.0
    for (lon0, _lat0), (lon1, lat1) in zip(ring, ring[1:], strict=False):
        if lon1 - lon0 > 180:
            shift -= 360
        elif lon0 - lon1 > 180:
            shift += 360
        out.append((lon1 + shift, lat1))
    return out


def _clip(ring, inside, cross):
    """Sutherland–Hodgman clipping of a ring against one half-plane."""
    out = []
    for previous, current in zip(ring[-1:] + ring[:-1], ring, strict=True):
        if inside(current):
            if not inside(previous):
                out.append(cross(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(cross(previous, current))
    return out


def _at_longitude(edge):
    def cross(a, b):
        t = (edge - a[0]) / (b[0] - a[0])
        return edge, a[1] + t * (b[1] - a[1])

    return cross


def _densify_cuts(ring):
    """Points every CUT_STEP degrees along a cut on the antimeridian, so the cut follows the curved edge."""
    out = []
    for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
        out.append(a)
        if abs(a[0]) == 180 and a[0] == b[0]:
            steps = int(abs(b[1] - a[1]) // CUT_STEP)
            out.extend((a[0], a[1] + (b[1] - a[1]) * k / (steps + 1)) for k in range(1, steps + 1))
    return out


def split_at_antimeridian(ring):
    """The pieces of a ring between longitudes -180 and 180: one, unless the ring crosses the antimeridian
    (Russia's Chukotka, Fiji), when each side gets its part, cut along the edge of the map."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in zip(ring, ring[1:], strict=False)):
        return [ring]
    unwrapped = _unwrap(ring)
    pieces = []
    for shift in (-360, 0, 360):
        piece = [(lon + shift, lat) for lon, lat in unwrapped]
        piece = _clip(piece, lambda p: p[0] <= 180, _at_longitude(180))
        piece = _clip(piece, lambda p: p[0] >= -180, _at_longitude(-180))
        if len(piece) >= 3:
            pieces.append(_densify_cuts(piece))
    return pieces


def _number(value, digits=1):
    text = f"{value:.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def ring_path(ring, digits=0):
    """SVG path data of a projected ring: a move, then relative lines, rounded to ``digits`` decimals
    (whole units for a world map, tenths for a locator zoomed in), points that round to the last one
    dropped; None when the ring shrinks below a triangle at this precision."""
    kept = []
    for lon, lat in ring:
        x, y = project(lon, lat)
        point = (round(x, digits), round(y, digits)) if digits else (round(x), round(y))
        if not kept or point != kept[-1]:
            kept.append(point)
    if len(kept) > 1 and kept[-1] == kept[0]:
        kept.pop()
    if len(set(kept)) < 3:
        return None
    parts = [f"M{_number(kept[0][0], digits)} {_number(kept[0][1], digits)}l"]
    for (x0, y0), (x1, y1) in zip(kept, kept[1:], strict=False):
        dx, dy = _number(x1 - x0, digits), _number(y1 - y0, digits)
        parts.append(f"{dx}{dy if dy.startswith('-') else ' ' + dy} ")
    return "".join(parts).rstrip() + "z"


@dataclass(frozen=True)
class Shape:
    """A territory as the world map draws it."""

    code: str
    name: str
    path: str
    box: tuple  # (left, top, right, bottom) in SVG units


def _shape(territory, digits):
    paths, xs, ys = [], [], []
    for polygon in territory.polygons:
        for ring in polygon:
            for piece in split_at_antimeridian(ring):
                path = ring_path(piece, digits)
                if path is None:
                    continue
                paths.append(path)
                projected = [project(lon, lat) for lon, lat in piece]
                xs.extend(x for x, _y in projected)
                ys.extend(y for _x, y in projected)
    if not paths:
        return None
    return Shape(territory.code, territory.name, "".join(paths), (min(xs), min(ys), max(xs), max(ys)))


def _outline():
    """The edge of the projected world: the meridians ±180 between the map's north and south limits."""
    east = [project(180, NORTH - k * (NORTH - SOUTH) / 40) for k in range(41)]
    west = [project(-180, SOUTH + k * (NORTH - SOUTH) / 40) for k in range(41)]
    return "M" + "L".join(f"{_number(x)} {_number(y)}" for x, y in east + west) + "z"


@dataclass(frozen=True)
class World:
    shapes: tuple
    by_code: dict
    outline: str


@functools.cache
def world(digits=0):
    """Every shape, projected and written as path data once per process (a 110m world is small), in
    whole SVG units (about a third of a degree), or finer for a map zoomed in."""
    shapes = tuple(
        shape for territory in territories() if territory.code not in LEAVE_OUT if (shape := _shape(territory, digits))
    )
    return World(shapes, {shape.code: shape for shape in shapes if shape.code}, _outline())


# --- A map's data --------------------------------------------------------------------------------


def kept_for_selection(request, name, build, ignore=("page",)):
    """``build()``, the aggregate behind a map of a list's selection, kept in the cache for the content
    version and at most PAGE_CACHE_SECONDS, under the request's parameters less ``ignore``: the other
    pages, sorts and variants of one selection reuse it (pagination does not change a map); one per language, as
    it holds names."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    from knowledgebase.serving.content_version import content_version

    timeout = settings.PAGE_CACHE_SECONDS
    if not timeout:
        return build()
    query = sorted((k, v) for k, values in request.GET.lists() if k not in ignore for v in values)
    digest = hashlib.sha256(repr(query).encode()).hexdigest()
    key = f"map-data:{name}:{content_version()}:{get_language()}:{digest}"
    kept = cache.get(key)
    if kept is None or kept[0] != query:
        kept = (query, build())
        cache.set(key, kept, timeout)
    return kept[1]


# --- Classes of values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One colour step of a map's legend: the values from ``low`` to ``high``, both included."""

    low: int
    high: int
    css: str

    @property
    def label(self):
        low, high = number_format(self.low, force_grouping=True), number_format(self.high, force_grouping=True)
        return low if self.low == self.high else f"{low}–{high}"


def steps(values, count=STEP_CLASSES):
    """Classed steps for whole numbers: breaks at quantiles of the distinct values, rounded up to a round
    number (to the value's own order of magnitude, or finer when the values lie close together) so the
    legend reads well, the last ending at the largest value. Fewer distinct values give fewer steps,
    spread over the palette from light to dark."""
    distinct = sorted({int(value) for value in values if value is not None})
    if not distinct:
        return []
    spread = (distinct[-1] - distinct[0]) / count
    unit = 10 ** math.floor(math.log10(spread)) if spread >= 1 else 1
    breaks = []
    for k in range(1, count + 1):
        quantile = distinct[math.ceil(k * len(distinct) / count) - 1]
        granularity = min(10 ** math.floor(math.log10(quantile)) if quantile >= 1 else 1, unit)
        limit = min(math.ceil(quantile / granularity) * granularity, distinct[-1])
        if not breaks or limit > breaks[-1]:
            breaks.append(limit)
    shades = [
        STEP_CLASSES - 1 if len(breaks) == 1 else round(k * (STEP_CLASSES - 1) / (len(breaks) - 1))
        for k in range(len(breaks))
    ]
    result, low = [], distinct[0]
    for limit, shade in zip(breaks, shades, strict=True):
        result.append(Step(low, limit, f"map-step-{shade + 1}"))
        low = limit + 1
    return result


def step_of(value, classes):
    return next((step for step in classes if value <= step.high), classes[-1] if classes else None)


# --- Maps -----------------------------------------------------------------------------------------

PRECISION_MARKS = {
    # geographic precision -> (css class, radius): a dot for an exact point, a ring for "near a
    # place", a wide dashed circle for a region or a country's centre.
    "exact": ("map-mark-exact", 3.5),
    "near": ("map-mark-near", 6),
    "region": ("map-mark-region", 12),
    "country": ("map-mark-region", 12),
}
PRECISION_LABELS = {
    "exact": gettext_lazy("exact point"),
    "near": gettext_lazy("near a place"),
    "region": gettext_lazy("somewhere in a region"),
    "country": gettext_lazy("somewhere in the country"),
}


@dataclass(frozen=True)
class Area:
    """A country with data: its colour step, where its shape links, and what the link says."""

    code: str
    css: str
    href: str
    label: str


@dataclass(frozen=True)
class Mark:
    """Events at one pair of coordinates, drawn by their geographic precision."""

    longitude: float
    latitude: float
    precision: str
    label: str


@dataclass(frozen=True)
class LegendItem:
    css: str
    label: str
    shape: str = "area"  # area, or a mark's precision


@dataclass
class Table:
    """The map's numbers as a table: ``rows`` of cells, each (text, link or "", is_number)."""

    caption: str
    headers: list
    rows: list

    @property
    def columns(self):
        """(header, is a number) of each column, as its first row says."""
        flags = [cell[2] for cell in self.rows[0]] if self.rows else [False] * len(self.headers)
        return list(zip(self.headers, flags, strict=False))


@dataclass
class Map:
    """What ``includes/map.html`` renders: the SVG, its legend, the tables of the same numbers, and the
    views a reader can switch between ((label, URL, is current), e.g. origin or host countries)."""

    id: str
    title: str
    description: str
    svg: str
    legend: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    views: list = field(default_factory=list)


def _view_box(focus, margin=0.35, minimum=(150, 90)):
    """The world's view box, or one around the ``focus`` shape with room to see its neighbours."""
    if focus is None:
        return 0, 0, WIDTH, HEIGHT
    left, top, right, bottom = focus.box
    width = max((right - left) * (1 + 2 * margin), minimum[0])
    height = max((bottom - top) * (1 + 2 * margin), minimum[1], width * HEIGHT / WIDTH * 0.6)
    width = max(width, height * 1.4)
    x = min(max((left + right - width) / 2, 0), WIDTH - width)
    y = min(max((top + bottom - height) / 2, 0), HEIGHT - height)
    return round(x, 1), round(y, 1), round(min(width, WIDTH), 1), round(min(height, HEIGHT), 1)


def _intersects(box, view):
    left, top, right, bottom = box
    x, y, width, height = view
    return right >= x and left <= x + width and bottom >= y and top <= y + height


def draw(map_id, title, description, areas, *, marks=(), focus=None, other_href=None):
    """The map's SVG: every country, those in ``areas`` (a dict by code) coloured and linked in the tab
    order; ``marks`` on top; zoomed around ``focus`` (a code) when given. ``other_href(code)`` gives the
    mouse-only link of a shape without data (none when it returns "").

    Built by joining strings, every text and link escaped: path data is only digits, signs and the
    letters M, l and z, written here. A world is 174 shapes, so this keeps a map under a millisecond."""
    shapes = world(1 if focus else 0)
    focused = shapes.by_code.get(focus) if focus else None
    view = _view_box(focused)
    parts = [f'<path class="map-sphere" d="{shapes.outline}"></path>']
    language = translation.get_language()
    for shape in shapes.shapes:
        if not _intersects(shape.box, view):
            continue
        area = areas.get(shape.code) if shape.code else None
        if area is not None:
            label = escape(area.label)
            path = f'<path class="map-area {escape(area.css)}" d="{shape.path}"><title>{label}</title></path>'
            parts.append(f'<a href="{escape(area.href)}" aria-label="{label}">{path}</a>' if area.href else path)
            continue
        href = other_href(shape.code) if other_href and shape.code else ""
        parts.append(_no_data(shape, href, language if href else None))
    parts.extend(str(_mark(mark)) for mark in marks)
    x, y, width, height = view
    return format_html(
        '<svg class="map-svg" id="{id}" aria-labelledby="{id}-title" aria-describedby="{id}-desc" '
        'viewBox="{x} {y} {w} {h}" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=map_id,
        x=_number(x),
        y=_number(y),
        w=_number(width),
        h=_number(height),
        title=title,
        desc=description,
        body=mark_safe("".join(parts)),  # noqa: S308 - every text and link above is escaped
    )


@functools.lru_cache(maxsize=2048)
def _no_data(shape, href, language):
    """A shape without data: linked (``href``) for the mouse only and named in ``language``, or bare. A pure
    function of its arguments, kept per process: a world map draws the same 150-odd shapes on every page."""
    if not href:
        return f'<path class="map-area map-nodata" d="{shape.path}"></path>'
    return (
        f'<a href="{escape(href)}" tabindex="-1" aria-hidden="true"><path class="map-area map-nodata" '
        f'd="{shape.path}"><title>{escape(country_name(shape.name))}</title></path></a>'
    )


def _mark(mark):
    css, radius = PRECISION_MARKS.get(mark.precision, PRECISION_MARKS["region"])
    x, y = project(mark.longitude, mark.latitude)
    return format_html(
        '<circle class="map-mark {}" cx="{}" cy="{}" r="{}"><title>{}</title></circle>',
        css,
        _number(x),
        _number(y),
        radius,
        mark.label,
    )


def area_legend(classes, no_data=True):
    items = [LegendItem(step.css, step.label) for step in classes]
    if no_data:
        items.append(LegendItem("map-nodata", _("no data")))
    return items


def mark_legend(marks):
    shown = []
    for mark in marks:
        css, _radius = PRECISION_MARKS.get(mark.precision, PRECISION_MARKS["region"])
        label = str(PRECISION_LABELS.get(mark.precision, PRECISION_LABELS["region"]))
        item = LegendItem(css, label, shape=css)
        if item not in shown:
            shown.append(item)
    return shown


def choropleth(map_id, title, description, values, *, href, label, other_href=None, marks=(), tables=()):
    """A world map of ``values`` ({code: number}) in classed colour steps with a legend: each country with
    a value links to ``href(code)`` and is named ``label(code, value)``."""
    classes = steps(values.values())
    areas = {
        code: Area(code, step_of(value, classes).css, href(code), label(code, value))
        for code, value in values.items()
        if code and value is not None
    }
    svg = draw(map_id, title, description, areas, marks=marks, other_href=other_href)
    return Map(map_id, title, description, svg, area_legend(classes) + mark_legend(marks), list(tables))


def locator(map_id, code, title, description, *, other_href=None, marks=(), tables=()):
    """A map around one country, the country highlighted, with ``marks`` on top (those in its frame);
    None when the atlas has no shape for it (a country too small for 1:110m)."""
    if code not in world().by_code:
        return None
    area = Area(code, "map-focus", "", title)
    svg = draw(map_id, title, description, {code: area}, focus=code, other_href=other_href, marks=marks)
    return Map(map_id, title, description, svg, mark_legend(marks), list(tables))


def mappable(code):
    """Whether the world map has a shape for this country."""
    return code in world().by_code
