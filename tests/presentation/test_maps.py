"""Server-drawn world maps (knowledgebase.presentation.maps) and the vendored atlas they draw: borders,
projection, classes, and what the SVG says to a keyboard or a screen reader. No database."""

import importlib.util
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from knowledgebase.presentation import maps

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "static" / "vendor" / "world-atlas-2.0.2"
CRIMEA = (34.1, 45.0)  # longitude, latitude


def territory(code):
    return next(t for t in maps.territories() if t.code == code)


def vendor_script():
    spec = importlib.util.spec_from_file_location("vendor_world_atlas", ROOT / "scripts" / "vendor_world_atlas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def path_rings(d):
    """The rings of a path written by ``maps.ring_path`` (M x y, relative l, z), in SVG coordinates."""
    rings = []
    for part in re.findall(r"M[^z]*z", d):
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", part)]
        x, y = numbers[0], numbers[1]
        ring = [(x, y)]
        for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
    return rings


def covers(d, x, y):
    """Even-odd: does the path's fill cover the SVG point (x, y)?"""
    inside = False
    for ring in path_rings(d):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def parse(svg):
    return ET.fromstring(str(svg))


# --- Borders: the vendored atlas ------------------------------------------------------------------


def test_crimea_lies_in_ukraines_shape_and_not_in_russias():
    assert maps.contains(territory("UA"), *CRIMEA)
    assert not maps.contains(territory("RU"), *CRIMEA)
    assert maps.territory_at(*CRIMEA).code == "UA"


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (30.52, 50.45, "UA"),  # Kyiv
        (33.53, 44.6, "UA"),  # Sevastopol
        (37.62, 55.75, "RU"),  # Moscow
        (33.36, 35.19, "CY"),  # Nicosia, on the line Natural Earth draws through Cyprus
        (44.06, 9.56, "SO"),  # Hargeisa
    ],
)
def test_places_lie_in_the_internationally_recognised_country(lon, lat, code):
    assert maps.territory_at(lon, lat).code == code


def test_russias_shape_stops_north_of_the_crimean_peninsula():
    """Natural Earth's de facto edition has Russia reach latitude 44.36 between longitudes 32 and 37 (east of
    36.5 lies the Taman peninsula, which is Russia's)."""
    southernmost = min(
        lat for polygon in territory("RU").polygons for ring in polygon for lon, lat in ring if 32 <= lon <= 36.5
    )
    assert southernmost > 45.5


def test_the_vendored_atlas_keeps_its_licence_and_says_what_changed():
    topology = json.loads((VENDORED / "countries-110m.json").read_text("utf-8"))
    names = {g["properties"]["name"] for g in topology["objects"]["countries"]["geometries"]}

    assert "ISC" in (VENDORED / "README.md").read_text("utf-8")
    assert "Michael Bostock" in (VENDORED / "LICENSE").read_text("utf-8")
    assert "68/262" in (VENDORED / "README.md").read_text("utf-8")
    assert not names & {"N. Cyprus", "Somaliland"}
    assert "land" in topology["objects"]


def test_the_vendoring_script_moves_a_piece_and_drops_the_border_it_shared():
    """Two unit squares side by side; the eastern one belongs to "B" but lies in "A"'s country."""
    script = vendor_script()
    topology = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [
            [[1, 0], [0, 1]],  # 0: the shared edge, x = 1, going north
            [[1, 1], [-1, 0], [0, -1], [1, 0]],  # 1: the rest of the western square
            [[1, 0], [1, 0], [0, 1], [-1, 0]],  # 2: the rest of the eastern square
            [[5, 5], [1, 0], [0, 1], [-1, 0], [0, -1]],  # 3: an island of B far away
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "A", "properties": {"name": "A"}, "arcs": [[0, 1]]},
                    {"type": "MultiPolygon", "id": "B", "properties": {"name": "B"}, "arcs": [[[~0, 2]], [[3]]]},
                ],
            }
        },
    }

    script.apply(topology, script.Correction("B", "A", "test", point=(1.5, 0.5)))

    a, b = topology["objects"]["countries"]["geometries"]
    assert a["type"] == "Polygon" and len(a["arcs"]) == 1 and sorted(a["arcs"][0]) == [1, 2]  # arc 0 is gone
    outline = script.ring_points(topology, a["arcs"][0])
    assert outline[0] == outline[-1] and script.area(outline) == 2
    assert (b["type"], b["arcs"]) == ("Polygon", [[3]])


def test_the_vendoring_script_refuses_a_tarball_that_is_not_the_published_one():
    with pytest.raises(SystemExit, match="integrity"):
        vendor_script().verify(b"not the package")


# --- Projection -----------------------------------------------------------------------------------


def test_equal_earth_puts_the_antimeridian_at_pi_over_m_a1_on_the_equator():
    assert maps.equal_earth(0, 0) == (0, 0)
    assert maps.equal_earth(180, 0)[0] == pytest.approx(math.pi / (maps.M * maps.A1))
    assert maps.equal_earth(-180, 0)[0] == pytest.approx(-math.pi / (maps.M * maps.A1))
    assert maps.equal_earth(0, 90)[1] == pytest.approx(1.3173627591574)  # d3-geo's equalEarth, unit scale


@pytest.mark.parametrize("lat", [0, 15, 30, 45, 60, 75, 84])
def test_equal_earth_keeps_areas(lat):
    """An equal-area projection: the Jacobian over cos(latitude) is the same everywhere."""
    h = 1e-6

    def jacobian(lon, phi):
        x0, y0 = maps.equal_earth(lon, phi)
        x1, _ = maps.equal_earth(lon + h, phi)
        _, y2 = maps.equal_earth(lon, phi + h)
        return abs((x1 - x0) * (y2 - y0)) / (math.radians(h) ** 2) / math.cos(math.radians(phi))

    assert jacobian(10, lat) == pytest.approx(jacobian(10, 0), rel=1e-4)


def test_a_ring_across_the_antimeridian_is_cut_into_one_piece_on_each_side():
    ring = [(170, 60), (-170, 60), (-170, 70), (170, 70)]

    pieces = maps.split_at_antimeridian(ring)

    assert len(pieces) == 2
    for piece in pieces:
        longitudes = [lon for lon, _lat in piece]
        assert min(longitudes) >= -180 and max(longitudes) <= 180
    assert sorted(round(min(lon for lon, _ in p)) for p in pieces) == [-180, 170]


def test_no_drawn_edge_jumps_across_the_map():
    for shape in maps.world().shapes:
        for ring in path_rings(shape.path):
            for (x1, _y1), (x2, _y2) in zip(ring, ring[1:], strict=False):
                assert abs(x2 - x1) < maps.WIDTH / 4, shape.name
            assert all(-1 <= x <= maps.WIDTH + 1 and -1 <= y <= maps.HEIGHT + 1 for x, y in ring), shape.name


def test_the_drawn_ukraine_covers_crimea_and_the_drawn_russia_does_not():
    x, y = maps.project(*CRIMEA)
    shapes = maps.world().by_code

    assert covers(shapes["UA"].path, x, y)
    assert not covers(shapes["RU"].path, x, y)


def test_antarctica_is_left_out_and_kosovo_is_drawn_without_a_code():
    shapes = maps.world()

    assert "AQ" not in shapes.by_code
    assert [s.name for s in shapes.shapes if not s.code] == ["Kosovo"]


# --- Classes --------------------------------------------------------------------------------------


def test_steps_break_at_round_numbers_and_end_at_the_largest_value():
    classes = maps.steps([1, 2, 3, 5, 8, 13, 100, 6842])

    assert [(s.low, s.high) for s in classes] == [(1, 2), (3, 5), (6, 8), (9, 100), (101, 6842)]
    assert [s.css for s in classes] == [f"map-step-{k}" for k in range(1, 6)]
    assert classes[-1].label == "101–6,842"


def test_values_close_together_still_get_steps_of_their_own():
    counts = maps.steps([626, 641, 655, 668, 672, 680, 694, 701, 710])
    people = maps.steps([4_993_452, 4_994_800, 4_996_100, 4_997_300, 4_999_909])

    assert [(s.low, s.high) for s in counts] == [(626, 650), (651, 670), (671, 680), (681, 710)]
    assert len(people) == 5 and people[-1].high == 4_999_909
    assert all(step.low <= step.high for step in counts + people)


def test_few_distinct_values_give_few_steps_spread_from_light_to_dark():
    two = maps.steps([1, 12, 12])

    assert [(s.low, s.high, s.css) for s in two] == [(1, 1, "map-step-1"), (2, 12, "map-step-5")]
    assert maps.steps([7]) == [maps.Step(7, 7, "map-step-5")]
    assert maps.steps([]) == []
    assert maps.step_of(5, two).high == 12


# --- The SVG --------------------------------------------------------------------------------------


def draw_world(**kwargs):
    return maps.choropleth(
        "events-map",
        "Where <things> happened",
        "Shaded & counted",
        {"UA": 12, "RU": 10, "KZ": 1},
        href=lambda code: f"/events/?country={code}",
        label=lambda code, n: f"{code}: {n} events <b>",
        other_href=lambda code: f"/countries/{code}/",
        **kwargs,
    )


def test_a_map_is_named_by_its_title_and_description():
    root = parse(draw_world().svg)

    assert root.get("aria-labelledby") == "events-map-title"
    assert root.get("aria-describedby") == "events-map-desc"
    assert root.find(f"{SVG}title").text == "Where <things> happened"
    assert root.find(f"{SVG}desc").text == "Shaded & counted"
    assert root.get("viewBox") == f"0 0 {maps.WIDTH} {maps.HEIGHT}"


def test_countries_with_data_are_named_links_in_the_tab_order():
    root = parse(draw_world().svg)
    links = {a.get("href"): a for a in root.iter(f"{SVG}a") if a.get("tabindex") is None}

    assert set(links) == {"/events/?country=UA", "/events/?country=RU", "/events/?country=KZ"}
    ukraine = links["/events/?country=UA"]
    assert ukraine.get("aria-label") == "UA: 12 events <b>"
    assert ukraine.find(f"{SVG}path").get("class") == "map-area map-step-5"
    assert ukraine.find(f"{SVG}path/{SVG}title").text == "UA: 12 events <b>"


def test_shapes_without_data_link_to_their_profile_for_the_mouse_only():
    root = parse(draw_world().svg)
    others = [a for a in root.iter(f"{SVG}a") if a.get("tabindex") == "-1"]

    assert "/countries/FR/" in {a.get("href") for a in others}
    assert all(a.get("aria-hidden") == "true" for a in others)
    assert all(a.find(f"{SVG}path").get("class") == "map-area map-nodata" for a in others)
    kosovo = [p for p in root.iter(f"{SVG}path") if p.find(f"{SVG}title") is None and "map-nodata" in p.get("class")]
    assert len(kosovo) == 1  # no code, so no profile to link to


def test_a_map_carries_no_inline_style():
    markup = str(draw_world().svg)

    assert "style=" not in markup and "<style" not in markup and "<script" not in markup


def test_the_legend_names_each_step_and_no_data():
    legend = draw_world().legend

    assert [(item.css, item.label) for item in legend] == [
        ("map-step-1", "1"),
        ("map-step-3", "2–10"),
        ("map-step-5", "11–12"),
        ("map-nodata", "no data"),
    ]


def test_marks_show_the_precision_of_located_events():
    marks = [
        maps.Mark(36.23, 49.99, "exact", "Kharkiv (exact point): 2"),
        maps.Mark(37.8, 48.0, "near", "Near Donetsk: 1"),
        maps.Mark(35.0, 47.5, "region", "Zaporizhzhia oblast: 3"),
    ]

    result = draw_world(marks=marks)
    circles = parse(result.svg).findall(f"{SVG}circle")

    assert [c.get("class") for c in circles] == [
        "map-mark map-mark-exact",
        "map-mark map-mark-near",
        "map-mark map-mark-region",
    ]
    assert [float(c.get("r")) for c in circles] == sorted(float(c.get("r")) for c in circles)
    x, y = maps.project(36.23, 49.99)
    assert (float(circles[0].get("cx")), float(circles[0].get("cy"))) == (round(x, 1), round(y, 1))
    assert circles[0].find(f"{SVG}title").text == "Kharkiv (exact point): 2"
    assert [item.css for item in result.legend][-3:] == ["map-mark-exact", "map-mark-near", "map-mark-region"]


def test_a_locator_zooms_on_its_country_and_highlights_it_without_a_link():
    result = maps.locator("country-map", "UA", "Ukraine on the world map", "Around Ukraine")
    root = parse(result.svg)
    x, y, width, height = (float(n) for n in root.get("viewBox").split())
    left, top, right, bottom = maps.world(1).by_code["UA"].box

    assert x < left and right < x + width and y < top and bottom < y + height
    assert width < maps.WIDTH / 3
    focus = [p for p in root.iter(f"{SVG}path") if "map-focus" in (p.get("class") or "")]
    assert len(focus) == 1
    assert focus[0] in list(root)  # a plain path, not inside a link to this same page


def test_a_country_too_small_for_the_atlas_has_no_locator():
    assert maps.locator("country-map", "MT", "Malta", "Around Malta") is None
    assert not maps.mappable("MT")
    assert maps.mappable("UA")
