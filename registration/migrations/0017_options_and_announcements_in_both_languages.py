"""Organizers' texts in both languages (django-modeltranslation, registration/translation.py): a
column per language. What was written so far is the English version: it is copied into the
English column, from which the site reads it now (and back, should this be undone)."""

from django.db import migrations, models
from django.db.models.functions import Coalesce, NullIf


TRANSLATED = {"Option": ["label"], "Announcement": ["subject", "body"]}


def copy(source: str, target: str):
    """Copy each field's `source` column into its `target` column, where `source` holds text
    (back, the English column may be empty where the original is not)."""

    def run(apps, schema_editor):
        for model_name, fields in TRANSLATED.items():
            model = apps.get_model("registration", model_name)
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
        ("program", "0017_workshop_texts_in_both_languages"),
        ("registration", "0016_certificates_organizers_rights"),
    ]

    operations = [
        migrations.AddField(
            model_name="announcement",
            name="body_en_gb",
            field=models.TextField(
                help_text="Plain text. {name} is replaced by the person's first name, {link} by their personal link. Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="announcement",
            name="body_fr",
            field=models.TextField(
                help_text="Plain text. {name} is replaced by the person's first name, {link} by their personal link. Math ($…$, $$…$$, \\(…\\), \\[…\\]) is left as written; elsewhere, write {{ or }} for a brace.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="announcement",
            name="subject_en_gb",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="announcement",
            name="subject_fr",
            field=models.CharField(max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="option",
            name="label_en_gb",
            field=models.CharField(
                help_text="As people see it, e.g. “Lunch” or “Cocktail and posters”.",
                max_length=100,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="option",
            name="label_fr",
            field=models.CharField(
                help_text="As people see it, e.g. “Lunch” or “Cocktail and posters”.",
                max_length=100,
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="option",
            constraint=models.UniqueConstraint(
                fields=("workshop", "label_en_gb"),
                name="option_label_unique_per_workshop-en-gb",
                violation_error_message="This workshop already has an option with this label.",
            ),
        ),
        migrations.AddConstraint(
            model_name="option",
            constraint=models.UniqueConstraint(
                fields=("workshop", "label_fr"),
                name="option_label_unique_per_workshop-fr",
                violation_error_message="This workshop already has an option with this label.",
            ),
        ),
        migrations.RunPython(copy("{}", "{}_en_gb"), copy("{}_en_gb", "{}")),
    ]
