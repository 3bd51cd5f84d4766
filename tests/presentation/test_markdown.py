"""Editors' Markdown (knowledgebase.presentation.markdown), without the database: what it may render and what the
allow-list removes."""

import pytest

from knowledgebase.presentation.markdown import render_markdown

REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize("text", [None, ""])
def test_no_text_renders_nothing(text):
    assert render_markdown(text) == ""


def test_headings_lists_quotes_code_and_emphasis_render():
    html = render_markdown("## Two\n### Three\n#### Four\n\n- a\n\n1. b\n\n> q\n\n    code\n\n*e* **s** `c`\n\n---")

    for tag in ["<h2>Two</h2>", "<h3>Three</h3>", "<h4>Four</h4>", "<ul>", "<ol>", "<blockquote>", "<pre><code>"]:
        assert tag in html
    assert "<em>e</em> <strong>s</strong> <code>c</code>" in html
    assert "<hr>" in html


def test_tables_keep_their_alignment_and_abbreviations_render():
    """Markdown Extra: pipe tables, with columns of numbers aligned right, and abbreviations explained on hover."""
    html = render_markdown("| side | returned |\n|:---|---:|\n| UA | 230 |\n\n*[ICRC]: International Committee\n\nICRC")

    assert '<th align="left">side</th>' in html and '<td align="right">230</td>' in html
    assert "<table>" in html and "<thead>" in html and "<tbody>" in html and "<tr>" in html
    assert '<abbr title="International Committee">ICRC</abbr>' in html


def test_a_bulleted_line_does_not_continue_a_numbered_list():
    """Sane lists: a list keeps the kind it starts with."""
    assert render_markdown("1. one\n2. two\n* three") == "<ol>\n<li>one</li>\n<li>two\n* three</li>\n</ol>"


def test_a_numbered_list_interrupted_by_a_paragraph_goes_on_from_its_number():
    html = render_markdown("1. one\n2. two\n\nA paragraph.\n\n3. three")

    assert html.endswith('<ol start="3">\n<li>three</li>\n</ol>')


def test_raw_html_sub_sup_and_br_are_kept():
    html = render_markdown("H<sub>2</sub>O, 10<sup>6</sup>  \nnext")

    assert html == "<p>H<sub>2</sub>O, 10<sup>6</sup><br>\nnext</p>"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ('[ICRC](https://www.icrc.org/ "ICRC")', f'<a href="https://www.icrc.org/" title="ICRC" {REL}>ICRC</a>'),
        ("[UNHCR](http://unhcr.org/)", f'<a href="http://unhcr.org/" {REL}>UNHCR</a>'),
        ("[write](mailto:desk@example.org)", f'<a href="mailto:desk@example.org" {REL}>write</a>'),
    ],
)
def test_web_and_mail_links_are_kept_and_never_pass_on_the_reader(text, html):
    assert render_markdown(text) == f"<p>{html}</p>"


@pytest.mark.parametrize("url", ["tel:+380441234567", "ftp://example.org/f", "data:text/html,x", "sms:123"])
def test_links_of_other_schemes_lose_their_address(url):
    assert render_markdown(f"[x]({url})") == f"<p><a {REL}>x</a></p>"


@pytest.mark.parametrize(
    "raw",
    [
        '<img src="https://tracker.example/p.gif">',
        '<iframe src="https://example.org/"></iframe>',
        "<style>p{}</style>",
        "<form><input name=x></form>",
        "<h5>deep</h5>",
    ],
)
def test_elements_outside_the_allow_list_are_removed(raw):
    html = render_markdown(f"before {raw} after")

    assert html.startswith("<p>before ") and "<img" not in html and "<iframe" not in html
    assert "<style" not in html and "<form" not in html and "<input" not in html and "<h5" not in html


def test_attributes_outside_the_allow_list_are_removed():
    assert render_markdown('<p class="x" style="color:red" id="top" onclick="go()">text</p>') == "<p>text</p>"
    assert render_markdown('<a href="https://x.org/" hreflang="uk" target="_blank">x</a>') == (
        f'<p><a href="https://x.org/" {REL}>x</a></p>'
    )
    assert render_markdown('<table><tr><td colspan="2" align="right">1</td></tr></table>') == (
        '<table><tbody><tr><td align="right">1</td></tr></tbody></table>'
    )


def test_markdown_is_sanitised():
    html = render_markdown(
        '<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)"> **bold**'
    )

    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<strong>bold</strong>" in html


def test_markdown_links_get_a_safe_rel():
    html = render_markdown("[ICRC](https://ihl-databases.icrc.org/)")

    assert 'href="https://ihl-databases.icrc.org/"' in html
    assert "noopener" in html
