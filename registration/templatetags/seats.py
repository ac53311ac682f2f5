"""Registration's state where the program's pages show it (the home page), without the program
app knowing about registrations."""

from django import template

from .. import services

register = template.Library()


@register.inclusion_tag("includes/registration_status.html", takes_context=True)
def registration_status(context, workshop):
    """“Registration is open: 12 seats left · Register”: from the counts the page cache read
    with the request's edition (lorainne/page_cache.py: no query, and the same figures as the
    page's cache key), else one query."""
    edition = getattr(context.get("request"), "edition", None)
    status = getattr(edition, "registration_status", None)
    if status is None or edition.workshop.pk != workshop.pk:
        status = services.registration_status(workshop)
    # The workshop too: its Register link goes to that edition's own address.
    return {"registration": status, "workshop": workshop}
