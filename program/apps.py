from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import connections
from django.db.models import F
from django.db.models.signals import post_migrate, pre_migrate

from . import triggers  # no models: safe to import before the app registry is ready


def remove_triggers(sender, *, using, **kwargs) -> None:
    """Before `migrate` changes any table: SQLite rebuilds a table to alter it, and refuses to
    while a trigger of another table names it."""
    triggers.uninstall(connections[using])


def install_triggers(sender, *, using, apps=global_apps, **kwargs) -> None:
    """After every `migrate` (and `flush`, which gives no `apps`), put the content triggers in
    place and count the migration as a change of every workshop (it may have changed content
    while no trigger ran); none when the database went back to before the columns they keep."""
    try:
        workshop = apps.get_model("program", "Workshop")
    except LookupError:  # migrated back to before the program existed
        return
    columns = {field.column for field in workshop._meta.get_fields() if field.concrete}
    if {"content_version", "content_changed_at"} <= columns:
        triggers.install(connections[using])
        workshop.objects.using(using).update(content_version=F("content_version") + 1)
    else:
        triggers.uninstall(connections[using])


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Program"

    def ready(self):
        pre_migrate.connect(remove_triggers, sender=self, dispatch_uid="program_triggers_off")
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="program_triggers")
