"""Placeholders in organizers' texts: one reading (program/placeholders.py) for the edition's
date texts and the announcements, in which a mathematician's text works: math is never read for
placeholders, and {{ and }} write a brace."""

import pytest
from django.core.exceptions import ValidationError

from program.placeholders import Filled, fill_placeholders
from tests.pages import get_page

pytestmark = pytest.mark.django_db

VALUES = {"name": "Mariya", "link": "https://example.org/r/1/"}


@pytest.mark.parametrize(
    ("text", "filled"),
    [
        ("Dear {name}, see {link}", "Dear Mariya, see https://example.org/r/1/"),
        (r"Dear {name}: $\mathbb{R}^{n}$", r"Dear Mariya: $\mathbb{R}^{n}$"),
        (r"$$\sum_{i} x_{i}$$ for {name}", r"$$\sum_{i} x_{i}$$ for Mariya"),
        (r"\(x^{name}\) and \[y_{n}\]", r"\(x^{name}\) and \[y_{n}\]"),
        ("the set {{1, 2}} for {name}", "the set {1, 2} for Mariya"),
        ("{{{name}}}", "{Mariya}"),
        ("{{name}}", "{name}"),
        (r"$x = \{{1\}}$", r"$x = \{{1\}}$"),  # braces in math as written, doubled or not
        (r"costs \$5 for {name}", r"costs \$5 for Mariya"),  # an escaped dollar opens no math
        ("from $20 to $30, {name}", "from $20 to $30, Mariya"),  # money, not math
        ("an unpaired { brace", "an unpaired { brace"),
    ],
)
def test_fill_placeholders_fills_outside_math_only(text, filled):
    assert fill_placeholders(text, VALUES) == Filled(text=filled, unknown=[])


def test_fill_placeholders_reports_unknown_ones_outside_math_only():
    result = fill_placeholders(r"Meet in {room} on $\mathbb{R}^{n}$, {name}, {room}, {R}", VALUES)

    assert result.unknown == ["{R}", "{room}"]
    assert result.text == r"Meet in {room} on $\mathbb{R}^{n}$, Mariya, {room}, {R}"


def test_date_texts_with_math_and_doubled_braces_are_accepted_and_shown(seeded, client):
    seeded.schedule_note = (
        r"We start on {first_day} with $\mathbb{R}^{n \times n}$ and end on {last_day}: "
        "the {{tensor}} train."
    )
    seeded.registration_terms = r"By {deadline}; \(\mathcal{O}(n)\) seats."

    seeded.full_clean()
    seeded.save()

    program = get_page(client, "/lorainne24/program/").text
    assert (
        r"We start on 26 November with $\mathbb{R}^{n \times n}$ and end on 27 November: "
        "the {tensor} train." in program
    )
    home = get_page(client, "/lorainne24/").text
    assert r"By 11 November; \(\mathcal{O}(n)\) seats." in home


def test_date_text_with_an_unknown_placeholder_outside_math_is_refused_naming_it(seeded):
    seeded.registration_terms = r"Register by {deadlin} for $\mathbb{R}^{n}$."

    with pytest.raises(ValidationError) as refused:
        seeded.full_clean()

    [message] = refused.value.message_dict[
        "registration_terms_en_gb"
    ]  # the English version's field
    assert message.startswith("Unknown placeholder {deadlin}. Write dates as placeholders")
    assert message.endswith("elsewhere, write {{ or }} for a brace.")
