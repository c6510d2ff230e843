"""The Jinja2 environment templates run in: sandboxed, autoescaped, strict about undefined names.

Rule: templates are data. They cannot reach Python internals (sandbox), cannot inject HTML
through values (autoescape), and a misspelt variable is an error, not an empty string.
Plain-text templates (``*.txt.j2``) are not HTML-escaped: "&" must stay "&" in a text email.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from errors import TemplateError


@cache
def environment(template_dir: Path) -> jinja2.Environment:
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2", "xml.j2"), disabled_extensions=("txt.j2",), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template_folder(templates_dir: Path, name: str) -> Path:
    """The template set ``name``: a folder directly inside ``templates_dir``, never elsewhere."""
    folder = templates_dir / name
    if name in {"", ".", ".."} or Path(name).name != name or not folder.is_dir():
        raise TemplateError(f"no template set {name!r} in {templates_dir}")
    return folder


def render_template(template_dir: Path, name: str, **context: Any) -> str:
    """Render ``name`` from ``template_dir``; any template failure becomes ``TemplateError``."""
    try:
        return environment(template_dir).get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {name!r} not found in {template_dir}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_where(exc, template_dir, name)}: {exc}") from exc


def _where(exc: jinja2.TemplateError, template_dir: Path, name: str) -> str:
    """``template:line`` of the failure. A syntax error carries it; for an error while rendering
    (an undefined name, an unsafe attribute) it is the deepest traceback frame in a template of
    ``template_dir``: Jinja rewrites those frames to the template's file and line."""
    folder = template_dir.resolve()
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if line is None:
        tb = exc.__traceback__
        while tb is not None:
            if Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(folder):
                filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    path = Path(filename).resolve() if filename else None
    shown = str(path.relative_to(folder)) if path and path.is_relative_to(folder) else name
    return f"{shown}:{line}" if line else shown
