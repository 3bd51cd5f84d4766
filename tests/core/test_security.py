"""Headers and escaping that keep the public site safe."""

import re

from knowledgebase.core.markdown import render_markdown


def test_public_pages_get_a_strict_content_security_policy(client, db):
    response = client.get("/events/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy


def test_admin_pages_may_use_inline_scripts(admin_client):
    response = admin_client.get("/admin/")

    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_public_templates_have_no_inline_script_or_style(client, demo):
    """Scripts come from files; the only inline <script> elements are JSON-LD data blocks, never run."""
    for url in ["/", "/events/", "/events/74pfk83e/", "/pow-exchanges/", "/displacement/", "/briefs/", "/search/?q=x"]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert ' src="' in tag or 'type="application/ld+json"' in tag, (url, tag)
        assert "<style" not in html and ' style="' not in html, url


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
