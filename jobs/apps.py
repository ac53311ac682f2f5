from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules, import_string

# Named, not imported: the schedule imports django-tasks-db's models, which cannot load with this
# module.
START_SCHEDULE = "jobs.schedule.start"


def start_schedule(sender, *, using, **kwargs) -> None:
    """After every `migrate`, make sure the schedule has one hourly tick and one sweep pending,
    where the tasks backend runs tasks later (the database queue of production): no cron to
    install, the task worker runs it and each tick queues the next."""
    if using != DEFAULT_DB_ALIAS:
        return  # the task queue lives in the default database
    if "django_tasks_database_dbtaskresult" not in connections[using].introspection.table_names():
        return  # migrated back to before the task queue existed
    import_string(START_SCHEDULE)()


class JobsConfig(AppConfig):
    """The periodic jobs' schedule, below every app that registers jobs (jobs/registry.py)."""

    name = "jobs"
    verbose_name = "Jobs"

    def ready(self):
        # Each app's jobs.py registers its periodic jobs (jobs/registry.py), as each admin.py
        # registers its models with the admin.
        autodiscover_modules("jobs")
        post_migrate.connect(start_schedule, sender=self, dispatch_uid="jobs_schedule")
