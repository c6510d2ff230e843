"""Storing a rendered batch: final names only, nothing temporary left, all or none of a group."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bootstrap import Services
from letters import storing
from storage.tables import Document, Letter
from tests.helpers import load_examples, reach_milestone, render


def _files(services: Services) -> list[Path]:
    return sorted(p for p in services.settings.documents_dir.rglob("*") if p.is_file())


def test_a_rendered_batch_leaves_only_final_names(services: Services) -> None:
    """Every file on disk is one a Document row names, and no temporary file is left."""
    load_examples(services)
    summary = render(services, reach_milestone(services))
    with services.db.unit_of_work(write=False) as uow:
        recorded = {services.settings.documents_dir / p for p in uow.scalars(select(Document.path))}
    assert summary.rendered > 0
    assert summary.failed == []
    assert set(_files(services)) == recorded == set(summary.files)
    assert not [p for p in recorded if p.name.startswith(".")]


def test_a_group_that_cannot_be_stored_leaves_no_files(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store fails (here: review texts cannot be written): the render stops with the error,
    the letters stay pending, and their temporary files are removed."""
    load_examples(services)
    batch = reach_milestone(services)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(storing.review_texts, "record", broken)
    with pytest.raises(RuntimeError, match="database went away"):
        render(services, batch)
    with services.db.unit_of_work(write=False) as uow:
        statuses = set(uow.scalars(select(Letter.status).where(Letter.batch_id == batch)))
    assert statuses == {"pending"}
    assert not [p for p in _files(services) if p.suffix == ".tmp"]


def test_a_batch_with_nothing_pending_makes_no_renderer(services: Services) -> None:
    """Rendering a batch again when every letter is rendered stores nothing and makes neither
    the renderers nor the annex and signature (a second of imports for nothing)."""
    load_examples(services)
    batch = reach_milestone(services)
    assert render(services, batch).rendered > 0
    for made in ("renderers", "finishing"):  # as in a fresh process
        services.__dict__.pop(made, None)
    again = services.render(batch)
    assert (again.rendered, again.files, again.failed) == (0, [], [])
    assert "renderers" not in services.__dict__
    assert "finishing" not in services.__dict__
