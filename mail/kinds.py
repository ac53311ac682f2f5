"""The kinds of email the outbox sends, each registered by the app that writes it (in its
emails.py, which the mail app imports at start): its label for the admin, and how to write it when its turn comes.

`compose(delivery)` returns the message, or None when it is no longer owed (its recipient was
deleted, or what it would say stopped being true: the change that made it untrue queued the email
of the new state). It raises to record a failure. The outbox sets the Message-ID.
"""

import dataclasses
from collections.abc import Callable

from django.core.mail import EmailMessage
from django.utils.functional import Promise


@dataclasses.dataclass(frozen=True)
class Kind:
    label: str | Promise
    compose: Callable[..., EmailMessage | None]
    # The names of its variants (Delivery.variant), where it has some: {value: label}.
    variants: dict[str, str | Promise] = dataclasses.field(default_factory=dict)


KINDS: dict[str, Kind] = {}


def register(
    name: str,
    *,
    label: str | Promise,
    compose: Callable[..., EmailMessage | None],
    variants: dict[str, str | Promise] | None = None,
) -> None:
    KINDS[name] = Kind(label=label, compose=compose, variants=variants or {})


def choices() -> list[tuple[str, str | Promise]]:
    """Delivery.kind's choices: the kinds registered."""
    return [(name, kind.label) for name, kind in KINDS.items()]
