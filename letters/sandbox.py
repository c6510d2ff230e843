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
        line = getattr(exc, "lineno", None)
        where = f"{getattr(exc, 'filename', None) or name}:{line}" if line else name
        raise TemplateError(f"{where}: {exc}") from exc
