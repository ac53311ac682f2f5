"""Data migrations of the program, run as `manage.py migrate` runs them: the tables moved back to
the schema before the migration and forward again, in real transactions (`transaction=True`)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from program.models import Workshop

from ..factories import WorkshopFactory

BEFORE_ONE_ADDRESS = ("program", "0014_workshop_slug_help_text")


def _migrate(*target: str):
    """Migrate to `target` (nothing: everything to the newest) with our `migrate` (it takes the
    content triggers off and puts them back); the apps as the applied migrations leave them."""
    call_command("migrate", *target, verbosity=0)
    loader = MigrationLoader(connection)
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.fixture
def before_one_address(db):
    """The tables before `0015_one_venue_address` (two addresses), the newest ones after."""
    old_apps = _migrate(*BEFORE_ONE_ADDRESS)
    try:
        yield old_apps
    finally:
        _migrate()


@pytest.mark.django_db(transaction=True)
def test_one_address_migration_keeps_the_street_address_and_what_it_lacks(seeded, request):
    # Three editions as organizers left them: LoRAINNe'24 with the Info page's street address
    # filled in, one whose street address says everything, one that never had one.
    full = WorkshopFactory(slug="full", venue_address="Metz, France")
    never = WorkshopFactory(slug="never", venue_address="Nancy, France")
    old_apps = request.getfixturevalue("before_one_address")
    OldWorkshop = old_apps.get_model("program", "Workshop")
    OldWorkshop.objects.filter(pk=seeded.pk).update(
        venue_street_address="Pôle Herbert Simon, 13 rue Michel Ney, 54000 Nancy"
    )
    OldWorkshop.objects.filter(pk=full.pk).update(
        venue_street_address="Technopôle, 3 rue Augustin Fresnel, 57070 Metz, France"
    )
    before = dict(OldWorkshop.objects.values_list("pk", "sequence"))

    _migrate()

    addresses = dict(Workshop.objects.values_list("slug", "venue_address"))
    assert addresses == {
        "lorainne24": "Pôle Herbert Simon, 13 rue Michel Ney, 54000 Nancy, France",
        "full": "Technopôle, 3 rue Augustin Fresnel, 57070 Metz, France",
        "never": "Nancy, France",
    }
    # The changed ones move their calendars' events (LOCATION); the other does not.
    after = dict(Workshop.objects.values_list("pk", "sequence"))
    assert after == {
        seeded.pk: before[seeded.pk] + 1,
        full.pk: before[full.pk] + 1,
        never.pk: before[never.pk],
    }
