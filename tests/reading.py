"""Reading a public page as a reader would, in tests: its visible text, the facets of its filters and the
active filters above its results."""

import re
from html import unescape


def visible_text(html):
    """The text of ``html`` without its tags, its whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def facet(response, name):
    """The facet of filter ``name`` on a list page: [(value, label, count, checked)] in its order."""
    html = response.content.decode()
    start = html.index(f'<div class="facet" id="id_{name}"')
    block = html[start : html.index("</ul>", start)]
    return [
        (value, unescape(label), int(count.replace(",", "")), bool(checked))
        for value, checked, label, count in re.findall(
            r'<input type="checkbox" name="' + name + r'" value="([^"]+)" id="[^"]+"( checked)?> '
            r'<span class="facet-label">([^<]+)</span> <span class="facet-count"[^>]*>([\d,]+)</span>',
            block,
        )
    ]


def chips(response):
    """(text, href) of each removable filter shown with the results."""
    html = response.content.decode()
    return [
        (visible_text(text).removesuffix(" (remove this filter) ×"), unescape(href))
        for href, text in re.findall(r'<a class="chip" href="([^"]+)" data-live-link>(.*?)</a>', html)
    ]


def empty_result(response):
    """The answer of an empty filtered list: (its text, [href of each chip])."""
    html = response.content.decode()
    empty = html.split('<div class="empty-result">', 1)[1].split("</div>", 1)[0]
    return visible_text(empty), [unescape(href) for href in re.findall(r'<a class="chip" href="([^"]+)"', empty)]
