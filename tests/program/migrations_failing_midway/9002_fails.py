from django.db import migrations


def fail(apps, schema_editor):
    raise RuntimeError("a migration that fails midway")


class Migration(migrations.Migration):
    dependencies = [("program", "9001_talk_title_rebuilt")]

    operations = [migrations.RunPython(fail, migrations.RunPython.noop)]
