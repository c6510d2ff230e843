"""The campaign report in every format (csv, json, html, pdf) and the league table's rows.

Rule: ``build_report`` gathers everything once (rows, figures, charts) and the renderers only
format it. The PDF is the HTML rendered by WeasyPrint with the letters' bundled fonts and a
fetcher that reads only ``data:`` URIs and files inside the templates folder.
"""

from __future__ import annotations

import dataclasses
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

import safecsv
from campaigns.history import count_history
from campaigns.store import get_campaign
from errors import UnknownFormat
from responses.charts import Timeline, rate_bars_svg, timeline_svg
from responses.figures import LeagueRow, Rate, breakdown, league, rate, stances
from responses.report import ReportRow, response_report
from settings import Settings
from storage.tables import Batch, Campaign, Response
from timeutil import Clock

FORMATS = ("table", "csv", "json", "html", "pdf")


@dataclass(frozen=True)
class ReportData:
    campaign_key: str
    title: str
    as_of: date
    rows: list[ReportRow]
    overall: Rate
    by_category: list[Rate]
    by_country: list[Rate]
    stances: dict[str, int]
    timeline: Timeline


def timeline(uow: Session, campaign: Campaign, deliveries: list[datetime]) -> Timeline:
    """The timeline chart's data: signature counts, batches, ``deliveries``, answers."""
    counts = count_history(uow, campaign.id)
    batches = uow.execute(
        select(Batch.created_at, Batch.reason).where(Batch.campaign_id == campaign.id)
    ).all()
    answers = uow.scalars(
        select(Response.received_at).where(
            Response.campaign_id == campaign.id, Response.kind == "response"
        )
    ).all()
    return Timeline(
        signatures=[(t, c) for t, c in counts],
        milestones=[(t, reason) for t, reason in batches],
        deliveries=sorted(set(deliveries)),
        answers=list(answers),
    )


def build_report(
    uow: Session, campaign_key: str, *, clock: Clock, settings: Settings
) -> ReportData:
    """Everything one campaign's report shows, as of the clock's day."""
    campaign = get_campaign(uow, campaign_key)
    today = clock.now().date()
    rows = response_report(uow, campaign, today=today, working_days=settings.answer_deadlines)
    return ReportData(
        campaign.key,
        campaign.title,
        today,
        rows,
        rate("all addressees", rows),
        breakdown(rows, lambda r: r.category),
        breakdown(rows, lambda r: r.country),
        stances(rows),
        timeline(uow, campaign, [r.delivered_at for r in rows if r.delivered_at is not None]),
    )


def league_rows(uow: Session, *, clock: Clock, settings: Settings) -> list[LeagueRow]:
    """The league table over every campaign's report."""
    today = clock.now().date()
    campaigns = uow.scalars(select(Campaign).order_by(Campaign.key)).all()
    return league(
        response_report(uow, c, today=today, working_days=settings.answer_deadlines)
        for c in campaigns
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def to_csv(rows: list[ReportRow]) -> bytes:
    buffer = io.StringIO()
    fields = [f.name for f in dataclasses.fields(ReportRow)]
    writer = safecsv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow(["" if v is None else _plain(v) for v in dataclasses.astuple(row)])
    return buffer.getvalue().encode()


def to_json(data: ReportData) -> bytes:
    def encode(value: Any) -> Any:
        return _plain(value) if isinstance(value, date | datetime) else str(value)

    content = dataclasses.asdict(data)
    content.pop("timeline")
    return (json.dumps(content, default=encode, ensure_ascii=False, indent=2) + "\n").encode()


def to_html(data: ReportData, templates_dir: Path) -> str:
    from letters.sandbox import render_template  # Jinja2 only for the html and pdf formats

    charts = {
        "timeline": Markup(timeline_svg(data.timeline)),  # noqa: S704  (built and escaped in charts)
        "categories": Markup(rate_bars_svg(data.by_category, "Response rate by category")),  # noqa: S704
    }
    return render_template(templates_dir / "report", "report.html.j2", report=data, charts=charts)


def to_pdf(html: str, templates_dir: Path) -> bytes:
    # WeasyPrint loads in ~0.35 s: only the PDF format pays for it, not every report command.
    import weasyprint

    from letters.pdf import TemplateFolderFetcher

    folder = templates_dir / "report"
    document = weasyprint.HTML(
        string=html,
        base_url=folder.as_uri() + "/",
        url_fetcher=TemplateFolderFetcher(templates_dir),
    )
    content: bytes = document.write_pdf()
    return content


def render_report(data: ReportData, fmt: str, *, templates_dir: Path) -> bytes:
    """The report as bytes in ``fmt`` (csv, json, html or pdf)."""
    if fmt == "csv":
        return to_csv(data.rows)
    if fmt == "json":
        return to_json(data)
    if fmt == "html":
        return to_html(data, templates_dir).encode()
    if fmt == "pdf":
        return to_pdf(to_html(data, templates_dir), templates_dir)
    raise UnknownFormat("report format", fmt, ("csv", "json", "html", "pdf"))
