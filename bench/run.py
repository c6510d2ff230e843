"""The benchmark runner: ``python -m bench.run [NAME ...]`` (``make bench ONLY=render``).

Rule: every ``bench/bench_<name>.py`` is a benchmark named ``<name>``; with no names all of
them run, in name order. Each gets its own temporary directory, removed afterwards. Exit
status: 0 when all ran, 1 when any raised (the others still run), 2 for an unknown name.
Only ``BENCH`` lines go to stdout; progress and tracebacks go to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from bench import Report

PREFIX = "bench_"
FOLDER = Path(__file__).resolve().parent


def known() -> list[str]:
    """The names of the benchmarks in ``bench/``, sorted."""
    return sorted(path.stem.removeprefix(PREFIX) for path in FOLDER.glob(f"{PREFIX}*.py"))


def run_one(name: str) -> bool:
    """Run one benchmark in a fresh temporary directory; return whether it finished."""
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as workdir:
        report = Report(name, Path(workdir))
        try:
            importlib.import_module(f"bench.{PREFIX}{name}").run(report)
        except Exception:  # a broken benchmark must not hide the others' figures
            traceback.print_exc()
            report.note(f"FAILED after {time.perf_counter() - began:.1f} s")
            return False
    report.note(f"done in {time.perf_counter() - began:.1f} s")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default all)")
    parser.add_argument("--list", action="store_true", help="print the benchmark names and exit")
    args = parser.parse_args(argv)
    names = known()
    if args.list:
        print("\n".join(names))
        return 0
    unknown = [n for n in args.names if n not in names]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(names)}", file=sys.stderr)
        return 2
    results = [run_one(name) for name in args.names or names]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
