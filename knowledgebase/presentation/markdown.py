"""Editor Markdown to safe HTML: render, then sanitise with an allow-list (nh3)."""

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
# `start`: a numbered list interrupted by a paragraph goes on from its number (sane_lists writes it).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """HTML safe to mark as such: no scripts, event handlers, styles or javascript: links."""
    html = markdown_lib.markdown(
        text or "",
        extensions=["extra", "sane_lists"],
        # A column's alignment as the `align` attribute, which the allow-list keeps (the default, a `style`
        # attribute, is removed by it and would be refused by the Content-Security-Policy).
        extension_configs={"extra": {"tables": {"use_align_attribute": True}}},
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
