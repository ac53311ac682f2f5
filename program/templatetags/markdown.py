"""Organizer-written texts on public pages: Markdown, the contact address, and whether an edition
has practical information (the /info/ page and its link in the menu)."""

from django import template
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.safestring import SafeString

from program import markdown as markdown_renderer

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """`{{ workshop.info_transport|markdown }}`: see program/markdown.py."""
    return markdown_renderer.render(text)


@register.filter
def has_practical_information(workshop) -> bool:
    if not workshop:  # a page outside any edition (page not found); maybe a lazy None
        return False
    return any(getattr(workshop, field).strip() for field in workshop.PRACTICAL_INFORMATION_FIELDS)


@register.filter
def is_email_address(value: str) -> bool:
    """Whether the contact address can be a mailto: link. The field may hold a pattern, as the
    original page's "firstname.lastname@univ-lorraine.fr": that one is a valid address to a
    machine, but nobody reads it, so an address naming "firstname" stays text as written."""
    if "firstname" in value.lower():
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
