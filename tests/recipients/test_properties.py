"""Property tests: importers meet arbitrary input with an InputError or a result, never a
traceback, and any valid registry survives export and read-back in every format unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path

import pytest
import yaml
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.appeal import load_appeal
from errors import InputError
from recipients import registry
from recipients.codes import country_codes, language_codes
from recipients.record import CATEGORIES, FIELDS, AddresseeRecord, normalized_email
from storage.tables import Addressee

# Modest example counts keep this file within seconds; CI runs it on every push anyway.
FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ROUND_TRIP = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Characters that carry meaning in the formats, so generated text reaches past the first parse.
CSV_ALPHABET = st.sampled_from([*',;"\n\r\t \x00\x07\x85\u2028\ufeff', *"ab-@.1é"])
YAML_ALPHABET = st.sampled_from([*"-:{}[]&*!|>'\"#%@`,?~=\n\t \\", *"ab12.xéЖ", "\x85"])
JSON_ALPHABET = st.sampled_from([*'[]{}:,"\\ \n\t-.0123456789eE', "true", "null", "key", "\\u"])
HEADER = ",".join(FIELDS) + "\n"


def fuzz_text(alphabet: st.SearchStrategy[str], max_size: int = 300) -> st.SearchStrategy[str]:
    """Text from ``alphabet`` (tokens joined) or from all of Unicode, half and half."""
    return st.one_of(st.lists(alphabet, max_size=max_size).map("".join), st.text(max_size=max_size))


def read_or_reject(
    path: Path, data: bytes, read: Callable[[Path], object] = registry.read_file
) -> None:
    """Write ``data`` to ``path`` and ``read`` it; any exception but InputError fails the test."""
    path.write_bytes(data)
    with suppress(InputError):
        read(path)


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A directory reused by all examples of one test (each example overwrites its file)."""
    return tmp_path


class TestArbitraryInputIsRejectedCleanly:
    @FUZZ
    @given(text=fuzz_text(CSV_ALPHABET), header=st.sampled_from(["", HEADER, "key;name\n"]))
    def test_csv_text(self, folder: Path, text: str, header: str) -> None:
        """Any text after a valid, odd or absent header reads as a CSV or is an InputError."""
        read_or_reject(folder / "fuzz.csv", (header + text).encode())

    @FUZZ
    @given(text=fuzz_text(YAML_ALPHABET))
    def test_yaml_text(self, folder: Path, text: str) -> None:
        """Any text reads as a YAML registry or is an InputError."""
        read_or_reject(folder / "fuzz.yaml", text.encode())

    @FUZZ
    @given(text=fuzz_text(JSON_ALPHABET))
    def test_json_text(self, folder: Path, text: str) -> None:
        """Any text reads as a JSON registry or is an InputError."""
        read_or_reject(folder / "fuzz.json", text.encode())

    @FUZZ
    @given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".yaml", ".json"]))
    def test_bytes(self, folder: Path, data: bytes, suffix: str) -> None:
        """Any bytes, UTF-8 or not, read as a registry or are an InputError."""
        read_or_reject(folder / f"fuzz{suffix}", data)

    @FUZZ
    @given(
        records=st.lists(
            st.dictionaries(
                st.sampled_from([*FIELDS, "colour"]),
                st.one_of(
                    st.text(max_size=20),
                    st.integers(),
                    st.floats(),
                    st.booleans(),
                    st.none(),
                    st.dates(),
                    st.datetimes(),
                    st.lists(st.text(max_size=5), max_size=3),
                ),
            ),
            max_size=5,
        ),
        suffix=st.sampled_from([".yaml", ".json"]),
    )
    def test_structured_records(self, folder: Path, records: list[object], suffix: str) -> None:
        """Well-formed files of records with any field values are read or rejected cleanly."""
        text = yaml.safe_dump(records, default_flow_style=suffix == ".json", allow_unicode=True)
        read_or_reject(folder / f"fuzz{suffix}", text.encode())

    @pytest.mark.parametrize("suffix", [".json", ".yaml"])
    def test_deep_nesting(self, folder: Path, suffix: str) -> None:
        """Nesting deeper than the parser's recursion is an InputError, not a RecursionError."""
        with pytest.raises(InputError, match="nested too deeply"):
            registry.read_file(write_bytes(folder / f"deep{suffix}", b"[" * 100_000))

    def test_nested_aliases_stay_cheap(self, folder: Path) -> None:
        """Aliases nesting ten-fold nine times ("billion laughs") are read without expanding."""
        levels = [f"  l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 10)]
        text = "- l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(levels)
        with pytest.raises(InputError, match="l9: unknown field"):
            registry.read_file(write_bytes(folder / "laughs.yaml", text.encode()))

    def test_recursive_yaml_alias(self, folder: Path) -> None:
        """A YAML anchor that contains itself is an InputError, not endless recursion."""
        with pytest.raises(InputError, match="alias refers to a collection that contains it"):
            registry.read_file(write_bytes(folder / "loop.yaml", b"- &a [*a]\n"))


APPEAL_KEYS = st.sampled_from(
    ["key", "title", "petition_url", "texts", "default_language", "cosigners", "sender",
     "targets", "milestones", "template", "review_required", "en", "subject", "body",
     "demands", "signatures", "at", "keys", "organisation", "name", "email"]
)  # fmt: skip
APPEAL_SCALARS = st.one_of(
    st.text(max_size=10),
    st.integers(min_value=-5, max_value=10**6),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
)
APPEAL_VALUES = st.recursive(
    APPEAL_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(APPEAL_KEYS, inner, max_size=4)
    ),
    max_leaves=20,
)


class TestArbitraryAppealIsRejectedCleanly:
    @FUZZ
    @given(text=fuzz_text(YAML_ALPHABET))
    def test_appeal_text(self, folder: Path, text: str) -> None:
        """Any text loads as an appeal or is an InputError."""
        read_or_reject(folder / "appeal.yaml", text.encode(), load_appeal)

    @FUZZ
    @given(appeal=st.dictionaries(APPEAL_KEYS, APPEAL_VALUES, max_size=8))
    def test_appeal_shapes(self, folder: Path, appeal: dict[str, object]) -> None:
        """Any mapping of appeal-like keys to nested values loads or is an InputError."""
        read_or_reject(folder / "appeal.yaml", yaml.safe_dump(appeal).encode(), load_appeal)


def single_line(max_size: int, *, min_size: int = 0) -> st.SearchStrategy[str]:
    """Stripped text without control characters: a valid single-line field value."""
    chars = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\u2028\u2029")
    return (
        st.text(chars, min_size=min_size, max_size=max_size)
        .map(str.strip)
        .filter(lambda s: len(s) >= min_size)
    )


def multi_line(max_lines: int) -> st.SearchStrategy[str]:
    """A postal address: stripped single lines joined by newlines, without blank ends."""
    return st.lists(single_line(40), max_size=max_lines).map("\n".join).map(str.strip)


SLUG = st.from_regex(r"[a-z0-9][a-z0-9-]{0,79}", fullmatch=True)
CODES = st.lists(st.sampled_from(sorted(language_codes())), min_size=1, max_size=3).map(";".join)
TAGS = st.lists(st.from_regex(r"[a-z0-9][a-z0-9 -]{0,8}[a-z0-9]", fullmatch=True), max_size=3)
EMAIL = st.builds(
    "{}@{}.example".format,
    st.from_regex(r"[A-Za-z0-9_+-]{1,20}", fullmatch=True),
    st.from_regex(r"[a-z]{1,10}(-[a-z0-9]{1,5})?", fullmatch=True),
)
RECORD = st.builds(
    AddresseeRecord,
    key=SLUG,
    name=single_line(300, min_size=1),
    official_name=single_line(300),
    person=single_line(200),
    title=single_line(200),
    category=st.sampled_from(CATEGORIES),
    country=st.sampled_from(["", *sorted(country_codes())]),
    languages=CODES,
    email=st.one_of(st.just(""), EMAIL),
    postal_address=multi_line(4),
    web_form=st.one_of(st.just(""), single_line(60).map("https://example.org/{}".format)),
    salutation=single_line(200),
    tags=TAGS.map(";".join),
    source=single_line(500),
    verified_on=st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1))),
    defunct=st.booleans(),
)
REGISTRIES = st.lists(RECORD, max_size=6, unique_by=lambda r: r.key)


@pytest.mark.parametrize("fmt", ["csv", "yaml", "json"])
@ROUND_TRIP
@given(records=REGISTRIES)
def test_export_reads_back_unchanged(
    folder: Path, fmt: str, records: list[AddresseeRecord]
) -> None:
    """Exported valid records read back as the same records (in key order)."""
    rows = [Addressee(**record.model_dump()) for record in records]
    path = folder / f"registry.{fmt}"
    path.write_text(registry.export(rows, fmt), encoding="utf-8")
    assert registry.read_file(path) == sorted(records, key=lambda r: r.key)


LOCAL = st.from_regex(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,70}", fullmatch=True)
LABEL = st.one_of(
    st.from_regex(r"[A-Za-z0-9-]{1,64}", fullmatch=True),
    st.sampled_from(["xn--bcher-kva", "xn--zz", "ab--cd", "test", "local", "arpa", "123"]),
)
ADDRESS = st.one_of(
    st.builds("{}@{}".format, LOCAL, st.lists(LABEL, min_size=1, max_size=5).map(".".join)),
    st.sampled_from(["Info@Example.ORG", "POSTMASTER@gov.example", "a@b@c.example", "a@[1.2.3.4]"]),
    st.text(max_size=40),
)


@settings(max_examples=200, deadline=None)
@given(address=ADDRESS)
def test_normalized_email_agrees_with_email_validator(address: str) -> None:
    """The cached email check returns email-validator's normal form, or raises its message."""
    try:
        expected: str | Exception = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        expected = exc
    if isinstance(expected, str):
        assert normalized_email(address) == expected
    else:
        with pytest.raises(EmailNotValidError, match=re.escape(str(expected))):
            normalized_email(address)
