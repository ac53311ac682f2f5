"""`manage.py seed_workshop`: loads the LoRAINNe'24 content once, never over organizers' edits."""

from io import StringIO

import pytest
from django.core.management import call_command

from program.models import Organizer, Poster, Session, Speaker, Talk, Workshop

pytestmark = pytest.mark.django_db


def _seed_workshop() -> str:
    out = StringIO()
    call_command("seed_workshop", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    models = [Workshop, Organizer, Speaker, Talk, Session, Poster]
    return {model.__name__: model.objects.count() for model in models}


def test_seed_workshop_loads_the_seed_into_an_empty_database(seed):
    output = _seed_workshop()

    workshop = Workshop.objects.get()
    assert output == "Loaded the LoRAINNe'24 content.\n"
    assert workshop.acronym == seed.acronym
    assert (workshop.starts_on, workshop.ends_on) == (seed.dates[0], seed.dates[-1])
    assert _counts() == {
        "Workshop": 1,
        "Organizer": len(seed.organizers),
        "Speaker": len(seed.speakers) + len(seed.posters),
        "Talk": 11,  # the 9 oral presentations, and Tudisco's and Gusak's untitled talks
        "Session": len(seed.slots),
        "Poster": len(seed.posters),
    }


def test_seed_workshop_confirms_addresses_as_its_limited_free_seats_need():
    _seed_workshop()

    workshop = Workshop.objects.get()
    # "Free but mandatory, the capacity is limited": seats held by unowned addresses would
    # empty the room, so the edition holds a seat only until its address is confirmed.
    assert "free but mandatory (the capacity is limited)" in workshop.registration_terms
    assert workshop.confirm_addresses is True


def test_seed_workshop_run_again_keeps_an_organizer_edit():
    _seed_workshop()
    Workshop.objects.update(name="LoRAINNe'24, renamed by an organizer")
    Talk.objects.filter(slug="tudisco-talk").update(title="Low-rank training of neural networks")
    counts = _counts()

    output = _seed_workshop()

    assert output == "A workshop is already in the database: nothing loaded.\n"
    assert Workshop.objects.get().name == "LoRAINNe'24, renamed by an organizer"
    assert Talk.objects.get(slug="tudisco-talk").title == "Low-rank training of neural networks"
    assert _counts() == counts
