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
