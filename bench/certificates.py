"""How long the certificates of attendance take for a large edition: `python -m bench.certificates`.

Times `registration.documents.certificates_pdf` (what the admin's bulk action and each download
call) for 200 participants, one A4 landscape page each, whose names mix scripts and lengths (the
badges' bench's names), half in English and half in French, each with its QR code (segno) and
the edition's signature image; the first run (fonts loaded, WeasyPrint warmed up) apart from the
next ones. No database: the function takes plain data.
Target: 200 certificates in under 10 s. Exits non-zero above it.
"""

import argparse
import datetime as dt
import io
import logging
import os
import statistics
import sys
import time

import django

from .badges import participants

TARGET_SECONDS = 10.0
ORGANIZERS = [
    "Ricardo Borsoi",
    "Marianne Clausel",
    "Sebastian Miron",
    "Konstantin Usevich",
    "SiMul @ CRAN",
]


def signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "white")
    ImageDraw.Draw(image).line([(20, 80), (120, 30), (220, 90), (330, 40)], fill="navy", width=3)
    data = io.BytesIO()
    image.save(data, "PNG")
    return data.getvalue()


def copies(count: int):
    from registration.documents import CertificateCopy, Signature
    from registration.models import new_certificate_code

    signature = Signature(
        image=signature_png(), content_type="image/png", signed_by="Marianne Clausel"
    )
    days = [dt.date(2024, 11, 26), dt.date(2024, 11, 27)]
    result = []
    for number, person in enumerate(participants(count)):
        code = new_certificate_code()
        result.append(
            CertificateCopy(
                name=person.name,
                language="fr" if number % 2 else "en",
                edition_name="Workshop on Low-Rank Approximations and their Interactions with "
                "Neural Networks",
                edition_acronym="LoRAINNe'24",
                first_day=days[0],
                last_day=days[-1],
                venue="IDMC (Institut des Sciences du Digital)",
                days=days[: 1 + number % 2],
                organizers=ORGANIZERS,
                code=code,
                verification_url=f"https://lorainne.example.org/certificate/{code}/",
                signature=signature,
            )
        )
    return result


def timed(function, **kwargs) -> tuple[float, float, bytes]:
    """Wall-clock and CPU seconds of one call, and its result: on a machine shared with other
    work the two differ, and the CPU time says what the certificates themselves cost."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(**kwargs)
    return time.perf_counter() - started, time.process_time() - cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the first")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lorainne.settings")
    django.setup()
    # WeasyPrint logs each step at INFO, which the site's logging prints: only the figures here.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from registration.documents import certificates_pdf

    people = copies(options.people)
    first, first_cpu, pdf = timed(certificates_pdf, copies=people)
    runs = [timed(certificates_pdf, copies=people) for _ in range(options.runs)]
    walls, cpus = [run[0] for run in runs], [run[1] for run in runs]
    print(f"certificates_pdf, {len(people)} certificates ({len(pdf) / 1e6:.1f} MB):")
    print(f"  first run {first:.2f} s (CPU {first_cpu:.2f} s); then median", end="")
    print(f" {statistics.median(walls):.2f} s (CPU {statistics.median(cpus):.2f} s)", end="")
    print(f" (min {min(walls):.2f}, max {max(walls):.2f}; target < {TARGET_SECONDS:.0f} s)")
    one, one_cpu, _ = timed(certificates_pdf, copies=people[:1])
    print(f"  one certificate (a participant's download): {one:.2f} s (CPU {one_cpu:.2f} s)")
    return 0 if max(first, *walls) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
