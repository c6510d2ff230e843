"""The renderers (pdf, docx, email) and the finishing (annex, signature) from the settings.

Rule: the rendering modules (WeasyPrint, python-docx, pyHanko) load inside these functions, on
a command's first render, never when the composition root is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from settings import Settings

if TYPE_CHECKING:
    from letters.documents import Renderer
    from letters.produce import Finishing


def make_renderers(settings: Settings) -> dict[str, Renderer]:
    from letters.docx import DocxRenderer
    from letters.email import EmailRenderer
    from letters.pdf import PdfRenderer

    templates = settings.templates_dir
    return {
        "pdf": PdfRenderer(templates),
        "docx": DocxRenderer(),
        "email": EmailRenderer(templates),
    }


def make_finishing(settings: Settings) -> Finishing:
    """The signatory annex always; the organisation's signature when a key file is set."""
    from letters.annex import AnnexRenderer
    from letters.produce import Finishing, default_workers
    from letters.signing import PdfSigner

    signer = None
    if settings.signing_key_file is not None:
        secret = settings.signing_key_passphrase
        signer = PdfSigner(
            settings.signing_key_file,
            None if secret is None else secret.get_secret_value().encode(),
        )
    workers = settings.render_workers or default_workers()
    return Finishing(AnnexRenderer(settings.templates_dir), signer, workers)
