"""One address for the venue. The edition had two: `venue_address` (every page's footer, the
program, calendars, emails, the exports) and `venue_street_address` (the Info page only), which
said different things ("Nancy, France" beside "13 rue Michel Ney, 54000 Nancy").

`venue_address` stays, the one every edition has. Where organizers wrote a street address, it is
the more precise of the two and becomes the address, followed by whatever part of the old
address it does not already name (the country, usually): "13 rue Michel Ney, 54000 Nancy" and
"Nancy, France" make "13 rue Michel Ney, 54000 Nancy, France". Nothing written is dropped,
except in the one case where both together pass the field's 300 characters: then the street
address alone, the more precise, is kept.

`migrate` runs without the content triggers (program/triggers.py), so this migration moves
itself what they would have: the edition's calendar SEQUENCE and the time of its last change
(its events' LOCATION changes). Its content version, which keys the cached pages, `migrate`
raises for every edition when it puts the triggers back.
"""

import re

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

MAX_LENGTH = 300


def merged_address(address: str, street_address: str) -> str:
    street_address, address = street_address.strip(), address.strip()
    if not street_address:
        return address
    missing = [
        part
        for part in (part.strip() for part in address.split(","))
        if part and not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", street_address, re.IGNORECASE)
    ]
    merged = ", ".join([street_address, *missing])
    return merged if len(merged) <= MAX_LENGTH else street_address


def merge_the_addresses(apps, schema_editor):
    Workshop = apps.get_model("program", "Workshop")
    for workshop in Workshop.objects.exclude(venue_street_address=""):
        address = merged_address(workshop.venue_address, workshop.venue_street_address)
        if address != workshop.venue_address:
            Workshop.objects.filter(pk=workshop.pk).update(
                venue_address=address,
                sequence=F("sequence") + 1,
                content_changed_at=timezone.now(),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0014_workshop_slug_help_text"),
    ]

    operations = [
        # Backwards, the street address comes back empty: the Info page then shows the address,
        # the merged one, as every other page does.
        migrations.RunPython(merge_the_addresses, migrations.RunPython.noop),
        # Backwards, the column comes back with a database default: rows that today's models
        # write (they know no street address) still fit the older schema, as when the tests
        # migrate back to try an older data migration. In the state only: forwards, the column
        # is dropped just after.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="workshop",
                    name="venue_street_address",
                    field=models.CharField(
                        blank=True,
                        db_default="",
                        help_text="E.g. 13 rue Michel Ney, Nancy.",
                        max_length=300,
                        verbose_name="street address",
                    ),
                ),
            ]
        ),
        migrations.RemoveField(
            model_name="workshop",
            name="venue_street_address",
        ),
        migrations.AlterField(
            model_name="workshop",
            name="venue_address",
            field=models.CharField(
                help_text=(
                    "As people should type it into a map, shown after the venue's name on every "
                    "page, in calendars and emails, e.g. 13 rue Michel Ney, 54000 Nancy, France."
                ),
                max_length=300,
                verbose_name="venue address",
            ),
        ),
    ]
