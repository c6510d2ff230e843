"""An SMTP sink for benchmarks, run as its own process: ``python -m bench.smtp_sink PORT``.

Rule: it accepts every message and keeps only a count; it prints ``ready`` once listening and
the count when its stdin closes (the benchmark's signal to stop).
"""

from __future__ import annotations

import sys
from typing import Any

from aiosmtpd.controller import Controller


class Counting:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def main() -> None:
    handler = Counting()
    # data_size_limit: the benchmark's messages carry a 100 KB PDF (base64 ~140 KB).
    controller = Controller(
        handler, hostname="127.0.0.1", port=int(sys.argv[1]), data_size_limit=10_000_000
    )
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()
    print(handler.count, flush=True)


if __name__ == "__main__":
    main()
