from django.db import migrations, models

from . import LATEST


class Migration(migrations.Migration):
    dependencies = [("program", LATEST)]

    operations = [
        migrations.AlterField(
            model_name="talk",
            name="title",
            field=models.CharField(max_length=301, blank=True),
        ),
    ]
