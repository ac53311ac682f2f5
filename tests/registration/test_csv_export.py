"""The admin's CSV export: a cell a spreadsheet would run as a formula is made text, whatever
hides the formula's first character (spaces, line breaks, full-width forms)."""

import csv
import io

import pytest

from .test_admin import _action

pytestmark = pytest.mark.django_db

DANGEROUS = [
    "=1+1",
    "+33 3 72 74 50 00",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=cmd",
    "\r=cmd",
    '  =HYPERLINK("http://evil.example","click")',
    "\n=1+1",
    " \n +1",
    "\u3000=1+1",  # an ideographic space
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "  ＝1",
]
HARMLESS = ["Université de Lorraine", "a=b", "1-2", "LORIA @ Nancy", "x\n=1"]


@pytest.mark.parametrize("column", ["affiliation", "dietary_requirements", "last_name"])
def test_export_csv_defuses_every_way_of_starting_a_formula(
    admin_client, open_workshop, sign_up, column
):
    registrations = [sign_up(open_workshop, **{column: value}) for value in DANGEROUS + HARMLESS]

    response = _action(admin_client, "export_csv", registrations)

    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    index = header.index(
        {"affiliation": "Affiliation", "dietary_requirements": "Dietary requirements"}.get(
            column, "Last name"
        )
    )
    cells = [row[index] for row in rows]
    assert cells == ["'" + value for value in DANGEROUS] + HARMLESS
