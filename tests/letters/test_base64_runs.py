"""Base64 with a remembered run's encoding reused: the standard library's bytes, at any offset."""

from __future__ import annotations

import base64
import random

import pytest

from letters import base64_runs

RUN = random.Random(20).randbytes(base64_runs.RUN_AT_LEAST + 1000)


def _library(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n")


@pytest.fixture(autouse=True)
def remembered() -> None:
    base64_runs.remember(RUN)


@pytest.mark.parametrize("offset", [0, 1, 2, 3, 56, 57, 58, 113, 114, 1000])
@pytest.mark.parametrize("after", [b"", b"x", b"tail bytes" * 7])
def test_run_at_any_offset_gives_the_librarys_bytes(offset: int, after: bytes) -> None:
    """The run preceded by ``offset`` bytes and followed by others: each of the 57 line
    alignments, encoded fresh or from the kept encoding, is what encodebytes writes."""
    data = bytes(i % 256 for i in range(offset)) + RUN + after
    for _ in range(2):  # the second time from the kept encoding
        assert base64_runs.lines(data) == _library(data)


def test_data_without_the_run_and_a_run_cut_short_are_encoded_plainly() -> None:
    """Only the whole run is reused: a truncated copy of it is just data."""
    for data in (b"", b"abc", RUN[:-1], b"head" + RUN[:-10]):
        assert base64_runs.lines(data) == _library(data)


def test_short_runs_are_not_remembered() -> None:
    """A run below RUN_AT_LEAST is not worth a lookup: nothing is kept for it."""
    short = b"s" * 100
    base64_runs.remember(short)
    assert short[:64] not in base64_runs._runs
