"""Dated milestones in appeal files: named zones, before/after an event, the goal ladder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from campaigns.appeal import load_appeal
from campaigns.milestone_spec import Milestone
from errors import InputError
from tests.campaigns.steps import with_milestones


def milestone(**fields: object) -> Milestone:
    return Milestone.model_validate({"key": "m", **fields})


def problems(examples: Path, milestones: str) -> list[tuple[int | None, str, str]]:
    """(line, field, message) of each problem in the example appeal with these milestones."""
    with pytest.raises(InputError) as caught:
        load_appeal(with_milestones(examples, milestones))
    return [(p.line, p.field, p.message) for p in caught.value.problems]


class TestDueAt:
    def test_wall_time_in_a_named_zone(self) -> None:
        """`at` without an offset is read in `zone` (Brussels summer time is UTC+2)."""
        due = milestone(at="2021-09-20T09:00", zone="Europe/Brussels").due_at
        assert due == datetime(2021, 9, 20, 7, 0, tzinfo=UTC)

    def test_days_before_an_event(self) -> None:
        """Two days before a 09:00 Brussels meeting in November is 08:00 UTC."""
        before = {"event": "2021-11-15T09:00", "zone": "Europe/Brussels", "days": 2}
        assert milestone(before=before).due_at == datetime(2021, 11, 13, 8, 0, tzinfo=UTC)

    def test_days_before_keep_local_time_across_dst(self) -> None:
        """Counting back over the end of summer time keeps 09:00 on the local clock."""
        before = {"event": "2021-11-01T09:00", "zone": "Europe/Brussels", "days": 2}
        assert milestone(before=before).due_at == datetime(2021, 10, 30, 7, 0, tzinfo=UTC)

    def test_hours_after_an_event_with_an_offset(self) -> None:
        """`after` with an offset in the event time needs no zone."""
        after = {"event": "2020-08-27T09:00:00+02:00", "hours": 3}
        assert milestone(after=after).due_at == datetime(2020, 8, 27, 10, 0, tzinfo=UTC)

    def test_describe_names_the_event(self) -> None:
        """The trigger reads as a sentence with the event's name and local time."""
        before = {"event": "2021-11-15T09:00", "zone": "Europe/Brussels", "days": 2, "name": "FAC"}
        assert (
            milestone(before=before).describe()
            == "2 days before FAC (2021-11-15 09:00 Europe/Brussels)"
        )


class TestRefused:
    def test_unknown_zone_at_its_line(self, examples: Path) -> None:
        """A misspelt zone is refused at its own line, with a suggestion."""
        found = problems(
            examples, "  - key: m\n    zone: Europe/Brusels\n    at: 2021-09-20T09:00\n"
        )
        ((_line, field, message),) = found
        assert field == "milestones.0.zone"
        assert "unknown time zone" in message

    def test_time_skipped_by_dst(self, examples: Path) -> None:
        """A wall time that does not exist in the zone (spring forward) is refused."""
        found = problems(
            examples, "  - key: m\n    zone: Europe/Brussels\n    at: 2021-03-28T02:30\n"
        )
        assert [(f, "does not exist" in m) for _, f, m in found] == [("milestones.0.at", True)]

    def test_offset_and_zone_together(self, examples: Path) -> None:
        """Giving both an offset and a zone is ambiguous and refused."""
        text = "  - key: m\n    zone: Europe/Brussels\n    at: 2021-09-20T09:00:00+02:00\n"
        assert [f for _, f, _ in problems(examples, text)] == ["milestones.0.at"]

    def test_event_without_zone(self, examples: Path) -> None:
        """A relative milestone whose event has neither offset nor zone is refused."""
        text = "  - key: m\n    before:\n      event: 2021-11-15T09:00\n      days: 2\n"
        assert [f for _, f, _ in problems(examples, text)] == ["milestones.0.before"]

    def test_ladder_must_rise(self, examples: Path) -> None:
        """A goal ladder whose steps do not rise is refused at its line."""
        path = examples / "appeal-derecognition.yaml"
        path.write_text(
            path.read_text().replace("goal_ladder: standard", "goal_ladder: [500, 400]")
        )
        with pytest.raises(InputError) as caught:
            load_appeal(path)
        assert [p.field for p in caught.value.problems] == ["goal_ladder"]
