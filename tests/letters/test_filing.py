"""Documents written where they are rendered: temporary names, then renamed by the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from letters.filing import Filing, discard
from letters.produce import file_many, render_letter
from letters.storing import STORE_EVERY, groups
from tests.letters.builders import RENDERERS, addressee, letter

LETTERS = [letter("en"), letter("ru"), letter("en", to=addressee(key="mfa-poland", email=""))]


def test_filed_documents_are_the_rendered_bytes(tmp_path: Path) -> None:
    """Each file holds exactly the document's bytes, with its size and sha256."""
    made = render_letter(RENDERERS, LETTERS[0])
    written = Filing(tmp_path).write("mfa-ukraine", made)
    assert set(written) == set(made)
    for fmt, doc in written.items():
        assert doc.path.read_bytes() == made[fmt].content
        assert (doc.sha256, doc.size) == (made[fmt].sha256, len(made[fmt].content))
        assert doc.path.name.startswith(".")
        assert doc.path.suffix == ".tmp"


def test_two_writes_of_one_letter_never_share_a_name(tmp_path: Path) -> None:
    """Two renders of the same letter write to files of their own."""
    made = render_letter(RENDERERS, LETTERS[0])
    one, two = (Filing(tmp_path).write("mfa-ukraine", made) for _ in range(2))
    assert {d.path for d in one.values()}.isdisjoint(d.path for d in two.values())


def test_pooled_filing_gives_the_same_files_as_one_process(tmp_path: Path) -> None:
    """Two workers write what one process writes, letter by letter."""
    alone = list(file_many(RENDERERS, LETTERS, filing=Filing(tmp_path / "one")))
    pooled = list(
        file_many(RENDERERS, LETTERS, filing=Filing(tmp_path / "two"), workers=2, pool_from=1)
    )
    pooled.sort(key=lambda made: LETTERS.index(made[0]))
    assert [one for one, _ in pooled] == LETTERS
    for (_, a), (_, b) in zip(alone, pooled, strict=True):
        assert isinstance(a, dict)
        assert isinstance(b, dict)
        assert {f: d.sha256 for f, d in a.items()} == {f: d.sha256 for f, d in b.items()}
        assert all(d.path.read_bytes() == b[f].path.read_bytes() for f, d in a.items())


def test_stopping_early_removes_the_files_not_handed_over(tmp_path: Path) -> None:
    """Closing the pool's iteration after one letter leaves only that letter's files."""
    made = file_many(RENDERERS, LETTERS, filing=Filing(tmp_path), workers=2, pool_from=1)
    _, first = next(made)
    made.close()
    assert isinstance(first, dict)
    assert sorted(tmp_path.iterdir()) == sorted(d.path for d in first.values())
    discard(first.values())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("count", [0, 1, STORE_EVERY, STORE_EVERY + 1, 3 * STORE_EVERY])
def test_groups_keep_every_item_in_order_and_bounded(count: int) -> None:
    """Letters are stored in groups of at most STORE_EVERY, none lost or reordered."""
    made = list(groups(range(count)))
    assert [item for group in made for item in group] == list(range(count))
    assert all(0 < len(group) <= STORE_EVERY for group in made)
