from django.db import migrations

from . import LATEST


def copy_a_workshop(apps, schema_editor):
    """Saves a copy of a workshop, with its slug: the unique constraint refuses it, through the
    ORM (which marks the migration's transaction for rollback)."""
    Workshop = apps.get_model("program", "Workshop")
    workshop = Workshop.objects.first()
    workshop.pk = None
    workshop.save()


class Migration(migrations.Migration):
    dependencies = [("program", LATEST)]

    operations = [migrations.RunPython(copy_a_workshop, migrations.RunPython.noop)]
