"""CLI start: how long a person waits for ``advocacy outbox list`` and ``advocacy report C`` on a
small database, against ``python -c pass`` (the interpreter's own start) in the same run.

Rule: each command runs as a fresh process, as a person types it, ``RUNS`` times, alternating
with the baseline so a busy moment hits both; the figure is the median wall time. The database
is the bundled example after ``advocacy init``, a campaign and one signature count: small, so
what is measured is start-up (imports, settings, engine), not the work.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import Report
from settings import ROOT

RUNS = 7
CAMPAIGN = "derecognise-lukashenka"


def _timed(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - began


def _setup(env: dict[str, str], cli: str) -> None:
    for args in (
        ["init"],
        ["recipients", "import", str(ROOT / "examples" / "addressees-demo.csv")],
        ["campaign", "create", str(ROOT / "examples" / "appeal-derecognition.yaml")],
        ["signatures", "set", CAMPAIGN, "1200"],
    ):
        subprocess.run([cli, *args], env=env, check=True, capture_output=True)


def run(report: Report) -> None:
    cli = str(Path(sys.executable).with_name("advocacy"))
    env = {
        **os.environ,
        "ADVOCACY_DATABASE_URL": f"sqlite:///{report.workdir / 'advocacy.db'}",
        "ADVOCACY_DATA_DIR": str(report.workdir / "var"),
        "ADVOCACY_SMTP_URL": "",
    }
    _setup(env, cli)
    baseline = [_timed([sys.executable, "-c", "pass"], env) for _ in range(RUNS)]
    commands = {"outbox_list": ["outbox", "list"], "report": ["report", CAMPAIGN]}
    medians = {}
    for name, args in commands.items():
        times = []
        for _ in range(RUNS):
            times.append(_timed([cli, *args], env))
            baseline.append(_timed([sys.executable, "-c", "pass"], env))
        medians[name] = statistics.median(times)
        report.figure(name, medians[name], "s")
    interpreter = statistics.median(baseline)
    report.figure("baseline.python_pass", interpreter, "s")
    slowest = max(medians.values())
    report.headline("cli_start", slowest, "s", ratio=slowest / interpreter)
