"""Letters shared out among worker processes by language: a worker keeps to one language if it can.

Rule: one lane per worker process (a pool of one), each with a home language: languages get
lanes in proportion to their letters (D'Hondt; a language with letters but no lane of its own
yet wins a tie). A lane takes its home language's letters in the order given; when none are
left, the next letter of the language with the most left, if it has more than ``STEAL_ABOVE``
(a few letters more are not worth preparing another language for). At most ``AHEAD`` letters
are in flight per lane. Outcomes come out as they are done, each lane's in the order it took
them: each language's letters in the order given when it has one lane, languages interleaved.

Why: a worker prepares each language's annex it meets once (~150 ms), and the email keeps the
base64 of that annex per line alignment (57 of them, ~11 ms each: ``letters.base64_runs``), and
the cover reuses each language's layout. On one shared pool every worker met every language.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

from letters.compose import ComposedLetter

AHEAD = 4
STEAL_ABOVE = 8
InFlight = deque[tuple[ComposedLetter, "Future[Any]"]]


def homes(letters: Sequence[ComposedLetter], lanes: int) -> list[str]:
    """Each lane's home language (D'Hondt over the letters' languages)."""
    counts = Counter(letter.language for letter in letters)
    given: Counter[str] = Counter()
    chosen = []
    for _ in range(lanes):
        if not counts:
            break
        best = max(sorted(counts), key=lambda g: (counts[g] / (given[g] + 1), -given[g]))
        given[best] += 1
        chosen.append(best)
    return chosen


class _Queues:
    """The letters not yet taken, per language, in the order given."""

    def __init__(self, letters: Sequence[ComposedLetter]) -> None:
        self._queues: dict[str, deque[ComposedLetter]] = {}
        for letter in letters:
            self._queues.setdefault(letter.language, deque()).append(letter)

    def take(self, home: str, steal_above: int) -> ComposedLetter | None:
        queue = self._queues.get(home)
        if not queue:
            queue = max(self._queues.values(), key=len, default=None)
            if queue is None or len(queue) <= steal_above:
                return None
        return queue.popleft()


def run_lanes(
    letters: Sequence[ComposedLetter],
    lanes: Sequence[Executor],
    task: Callable[[ComposedLetter], Any],
    flights: list[InFlight],
) -> Generator[tuple[ComposedLetter, Any], None, None]:
    """Each letter with ``task(letter)``'s result, run on ``lanes``; ``flights`` (one empty
    deque per lane, the caller's) holds the letters in flight, for the caller to abandon."""
    queues, languages = _Queues(letters), homes(letters, len(lanes))
    while True:
        for lane, flight in enumerate(flights):
            # Nothing in flight anywhere: any letter left is worth taking.
            steal_above = STEAL_ABOVE if any(flights) else 0
            home = languages[lane] if lane < len(languages) else ""
            while len(flight) < AHEAD and (letter := queues.take(home, steal_above)) is not None:
                flight.append((letter, lanes[lane].submit(task, letter)))
        heads = [flight[0][1] for flight in flights if flight]
        if not heads:
            return
        wait(heads, return_when=FIRST_COMPLETED)
        for flight in flights:
            while flight and flight[0][1].done():
                letter, future = flight[0]
                made = future.result()
                flight.popleft()  # handed over: the caller's, even if it stops right here
                yield letter, made
