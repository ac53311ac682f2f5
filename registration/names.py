"""How people's names compare, accents and case aside: one fold for the desk's search
(desk.py) and for the order of the badges and sign-in sheets (documents.py), so that a name is
found and sorted by the same letters."""

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"}
)
# Latin, Greek and Cyrillic accents only: other scripts' marks are letters' parts, kept.
_COMBINING_MARKS = re.compile(
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


def fold(text: str) -> str:
    """A name without accents or case ("Lefèvre", "LEFEVRE" → "lefevre"; "Łukasz" → "lukasz",
    "Ødegård" → "odegard", "Gauß" → "gauss"). Other scripts stay as they are, case folded
    ("Иштева" → "иштева")."""
    bare = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return unicodedata.normalize("NFC", bare).translate(_UNDECOMPOSED)
