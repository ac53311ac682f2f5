import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.utils import translation

from program.models import Workshop

from . import checkout_guard
from .seed import SeedContent, read_seed


def pytest_configure(config):
    """From here to the end of the session, nothing opens a file outside the checkout."""
    checkout_guard.install()


def pytest_unconfigure(config):
    checkout_guard.remove_session_tempdir()


@pytest.fixture(scope="session", autouse=True)
def french_catalogue():
    """The French catalogue compiled into the .mo that Django reads (not committed: `make run` and
    the Dockerfile compile it too). Hidden folders (.venv, .git) and node_modules are not
    searched for catalogues."""
    call_command("compilemessages", ignore_patterns=[".*", "node_modules"], verbosity=0)


@pytest.fixture(autouse=True)
def source_language():
    """Each test starts in English, the source language: a request in French activates French
    for its thread, and nothing else would switch it back before the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached page and no rate-limit count (the caches are per process)."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files (slides, posters) go to a folder of each test's own, never into the
    checkout's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded(db) -> Workshop:
    """The LoRAINNe'24 content (fixture `lorainne24`, from the workshop's original page)."""
    call_command("loaddata", "lorainne24", "lorainne24_options", verbosity=0)
    return Workshop.objects.get(slug="lorainne24")


@pytest.fixture(scope="session")
def seed() -> SeedContent:
    """The workshop's original page, parsed: what the site must show."""
    return read_seed()
