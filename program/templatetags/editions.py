"""Links inside an edition: `{% edition_url 'program:program' %}` is the program of the edition
the page shows, at that edition's own address (/<edition>/program/), which never changes."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def edition_url(context, view_name: str, **kwargs) -> str:
    workshop = context.get("workshop")
    if workshop:
        kwargs["edition"] = workshop.slug
    return reverse(view_name, kwargs=kwargs)  # without a workshop: the short address


@register.inclusion_tag("includes/past_edition.html", takes_context=True)
def past_edition_notice(context) -> dict:
    """On every page of an edition that is over: when it took place, and the current edition
    when that is a newer one (`request.edition`, lorainne/page_cache.py, reads it)."""
    workshop = context.get("workshop")
    if not workshop or not workshop.is_over:
        return {"past": None}
    edition = getattr(context.get("request"), "edition", None)
    current = edition.current_workshop if edition else None
    newer = current and current.pk != workshop.pk and current.starts_on > workshop.starts_on
    return {"past": workshop, "newer": current if newer else None}
