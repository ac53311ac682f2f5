"""Registration's state where the program's pages show it (the home page), without the program
app knowing about registrations."""

from django import template

from .. import services

register = template.Library()


@register.inclusion_tag("includes/registration_status.html")
def registration_status(workshop):
    """“Registration is open: 12 seats left · Register” (one query)."""
    return {"registration": services.registration_status(workshop)}
