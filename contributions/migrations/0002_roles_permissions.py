"""The roles' rights on the call for contributions (README, "Organizer accounts and roles"):
reviewers see the submissions and write their reviews and scores; organizers may do everything
with the call. The groups are registration/0012_roles_groups's.

Permissions are made by post_migrate, after every migration: on a fresh database none exists
yet, so this migration makes those of this app itself before giving them out (as 0012 does).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER = [
    "view_submission",
    "add_review",
    "change_review",
    "view_review",
    "add_score",
    "change_score",
    "view_score",
]


def give_rights(apps, schema_editor):
    app_config = apps.get_app_config("contributions")
    # The historical app registry has no models module; create_permissions skips those.
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="contributions")
    rights = {"organizer": ours, "reviewer": ours.filter(codename__in=REVIEWER)}
    for name, permissions in rights.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def take_rights_back(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="contributions")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["organizer", "reviewer"]):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0001_call_submissions_reviews"),
        ("registration", "0012_roles_groups"),
    ]

    operations = [migrations.RunPython(give_rights, take_rights_back)]
