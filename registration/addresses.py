"""Email addresses compared as mail systems compare them.

One mailbox can be typed many ways: a composed or a decomposed accent in the domain, the domain
in Unicode or in punycode, full-width letters from a Japanese or Chinese keyboard, a local part in
quotes that need not be there, capitals. normalise_address() gives each mailbox one spelling;
the database then compares it case-insensitively (Lower("email"), as its constraint does).

The domain is stored in its ASCII form (IDNA 2008 A-labels, e.g. `xn--caf-dma.fr`), for two
reasons. It is what goes on the wire: Django's mail encodes a Unicode domain with Python's IDNA
2003 codec, which maps `straße.de` to `strasse.de` and the Greek final sigma to a plain one,
other domains than the person's; an ASCII domain passes through untouched. And every database
lower-cases ASCII alike (SQLite's lower() knows no other letters). IDNA 2008 comes from the
`idna` package, with the UTS #46 mapping (case, width, the ideographic full stop), non-transitional
so that ß and ς stay themselves.

The local part is kept as typed (Unicode NFC): only its own mail server knows what it means.
"""

import contextlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

import idna
from django.utils.translation import gettext

# RFC 5322 atext, and any non-ASCII character (RFC 6531): a local part made of these, in words
# joined by single dots, needs no quotes.
_ATEXT = r"[-!#$%&'*+/=?^_`{|}~0-9A-Za-z\u0080-\U0010ffff]"
_DOT_ATOM = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*\Z")
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)


class InvalidAddress(ValueError):
    """Not an address a mail system could deliver to; the message is written for the person."""


def normalise_address(raw: str) -> str:
    """One spelling for each mailbox: `local@domain`, spaces around it trimmed, the local part
    in NFC without needless quotes, the domain in lower-case ASCII (punycode for an
    internationalised one). Raises InvalidAddress when there is no @ or the domain is not a
    valid domain name (IDNA 2008)."""
    local, at, domain = raw.strip().rpartition("@")
    if not at or not local or not domain:
        raise InvalidAddress(
            gettext("An email address has a name, an @ and a domain, such as name@example.org.")
        )
    return f"{_local_part(local)}@{_domain(domain)}"


def _local_part(local: str) -> str:
    local = unicodedata.normalize("NFC", local)
    if len(local) >= 2 and local[0] == local[-1] == '"':
        inner = _QUOTED_PAIR.sub(r"\1", local[1:-1])
        if _DOT_ATOM.match(inner):
            return inner  # "andre"@… is andre@…
    return local


def _domain(domain: str) -> str:
    if domain.startswith("[") and domain.endswith("]"):  # an address literal: [192.0.2.1]
        return domain.lower()
    # NFKC: composed accents, and full-width letters and dots folded to their plain forms.
    folded = unicodedata.normalize("NFKC", domain)
    labels = folded.lower().split(".")
    if folded.isascii() and not any(label.startswith("xn--") for label in labels):
        return folded.lower()  # the common case: nothing for IDNA to do
    try:
        return idna.encode(folded, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise InvalidAddress(
            gettext(
                "“%(domain)s” is not a valid domain name: check the part of your address after "
                "the @."
            )
            % {"domain": domain}
        ) from None


def display_address(address: str) -> str:
    """A stored address as the person typed it, for the pages they read: the domain in Unicode
    (`andre@café.fr`, not `andre@xn--caf-dma.fr`). Mail still goes to the stored one."""
    local, at, domain = address.rpartition("@")
    if not at or not any(label.startswith("xn--") for label in domain.lower().split(".")):
        return address
    try:
        return f"{local}@{idna.decode(domain)}"
    except (idna.IDNAError, UnicodeError):
        return address  # stored before addresses were normalised: as it is


def ascii_domains(term: str) -> str:
    """A search term with each non-ASCII word's domain part (the word after its last @, or the
    whole word) in the stored ASCII form: `café.fr` and `CAFÉ.fr` find `…@xn--caf-dma.fr`."""
    words = []
    for word in term.split():
        local, at, domain = word.rpartition("@")
        if not word.isascii() and domain:
            # Else not a domain: a name, an affiliation, searched as typed.
            with contextlib.suppress(InvalidAddress):
                word = f"{local}{at}{_domain(domain)}"
        words.append(word)
    return " ".join(words)


def normalised_or_as_typed(raw: str) -> str:
    """The normalised address, or `raw` as typed when it is no valid address (the form, or
    full_clean(), then says what is wrong with it)."""
    try:
        return normalise_address(raw)
    except InvalidAddress:
        return raw


def same_mailbox(rows: Iterable[tuple[int, int, str]]) -> set[int]:
    """Of `rows` (pk, workshop pk, email), the pks of those whose address is, once normalised and
    compared case-insensitively, another row's of the same workshop: registrations made before
    addresses were normalised, which the organizer must look at (nothing merges them)."""
    groups = defaultdict(list)
    for pk, workshop_pk, email in rows:
        groups[(workshop_pk, normalised_or_as_typed(email).lower())].append(pk)
    return {pk for pks in groups.values() if len(pks) > 1 for pk in pks}
