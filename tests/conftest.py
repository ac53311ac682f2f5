import pytest
from django.core.cache import caches
from django.core.management import call_command

from program.models import Workshop

from .seed import SeedContent, read_seed


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached page and no rate-limit count (the caches are per process)."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def seeded(db) -> Workshop:
    """The LoRAINNe'24 content (fixture `lorainne24`, from the workshop's original page)."""
    call_command("loaddata", "lorainne24", verbosity=0)
    return Workshop.objects.get(slug="lorainne24")


@pytest.fixture(scope="session")
def seed() -> SeedContent:
    """The workshop's original page, parsed: what the site must show."""
    return read_seed()
