"""Letters shared out among workers by language: every letter once, each lane keeping to its own."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import replace
from typing import Any

from letters.compose import ComposedLetter
from letters.lanes import STEAL_ABOVE, InFlight, homes, run_lanes
from tests.letters.builders import letter

EN, RU = letter("en"), letter("ru")


def _letters(*languages: str) -> list[ComposedLetter]:
    return [replace(EN if g == "en" else RU, letter_id=i) for i, g in enumerate(languages)]


def test_languages_get_lanes_in_proportion_to_their_letters() -> None:
    """D'Hondt over the letters; a language without a lane wins a tie."""
    assert homes(_letters(*["en", "ru"] * 50), 2) == ["en", "ru"]
    assert homes(_letters("en", "ru", "en"), 2) == ["en", "ru"]
    assert homes(_letters(*["en"] * 90, *["ru"] * 10), 2) == ["en", "en"]
    assert homes(_letters("en"), 3) == ["en", "en", "en"]
    assert homes([], 2) == []


class _Lane(Executor):
    """Runs each task as it is submitted, the result the lane's name: a deterministic pool."""

    def __init__(self, name: str) -> None:
        self.name = name

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        fn(*args, **kwargs)
        future: Future[Any] = Future()
        future.set_result(self.name)
        return future


def _run(letters: list[ComposedLetter], lanes: int) -> list[tuple[ComposedLetter, str]]:
    pools = [_Lane(f"lane{i}") for i in range(lanes)]
    flights: list[InFlight] = [deque() for _ in pools]
    return list(run_lanes(letters, pools, lambda _letter: None, flights))


def test_every_letter_once_each_language_on_its_own_lane() -> None:
    """Half English, half Russian on two lanes: each lane renders one language only, each
    language's letters in the order given."""
    letters = _letters(*["en", "ru"] * 40)
    done = _run(letters, 2)
    assert sorted(one.letter_id for one, _ in done) == list(range(80))
    for language in ("en", "ru"):
        mine = [(one, lane) for one, lane in done if one.language == language]
        assert [one for one, _ in mine] == [one for one in letters if one.language == language]
        assert len({lane for _, lane in mine}) == 1
    assert len({lane for _, lane in done}) == 2


def test_an_idle_lane_takes_another_languages_letters() -> None:
    """A lane whose language is done takes the other language's letters while many are left;
    none is ever lost, whatever the split."""
    for letters in (_letters(*["en"] * 3, *["ru"] * 60), _letters(*["ru"] * (STEAL_ABOVE - 1))):
        done = _run(letters, 2)
        assert sorted(one.letter_id for one, _ in done) == list(range(len(letters)))
    assert {lane for _, lane in _run(_letters(*["en"] * 3, *["ru"] * 60), 2)} == {
        "lane0",
        "lane1",
    }
