"""Settings and their documentation stay in step."""

from __future__ import annotations

import re

from settings import ROOT, Settings


def test_env_example_documents_every_setting() -> None:
    """Every Settings field appears in .env.example as ADVOCACY_<NAME>, and nothing else."""
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?ADVOCACY_([A-Z0-9_]+)=", text, re.MULTILINE))
    fields = {name.upper() for name in Settings.model_fields}
    assert documented == fields


def test_blank_smtp_url_means_maildir() -> None:
    """An empty ADVOCACY_SMTP_URL is the same as unset: deliveries go to the Maildir."""
    assert Settings(smtp_url="", _env_file=None).smtp_url is None  # type: ignore[call-arg]
