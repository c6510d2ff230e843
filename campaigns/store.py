"""Campaigns in the database: create from an appeal file, look up, read the appeal back.

Rule: creating the same appeal twice is a no-op (the definition's sha256 is compared), so the
demo and scripts can be re-run; a different definition under the same key needs ``update``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from errors import Conflict, NotFound
from storage import audit
from storage.tables import Campaign
from timeutil import Clock

if TYPE_CHECKING:  # the appeal model (pydantic, babel) loads when an appeal is read
    from campaigns.appeal import Appeal


def _digest(appeal: Appeal) -> tuple[dict[str, object], str]:
    definition = appeal.model_dump(mode="json")
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()
    return definition, hashlib.sha256(canonical).hexdigest()


def create_campaign(
    uow: Session, appeal: Appeal, *, actor: str, clock: Clock
) -> tuple[Campaign, bool]:
    """Store a new campaign; return it and whether it was created (False: identical exists)."""
    definition, digest = _digest(appeal)
    existing = uow.scalar(select(Campaign).where(Campaign.key == appeal.key))
    if existing is not None:
        if existing.definition_sha256 == digest:
            return existing, False
        raise Conflict(
            f"campaign {appeal.key!r} exists with a different definition; "
            "use 'advocacy campaign update FILE' to make a new version"
        )
    campaign = Campaign(
        key=appeal.key,
        title=appeal.title,
        version=1,
        definition=definition,
        definition_sha256=digest,
        created_at=clock.now(),
    )
    uow.add(campaign)
    uow.flush()
    audit.record(
        uow,
        at=clock.now(),
        actor=actor,
        action="campaign.create",
        subject=f"campaign:{appeal.key}",
        campaign_id=campaign.id,
        sha256=digest,
    )
    return campaign, True


def update_campaign(uow: Session, appeal: Appeal, *, actor: str, clock: Clock) -> Campaign:
    """Store a new version of an existing campaign's definition."""
    campaign = get_campaign(uow, appeal.key)
    definition, digest = _digest(appeal)
    if digest != campaign.definition_sha256:
        campaign.version += 1
        campaign.definition, campaign.definition_sha256 = definition, digest
        campaign.title = appeal.title
        audit.record(
            uow,
            at=clock.now(),
            actor=actor,
            action="campaign.update",
            subject=f"campaign:{appeal.key}",
            campaign_id=campaign.id,
            version=campaign.version,
            sha256=digest,
        )
    return campaign


def get_campaign(uow: Session, key: str) -> Campaign:
    campaign = uow.scalar(select(Campaign).where(Campaign.key == key))
    if campaign is None:
        known = ", ".join(uow.scalars(select(Campaign.key).order_by(Campaign.key))) or "none yet"
        raise NotFound(f"no campaign {key!r} (known: {known})")
    return campaign


def lock_campaign(uow: Session, key: str) -> Campaign:
    """The campaign, locked until the unit of work ends, so that recording its count is serial.

    PostgreSQL: ``FOR NO KEY UPDATE`` (rows that merely reference the campaign, such as batches
    and audit entries, can still be inserted meanwhile). SQLite: the writer's ``BEGIN IMMEDIATE``
    already serialises, and SQLAlchemy renders no locking clause.
    """
    query = select(Campaign).where(Campaign.key == key).with_for_update(key_share=True)
    found = uow.scalar(query.execution_options(populate_existing=True))
    return found if found is not None else get_campaign(uow, key)  # NotFound lists the keys


def appeal_of(campaign: Campaign) -> Appeal:
    """The validated appeal stored with a campaign (validated once per definition: appeals are
    frozen, and every count and webhook call asks for it)."""
    return _validated(campaign.definition_sha256, json.dumps(campaign.definition))


@functools.lru_cache(maxsize=64)
def _validated(sha256: str, definition: str) -> Appeal:
    from campaigns.appeal import Appeal

    return Appeal.model_validate_json(definition)
