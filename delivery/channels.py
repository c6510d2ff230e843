"""Delivery channels as a registry: one spec per channel, filled in by the composition root.

Rule: nothing outside a channel's own module knows what the channel is. Enqueue asks the
registry which channel an addressee can be reached on (in registration order: the fallback
order), the worker claims only ``automatic`` channels and sends each through its spec's
transport, and the CLI and the web outbox list channels by asking the registry. A new channel
(fax, an institution's contact-form API) is one module with its ``ChannelSpec`` and one
``register`` line in ``bootstrap/channels.py``; an unknown name raises ``UnknownFormat``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from errors import UnknownFormat

if TYPE_CHECKING:
    from settings import Settings
    from storage.tables import Addressee


@dataclass(frozen=True)
class ChannelSpec:
    """How one channel works.

    ``document``: the rendered format it carries ("email", "pdf"). ``recipient``: the
    addressee's address on this channel ("" if it has none). ``automatic``: the worker sends
    it through ``transport(settings)``; otherwise staff carry it out and mark it. ``sent_means``:
    what "sent" means on this channel, in words staff read.
    """

    name: str
    document: str
    recipient: Callable[[Addressee], str]
    automatic: bool
    sent_means: str
    transport: Callable[[Settings], Any] | None = None  # -> delivery.worker.Transport


class Channels(Sequence[str]):
    """The registered channels, a sequence of their names in fallback order."""

    def __init__(self) -> None:
        self._specs: dict[str, ChannelSpec] = {}

    def register(self, spec: ChannelSpec) -> ChannelSpec:
        if spec.automatic and spec.transport is None:
            raise ValueError(f"channel {spec.name!r} is automatic but has no transport")
        self._specs[spec.name] = spec  # registering again replaces (tests, reloads)
        return spec

    def unregister(self, name: str) -> None:
        self._specs.pop(name, None)

    def spec(self, name: str) -> ChannelSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownFormat("channel", name, self._specs) from None

    def automatic(self) -> tuple[str, ...]:
        """Channels the worker sends (the others wait for staff)."""
        return tuple(n for n, s in self._specs.items() if s.automatic)

    def by_hand(self) -> tuple[str, ...]:
        return tuple(n for n, s in self._specs.items() if not s.automatic)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return tuple(self._specs)[index]

    def __len__(self) -> int:
        return len(self._specs)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._specs))

    def __contains__(self, name: object) -> bool:
        return name in self._specs


# The one registry; ``bootstrap/channels.py`` registers the channels (email, postal, manual).
REGISTRY = Channels()
