"""The organizers' roles and the reminder's note, new texts, each with a column per language
(program/translation.py). Nothing to copy: no row has them yet."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0017_workshop_texts_in_both_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="organizer",
            name="role",
            field=models.CharField(
                blank=True,
                help_text="Shown after the name, e.g. General chair, Local organization.",
                max_length=200,
                verbose_name="role",
            ),
        ),
        migrations.AddField(
            model_name="organizer",
            name="role_en_gb",
            field=models.CharField(
                blank=True,
                help_text="Shown after the name, e.g. General chair, Local organization.",
                max_length=200,
                null=True,
                verbose_name="role",
            ),
        ),
        migrations.AddField(
            model_name="organizer",
            name="role_fr",
            field=models.CharField(
                blank=True,
                help_text="Shown after the name, e.g. General chair, Local organization.",
                max_length=200,
                null=True,
                verbose_name="role",
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="reminder_note",
            field=models.TextField(
                blank=True,
                help_text="A note added to the reminder email, e.g. what to bring. Blank: none. Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                verbose_name="note in the reminder",
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="reminder_note_en_gb",
            field=models.TextField(
                blank=True,
                help_text="A note added to the reminder email, e.g. what to bring. Blank: none. Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
                verbose_name="note in the reminder",
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="reminder_note_fr",
            field=models.TextField(
                blank=True,
                help_text="A note added to the reminder email, e.g. what to bring. Blank: none. Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
                verbose_name="note in the reminder",
            ),
        ),
    ]
