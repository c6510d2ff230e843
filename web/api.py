"""The JSON API under /api/: campaigns, deliveries, responses, and the signature webhook.

Rule: API calls authenticate with ``Authorization: Bearer <token>`` (``advocacy users token``)
and act with that user's role; the webhook alone authenticates by its HMAC signature
(``campaigns.webhook``). Every error has the body ``{"error": {"code", "message", "field"?}}``;
the OpenAPI document at /api/openapi.json describes all of it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from campaigns.goals import standing
from campaigns.store import get_campaign
from campaigns.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookLimits, accept_signatures
from errors import PayloadTooLarge
from responses.manual_entry import Answer, log_answer
from storage.tables import Addressee, Batch, Campaign, Delivery, Letter, Response, User
from web.api_models import (
    ERRORS,
    CampaignDetail,
    CampaignOut,
    DeliveryOut,
    FiredOut,
    MilestoneOut,
    ResponseIn,
    ResponseOut,
    WebhookOut,
    campaign_out,
    response_out,
)
from web.guard import api_user, services_of

router = APIRouter(prefix="/api", responses=ERRORS)
Key = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Reader = Annotated[User, Depends(api_user("read"))]


@router.get("/campaigns", response_model=list[CampaignOut], tags=["campaigns"])
def list_campaigns(request: Request, user: Reader) -> list[CampaignOut]:
    """Every campaign with its latest signature count and next goal."""
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        campaigns = list(uow.scalars(select(Campaign).order_by(Campaign.key)))
        return [campaign_out(c, standing(uow, c.key, clock=s.clock)) for c in campaigns]


@router.get("/campaigns/{key}", response_model=CampaignDetail, tags=["campaigns"])
def campaign_detail(request: Request, key: Key, user: Reader) -> CampaignDetail:
    """One campaign with the state of each of its milestones."""
    s = services_of(request)
    with s.db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, key)
        stand = standing(uow, key, clock=s.clock)
        milestones = [
            MilestoneOut(
                key=v.milestone.key,
                trigger=v.milestone.describe(),
                status=v.status,
                batch_id=v.batch_id,
                settled_at=v.settled_at,
            )
            for v in stand.milestones
        ]
        return CampaignDetail(**campaign_out(campaign, stand).model_dump(), milestones=milestones)


@router.get("/campaigns/{key}/deliveries", response_model=list[DeliveryOut], tags=["deliveries"])
def deliveries(
    request: Request,
    key: Key,
    user: Reader,
    state: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[DeliveryOut]:
    """The campaign's outbox rows, oldest first, optionally in one state."""
    with services_of(request).db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, key)
        query = (
            select(Delivery, Addressee.key)
            .join(Letter, Letter.id == Delivery.letter_id)
            .join(Batch, Batch.id == Letter.batch_id)
            .join(Addressee, Addressee.id == Letter.addressee_id)
            .where(Batch.campaign_id == campaign.id)
            .order_by(Delivery.id)
            .offset(offset)
            .limit(limit)
        )
        if state:
            query = query.where(Delivery.state == state)
        return [DeliveryOut.of(d, addressee) for d, addressee in uow.execute(query)]


@router.get("/campaigns/{key}/responses", response_model=list[ResponseOut], tags=["responses"])
def responses(request: Request, key: Key, user: Reader) -> list[ResponseOut]:
    """Every answer and acknowledgement received for the campaign, oldest first."""
    with services_of(request).db.unit_of_work(write=False) as uow:
        campaign = get_campaign(uow, key)
        query = (
            select(Response, Addressee.key)
            .join(Addressee, Addressee.id == Response.addressee_id)
            .where(Response.campaign_id == campaign.id)
            .order_by(Response.received_at, Response.id)
        )
        return [response_out(r, addressee) for r, addressee in uow.execute(query)]


@router.post(
    "/campaigns/{key}/responses", status_code=201, response_model=ResponseOut, tags=["responses"]
)
def log_response(
    request: Request,
    key: Key,
    body: ResponseIn,
    user: Annotated[User, Depends(api_user("campaign"))],
) -> ResponseOut:
    """Log an answer that arrived outside the mail import (letter, call, meeting)."""
    s = services_of(request)
    answer = Answer(
        key,
        body.addressee,
        body.kind,
        body.channel,
        body.stance,
        body.summary,
        body.public_summary,
        body.received_at,
    )
    with s.db.unit_of_work() as uow:
        stored = log_answer(uow, answer, actor=user.email, clock=s.clock)
        return response_out(stored, body.addressee)


async def _body(request: Request, limit: int) -> bytes:
    """The raw body, refused as soon as it grows past ``limit`` (never read whole first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body of {int(declared):,} bytes; the limit is {limit:,}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body over the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/campaigns/{key}/signatures",
    response_model=WebhookOut,
    tags=["signatures"],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "OSDI signature(s) or {count, as_of}",
                    }
                }
            },
        }
    },
)
async def signatures_webhook(
    request: Request,
    key: Key,
    signature: Annotated[str, Header(alias=SIGNATURE_HEADER)] = "",
    timestamp: Annotated[str, Header(alias=TIMESTAMP_HEADER)] = "",
) -> WebhookOut:
    """The petition platform's webhook, signed with the campaign's secret (HMAC-SHA256 of
    ``<timestamp>.<body>``): 401 bad signature, 413 too big, 422 naming the bad field."""
    s = services_of(request)
    limits = WebhookLimits(
        s.settings.webhook_max_bytes, timedelta(seconds=s.settings.webhook_replay_seconds)
    )
    raw = await _body(request, limits.max_bytes)

    def apply() -> WebhookOut:
        with s.db.unit_of_work() as uow:
            outcome = accept_signatures(
                uow,
                key,
                raw,
                signature,
                timestamp,
                keys=s.email_keys,
                recorder=s.recorder("webhook"),
                limits=limits,
            )
            batch = outcome.count.batch
            return WebhookOut(
                received=outcome.received,
                new=outcome.new,
                previous=outcome.count.previous,
                current=outcome.count.current,
                batch_id=batch.id if batch else None,
                milestones=[
                    FiredOut(key=f.key, trigger=f.trigger, why=f.why) for f in outcome.count.fired
                ],
            )

    return await run_in_threadpool(apply)
