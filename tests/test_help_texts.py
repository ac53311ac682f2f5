"""Help texts read as written: the admin and Django's form templates put a field's help text
into the page as HTML (`|safe`), so a `<slug>` in one vanishes as an unknown tag and an `&` may
start an entity. Every help text of our models and forms, in each language, is plain text."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

from .pages import normalise, parse

PACKAGES = ["lorainne", "registration", "program", "mail", "jobs"]
HTML_CHARACTERS = set("<>&")


def _our_modules():
    """Every module of ours but migrations (history), imported, so that each form class exists."""
    for package in PACKAGES:
        root = importlib.import_module(package)
        yield root
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" not in module.name and not module.name.endswith((".wsgi", ".asgi")):
                yield importlib.import_module(module.name)


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _help_texts():
    """(where, help text) of every field of our models and of our forms' declared fields."""
    for model in apps.get_models():
        if model.__module__.split(".")[0] in PACKAGES:
            for field in model._meta.get_fields():
                if getattr(field, "help_text", ""):
                    yield f"{model.__name__}.{field.name}", field.help_text
    modules = {module.__name__ for module in _our_modules()}
    for form in _subclasses(forms.BaseForm):
        if form.__module__ in modules:
            for name, field in form.base_fields.items():
                if field.help_text:
                    yield f"{form.__module__}.{form.__name__}.{name}", field.help_text


def test_help_texts_are_found_in_models_and_forms():
    """The walk below can fail: it reaches the model fields and the forms' fields."""
    places = {where for where, _ in _help_texts()}

    assert {"Workshop.slug", "program.forms.NextEditionForm.slug"} <= places
    assert "program.speakers.TextForm.title" in places


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_no_help_text_holds_characters_a_page_reads_as_html(language):
    with translation.override(language):
        marked = {
            where: str(text) for where, text in _help_texts() if HTML_CHARACTERS & set(str(text))
        }

    assert marked == {}


def test_edition_address_help_text_shows_in_the_admin_as_written(admin_client, seeded):
    page = parse(admin_client.get(f"/admin/program/workshop/{seeded.pk}/change/").content)

    help_text = normalise(page.find(id="id_slug_helptext").text)

    assert help_text == (
        "The last part of the edition's address on the site: 2025 for /2025/. Never change it "
        "once published: links and calendars point to it."
    )
