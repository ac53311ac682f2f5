"""The organizers' roles as groups (README, "Organizer accounts and roles").

Here, in the app above the others, because the groups hold permissions of program, registration
and mail alike. Permissions are made by post_migrate, after every migration: on a fresh database
none exists yet, so this migration makes the missing ones itself before giving them out.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OUR_APPS = ["program", "registration", "mail"]

# Editions whose deletion would take their registrations, and starting one, stay the organizers'.
PROGRAM_EDITOR_LEAVES_OUT = ["add_workshop", "delete_workshop"]

DESK = ["registration.use_desk", "registration.view_registration"]

GROUPS = ["organizer", "program editor", "registration desk", "reviewer"]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        # The historical app registry has no models module; create_permissions skips those.
        # (tests.registration.conftest.roles runs this with the real registry: restore it.)
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label__in=OUR_APPS)
    accounts_view = Permission.objects.filter(
        content_type__app_label="auth", codename__in=["view_user", "view_group"]
    )
    program = ours.filter(content_type__app_label="program").exclude(
        codename__in=PROGRAM_EDITOR_LEAVES_OUT
    )
    desk = Permission.objects.none()
    for name in DESK:
        app_label, codename = name.split(".")
        desk |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)

    roles = {
        "organizer": ours | accounts_view,
        "program editor": program,
        "registration desk": desk,
        "reviewer": Permission.objects.none(),  # the call for contributions, to come
    }
    for name, permissions in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mail", "0001_initial"),
        ("program", "0012_speakers_emails_in_the_outbox"),
        ("registration", "0011_holds_client_address"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="registration",
            options={
                "ordering": ["created_at", "pk"],
                "permissions": [
                    ("use_desk", "Can use the check-in desk and add walk-ins"),
                    (
                        "export_registration",
                        "Can download registrations (CSV, badges, sign-in sheets)",
                    ),
                ],
            },
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
