"""The review and audit commands as staff run them, on the bundled example."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from cli import main
from tests.helpers import APPEAL, CAMPAIGN, EXAMPLES, cli_env, cli_runner

LITHUANIA = 4  # letter ids follow the addressee keys in alphabetical order


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    """The shared CLI installation, acting as 'campaigner' unless a command says otherwise."""
    return {**env, "ADVOCACY_ACTOR": "campaigner"}


def _install(runner: CliRunner, *before_render: list[str]) -> None:
    """Through the CLI: a fresh installation with batch 1 rendered (by 'campaigner') for
    review, after the ``before_render`` commands."""
    for step in (
        ["init"],
        ["recipients", "import", str(EXAMPLES / "addressees-demo.csv")],
        ["campaign", "create", str(APPEAL)],
        *before_render,
        ["signatures", "set", CAMPAIGN, "15240"],
        ["render", CAMPAIGN],
    ):
        result = runner.invoke(main, step)
        assert result.exit_code == 0, (step, result.output)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The installation with batch 1 rendered for review, made once for the module (through
    the CLI, real PDFs): its ``var`` folder, which each test copies and never touches."""
    root = tmp_path_factory.mktemp("installed")
    with cli_runner({**cli_env(root), "ADVOCACY_ACTOR": "campaigner"}, cwd=root) as runner:
        _install(runner)
    return root / "var"


@pytest.fixture
def advocacy(env: dict[str, str], tmp_path: Path, installed: Path) -> Iterator[CliRunner]:
    """A runner in tmp_path for its own copy of the installation with batch 1 rendered for
    review (the database and documents hold paths relative to the data folder only)."""
    shutil.copytree(installed, tmp_path / "var")
    with cli_runner(env, cwd=tmp_path) as runner:
        yield runner


def _run(runner: CliRunner, *args: str, actor: str = "campaigner", **env: str) -> Result:
    return runner.invoke(main, list(args), env={"ADVOCACY_ACTOR": actor, **env})


def test_audit_answers_who_approved_the_lithuanian_letter_and_which_bytes_went(
    advocacy: CliRunner,
) -> None:
    """`advocacy audit --addressee mfa-lithuania` shows the render, the approval by its
    reviewer with the hashes approved, and the delivery with the same email hash sent."""
    assert (
        _run(
            advocacy, "review", "approve", "--batch", "1", "--despite-findings", actor="anna"
        ).exit_code
        == 0
    )
    assert _run(advocacy, "deliver", CAMPAIGN).exit_code == 0
    result = _run(advocacy, "audit", "--addressee", "mfa-lithuania")
    assert result.exit_code == 0, result.output
    blocks = re.split(r"\n(?=\d{4}-)", result.output.strip())
    heads = [block.split("\n")[0].split()[3:] for block in blocks]
    assert heads == [
        ["batch.create", "batch:1", "by", "campaigner"],
        ["letter.render", f"letter:{LITHUANIA}", "by", "campaigner"],
        ["letter.approved", f"letter:{LITHUANIA}", "by", "anna"],
        ["batch.approved", "batch:1", "by", "anna"],
        ["delivery.written", "delivery:3", "by", "worker"],
    ]
    approved = re.search(r"sha256\.email: ([0-9a-f]{64})", blocks[2])
    sent = re.search(r"sha256: ([0-9a-f]{64})", blocks[4])
    assert approved is not None
    assert sent is not None
    assert sent.group(1) == approved.group(1)
    assert "recipient: mfa@lithuania-mfa.example" in blocks[4]
    assert "message_id: <letter-" in blocks[4]


def test_audit_of_an_unknown_addressee_is_a_clear_error(advocacy: CliRunner) -> None:
    """A key that is not in the registry exits 1 and names it."""
    result = _run(advocacy, "audit", "--addressee", "mfa-atlantis")
    assert result.exit_code == 1
    assert "no addressee 'mfa-atlantis'" in result.output


def test_show_writes_the_exact_pdf_and_prints_the_email(
    advocacy: CliRunner, tmp_path: Path
) -> None:
    """`review show ID --out FILE` writes the rendered PDF byte for byte and prints the email."""
    out = tmp_path / "lithuania.pdf"
    result = _run(advocacy, "review", "show", str(LITHUANIA), "--out", str(out))
    assert result.exit_code == 0, result.output
    pdf_hash = re.search(r"pdf +r1 .*\n +sha256 ([0-9a-f]{64})", result.output)
    assert pdf_hash is not None
    assert hashlib.sha256(out.read_bytes()).hexdigest() == pdf_hash.group(1)
    assert "To: Ministry of Foreign Affairs of the Republic of Lithuania" in result.output


def test_show_after_a_fix_prints_the_diff(advocacy: CliRunner, tmp_path: Path) -> None:
    """Approve, change a demand in the appeal, re-render: `review show` prints the change."""
    assert _run(advocacy, "review", "approve", str(LITHUANIA), actor="anna").exit_code == 0
    appeal = APPEAL.read_text()
    changed = tmp_path / "appeal.yaml"
    changed.write_text(appeal.replace("in free elections.", "in free and fair elections."))
    assert _run(advocacy, "campaign", "update", str(changed)).exit_code == 0
    assert _run(advocacy, "review", "rerender", str(LITHUANIA)).exit_code == 0
    result = _run(advocacy, "review", "show", str(LITHUANIA), actor="anna")
    assert f"changes since letter {LITHUANIA} r1 (batch 1), approved by anna" in result.output
    assert "+3. Act together" in result.output
    assert "free and fair elections." in result.output


def test_four_eyes_stops_the_batch_creator_from_the_command_line(advocacy: CliRunner) -> None:
    """With ADVOCACY_FOUR_EYES=true the creator's bulk approval exits 1 with the reason."""
    result = _run(
        advocacy,
        "review",
        "approve",
        "--batch",
        "1",
        "--despite-findings",
        ADVOCACY_FOUR_EYES="true",
    )
    assert result.exit_code == 1
    assert "four eyes: 'campaigner' created batch 1" in result.output


def test_bulk_approval_reports_count_and_sample(advocacy: CliRunner) -> None:
    """Approving a batch after looking at two letters says how many and which were sampled."""
    for letter in ("2", "6"):
        assert _run(advocacy, "review", "show", letter, actor="anna").exit_code == 0
    result = _run(advocacy, "review", "approve", "--batch", "1", "--despite-findings", actor="anna")
    assert result.output.splitlines()[:2] == [
        "approved 8 letter(s) as anna",
        "sampled before approving: 2, 6",
    ]


def test_list_flags_stale_letters(advocacy: CliRunner) -> None:
    """After the count grows by more than the setting, `review list --stale` flags every letter."""
    assert _run(advocacy, "signatures", "set", CAMPAIGN, "17000").exit_code == 0
    result = _run(advocacy, "review", "list", "--stale")
    assert result.exit_code == 0, result.output
    assert result.output.count("stale: quotes 15,240 signatures") == 8


def test_approve_needs_ids_or_a_batch(advocacy: CliRunner) -> None:
    """`review approve` with neither ids nor --batch is a usage error, not a silent no-op."""
    result = _run(advocacy, "review", "approve")
    assert result.exit_code == 2
    assert "give letter ids or --batch" in result.output


def test_rerender_keeps_the_signatory_annex(env: dict[str, str], tmp_path: Path) -> None:
    """A letter rendered again from the command line is finished like its batch: its PDF
    still ends with the annex of consenting signers (it once came back as a bare cover)."""
    signers = tmp_path / "signers.csv"
    signers.write_text(
        "name,email,city,country,public\nAlena Kavalenka,a@x.example,Vilnius,LT,yes\n"
    )
    with cli_runner(env, cwd=tmp_path) as advocacy:
        _install(advocacy, ["signatures", "import", CAMPAIGN, str(signers)])
        assert _run(advocacy, "review", "rerender", str(LITHUANIA)).exit_code == 0
    folder = tmp_path / "var" / "documents" / CAMPAIGN / "batch-1"
    first, second = (folder / f"mfa-lithuania.r{n}.pdf" for n in (1, 2))
    assert "Alena Kavalenka" in _text(first)
    assert "Alena Kavalenka" in _text(second)
    assert len(PdfReader(second).pages) == len(PdfReader(first).pages)


def _text(pdf: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(pdf).pages)
