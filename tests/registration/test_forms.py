"""registration.forms: the public form's fieldsets."""

import pytest

from registration.forms import RegistrationForm

pytestmark = pytest.mark.django_db


def test_registration_form_fieldsets_show_every_field_but_the_honeypot_once(open_workshop):
    form = RegistrationForm(workshop=open_workshop)

    shown = [field.name for _, fields in form.bound_fieldsets() for field in fields]

    assert sorted(shown) == sorted(name for name in form.fields if name != "website")
    assert set(RegistrationForm.Meta.fields) <= set(shown)
