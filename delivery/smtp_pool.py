"""A small pool of reused SMTP connections (aiosmtplib clients).

Rule: one client carries one transaction at a time (aiosmtplib serialises a client's
commands), so parallelism comes from N clients, each lent to one send. A client comes back
to the pool only after a completed transaction; any connection error closes it, and the next
borrower connects afresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import aiosmtplib

if TYPE_CHECKING:
    from delivery.smtp import SmtpConfig


class SmtpPool:
    def __init__(self, config: SmtpConfig, *, size: int) -> None:
        self.config = config
        self.size = size
        self.connects = 0
        self._idle: asyncio.LifoQueue[aiosmtplib.SMTP] | None = None

    def _queue(self) -> asyncio.LifoQueue[aiosmtplib.SMTP]:
        # Made lazily, inside the running loop: each ``asyncio.run`` of a CLI drain gets its own.
        loop = asyncio.get_running_loop()
        if self._idle is None or getattr(self, "_loop", None) is not loop:
            self._idle, self._loop = asyncio.LifoQueue(), loop
            for _ in range(self.size):
                self._idle.put_nowait(self._client())
        return self._idle

    def _client(self) -> aiosmtplib.SMTP:
        c = self.config
        return aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            username=c.username,
            password=c.password,
            use_tls=c.implicit_tls,
            start_tls=c.start_tls,
            timeout=c.timeout,
        )

    @asynccontextmanager
    async def client(self) -> AsyncIterator[tuple[aiosmtplib.SMTP, bool]]:
        """Borrow a connected client; the flag says whether it was already connected (reused)."""
        idle = self._queue()
        client = await idle.get()
        try:
            reused = client.is_connected
            if not reused:
                await client.connect()
                self.connects += 1
            yield client, reused
        except BaseException:
            client.close()  # unknown transaction state: never lend this connection again
            raise
        finally:
            idle.put_nowait(client)

    async def close(self) -> None:
        """QUIT every idle connection; the pool starts empty again on next use."""
        idle, self._idle = self._idle, None
        while idle is not None and not idle.empty():
            client = idle.get_nowait()
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()
