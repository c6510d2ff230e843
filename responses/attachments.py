"""Attachments of inbound replies written beside the raw message, under safe names.

Rule: a file name from a message is reduced to letters, digits, dots and hyphens and numbered,
so no name can leave the folder or overwrite another part.
"""

from __future__ import annotations

import re
from pathlib import Path

from responses.parse import Attachment


def save_attachments(attachments: list[Attachment], folder: Path) -> list[Path]:
    """Write each attachment under ``folder`` with a safe name; return the paths written."""
    written = []
    for number, attachment in enumerate(attachments, start=1):
        name = re.sub(r"[^\w.-]+", "_", Path(attachment.name).name).strip("._")[:100]
        path = folder / f"{number:02d}-{name or 'attachment'}"
        if path.exists():
            continue  # the same message again: content-addressed folder, same parts
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(attachment.data)
        written.append(path)
    return written
