"""What the browser tests check of every page they open, at desktop and phone width: no serious or critical
axe-core violation, no sideways scrolling, no text of a chart or map outside its picture, chart text at
least 12 px on the phone, no console error; and a full-page screenshot in test-artifacts/screenshots/."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import JAN_2024_EXCHANGE

#: A sweep checks what pages look like (width, clipped labels, axe, screenshots), which does not depend on the
#: database: the demo's sweeps run once, on SQLite, and the sweep at scale once, on PostgreSQL
#: (tests/loadtest/test_pages_at_scale.py), so that `make test` on both stays within CI's time. Everything a
#: database decides (lists, facets, search, maps' data) is tested over HTTP on both.
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
sweep_once = pytest.mark.skipif(ON_POSTGRESQL, reason="a layout sweep runs once, on SQLite (see checks.py)")

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
BLOCKING = {"serious", "critical"}
SMALLEST_CHART_TEXT_PX = 12

#: The site's main pages, as a reader reaches them from the navigation, with the demo content.
MAIN_PAGES = {
    "home": "/",
    "events": "/events/",
    "events-filtered": "/events/?country=UA&type=prisoner-exchange",
    "event": f"/events/{JAN_2024_EXCHANGE}/",
    "pow-exchanges": "/pow-exchanges/",
    "displacement": "/displacement/",
    "countries": "/countries/",
    "country-ua": "/countries/UA/",
    "briefs": "/briefs/",
    "brief": "/briefs/isw-russia-ukraine-biggest-pow-exchange/",
    "brief-wilson": "/briefs/wilson-center-forced-displacement/",
    "actors": "/actors/",
    "actor": "/actors/viktor-medvedchuk/",
    "organizations": "/organizations/",
    "organization": "/organizations/institute-for-the-study-of-war/",
    "ihl": "/ihl/",
    "provision": "/ihl/gc3-art-130/",
    "search": "/search/?q=Medvechuk",
    "data": "/data/",
    "about": "/about/",
    "methodology": "/about/methodology/",
}

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Every <text> of every SVG drawn on the page (charts and maps; icons have none): whether its box lies inside
# the SVG's viewBox (getBBox, in the SVG's own units) and inside the SVG's box on screen, and the size it is
# drawn at on screen (its font size in user units times the SVG's scale).
SVG_TEXT = """() => {
  const out = [];
  for (const svg of document.querySelectorAll("svg")) {
    const frame = svg.getBoundingClientRect();
    if (!frame.width) continue;
    const view = svg.viewBox.baseVal;
    const scale = svg.getScreenCTM().a;
    for (const text of svg.querySelectorAll("text")) {
      if (!text.getClientRects().length) continue;
      const box = text.getBBox();
      const screen = text.getBoundingClientRect();
      const inView = !view || !view.width || (box.x >= view.x - 0.5 && box.y >= view.y - 0.5
        && box.x + box.width <= view.x + view.width + 0.5 && box.y + box.height <= view.y + view.height + 0.5);
      const onScreen = screen.left >= frame.left - 0.5 && screen.right <= frame.right + 0.5
        && screen.top >= frame.top - 0.5 && screen.bottom <= frame.bottom + 0.5;
      out.push({
        svg: svg.id || svg.getAttribute("class") || "svg",
        chart: svg.classList.contains("chart"),
        text: text.textContent,
        inside: inView && onScreen,
        px: parseFloat(getComputedStyle(text).fontSize) * scale,
      });
    }
  }
  return out;
}"""


def page_problems(page, *, phone, axe=None):
    """What is wrong with the page as it is shown now, as sentences (empty when nothing is)."""
    found = []
    sideways = page.evaluate(OVERFLOW)
    if sideways > 0:
        found.append(f"scrolls sideways by {sideways} px")
    for text in page.evaluate(SVG_TEXT):
        if not text["inside"]:
            found.append(f"{text['svg']}: {text['text']!r} is cut off")
        if phone and text["chart"] and text["px"] < SMALLEST_CHART_TEXT_PX:
            found.append(f"{text['svg']}: {text['text']!r} is {text['px']:.1f} px")
    if axe is not None:
        found += [
            f"axe {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}"
            for v in axe.run(page).response["violations"]
            if v["impact"] in BLOCKING
        ]
    return found


def sweep(site, browser, screenshot_dir, pages, *, suffix="", prepare=None, viewports=tuple(VIEWPORTS), axe_at=None):
    """{"viewport name": [problems]} over every page of ``pages`` ({name: path}) at each of ``viewports``
    (all by default), after writing each page's screenshot as ``name[-suffix]-viewport.png``. axe runs at
    the viewports of ``axe_at`` (all by default; a sweep that repeats pages another sweep checks with axe
    may name fewer). ``prepare(page, viewport)`` runs once a page has loaded (to open a folded table, say)
    and may return problems of its own."""
    axe_at = viewports if axe_at is None else axe_at
    axe = Axe() if axe_at else None
    problems = {}
    for viewport in viewports:
        width, height = VIEWPORTS[viewport]
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors = []
        page.on("console", lambda message, errors=errors: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        for name, path in pages.items():
            response = page.goto(site + path)
            found = [] if response.status == 200 else [f"status {response.status}"]
            if prepare is not None:
                found += prepare(page, viewport) or []
            found += page_problems(page, phone=viewport == "phone", axe=axe if viewport in axe_at else None)
            shot = "-".join(part for part in (name, suffix, viewport) if part)
            page.screenshot(path=str(screenshot_dir / f"{shot}.png"), full_page=True)
            if found:
                problems[f"{viewport} {name} {path}"] = found
        if errors:
            problems[f"{viewport} console"] = errors
        context.close()
    return problems
