"""Organizers' texts in both languages (django-modeltranslation, program/translation.py): a
column per language. What was written so far is the English version: it is copied into the
English column, from which the site reads it now (and back, should this be undone)."""

from django.db import migrations, models
from django.db.models.functions import Coalesce, NullIf


TRANSLATED = {
    "Workshop": [
        "description",
        "schedule_note",
        "registration_terms",
        "info_getting_there",
        "info_transport",
        "info_accommodation",
        "info_wifi",
        "info_other",
    ]
}


def copy(source: str, target: str):
    """Copy each field's `source` column into its `target` column, where `source` holds text
    (back, the English column may be empty where the original is not)."""

    def run(apps, schema_editor):
        for model_name, fields in TRANSLATED.items():
            model = apps.get_model("program", model_name)
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
        ("program", "0016_mend_links_between_editions"),
    ]

    operations = [
        migrations.AddField(
            model_name="workshop",
            name="description_en_gb",
            field=models.TextField(
                help_text="What the workshop is about. Blank lines separate paragraphs.", null=True
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="description_fr",
            field=models.TextField(
                help_text="What the workshop is about. Blank lines separate paragraphs.", null=True
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_accommodation_en_gb",
            field=models.TextField(blank=True, null=True, verbose_name="accommodation"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_accommodation_fr",
            field=models.TextField(blank=True, null=True, verbose_name="accommodation"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_getting_there_en_gb",
            field=models.TextField(blank=True, null=True, verbose_name="how to get there"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_getting_there_fr",
            field=models.TextField(blank=True, null=True, verbose_name="how to get there"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_other_en_gb",
            field=models.TextField(blank=True, null=True, verbose_name="anything else"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_other_fr",
            field=models.TextField(blank=True, null=True, verbose_name="anything else"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_transport_en_gb",
            field=models.TextField(blank=True, null=True, verbose_name="transport"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_transport_fr",
            field=models.TextField(blank=True, null=True, verbose_name="transport"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_wifi_en_gb",
            field=models.TextField(blank=True, null=True, verbose_name="wifi"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="info_wifi_fr",
            field=models.TextField(blank=True, null=True, verbose_name="wifi"),
        ),
        migrations.AddField(
            model_name="workshop",
            name="registration_terms_en_gb",
            field=models.TextField(
                help_text="Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="registration_terms_fr",
            field=models.TextField(
                help_text="Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="schedule_note_en_gb",
            field=models.TextField(
                blank=True,
                help_text="A word on the timetable shown above it, e.g. when it starts and ends. Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="schedule_note_fr",
            field=models.TextField(
                blank=True,
                help_text="A word on the timetable shown above it, e.g. when it starts and ends. Write dates as placeholders, filled from this edition: {first_day} (the first day, e.g. 26 November), {last_day} (the last day, e.g. 27 November), {deadline} (the registration deadline's day, e.g. 11 November), {dates} (the dates, e.g. 26–27 November 2024). Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
            ),
        ),
        migrations.RunPython(copy("{}", "{}_en_gb"), copy("{}_en_gb", "{}")),
    ]
