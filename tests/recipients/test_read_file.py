"""registry.read_file: every supported file shape parses, and every bad CSV row is located."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from errors import InputError
from recipients.record import AddresseeRecord
from recipients.registry import read_file
from tests.recipients.files import problems, write

EXPECTED = [
    AddresseeRecord(
        key="mfa-lithuania",
        name="Ministry of Foreign Affairs of Lithuania",
        category="foreign-ministry",
        country="LT",
        languages="lt;en",
        email="mfa@lithuania-mfa.example",
        postal_address="J. Tumo-Vaižganto g. 2\nVilnius",
        tags="eu;neighbour",
        verified_on=date(2021, 9, 1),
    ),
    AddresseeRecord(
        key="uk-fcdo",
        name="Foreign, Commonwealth & Development Office",
        category="foreign-ministry",
        country="GB",
        defunct=True,
    ),
]


def sample_csv(delimiter: str) -> str:
    """EXPECTED as a spreadsheet would save it, with the given delimiter."""
    d = delimiter
    return (
        f"key{d}name{d}category{d}country{d}languages{d}email{d}postal_address{d}tags"
        f"{d}verified_on{d}defunct\n"
        f"mfa-lithuania{d}Ministry of Foreign Affairs of Lithuania{d}foreign-ministry{d}lt"
        f'{d}"lt;en"{d}mfa@lithuania-mfa.example{d}"J. Tumo-Vaižganto g. 2\nVilnius"'
        f'{d}"eu;neighbour"{d}2021-09-01{d}\n'
        f'uk-fcdo{d}"Foreign, Commonwealth & Development Office"{d}foreign-ministry{d}GB'
        f"{d}{d}{d}{d}{d}{d}true\n"
    )


class TestAcceptedFiles:
    @pytest.mark.parametrize("delimiter", [",", ";"])
    @pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
    def test_csv(self, tmp_path: Path, delimiter: str, bom: bool) -> None:
        """A CSV with comma or semicolon delimiters, with or without a BOM, gives the records."""
        path = write(tmp_path, "a.csv", sample_csv(delimiter), bom=bom)
        assert read_file(path) == EXPECTED

    def test_csv_with_crlf_line_ends(self, tmp_path: Path) -> None:
        """Windows line ends are read like Unix ones, inside quoted fields too."""
        path = write(tmp_path, "a.csv", sample_csv(",").replace("\n", "\r\n"))
        assert read_file(path) == EXPECTED

    def test_csv_value_with_quotes_and_delimiter(self, tmp_path: Path) -> None:
        """A value holding doubled quotes and a comma is read as RFC 4180 says, not sniffed."""
        text = 'key,name,category\nappg,"APPG on ""Belarus, Ukraine""",uk-appg\n'
        (record,) = read_file(write(tmp_path, "a.csv", text))
        assert (record.name, record.category) == ('APPG on "Belarus, Ukraine"', "uk-appg")

    def test_yaml(self, tmp_path: Path) -> None:
        """A YAML list of mappings gives the records."""
        text = """\
- key: mfa-lithuania
  name: Ministry of Foreign Affairs of Lithuania
  category: foreign-ministry
  country: lt
  languages: lt; en
  email: mfa@lithuania-mfa.example
  postal_address: |
    J. Tumo-Vaižganto g. 2
    Vilnius
  tags: eu;neighbour
  verified_on: 2021-09-01
- key: uk-fcdo
  name: Foreign, Commonwealth & Development Office
  category: foreign-ministry
  country: GB
  defunct: true
"""
        assert read_file(write(tmp_path, "a.yaml", text)) == EXPECTED

    def test_json(self, tmp_path: Path) -> None:
        """A JSON array of objects gives the records."""
        data = [r.model_dump(mode="json", exclude_defaults=True) for r in EXPECTED]
        path = write(tmp_path, "a.json", json.dumps(data, ensure_ascii=False), bom=True)
        assert read_file(path) == EXPECTED

    def test_unknown_extension_is_refused(self, tmp_path: Path) -> None:
        """A file that is neither CSV, YAML nor JSON is an input error, not a guess."""
        assert problems(write(tmp_path, "a.txt", "key,name\n")) == [(None, "file")]


BAD_CSV = (
    "key,name,category,country,languages,email,postal_address,title\n"  # 1
    'ok-one,One,government,PL,pl,one@gov.example,"Line 1\nLine 2\nLine 3",\n'  # 2-4
    "bad-email,Two,government,PL,pl,not-an-email,,\n"  # 5
    "bad-category,Three,ministry,PL,pl,,,\n"  # 6
    "bad-country,Four,government,XX,pl,,,\n"  # 7
    "bad-language,Five,government,PL,zz,,,\n"  # 8
    "ok-one,Again,government,PL,pl,,,\n"  # 9
    "no-name,,government,PL,pl,,,\n"  # 10
    '"control",Six\x07,government,PL,pl,,,\n'  # 11
    'line-break,"Seven\nand a half",government,PL,pl,,,\n'  # 12-13
    f"too-long,Eight,government,PL,pl,,,{'x' * 201}\n"  # 14
    "fine,Nine,other,,,,,\n"  # 15
)


class TestRejectedCsv:
    def test_every_problem_is_listed_with_its_line(self, tmp_path: Path) -> None:
        """Each bad row is reported at its own line, after a multi-line quoted field too."""
        assert problems(write(tmp_path, "bad.csv", BAD_CSV)) == [
            (5, "email"),
            (6, "category"),
            (7, "country"),
            (8, "languages"),
            (9, "key"),
            (10, "name"),
            (11, "name"),
            (12, "name"),
            (14, "title"),
        ]

    def test_problems_read_file_line_field_message(self, tmp_path: Path) -> None:
        """Problems print as FILE:LINE: field: problem and the error says nothing was written."""
        path = write(tmp_path, "bad.csv", BAD_CSV)
        with pytest.raises(InputError) as caught:
            read_file(path)
        lines = str(caught.value).splitlines()
        assert lines[0] == f"{path}:5: email: An email address must have an @-sign."
        assert f"{path}:7: country: 'XX' is not an ISO 3166-1 alpha-2 code (or EU)" in lines
        assert f"{path}:8: languages: not ISO 639-1 language codes: zz" in lines
        assert lines[-1] == "9 problem(s); nothing was written"

    def test_duplicate_names_the_first_line(self, tmp_path: Path) -> None:
        """A repeated key points back to the line of its first occurrence, however many repeats."""
        text = "key,name,category\nk,A,other\nk,B,other\nk,C,other\n"
        with pytest.raises(InputError) as caught:
            read_file(write(tmp_path, "dup.csv", text))
        assert [(p.line, p.message) for p in caught.value.problems] == [
            (3, "duplicate key 'k' (first on line 2)"),
            (4, "duplicate key 'k' (first on line 2)"),
        ]

    def test_multi_line_row_is_reported_at_its_first_line(self, tmp_path: Path) -> None:
        """A bad row whose quoted field spans lines is located where the row starts."""
        text = 'key,name,category,postal_address,email\nk,A,other,"1\n2\n3",bad\n'
        assert problems(write(tmp_path, "multi.csv", text)) == [(2, "email")]

    def test_blank_lines_do_not_shift_line_numbers(self, tmp_path: Path) -> None:
        """Empty lines between rows are skipped, and the next row keeps its real line."""
        text = "key,name,category\n\nk,A,other\n\n\nm,B,nonsense\n"
        assert problems(write(tmp_path, "blank.csv", text)) == [(6, "category")]

    def test_unknown_column(self, tmp_path: Path) -> None:
        """A column the registry does not know is reported rather than silently dropped."""
        text = "key,name,category,colour\nk,A,other,red\n"
        assert problems(write(tmp_path, "col.csv", text)) == [(2, "colour")]

    def test_surplus_cells(self, tmp_path: Path) -> None:
        """A row with more cells than the header has columns is reported."""
        text = "key,name,category\nk,A,other,stray\n"
        assert problems(write(tmp_path, "extra.csv", text)) == [(2, "(extra columns)")]

    def test_over_long_field_is_refused(self, tmp_path: Path) -> None:
        """A value longer than its column allows is refused, not truncated."""
        text = f"key,name,category\nk,{'n' * 301},other\n"
        assert problems(write(tmp_path, "long.csv", text)) == [(2, "name")]

    def test_not_utf8(self, tmp_path: Path) -> None:
        """A file in another encoding is refused as a whole."""
        path = tmp_path / "latin1.csv"
        path.write_bytes("key,name,category\nk,Ministère,other\n".encode("latin-1"))
        assert problems(path) == [(None, "encoding")]
