"""The registry in the browser: search and filter, one addressee with its history, edit, and
import a file with the same validation as ``advocacy recipients import``.

Rule: every change goes through ``recipients.registry`` (``read_file`` then
``import_records``): a file with one bad row is refused whole with every problem listed, and
an edit is an import of one record with ``update``, so it leaves the same audited history.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from starlette.datastructures import UploadFile

from errors import InputError, NotFound, PayloadTooLarge, Problem
from recipients import provenance, registry
from recipients.export import stored_fields
from recipients.failing import failing_contacts
from recipients.record import CATEGORIES, CONTACTS, DATES, FIELDS, AddresseeRecord
from storage import audit
from storage.tables import Addressee
from web.guard import Staff, services_of, staff
from web.rendering import pages_of, see_other

router = APIRouter()
PAGE_SIZE = 50
SUFFIXES = (".csv", ".json", ".yaml", ".yml")


def _search(uow: Any, q: str, category: str, country: str) -> Any:
    query = select(Addressee)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                *(
                    func.lower(c).like(like)
                    for c in (Addressee.key, Addressee.name, Addressee.official_name)
                )
            )
        )
    if category:
        query = query.where(Addressee.category == category)
    if country:
        query = query.where(Addressee.country == country.upper())
    return query


@router.get("/registry")
def registry_page(
    request: Request,
    me: Annotated[Staff, Depends(staff("read"))],
    q: str = "",
    category: str = "",
    country: str = "",
    page: int = 1,
) -> Response:
    page = max(page, 1)
    with services_of(request).db.unit_of_work(write=False) as uow:
        query = _search(uow, q.strip(), category, country.strip())
        total = uow.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = list(
            uow.scalars(
                query.order_by(Addressee.key).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
            )
        )
    return pages_of(request).render(
        request,
        "registry.html.j2",
        me=me,
        rows=rows,
        total=total,
        q=q,
        category=category,
        country=country,
        page=page,
        pages=max(-(-total // PAGE_SIZE), 1),
        categories=CATEGORIES,
        problems=[],
        report=None,
    )


@router.get("/registry/{key}")
def addressee_page(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("read"))]
) -> Response:
    return _addressee(request, me, key, problems=[])


def _addressee(
    request: Request, me: Staff, key: str, *, problems: list[str], status: int = 200
) -> Response:
    with services_of(request).db.unit_of_work(write=False) as uow:
        row = uow.scalar(select(Addressee).where(Addressee.key == key))
        if row is None:
            raise NotFound(f"no addressee {key!r}")
        history = audit.entries(uow, subjects=[f"addressee:{key}"])
        failing = failing_contacts(uow, key=key)
    return pages_of(request).render(
        request,
        "addressee.html.j2",
        me=me,
        status=status,
        row=row,
        history=history,
        fields=FIELDS,
        dates=DATES,
        contacts=CONTACTS,
        failing=failing,
        categories=CATEGORIES,
        problems=problems,
    )


@router.post("/registry/{key}")
async def edit_addressee(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("campaign"))]
) -> Response:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, "")) for name in FIELDS}
    values["key"], values["defunct"] = key, form.get("defunct") == "on"
    try:
        record = AddresseeRecord.model_validate(values)
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        return _addressee(request, me, key, problems=problems, status=422)
    s = services_of(request)
    with s.db.unit_of_work() as uow:
        row = uow.scalar(select(Addressee).where(Addressee.key == key))
        if row is None:
            raise NotFound(f"no addressee {key!r}")
        # Only the fields the form changed, so a changed contact drops the old one's
        # provenance (as `recipients set` does) unless the form changed that too.
        stored, given = stored_fields(row), record.model_dump(mode="json")
        changed = {k: v for k, v in record.model_dump().items() if given[k] != stored[k]}
        registry.import_records(
            uow,
            [AddresseeRecord.model_validate({**changed, "key": key})],
            source_name=f"web:{me.user.email}",
            update=True,
            actor=me.user.email,
            clock=s.clock,
        )
    return see_other(f"/registry/{key}", notice="saved")


@router.post("/registry/{key}/verify")
async def verify_addressee(
    request: Request, key: str, me: Annotated[Staff, Depends(staff("campaign"))]
) -> Response:
    form = await request.form()
    by, note = str(form.get("by", "")).strip(), str(form.get("note", "")).strip()
    s = services_of(request)
    try:
        if not by:
            raise InputError([Problem("verify", None, "by", "say who checked the contacts")])
        with s.db.unit_of_work() as uow:
            provenance.verify(uow, key, by=by, note=note, actor=me.user.email, clock=s.clock)
    except InputError as exc:
        return _addressee(request, me, key, problems=[str(p) for p in exc.problems], status=422)
    return see_other(f"/registry/{key}", notice="saved")


def _records(filename: str, content: bytes) -> list[Any]:
    """Validate the uploaded file as ``read_file`` does, reporting it under its own name."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename).name) or "upload"
    if not name.lower().endswith(SUFFIXES):
        raise InputError([Problem(name, None, "file", f"must end in {', '.join(SUFFIXES)}")])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        try:
            return registry.read_file(path)
        except InputError as exc:
            raise InputError(
                Problem(name, p.line, p.field, p.message) for p in exc.problems
            ) from None


@router.post("/registry")
async def import_file(
    request: Request, me: Annotated[Staff, Depends(staff("campaign"))]
) -> Response:
    s = services_of(request)
    form = await request.form()
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InputError([Problem("import", None, "file", "choose a file to import")])
        content = await upload.read(s.settings.upload_max_bytes + 1)
        name = upload.filename or "upload"
    finally:
        await form.close()  # the upload's spooled temporary file
    if len(content) > s.settings.upload_max_bytes:
        raise PayloadTooLarge(f"the file is over {s.settings.upload_max_bytes:,} bytes")
    dry_run, update = form.get("dry_run") == "on", form.get("update") == "on"
    try:
        records = _records(name, content)
        with s.db.unit_of_work() as uow:
            report = registry.import_records(
                uow,
                records,
                source_name=f"web:{name}",
                update=update,
                actor=me.user.email,
                clock=s.clock,
            )
            if dry_run:
                uow.rollback()
    except InputError as exc:
        return _import_result(request, me, problems=[str(p) for p in exc.problems], report=None)
    return _import_result(request, me, problems=[], report=(report, dry_run))


def _import_result(request: Request, me: Staff, *, problems: list[str], report: Any) -> Response:
    return pages_of(request).render(
        request,
        "registry.html.j2",
        me=me,
        status=422 if problems else 200,
        rows=[],
        total=0,
        q="",
        category="",
        country="",
        page=1,
        pages=1,
        categories=CATEGORIES,
        problems=problems,
        report=report,
    )
