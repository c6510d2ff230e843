"""campaigns.signer_import: signer exports in, each new signer counted once, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bootstrap import Services
from campaigns.presets import mapping_for, parse_overrides
from campaigns.signer_import import PROGRESS_EVERY, ImportOutcome, import_signers
from campaigns.signer_store import CHUNK
from errors import InputError, UnknownFormat
from storage.tables import SignatureCount, Signer
from tests.campaigns.steps import batch_ids, count, rows, start_campaign
from tests.helpers import CAMPAIGN

HEADER = "name,email,city,country,signed_at,public\n"


@pytest.fixture
def campaign(services: Services) -> Services:
    """Services with the demo registry and the example campaign."""
    start_campaign(services)
    return services


def write(tmp_path: Path, text: str, name: str = "signers.csv", bom: bool = False) -> Path:
    """``text`` as a UTF-8 file (with a byte-order mark if ``bom``)."""
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def run(
    s: Services, path: Path, preset: str = "generic", pairs: tuple[str, ...] = ()
) -> ImportOutcome:
    overrides = parse_overrides(pairs)
    with s.db.unit_of_work() as uow:
        return import_signers(
            uow,
            CAMPAIGN,
            path,
            mapping=mapping_for(preset, overrides),
            overrides=overrides,
            keys=s.email_keys,
            recorder=s.recorder("test"),
        )


def signers(s: Services) -> list[Signer]:
    with s.db.unit_of_work(write=False) as uow:
        return list(uow.scalars(select(Signer).order_by(Signer.id)))


def problems(s: Services, path: Path, pairs: tuple[str, ...] = ()) -> list[tuple[int | None, str]]:
    """The (line, field) of every problem the refused import reported."""
    with pytest.raises(InputError) as caught:
        run(s, path, pairs=pairs)
    return [(p.line, p.field) for p in caught.value.problems]


class TestImport:
    def test_rows_become_signers_and_raise_the_count(
        self, campaign: Services, tmp_path: Path
    ) -> None:
        """Each row is a signer; the count rises by the number of new signers."""
        count(campaign, 100)
        path = write(
            tmp_path,
            HEADER + "Anna Schmidt,anna@example.org,Berlin,DE,2021-09-01,yes\n"
            "Ben K,ben@example.org,Vienna,Austria,2021-09-02T10:00:00+02:00,no\n",
        )
        outcome = run(campaign, path)
        assert (outcome.rows, outcome.new, outcome.count.current) == (2, 2, 102)
        stored = [(x.name, x.city, x.country, x.public) for x in signers(campaign)]
        assert stored == [("Anna Schmidt", "Berlin", "DE", True), ("Ben K", "Vienna", "AT", False)]

    def test_no_email_address_is_stored(self, campaign: Services, tmp_path: Path) -> None:
        """Only a keyed hash of the normalised email is kept, never the address."""
        run(campaign, write(tmp_path, HEADER + "A,  Anna@Example.ORG ,,,,\n"))
        (signer,) = signers(campaign)
        assert signer.email_key == campaign.email_keys.key("anna@example.org")
        assert "@" not in signer.email_key

    def test_duplicates_in_the_file_count_once(self, campaign: Services, tmp_path: Path) -> None:
        """The same person twice in one file (any case or spacing) is one signer."""
        path = write(tmp_path, HEADER + "A,a@example.org,,,,\nA,A@EXAMPLE.org ,,,,\n")
        outcome = run(campaign, path)
        assert (outcome.rows, outcome.new, outcome.duplicates) == (2, 1, 1)

    def test_reimport_adds_nothing(self, campaign: Services, tmp_path: Path) -> None:
        """Importing the same export again finds every signer known and leaves the count."""
        path = write(tmp_path, HEADER + "A,a@example.org,,,,\nB,b@example.org,,,,\n")
        run(campaign, path)
        again = run(campaign, path)
        assert (again.new, again.count.previous, again.count.current) == (0, 2, 2)
        assert rows(campaign, SignatureCount) == 1

    def test_crossing_a_milestone_creates_a_batch(self, campaign: Services, tmp_path: Path) -> None:
        """An import that takes the count past 15,000 fires the milestone, as a count would."""
        count(campaign, 14_999)
        outcome = run(campaign, write(tmp_path, HEADER + "A,a@example.org,,,,\n"))
        assert outcome.count.batch is not None
        assert batch_ids(campaign) == [outcome.count.batch.id]

    def test_signers_keep_the_file_order(self, campaign: Services, tmp_path: Path) -> None:
        """Rows are stored in file order (it breaks ties of ``signed_at`` in the annex)."""
        names = ["Zoe", "Adam", "Mia", "Bob", "Eve", "Carl"]
        text = "".join(f"{n},{n}@example.org,,,2021-09-01,yes\n" for n in names)
        run(campaign, write(tmp_path, HEADER + text))
        assert [x.name for x in signers(campaign)] == names

    def test_short_rows_leave_missing_fields_empty(
        self, campaign: Services, tmp_path: Path
    ) -> None:
        """A row with fewer values than the header has no value for the missing columns."""
        text = "email,name,city,country\na@example.org,Anna\nb@example.org\n"
        outcome = run(campaign, write(tmp_path, text))
        assert outcome.new == 2
        assert [(x.name, x.city, x.country) for x in signers(campaign)] == [
            ("Anna", None, None),
            (None, None, None),
        ]

    def test_progress_rises_to_the_file_size(self, campaign: Services, tmp_path: Path) -> None:
        """Progress is told the bytes read while rows are checked, then the whole size once."""
        text = "".join(f"S,s{i}@example.org,,,,\n" for i in range(2 * PROGRESS_EVERY))
        path = write(tmp_path, HEADER + text)
        told: list[tuple[int, int]] = []
        with campaign.db.unit_of_work() as uow:
            import_signers(
                uow,
                CAMPAIGN,
                path,
                mapping=mapping_for("generic", {}),
                overrides={},
                keys=campaign.email_keys,
                recorder=campaign.recorder("test"),
                progress=lambda done, total: told.append((done, total)),
            )
        size = path.stat().st_size
        assert len(told) == 3
        assert told[-1] == (size, size)
        assert [done for done, _ in told] == sorted(done for done, _ in told)

    def test_semicolons_bom_and_quoted_line_breaks(
        self, campaign: Services, tmp_path: Path
    ) -> None:
        """A semicolon CSV with a BOM and a quoted multi-line value is read correctly."""
        text = 'name;email\n"Anna\nSchmidt";a@example.org\nBen;b@example.org\n'
        outcome = run(campaign, write(tmp_path, text, bom=True))
        assert outcome.new == 2
        assert [x.name for x in signers(campaign)] == ["Anna Schmidt", "Ben"]


class TestPresets:
    def test_openpetition_shape(self, campaign: Services, tmp_path: Path) -> None:
        """German column names: first and last name joined, country names understood."""
        text = "Vorname;Nachname;E-Mail;PLZ;Ort;Land;Datum;Öffentlich\n"
        text += "Anna;Schmidt;anna@example.org;10115;Berlin;Deutschland;2021-09-01;ja\n"
        run(campaign, write(tmp_path, text), preset="openpetition")
        (signer,) = signers(campaign)
        assert (signer.name, signer.city, signer.country, signer.public) == (
            "Anna Schmidt",
            "Berlin",
            "DE",
            True,
        )

    def test_map_overrides_and_ignores(self, campaign: Services, tmp_path: Path) -> None:
        """--map names a differently titled column and drops another; unmapped ones are listed."""
        text = "Full Name,Mail,Notes,Extra\nAnna,a@example.org,x,y\n"
        outcome = run(
            campaign,
            write(tmp_path, text),
            pairs=("Full Name=name", "mail=email", "Notes=ignore"),
        )
        assert outcome.ignored_columns == ["Extra"]
        assert [x.name for x in signers(campaign)] == ["Anna"]

    def test_unknown_preset(self, campaign: Services) -> None:
        """A preset nobody defined is refused with the known names."""
        with pytest.raises(UnknownFormat, match="generic"):
            mapping_for("petitions-r-us", {})


class TestRefused:
    def test_problems_name_line_and_field_and_store_nothing(
        self, campaign: Services, tmp_path: Path
    ) -> None:
        """Every bad value is reported at its line and field; no signer and no count is stored."""
        path = write(
            tmp_path,
            HEADER
            + "A,a@example.org,,,,\n"
            + "B,not-an-email,,Narnia,,\n"
            + "C,c@example.org,,,31.02.,maybe\n",
        )
        assert problems(campaign, path) == [
            (3, "email"),
            (3, "country"),
            (4, "signed_at"),
            (4, "public"),
        ]
        assert (rows(campaign, Signer), rows(campaign, SignatureCount)) == (0, 0)

    def test_problems_after_a_full_chunk_still_roll_back(
        self, campaign: Services, tmp_path: Path
    ) -> None:
        """A bad row after rows already written to the database undoes them too."""
        good = "".join(f"S,s{i}@example.org,,,,\n" for i in range(CHUNK + 1_000))
        path = write(tmp_path, HEADER + good + "X,,,,,\n")
        assert problems(campaign, path) == [(CHUNK + 1_002, "email")]
        assert rows(campaign, Signer) == 0

    def test_missing_email_column(self, campaign: Services, tmp_path: Path) -> None:
        """A header with no column for email is refused on line 1."""
        assert problems(campaign, write(tmp_path, "name,city\nA,B\n")) == [(1, "email")]

    def test_map_names_an_absent_column(self, campaign: Services, tmp_path: Path) -> None:
        """--map naming a column the file lacks is reported on line 1."""
        path = write(tmp_path, HEADER + "A,a@example.org,,,,\n")
        assert problems(campaign, path, pairs=("Mail=email",)) == [(1, "mail")]

    def test_not_utf8(self, campaign: Services, tmp_path: Path) -> None:
        """A file in another encoding is refused, not read as garbage."""
        path = tmp_path / "latin1.csv"
        path.write_bytes(HEADER.encode() + "Jürgen,j@example.org,,,,\n".encode("latin-1"))
        assert [field for _, field in problems(campaign, path)] == ["encoding"]
