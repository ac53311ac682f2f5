"""The booleans that 0003 turned into days and options go."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0003_edition_days_and_options"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="registration",
            name="registration_attends_at_least_one_day",
        ),
        migrations.RemoveField(
            model_name="registration",
            name="attends_cocktail",
        ),
        migrations.RemoveField(
            model_name="registration",
            name="attends_day_one",
        ),
        migrations.RemoveField(
            model_name="registration",
            name="attends_day_two",
        ),
        migrations.RemoveField(
            model_name="registration",
            name="attends_lunch",
        ),
    ]
