"""How long the name badges take for a large edition: `python -m bench.badges`.

Times `registration.documents.badges_pdf` for 500 participants whose names mix scripts and
lengths (accented Latin, Cyrillic, Arabic, CJK, compound names, a few of 120 characters), the
first run (fonts loaded, WeasyPrint warmed up) apart from the next ones; then the sign-in sheets
of the same people over two days. No database: the functions take plain data.
Target: badges for 500 people in under 10 s. Exits non-zero above it.
"""

import argparse
import itertools
import logging
import os
import statistics
import sys
import time

import django

from registration.documents import BADGES_PER_SHEET, Person, badges_pdf, sign_in_sheet_pdf

TARGET_SECONDS = 10.0

FIRST_NAMES = [
    "Marie",
    "Jean-Baptiste",
    "Zoë",
    "Łukasz",
    "Мария",
    "Дмитрий",
    "محمد",
    "فاطمة",
    "太郎",
    "美咲",
    "Nguyễn Thị",
    "Maximilian Alexander",
    "Ann",
    "Søren",
]
LAST_NAMES = [
    "Curie",
    "de la Tour d'Auvergne-Lauraguais",
    "Müller-Lüdenscheidt",
    "Иштева",
    "Константинопольский",
    "بن عبد الله",
    "الحسيني",
    "山田",
    "佐々木",
    "Wolfeschlegelsteinhausenbergerdorff",
    "Lee",
    "García Márquez",
    "Ødegård",
]
AFFILIATIONS = [
    "Université de Lorraine",
    "Institut national de recherche en sciences et technologies du numérique (Inria)",
    "МГУ имени М. В. Ломоносова",
    "جامعة القاهرة",
    "東京大学",
    "ETH Zürich",
    "",
]


# Now and then a name of 120 characters.
LONG_NAME = Person(
    first_name="Aurelio Bartholomew Konstantin Maximian",
    last_name="von Hohenzollern-Sigmaringen und Wolfeschlegelsteinhausenbergerdorff-Montmorency",
    affiliation="Institut des hautes études scientifiques",
)


def participants(count: int) -> list[Person]:
    combinations = itertools.cycle(itertools.product(FIRST_NAMES, LAST_NAMES, AFFILIATIONS))
    people = []
    for number in range(count):
        first, last, affiliation = next(combinations)
        people.append(
            LONG_NAME if number % 50 == 0 else Person(first, last, affiliation=affiliation)
        )
    return people


def timed(function, **kwargs) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = function(**kwargs)
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the first")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lorainne.settings")
    django.setup()
    # WeasyPrint logs each step at INFO, which the site's logging prints: only the figures here.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)

    people = participants(options.people)
    first, pdf = timed(badges_pdf, edition="LoRAINNe'24", people=people)
    runs = [timed(badges_pdf, edition="LoRAINNe'24", people=people)[0] for _ in range(options.runs)]
    sheets = -(-len(people) // BADGES_PER_SHEET)
    print(f"badges_pdf, {len(people)} people ({sheets} A4 sheets, {len(pdf) / 1e6:.1f} MB):")
    print(f"  first run {first:.2f} s; then median {statistics.median(runs):.2f} s", end="")
    print(f" (min {min(runs):.2f}, max {max(runs):.2f}; target < {TARGET_SECONDS:.0f} s)")

    days = [("Tuesday 26 November 2024", people), ("Wednesday 27 November 2024", people[::2])]
    seconds, pdf = timed(sign_in_sheet_pdf, edition="LoRAINNe'24", days=days)
    print(f"sign_in_sheet_pdf, 2 days ({len(people)} + {len(people[::2])} rows): {seconds:.2f} s")
    return 0 if max(first, *runs) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
