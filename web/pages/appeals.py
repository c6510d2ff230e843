"""Creating or updating a campaign from an uploaded appeal file, as ``advocacy campaign
create`` and ``update`` do.

Rule: the upload is checked by ``campaigns.appeal.load_appeal`` (size first, then every field)
and reported under the file's own name with line and field, exactly as the CLI reports it; a
key not yet stored creates the campaign, a stored key gets the file as its next version, and
an identical file changes nothing. All of it is audited by ``campaigns.store``.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from campaigns.appeal import Appeal, load_appeal
from campaigns.store import create_campaign, update_campaign
from errors import InputError, PayloadTooLarge, Problem
from storage.tables import Campaign
from web.guard import Staff, services_of, staff
from web.rendering import pages_of, see_other

router = APIRouter()
Campaigner = Annotated[Staff, Depends(staff("campaign"))]
SUFFIXES = (".yaml", ".yml")


@router.get("/appeals/upload")
def upload_form(request: Request, me: Campaigner) -> Response:
    return pages_of(request).render(request, "appeal_upload.html.j2", me=me, problems=())


def _appeal(filename: str, content: bytes) -> Appeal:
    """Validate the upload as ``load_appeal`` does, naming the file as it was uploaded."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename).name) or "upload.yaml"
    if not name.lower().endswith(SUFFIXES):
        raise InputError([Problem(name, None, "file", f"must end in {', '.join(SUFFIXES)}")])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            return load_appeal(path)
        except InputError as exc:
            raise InputError(
                Problem(name, p.line, p.field, p.message) for p in exc.problems
            ) from None


async def _read(request: Request, limit: int) -> tuple[str, bytes]:
    form = await request.form()
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InputError([Problem("upload", None, "file", "choose an appeal file")])
        content = await upload.read(limit + 1)
        name = upload.filename or "upload.yaml"
    finally:
        await form.close()  # the upload's spooled temporary file
    if len(content) > limit:
        raise PayloadTooLarge(f"the file is over {limit:,} bytes")
    return name, content


@router.post("/appeals/upload")
async def upload(request: Request, me: Campaigner) -> Response:
    s = services_of(request)
    name, content = await _read(request, s.settings.upload_max_bytes)
    try:
        appeal = _appeal(name, content)
    except InputError as exc:
        problems = tuple(str(p) for p in exc.problems)
        return pages_of(request).render(
            request, "appeal_upload.html.j2", me=me, problems=problems, status=422
        )
    with s.db.unit_of_work() as uow:
        exists = uow.scalar(select(Campaign.id).where(Campaign.key == appeal.key)) is not None
        if exists:
            before = uow.scalar(select(Campaign.version).where(Campaign.key == appeal.key))
            row = update_campaign(uow, appeal, actor=me.user.email, clock=s.clock)
            notice = "appeal_updated" if row.version != before else "appeal_unchanged"
        else:
            row, _ = create_campaign(uow, appeal, actor=me.user.email, clock=s.clock)
            notice = "appeal_created"
        key, version = row.key, row.version
    return see_other(f"/campaigns/{key}", notice=notice, n=version)
