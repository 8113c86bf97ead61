"""Security headers on every response, and redirects that never take their host from the request."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.servers import running_server

PAGES = [
    "/",
    "/?q=vaccine",
    "/?q=vaccine&outlet=reuters.com",
    "/articles/a1",
    "/api/search?q=vaccine",
    "/api/articles/a1",
    "/api/status",
    "/articles/no-such-article",
    "/api/articles/no-such-article",
    "/?page=abc",
    "/static/style.css",
    "/no/such/page",
]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_the_security_headers(client, path):
    response = client.get(path, follow_redirects=True)
    assert response.status_code < 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}
    csp = csp_directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        sources = csp[directive]
        # No inline code unless hashed, and nothing from other origins.
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
        assert all(s == "'self'" or s.startswith("'sha256-") for s in sources), sources
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_html_pages_have_no_inline_script_or_style(client):
    for path in ("/", "/?q=vaccine", "/articles/a1", "/articles/no-such-article"):
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "<style" not in html
        assert " style=" not in html
        for tag in html.split("<script")[1:]:
            assert tag.lstrip().startswith("src=") or " src=" in tag.split(">", 1)[0], tag[:80]
            assert tag.split(">", 1)[1].startswith("</script>")
        assert " onclick=" not in html and " onchange=" not in html and " onload=" not in html


@pytest.mark.parametrize("path", [
    "/articles//a1",
    "/articles//a1/wrong-slug",
    "/articles/a1//x",
    "/articles/a1",
    "/articles/a1/wrong-slug?q=vaccine",
    "/api//status",
])
def test_redirects_never_take_their_host_from_the_request(client, path):
    response = client.get(path, headers={"Host": "evil.com"})
    assert response.status_code in {301, 302, 307, 308}, response.status_code
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith("//"), location
    # The relative target is served by the same app.
    followed = client.get(location, headers={"Host": "evil.com"}, follow_redirects=True)
    assert followed.status_code in {200, 404}
    assert "evil.com" not in "".join(h for _, h in followed.headers if _ == "Location")


@pytest.mark.parametrize("path", ["//evil.com//articles/a1", "/articles//a1", "///evil.com/articles/a1"])
def test_real_server_redirects_stay_on_site(index_dir, path):
    """Raw request lines through waitress, which a test client would normalise first."""
    with running_server(index_dir) as base:
        connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", "evil.com")
        connection.endheaders()
        response = connection.getresponse()
        location = response.getheader("Location") or ""
        connection.close()
    assert response.status < 500
    assert "evil.com" not in urlsplit(location).netloc and not location.startswith("//"), location
    assert response.getheader("Content-Security-Policy")


def test_no_template_holds_inline_script_style_or_handlers():
    """The CSP allows no inline code: every template keeps its script and style in /static."""
    import re

    templates = Path(__file__).resolve().parent.parent / "web" / "templates"
    offenders = []
    for template in sorted(templates.glob("*")):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", text, re.I):
            offenders.append(template.name)
        offenders += [f"{template.name}: inline <script>" for tag in re.findall(r"<script\b[^>]*>", text, re.I)
                      if "src=" not in tag]
    assert offenders == []
