"""Placeholders in organizers' texts ({name}, {first_day}…), filled when the text is shown or
sent: one reading for every text that has them (announcements, an edition's date texts).

Written for a mathematics workshop: math between $…$, $$…$$, \\(…\\) or \\[…\\] is never read
for placeholders (`$\\mathbb{R}^{n}$` stays as written), and outside math `{{` and `}}` write
a literal brace, as in Python's str.format. Any other {…} outside math is a placeholder: one
that is not known stays as written and is reported, so that the text can be refused before
anybody reads “{room}”.
"""

import dataclasses
import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

# Said wherever placeholders are offered (help texts, the refusal of an unknown one).
BRACES_HELP = _(
    "Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace."
)

_PIECES = re.compile(
    # Math, kept as written. An escaped dollar (\$) opens none; and as in Pandoc, $…$ is math
    # only when no space follows the opening $ nor precedes the closing one, and no digit
    # follows it: “from $20 to $30” is money.
    r"(?P<math>\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\]|\\\$|\$(?=\S)[^$]*?(?<=\S)\$(?!\d))"
    r"|(?P<brace>\{\{|\}\})"
    r"|(?P<placeholder>\{(?P<name>[^{}]*)\})",
    re.DOTALL,
)


@dataclasses.dataclass(frozen=True)
class Filled:
    """A text with its placeholders filled, and the unknown ones as written (“{room}”), sorted."""

    text: str
    unknown: list[str]


def fill_placeholders(text: str, values: Mapping[str, str]) -> Filled:
    """`text` with each {name} of `values` filled and each `{{` or `}}` outside math made one
    brace; math is left as written. A placeholder not in `values` stays as written and is
    reported in `unknown` (to check a text without filling it, pass the known names with any
    value)."""
    unknown = set()

    def piece(match: re.Match) -> str:
        if match["math"] is not None:
            return match["math"]
        if match["brace"] is not None:
            return match["brace"][0]
        if match["name"] in values:
            return str(values[match["name"]])
        unknown.add(match["placeholder"])
        return match["placeholder"]

    return Filled(text=_PIECES.sub(piece, text), unknown=sorted(unknown))
