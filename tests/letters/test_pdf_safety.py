"""What templates and appeal texts cannot do: read files, reach the network, escape the sandbox."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from errors import TemplateError
from letters.email import EmailRenderer
from letters.pdf import PdfRenderer
from tests.letters.builders import (
    TEMPLATES,
    addressee,
    catalog,
    letter,
    pdf_text,
    template_copy,
    with_body,
)

RENDERER = PdfRenderer(TEMPLATES)


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        """Quiet: the test reads ``requests`` instead."""


@pytest.fixture
def web() -> Iterator[tuple[str, list[str]]]:
    """A loopback web server that answers everything; yields its base URL and the paths asked."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()
    thread.join()


def _render_with(tmp_path: Path, snippet: str) -> bytes:
    templates = template_copy(tmp_path, ("<body>", f"<body>{snippet}"))
    return PdfRenderer(templates).render(letter()).content


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="file:///etc/passwd">',
        '<link rel="attachment" href="file:///etc/passwd">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
        '<style>@import url("file:///etc/passwd");</style>',
        '<div style="background: url(file:///etc/passwd)"></div>',
        '<img src="../../../../../../etc/passwd">',
    ],
)
def test_template_cannot_read_files_outside_its_folder(tmp_path: Path, snippet: str) -> None:
    """Any reference to a file outside the template set fails the render; no PDF comes out."""
    with pytest.raises(TemplateError, match="may not read file:///etc/passwd"):
        _render_with(tmp_path, snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="{url}/image.png">',
        '<link rel="stylesheet" href="{url}/style.css">',
        '<link rel="attachment" href="{url}/secret">',
    ],
)
def test_template_never_fetches_http(
    tmp_path: Path, web: tuple[str, list[str]], snippet: str
) -> None:
    """An http:// reference fails the render and the server never sees a request."""
    url, requests = web
    with pytest.raises(TemplateError, match="may not fetch"):
        _render_with(tmp_path, snippet.format(url=url))
    assert requests == []


def test_unreachable_url_fails_the_render(tmp_path: Path) -> None:
    """A closed port is refused up front, not silently left out of the letter."""
    with pytest.raises(TemplateError, match=r"http://127\.0\.0\.1:1/x"):
        _render_with(tmp_path, '<img src="http://127.0.0.1:1/x">')


def test_markdown_file_image_is_shown_as_text() -> None:
    """![x](file:///etc/passwd) in an appeal body is not turned into an image."""
    composed = letter(appeal=with_body("See ![x](file:///etc/passwd) here."))
    assert "<img" not in composed.body_html
    assert "![x](file:///etc/passwd)" in pdf_text(RENDERER.render(composed).content)


def test_markdown_raw_html_is_shown_as_text(web: tuple[str, list[str]]) -> None:
    """Raw <script> and <img> typed into a body appear literally and load nothing."""
    url, requests = web
    body = f'<script>alert(1)</script>\n\n<img src="{url}/pixel">\n\n<img src="file:///etc/passwd">'
    pdf = RENDERER.render(letter(appeal=with_body(body))).content
    text = pdf_text(pdf)
    assert "<script>alert(1)</script>" in text
    assert f'<img src="{url}/pixel">' in text
    assert '<img src="file:///etc/passwd">' in text
    assert requests == []
    assert "/Names" not in catalog(pdf)


def test_markdown_remote_image_fails_without_fetching(web: tuple[str, list[str]]) -> None:
    """A Markdown image pointing at the web fails the letter; the server is never asked."""
    url, requests = web
    with pytest.raises(TemplateError, match="may not fetch"):
        RENDERER.render(letter(appeal=with_body(f"Look: ![chart]({url}/chart.png)")))
    assert requests == []


def _body_line() -> int:
    """The line of letter.html.j2 that ``_render_with`` puts its snippet on."""
    source = (TEMPLATES / "letter" / "letter.html.j2").read_text()
    return source[: source.index("<body>")].count("\n") + 1


def test_sandbox_refuses_python_internals(tmp_path: Path) -> None:
    """``''.__class__.__mro__`` in a template is a TemplateError naming template:line, not a
    walk into Python."""
    where = f"letter.html.j2:{_body_line()}: "
    with pytest.raises(TemplateError, match=f"{where}.*unsafe"):
        _render_with(tmp_path, "{{ ''.__class__.__mro__ }}")


def test_undefined_variable_is_an_error(tmp_path: Path) -> None:
    """A misspelt name fails the render with template:line instead of printing nothing."""
    where = f"letter.html.j2:{_body_line()}: "
    with pytest.raises(TemplateError, match=f"^{where}'adressee' is undefined$"):
        _render_with(tmp_path, "{{ adressee.name }}")


def test_addressee_markup_is_escaped() -> None:
    """A registry name containing <b> appears literally, not as bold."""
    to = addressee(name="<b>Bold</b> & Partners", official_name="")
    assert "<b>Bold</b> & Partners" in pdf_text(RENDERER.render(letter(to=to)).content)


@pytest.mark.parametrize("text", ["Solidarity \U0001f91d now.", "Solidarity 团结 now."])
def test_glyph_missing_from_every_font_is_an_error(text: str) -> None:
    """An emoji or CJK character fails with .notdef rather than print a box in the letter."""
    with pytest.raises(TemplateError, match="body: no bundled font can draw"):
        RENDERER.render(letter(appeal=with_body(text)))


@pytest.mark.parametrize("name", ["..", "../templates/letter", "/etc", "", "missing"])
@pytest.mark.parametrize("renderer", [PdfRenderer(TEMPLATES), EmailRenderer(TEMPLATES)])
def test_template_set_must_be_a_folder_in_templates(
    renderer: PdfRenderer | EmailRenderer, name: str
) -> None:
    """An appeal's template name cannot point the renderer at another folder."""
    with pytest.raises(TemplateError, match="no template set"):
        renderer.render(replace(letter(), template=name))
