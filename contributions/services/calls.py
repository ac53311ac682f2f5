"""An edition's call: its default criteria, and its instants moved with the edition, whether the
edition is moved (program.services.move_edition) or copied into the next one
(program.services.start_next_edition). Both reach here through the program's signals, sent
inside their transactions: the program never imports this app."""

from django.conf import settings
from django.utils import translation

from program import services as program_services
from program.models import Workshop

from ..models import DEFAULT_CRITERIA, Call, Criterion


def add_default_criteria(workshop: Workshop) -> list[Criterion]:
    """Give an edition without criteria the default ones (DEFAULT_CRITERIA, 1–5), named in the
    site's source language as every organizer's text is. An edition that has some keeps them."""
    if workshop.criteria.exists():
        return []
    with translation.override(settings.LANGUAGE_CODE):
        return Criterion.objects.bulk_create(
            Criterion(workshop=workshop, name=str(name), position=position)
            for position, name in enumerate(DEFAULT_CRITERIA)
        )


# A receiver of program.services.edition_started, connected by ContributionsConfig.ready().
def copy_call(sender, *, source: Workshop, edition: Workshop, **kwargs) -> Call | None:
    """Give a new edition the call of `source`, if it had one: the same terms and text, its
    instants as many days after the new first day as they were after the old one, at the same
    wall-clock times; and the criteria of `source`. Nothing a submission or review holds."""
    Criterion.objects.bulk_create(
        Criterion(
            workshop=edition,
            name=criterion.name,
            position=criterion.position,
            lowest=criterion.lowest,
            highest=criterion.highest,
        )
        for criterion in source.criteria.all()
    )
    call = Call.objects.filter(workshop=source).first()
    if call is None:
        return None
    call.pk = call.id = None
    call.workshop = edition
    call.opens_at = program_services.shift(call.opens_at, source, edition)
    call.closes_at = program_services.shift(call.closes_at, source, edition)
    call.full_clean()
    call.save(force_insert=True)
    return call


# A receiver of program.services.edition_moved, connected by ContributionsConfig.ready().
def move_call(sender, *, edition: Workshop, days: int, **kwargs) -> None:
    """The edition moved by `days` days: its call opens and closes as many days later (or
    earlier), at the same wall-clock times in the edition's zone."""
    call = Call.objects.filter(workshop=edition).first()
    if call is None:
        return
    call.opens_at = program_services.later(call.opens_at, days, edition.tzinfo)
    call.closes_at = program_services.later(call.closes_at, days, edition.tzinfo)
    call.save(update_fields=["opens_at", "closes_at"])
