"""registration.forms: the public form's fieldsets, its days and its options."""

import datetime as dt

import pytest

from registration.forms import ANSWERS, RegistrationForm

pytestmark = pytest.mark.django_db


def test_registration_form_fieldsets_show_every_field_but_the_honeypot_once(
    open_workshop, cocktail_and_lunch
):
    form = RegistrationForm(workshop=open_workshop)

    shown = [field.name for _, fields in form.bound_fieldsets() for field in fields]

    assert sorted(shown) == sorted(name for name in form.fields if name != "website")
    assert set(ANSWERS) <= set(shown)


def test_registration_form_of_an_edition_without_options_has_no_options_field(open_workshop):
    form = RegistrationForm(workshop=open_workshop)

    assert "options" not in form.fields
    assert form["days"].initial == ["2024-11-26", "2024-11-27"]


def test_registration_form_data_are_the_answers_of_register(
    open_workshop, form_data, cocktail_and_lunch
):
    _, lunch = cocktail_and_lunch
    form = RegistrationForm(
        form_data | {"days": ["2024-11-27"], "options": [str(lunch.pk)]}, workshop=open_workshop
    )

    assert form.is_valid(), form.errors
    answers = form.registration_data()
    assert list(answers) == ANSWERS
    assert answers["days"] == [dt.date(2024, 11, 27)]
    assert list(answers["options"]) == [lunch]
