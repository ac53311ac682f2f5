"""Changes by the participant: the days, options, dietary requirements, affiliation and listing,
on the personal page until the changes deadline (by default the day before the workshop: changes
close on Tuesday 26 November 2024 at 00:00, Paris time)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from registration import services

from ..factories import OptionFactory
from .conftest import PARIS

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2024, 11, 26)
WEDNESDAY = dt.date(2024, 11, 27)
CHANGES_CLOSE = dt.datetime(2024, 11, 26, 0, 0, tzinfo=PARIS)


def _html(response) -> str:
    return response.content.decode()


def _answers(**changed) -> dict:
    """Keyword arguments of change_answers(): André's answers, with `changed` instead."""
    return {
        "days": [TUESDAY, WEDNESDAY],
        "options": [],
        "dietary_requirements": "Vegetarian",
        "affiliation": "Université de Lorraine, LORIA",
        "listed_publicly": False,
    } | changed


def _post_data(registration, **changed) -> dict:
    """The change form as the personal page posts it (unticked boxes left out)."""
    answers = _answers(**changed)
    data = {
        "days": [day.isoformat() for day in answers["days"]],
        "options": [option.pk for option in answers["options"]],
        "dietary_requirements": answers["dietary_requirements"],
        "affiliation": answers["affiliation"],
    }
    if answers["listed_publicly"]:
        data["listed_publicly"] = "on"
    return data


# The service.


def test_change_answers_before_the_deadline_saves_them_and_emails_the_new_answers(
    andre, cocktail_and_lunch, clock, django_capture_on_commit_callbacks
):
    cocktail, _ = cocktail_and_lunch
    clock.move_to(CHANGES_CLOSE - dt.timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        changed = services.change_answers(
            andre,
            **_answers(
                days=[WEDNESDAY],
                options=[cocktail],
                dietary_requirements="Vegan, no nuts",
                affiliation="INRIA Nancy",
                listed_publicly=True,
            ),
        )

    assert changed is True
    andre.refresh_from_db()
    assert andre.days == [WEDNESDAY]
    assert list(andre.options.all()) == [cocktail]
    assert (andre.dietary_requirements, andre.affiliation, andre.listed_publicly) == (
        "Vegan, no nuts",
        "INRIA Nancy",
        True,
    )
    [email] = mail.outbox
    assert email.subject == "LoRAINNe'24: your registration was changed"
    assert "your registration for LoRAINNe'24 was changed on your personal page" in email.body
    assert "Attending: Wednesday 27 November, Cocktail and posters" in email.body
    assert "Dietary requirements: Vegan, no nuts" in email.body
    assert "Affiliation: INRIA Nancy" in email.body
    assert "<strong>changed</strong>" in email.alternatives[0].content


def test_change_answers_with_nothing_changed_sends_no_email(
    andre, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.change_answers(andre, **_answers())

    assert changed is False
    assert mail.outbox == []


def test_change_answers_after_the_changes_deadline_is_refused(andre, clock):
    clock.move_to(CHANGES_CLOSE)

    with pytest.raises(services.ChangesClosed) as refused:
        services.change_answers(andre, **_answers(days=[TUESDAY]))

    assert refused.value.message == (
        "Changes closed after Monday 25 November 2024, 23:59 (Europe/Paris time). To change "
        "something now, write to the organizers at lorainne-orga@univ-lorraine.fr."
    )
    assert andre.days == [TUESDAY, WEDNESDAY]


def test_change_answers_follows_the_editions_own_changes_deadline(andre, open_workshop, clock):
    open_workshop.changes_deadline = dt.date(2024, 11, 20)
    open_workshop.save()
    clock.move_to(dt.datetime(2024, 11, 21, 0, 0, tzinfo=PARIS))

    with pytest.raises(services.ChangesClosed, match="Wednesday 20 November 2024, 23:59"):
        services.change_answers(andre, **_answers(days=[TUESDAY]))


def test_change_answers_after_the_workshop_raises_workshop_over(andre, clock):
    clock.move_to(dt.datetime(2024, 11, 28, 0, 0, tzinfo=PARIS))

    with pytest.raises(services.WorkshopOver, match="can no longer be changed"):
        services.change_answers(andre, **_answers(days=[TUESDAY]))


def test_change_answers_of_a_cancelled_registration_is_refused(andre):
    services.cancel(andre)

    with pytest.raises(services.RegistrationError, match="This registration is cancelled"):
        services.change_answers(andre, **_answers(days=[TUESDAY]))


def test_change_answers_adding_a_full_option_is_refused_and_changes_nothing(
    andre, open_workshop, sign_up
):
    dinner = OptionFactory(workshop=open_workshop, label="Conference dinner", capacity=1)
    sign_up(open_workshop, options=[dinner])

    with pytest.raises(services.OptionFull) as refused:
        services.change_answers(andre, **_answers(options=[dinner], dietary_requirements="Vegan"))

    assert refused.value.message == (
        "Conference dinner is full: all 1 places are taken. Untick it to save your changes."
    )
    andre.refresh_from_db()
    assert (list(andre.options.all()), andre.dietary_requirements) == ([], "Vegetarian")


def test_change_answers_keeping_an_option_that_became_full_is_accepted(
    open_workshop, register_data
):
    dinner = OptionFactory(workshop=open_workshop, label="Conference dinner", capacity=1)
    andre = services.register(open_workshop, **register_data, options=[dinner])

    services.change_answers(andre, **_answers(options=[dinner], days=[TUESDAY]))

    assert andre.days == [TUESDAY]
    assert list(andre.options.all()) == [dinner]


def test_change_answers_without_a_day_is_refused(andre):
    with pytest.raises(ValidationError) as invalid:
        services.change_answers(andre, **_answers(days=[]))

    assert invalid.value.message_dict == {"days": ["Choose at least one day."]}


def test_change_answers_with_a_day_outside_the_edition_is_refused(andre):
    with pytest.raises(ValidationError) as invalid:
        services.change_answers(andre, **_answers(days=[dt.date(2024, 11, 28)]))

    assert invalid.value.message_dict == {
        "days": ["Thursday 28 November 2024 is not a day of LoRAINNe'24."]
    }


# The personal page.


def test_manage_page_before_the_deadline_offers_the_change_form_with_the_answers(
    client, andre, cocktail_and_lunch
):
    response = client.get(f"/registration/{andre.token}/")

    html = _html(response)
    assert f'<form method="post" action="/registration/{andre.token}/change/"' in html
    assert '<h2 id="change-heading">Change what you attend</h2>' in html
    assert 'value="2024-11-26" id="id_days_0" checked' in html
    assert 'name="affiliation" value="Université de Lorraine, LORIA"' in html
    assert 'name="dietary_requirements" value="Vegetarian"' in html
    assert "Cocktail and posters" in html
    assert "until <time" in html


def test_change_post_saves_and_says_so(client, andre, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/registration/{andre.token}/change/",
            _post_data(andre, days=[WEDNESDAY], affiliation="CNRS"),
            follow=True,
        )

    html = _html(response)
    assert "Your changes are saved. We have sent you an email to confirm them." in html
    assert "<dd>Wednesday 27 November</dd>" in html
    assert "<dd>CNRS</dd>" in html
    assert [m.subject for m in mail.outbox] == ["LoRAINNe'24: your registration was changed"]


def test_change_post_with_a_full_option_keeps_every_answer_typed(
    client, andre, open_workshop, sign_up
):
    dinner = OptionFactory(workshop=open_workshop, label="Conference dinner", capacity=1)
    sign_up(open_workshop, options=[dinner])

    response = client.post(
        f"/registration/{andre.token}/change/",
        _post_data(
            andre,
            days=[WEDNESDAY],
            options=[dinner],
            dietary_requirements="No fish",
            affiliation="CNRS",
        ),
    )

    html = _html(response)
    assert response.status_code == 200
    assert "Nothing was changed: please check your answers." in html
    assert (
        "Conference dinner is full: all 1 places are taken. Untick it to save your changes." in html
    )
    assert 'name="affiliation" value="CNRS"' in html
    assert 'name="dietary_requirements" value="No fish"' in html
    assert 'value="2024-11-26" id="id_days_0" checked' not in html
    assert 'value="2024-11-27" id="id_days_1" checked' in html
    # The answers shown above the form are those saved.
    assert "<dd>Université de Lorraine, LORIA</dd>" in html
    andre.refresh_from_db()
    assert andre.affiliation == "Université de Lorraine, LORIA"


def test_change_post_without_a_day_says_choose_a_day(client, andre):
    data = _post_data(andre, affiliation="CNRS")
    del data["days"]

    response = client.post(f"/registration/{andre.token}/change/", data)

    html = _html(response)
    assert "Choose at least one day." in html
    assert 'name="affiliation" value="CNRS"' in html


def test_change_post_after_the_deadline_is_refused_with_a_message(client, andre, clock):
    clock.move_to(CHANGES_CLOSE)

    response = client.post(
        f"/registration/{andre.token}/change/", _post_data(andre, days=[TUESDAY]), follow=True
    )

    assert "Changes closed after Monday 25 November 2024, 23:59" in _html(response)
    assert andre.days == [TUESDAY, WEDNESDAY]


def test_manage_page_after_the_deadline_is_read_only_and_says_until_when(client, andre, clock):
    clock.move_to(CHANGES_CLOSE)

    response = client.get(f"/registration/{andre.token}/")

    html = _html(response)
    assert "/change/" not in html
    assert "<dd>Tuesday 26 November, Wednesday 27 November</dd>" in html
    assert "Changes were possible until <time" in html
    assert "Monday 25 November 2024, 23:59:59 CET</time>" in html
    assert "(Europe/Paris time). To change something now, write to the organizers" in html


def test_manage_page_of_a_cancelled_registration_offers_no_change(client, andre):
    services.cancel(andre)

    html = _html(client.get(f"/registration/{andre.token}/"))

    assert "/change/" not in html
    assert "Register again</button>" in html
