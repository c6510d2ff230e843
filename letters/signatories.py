"""A batch's signatory annex: who appears in it, and rendering it once per batch snapshot.

Rule: a signer appears only with public-display consent, not purged, and signed no later than
the batch's count (``signatures_as_of``); only name, city and country are read, never anything
else. There is one annex per language of the batch's letters (heading, intro and country names
in the letter's language), rendered the first time a letter in that language is rendered, to
``<documents>/<campaign>/batch-<n>/annex-<language>.pdf`` and recorded in ``batch_annexes`` with
its sha256; later renders of the batch (a re-render of one letter) reuse those exact bytes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from campaigns.appeal import Appeal
from campaigns.store import appeal_of
from errors import IntegrityRefused
from letters import wording
from letters.annex import AnnexEntry, AnnexRenderer, AnnexWording
from letters.attach import ParsedAnnex
from letters.documents import write_atomically
from storage import audit
from storage.db import Database
from storage.tables import AuditEntry, Batch, BatchAnnex, Campaign, Signer
from timeutil import Clock


def annex_file(language: str) -> str:
    return f"annex-{language}.pdf"


def public_signers(
    uow: Session, campaign_id: int, *, as_of: datetime, language: str
) -> list[AnnexEntry]:
    """The annex's entries, in order of signing: consented, not purged, signed by ``as_of``."""
    rows = uow.execute(
        select(Signer.id, Signer.name, Signer.city, Signer.country)
        .where(
            Signer.campaign_id == campaign_id,
            Signer.public.is_(True),
            Signer.purged_at.is_(None),
            Signer.name.is_not(None),
            Signer.signed_at <= as_of,
        )
        .order_by(Signer.signed_at, Signer.id)
    )
    locale = wording.locale_for(language, "")
    return [
        AnnexEntry(
            name or "",
            ", ".join(
                p for p in (city, wording.country_name(country, locale) if country else "") if p
            ),
            f"signer {signer_id}",
        )
        for signer_id, name, city, country in rows
    ]


def annex_wording(
    appeal: Appeal, batch: Batch, names: int, language: str | None = None
) -> AnnexWording:
    """Heading, intro and page label in ``language`` (default: the appeal's default)."""
    language = language or appeal.default_language
    locale = wording.locale_for(language, "")
    words = wording.labels(language)
    as_of = wording.long_date(batch.signatures_as_of.date(), locale)
    title = appeal.texts[language].heading if language in appeal.texts else appeal.title
    return AnnexWording(
        heading=wording.fill(words["annex.heading"], title=title, date=as_of),
        intro=words["annex.intro"].format(count=wording.number(names, locale)),
        page=words["annex.page"],
        language=language,
    )


def batch_annex(
    db: Database,
    batch_id: int,
    *,
    annexes: AnnexRenderer,
    documents_dir: Path,
    actor: str,
    clock: Clock,
    language: str | None = None,
) -> ParsedAnnex | None:
    """The batch's annex in ``language`` (default: the appeal's default language), rendered
    now if it has none yet; ``None`` when nobody is public."""
    with db.unit_of_work(write=False) as uow:
        batch = uow.get_one(Batch, batch_id)
        campaign = uow.get_one(Campaign, batch.campaign_id)
        appeal = appeal_of(campaign)
        language = language or appeal.default_language
        mine = select(BatchAnnex).where(
            BatchAnnex.batch_id == batch_id, BatchAnnex.language == language
        )
        stored = uow.scalar(mine)
        if stored is not None:
            return _load(documents_dir, stored)
        entries = public_signers(uow, campaign.id, as_of=batch.signatures_as_of, language=language)
        relative = Path(campaign.key) / f"batch-{batch_id}" / annex_file(language)
        words = annex_wording(appeal, batch, len(entries), language)
    if not entries:
        return None
    document = annexes.render(entries, template=appeal.template, wording=words)
    with db.unit_of_work() as uow:
        stored = uow.scalar(mine)
        if stored is not None:  # a concurrent render of the batch came first: use its annex
            return _load(documents_dir, stored)
        write_atomically(documents_dir / relative, document.content)
        uow.add(
            BatchAnnex(
                batch_id=batch_id,
                language=language,
                path=str(relative),
                sha256=document.sha256,
                size=len(document.content),
                names=document.names,
                pages=document.pages,
                created_at=clock.now(),
            )
        )
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="annex.render",
            subject=f"batch:{batch_id}",
            campaign_id=campaign.id,
            sha256=document.sha256,
            names=document.names,
            altered=document.altered,
            undrawable=list(document.undrawable),
            language=language,
        )
    return ParsedAnnex(document.content)


def batch_annexes(
    db: Database,
    batch_id: int,
    languages: set[str],
    annexes: AnnexRenderer | None,
    documents_dir: Path,
    actor: str,
    clock: Clock,
) -> dict[str, ParsedAnnex]:
    """The batch's annex in each of ``languages`` (rendered now where it has none); none at all
    without an annex renderer."""
    made: dict[str, ParsedAnnex] = {}
    if annexes is None:
        return made
    for language in sorted(languages):
        annex = batch_annex(
            db,
            batch_id,
            annexes=annexes,
            documents_dir=documents_dir,
            actor=actor,
            clock=clock,
            language=language,
        )
        if annex is not None:
            made[language] = annex
    return made


def _load(documents_dir: Path, stored: BatchAnnex) -> ParsedAnnex:
    content = (documents_dir / stored.path).read_bytes()
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        raise IntegrityRefused(
            f"{documents_dir / stored.path} changed on disk since it was rendered "
            f"(sha256 {stored.sha256[:12]}…); letters of batch {stored.batch_id} will not use it"
        )
    return ParsedAnnex(content)


def undrawable_signers(uow: Session, batch_id: int) -> list[str]:
    """Signers whose name (or place) no bundled font can draw, by the batch's annex renders:
    "signer 1234" each, printed with "?" in the annex; shown before approval."""
    entries = uow.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "annex.render", AuditEntry.subject == f"batch:{batch_id}"
        )
    )
    return sorted({ref for entry in entries for ref in entry.details.get("undrawable", [])})
