"""`migrate`, which takes the content triggers away before it changes any table and always puts
them back when it ends, for the tables as it leaves them: also when a migration fails midway
(the ones before it stay applied). A post_migrate receiver would never run then.

SQLite rebuilds a table to alter it, and refuses while a trigger of another table names it:
hence no triggers during the run (program/triggers.py).
"""

from django.core.management.commands import migrate
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.transaction import TransactionManagementError

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
        depth = len(connection.atomic_blocks)
        try:
            return super().handle(*args, **options)
        except TransactionManagementError as error:
            # Raised by the SQLite schema editor's exit over the migration's own error (see
            # _leave_failed_transaction): that error is the one to tell.
            original = error.__context__
            if len(connection.atomic_blocks) > depth and isinstance(original, DatabaseError):
                raise original from original.__cause__
            raise
        finally:
            _leave_failed_transaction(connection, depth)
            # The models as the applied migrations left them (as migrate builds them for
            # pre_migrate), whatever happened.
            state = MigrationExecutor(connection)._create_project_state(
                with_applied_migrations=True
            )
            triggers.install(connection, state.apps.get_models(include_auto_created=True))


def _leave_failed_transaction(connection: BaseDatabaseWrapper, depth: int) -> None:
    """Roll back the transaction that a failed migration left open, as its atomic block would.

    On SQLite, when a migration fails with a database error through the ORM (which marks the
    transaction for rollback), the schema editor's __exit__ runs check_constraints() before it
    leaves its atomic block: that query fails on the broken transaction, and the block is never
    left. The connection would then refuse every query (TransactionManagementError), and a fresh
    connection could not install the triggers either: the open transaction keeps its locks
    ("database table is locked"). That __exit__ did not turn the foreign keys back on either.
    """
    if len(connection.atomic_blocks) > depth:
        while len(connection.atomic_blocks) > depth:
            connection.atomic_blocks[-1].__exit__(TransactionManagementError, None, None)
        connection.enable_constraint_checking()
