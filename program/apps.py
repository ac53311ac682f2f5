from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import connections
from django.db.models.signals import post_migrate

from . import triggers  # no models: safe to import before the app registry is ready


def install_triggers(sender, *, using, apps=global_apps, **kwargs) -> None:
    """After every `migrate` (and `flush`, which gives no `apps`), put the content triggers in
    place, or take them away when the database was migrated back to before the columns they
    keep."""
    try:
        workshop = apps.get_model("program", "Workshop")
    except LookupError:  # migrated back to before the program existed
        return
    columns = {field.column for field in workshop._meta.get_fields() if field.concrete}
    if {"content_version", "content_changed_at"} <= columns:
        triggers.install(connections[using])
    else:
        triggers.uninstall(connections[using])


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Program"

    def ready(self):
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="program_triggers")
