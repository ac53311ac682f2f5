"""Mend the options saved with another edition's slot (issue 22), as program's 0016 mends talks,
posters and slots: the database now refuses such a link on any write (program/triggers.py), so
an option that still held one could no longer be changed, and the registration form showed the
other edition's date beside its label.

The option stays, with its label, capacity and the registrations that chose it, and lets the
slot go (as when the slot is deleted: on_delete=SET_NULL); the organizers give it one of its own
edition's slots. What other links of this app may join two editions is left as it is: a
registration's options are what the person chose, and the registrations an announcement selects
are whom it went to; neither row is ever written again. An announcement of another edition's
option is refused with a clear message when it is sent (registration/announcements.py), and
its form asks for an option of its own edition.
"""

from django.db import migrations
from django.db.models import F


def let_other_editions_slots_go(apps, schema_editor):
    Option = apps.get_model("registration", "Option")
    Option.objects.exclude(session=None).exclude(session__workshop=F("workshop")).update(
        session=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0013_announcement_help_braces"),
    ]

    operations = [
        # Backwards, the options stay mended: the older code shows them as well.
        migrations.RunPython(let_other_editions_slots_go, migrations.RunPython.noop),
    ]
