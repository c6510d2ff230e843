"""campaigns.appeal.load_appeal: the example loads; each defect is named by file, line, field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from campaigns.appeal import load_appeal
from errors import InputError, Problem
from tests.helpers import EXAMPLES

APPEAL = "appeal-derecognition.yaml"


def line_of(path: Path, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of ``path`` containing ``needle``."""
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return hits[nth - 1]


def edit(path: Path, old: str, new: str) -> Path:
    """Replace ``old`` (which must occur exactly once) by ``new`` in ``path``."""
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))
    return path


def only_problem(path: Path) -> Problem:
    with pytest.raises(InputError) as caught:
        load_appeal(path)
    (problem,) = caught.value.problems
    assert problem.source == str(path)
    return problem


@pytest.fixture
def appeal_file(examples: Path) -> Path:
    """A writable copy of the example appeal."""
    return examples / APPEAL


class TestExample:
    def test_bundled_example_loads(self) -> None:
        """The shipped example appeal is valid."""
        appeal = load_appeal(EXAMPLES / APPEAL)
        assert appeal.key == "derecognise-lukashenka"
        assert appeal.languages == ["en", "ru"]
        assert [(m.key, m.signatures) for m in appeal.milestones] == [
            ("goal-15000", 15000),
            ("goal-50000", 50000),
            ("before-fac-november", None),
        ]
        assert len(appeal.texts["en"].demands) == 3

    def test_language_for_prefers_the_addressee(self) -> None:
        """An addressee reading Russian gets the Russian text; one reading none gets the default."""
        appeal = load_appeal(EXAMPLES / APPEAL)
        assert appeal.language_for(["uk", "ru", "en"]) == "ru"
        assert appeal.language_for(["lt"]) == "en"

    def test_date_milestone_with_zone_loads(self, appeal_file: Path) -> None:
        """A milestone with an aware `at` is read as that moment."""
        edit(appeal_file, "    signatures: 50000", "    at: 2021-09-20T09:00:00+02:00")
        (_, dated, _) = load_appeal(appeal_file).milestones
        assert dated.due_at == datetime(2021, 9, 20, 7, 0, tzinfo=UTC)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A path that does not exist is an input error naming it."""
        problem = only_problem(tmp_path / "nope.yaml")
        assert (problem.line, problem.field) == (None, "file")


class TestBrokenAppeal:
    def test_missing_demands(self, appeal_file: Path) -> None:
        """A text without demands is reported at that language's line."""
        path = edit(appeal_file, "  ru:\n", "  ru:\n    demandz: [x]\n")
        edit(path, "    demands:\n      - Официально", "    notes:\n      - Официально")
        with pytest.raises(InputError) as caught:
            load_appeal(path)
        assert [(p.line, p.field, p.message) for p in caught.value.problems] == [
            (line_of(path, "  ru:"), "texts.ru.demands", "is missing"),
            (line_of(path, "demandz"), "texts.ru.demandz", "unknown field"),
            (line_of(path, "    notes:"), "texts.ru.notes", "unknown field"),
        ]

    def test_empty_demands(self, appeal_file: Path) -> None:
        """An empty list of demands is refused at its line."""
        path = edit(appeal_file, "  ru:\n", "  ru:\n    demands: []\n")
        edit(path, "    demands:\n      - Официально", "    notes:\n      - Официально")
        with pytest.raises(InputError) as caught:
            load_appeal(path)
        assert [(p.line, p.field) for p in caught.value.problems] == [
            (line_of(path, "demands: []"), "texts.ru.demands"),
            (line_of(path, "    notes:"), "texts.ru.notes"),
        ]

    def test_milestone_with_signatures_and_at(self, appeal_file: Path) -> None:
        """A milestone giving both triggers is reported at that milestone."""
        path = edit(
            appeal_file,
            "    signatures: 50000",
            "    signatures: 50000\n    at: 2021-09-20T09:00:00+02:00",
        )
        problem = only_problem(path)
        assert (problem.line, problem.field) == (line_of(path, "key: goal-50000"), "milestones.1")
        assert "exactly one trigger" in problem.message

    def test_date_milestone_without_zone(self, appeal_file: Path) -> None:
        """A milestone moment without a time zone is refused at its line."""
        path = edit(appeal_file, "    signatures: 50000", "    at: 2021-09-20T09:00:00")
        problem = only_problem(path)
        assert (problem.line, problem.field) == (line_of(path, "at: 2021"), "milestones.1.at")
        assert "time zone" in problem.message

    def test_impossible_date(self, appeal_file: Path) -> None:
        """A date YAML cannot construct is an input error at its line, not a crash."""
        path = edit(appeal_file, "    signatures: 50000", "    at: 2021-13-20T09:00:00+02:00")
        problem = only_problem(path)
        assert (problem.line, problem.field) == (line_of(path, "at: 2021"), "syntax")

    def test_default_language_without_text(self, appeal_file: Path) -> None:
        """A default language that has no text is reported on the default_language line."""
        path = edit(appeal_file, "default_language: en", "default_language: de")
        problem = only_problem(path)
        assert (problem.line, problem.field) == (
            line_of(path, "default_language:"),
            "default_language",
        )
        assert problem.message == "'de' has no text"

    def test_unknown_text_language(self, appeal_file: Path) -> None:
        """A text under a code that is not ISO 639-1 is reported at that code's line."""
        path = edit(appeal_file, "\n  ru:\n", "\n  xx:\n")
        problem = only_problem(path)
        assert (problem.line, problem.field) == (line_of(path, "  xx:"), "texts.xx")

    def test_duplicate_milestone_keys(self, appeal_file: Path) -> None:
        """Two milestones with one key are reported at the milestones list."""
        path = edit(appeal_file, "key: goal-50000", "key: goal-15000")
        problem = only_problem(path)
        assert (problem.line, problem.field) == (line_of(path, "milestones:"), "milestones")

    def test_unknown_top_level_field(self, appeal_file: Path) -> None:
        """A misspelt top-level field is reported rather than ignored."""
        path = edit(appeal_file, "template: letter", "templat: letter")
        problem = only_problem(path)
        assert (problem.line, problem.field, problem.message) == (
            line_of(path, "templat:"),
            "templat",
            "unknown field",
        )

    def test_empty_targets(self, appeal_file: Path) -> None:
        """Targets that select nobody are refused at the targets line."""
        text = appeal_file.read_text()
        start, end = text.index("targets:"), text.index("milestones:")
        appeal_file.write_text(text[:start] + "targets: {}\n\n" + text[end:])
        problem = only_problem(appeal_file)
        assert (problem.line, problem.field) == (line_of(appeal_file, "targets:"), "targets")

    def test_yaml_syntax_error(self, appeal_file: Path) -> None:
        """A YAML syntax error names the line where parsing failed."""
        path = edit(appeal_file, "  - key: goal-50000", "  - key: goal-50000: oops")
        problem = only_problem(path)
        assert (problem.line, problem.field) == (line_of(path, "goal-50000: oops"), "syntax")
        assert problem.message == "mapping values are not allowed here"

    def test_unclosed_bracket(self, appeal_file: Path) -> None:
        """An unclosed flow list reports what the parser expected, not only where it was."""
        path = edit(appeal_file, "title: De-recognise", "title: [De-recognise")
        problem = only_problem(path)
        assert (problem.line, problem.field) == (line_of(path, "petition_url:"), "syntax")
        assert problem.message == "expected ',' or ']', but got ':'"

    def test_several_problems_are_all_listed(self, appeal_file: Path) -> None:
        """Independent defects in one file are reported together, in one error."""
        path = edit(appeal_file, "template: letter", "templat: letter")
        edit(path, "petition_url: https://", "petition_url: ftp://")
        with pytest.raises(InputError) as caught:
            load_appeal(path)
        assert {p.field for p in caught.value.problems} == {"petition_url", "templat"}
