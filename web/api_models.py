"""The JSON shapes of the API, as pydantic models (they are also its OpenAPI schemas).

Rule: models say what leaves and enters the service and nothing more: no internal ids of
other tables, no raw file paths, no tokens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from campaigns.goals import Standing
from responses.manual_entry import CHANNELS, KINDS, STANCES
from storage.tables import Campaign, Delivery, Response


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable: invalid, not_found, conflict …")
    message: str
    field: str | None = Field(None, description="The input field at fault, when there is one")


class ErrorBody(BaseModel):
    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (401, "No valid token (or, for the webhook, no valid signature)"),
        (403, "The token's role may not do this"),
        (404, "No such campaign (or other item)"),
        (413, "Request body too large"),
        (422, "The request is invalid; field names the culprit"),
        (500, "A failure on our side (logged)"),
        (503, "The database is busy; try again after Retry-After seconds"),
    )
}


class CampaignOut(BaseModel):
    key: str
    title: str
    version: int
    signatures: int
    signatures_as_of: datetime | None
    next_goal: int | None
    public_page: bool


class MilestoneOut(BaseModel):
    key: str
    trigger: str
    status: str = Field(description="fired, missed, due or pending")
    batch_id: int | None
    settled_at: datetime | None


class CampaignDetail(CampaignOut):
    milestones: list[MilestoneOut]


def campaign_out(campaign: Campaign, stand: Standing) -> CampaignOut:
    return CampaignOut(
        key=campaign.key,
        title=campaign.title,
        version=campaign.version,
        signatures=stand.count,
        signatures_as_of=stand.as_of,
        next_goal=stand.next_goal,
        public_page=campaign.public_page,
    )


class DeliveryOut(BaseModel):
    id: int
    addressee: str
    channel: str
    recipient: str
    state: str = Field(description="queued, sending, sent, written, retry_wait, failed, cancelled")
    attempts: int
    last_error: str
    message_id: str
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, d: Delivery, addressee: str) -> DeliveryOut:
        return cls(
            id=d.id,
            addressee=addressee,
            channel=d.channel,
            recipient=d.recipient,
            state=d.state,
            attempts=d.attempts,
            last_error=d.last_error,
            message_id=d.message_id,
            created_at=d.created_at,
            finished_at=d.finished_at,
        )


class ResponseOut(BaseModel):
    id: int
    addressee: str
    kind: str
    channel: str
    stance: str
    summary: str
    public_summary: str
    received_at: datetime
    matched_by: str


def response_out(r: Response, addressee: str) -> ResponseOut:
    return ResponseOut(
        id=r.id,
        addressee=addressee,
        kind=r.kind,
        channel=r.channel,
        stance=r.stance,
        summary=r.summary,
        public_summary=r.public_summary,
        received_at=r.received_at,
        matched_by=r.matched_by,
    )


class ResponseIn(BaseModel):
    addressee: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    # Checked by responses.manual_entry (422 naming the field); listed here for the document.
    kind: str = Field("response", json_schema_extra={"enum": list(KINDS)})
    channel: str = Field("letter", json_schema_extra={"enum": list(CHANNELS)})
    stance: str = Field("unclear", json_schema_extra={"enum": list(STANCES)})
    summary: str = Field("", max_length=5000)
    public_summary: str = Field("", max_length=2000)
    received_at: AwareDatetime | None = None


class FiredOut(BaseModel):
    key: str
    trigger: str = Field(description="count or date")
    why: str = Field(description="What met the trigger, in words")


class WebhookOut(BaseModel):
    received: int = Field(description="Signatures in the request")
    new: int = Field(description="Of those, signers not seen before")
    previous: int
    current: int
    batch_id: int | None = Field(description="The delivery batch a crossed milestone created")
    milestones: list[FiredOut] = Field(
        [], description="The milestones that created the batch, and why each fired"
    )
