"""Organizers' texts in both languages (django-modeltranslation, contributions/translation.py): a
column per language. What was written so far is the English version: it is copied into the
English column, from which the site reads it now (and back, should this be undone)."""

from django.db import migrations, models
from django.db.models.functions import Coalesce, NullIf


TRANSLATED = {"Call": ["text"]}


def copy(source: str, target: str):
    """Copy each field's `source` column into its `target` column, where `source` holds text
    (back, the English column may be empty where the original is not)."""

    def run(apps, schema_editor):
        for model_name, fields in TRANSLATED.items():
            model = apps.get_model("contributions", model_name)
            model.objects.update(
                **{
                    target.format(field): Coalesce(
                        NullIf(source.format(field), models.Value("")), target.format(field)
                    )
                    for field in fields
                }
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0005_submission_speakers_added"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="text_en_gb",
            field=models.TextField(
                blank=True,
                help_text="Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
                verbose_name="text of the call",
            ),
        ),
        migrations.AddField(
            model_name="call",
            name="text_fr",
            field=models.TextField(
                blank=True,
                help_text="Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
                verbose_name="text of the call",
            ),
        ),
        migrations.RunPython(copy("{}", "{}_en_gb"), copy("{}_en_gb", "{}")),
    ]
