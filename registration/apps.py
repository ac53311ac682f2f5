from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate
from django.utils.module_loading import import_string

# Named, not imported: the schedule imports the models, which cannot load with this module.
START_SCHEDULE = "registration.schedule.start"


def start_schedule(sender, *, using, **kwargs) -> None:
    """After every `migrate`, make sure the schedule (registration/schedule.py) has one hourly
    tick and one outbox sweep pending, where the tasks backend runs tasks later (the database queue of production): no cron
    to install, the task worker runs it and each tick queues the next."""
    if using != DEFAULT_DB_ALIAS:
        return  # the task queue lives in the default database
    if "django_tasks_database_dbtaskresult" not in connections[using].introspection.table_names():
        return  # migrated back to before the task queue existed
    import_string(START_SCHEDULE)()


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        post_migrate.connect(start_schedule, sender=self, dispatch_uid="registration_schedule")
