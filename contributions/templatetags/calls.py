"""`{% call_is_open as open %}`: whether the call for contributions of the page's edition takes
submissions now, for the menu and the home page's link (page cache keys hold the same answer)."""

from django import template

from ..models import Call

register = template.Library()


@register.simple_tag(takes_context=True)
def call_is_open(context) -> bool:
    workshop = context.get("workshop")
    if not workshop:
        return False
    edition = getattr(context.get("request"), "edition", None)
    if edition is not None and edition.edition is not None and edition.edition.pk == workshop.pk:
        return edition.call_is_open  # read with the edition: no query
    call = Call.objects.filter(workshop=workshop).first()  # a personal page of another edition
    return call is not None and call.is_open()
