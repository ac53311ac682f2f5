"""The organizers' rights on certificates of attendance and their signature (README, "Organizer
accounts and roles": organizers may do everything with our apps). 0012_roles_groups gave them
the permissions that existed then; these models came later.

Permissions are made by post_migrate, after every migration: on a fresh database these do not
exist yet, so this migration makes them before giving them out (as 0012 does)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["certificate", "certificatesignature"]


def give_rights(apps, schema_editor):
    app_config = apps.get_app_config("registration")
    # The historical app registry has no models module; create_permissions skips those.
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module

    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(
        content_type__app_label="registration", content_type__model__in=MODELS
    )
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="organizer")
    group.permissions.add(*ours)


def take_rights_back(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(
        content_type__app_label="registration", content_type__model__in=MODELS
    )
    for group in apps.get_model("auth", "Group").objects.filter(name="organizer"):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [("registration", "0015_certificates_of_attendance")]

    operations = [migrations.RunPython(give_rights, take_rights_back)]
