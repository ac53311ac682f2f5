"""`migrate`, which takes the content triggers away before it changes any table and always puts
them back when it ends, for the tables as it leaves them: also when a migration fails midway
(the ones before it stay applied). A post_migrate receiver would never run then.

SQLite rebuilds a table to alter it, and refuses while a trigger of another table names it:
hence no triggers during the run (program/triggers.py).
"""

from django.core.management.commands import migrate
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from program import checks, triggers


class Command(migrate.Command):
    def check(self, *args, **kwargs):
        # Missing or outdated triggers are what this command repairs: they must not stop it.
        with checks.paused():
            super().check(*args, **kwargs)

    def handle(self, *args, **options):
        if options["plan"] or options["check_unapplied"] or options["prune"]:
            return super().handle(*args, **options)  # these change no table
        connection = connections[options["database"]]
        triggers.uninstall(connection)
        try:
            return super().handle(*args, **options)
        finally:
            # The models as the applied migrations left them (as migrate builds them for
            # pre_migrate), whatever happened.
            state = MigrationExecutor(connection)._create_project_state(
                with_applied_migrations=True
            )
            triggers.install(connection, state.apps.get_models(include_auto_created=True))
