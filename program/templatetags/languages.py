"""`{% language_alternates %}`, in base.html: the page's address in each language
(program/languages.py), so that search engines and shared links find each version."""

from django import template

from ..languages import alternates

register = template.Library()


@register.inclusion_tag("includes/language_alternates.html", takes_context=True)
def language_alternates(context) -> dict:
    """The page's own address (its canonical one when the view gives it), in each language."""
    request = context.get("request")
    if request is None:  # the 500 page, rendered without a request
        return {"alternates": []}
    url = context.get("canonical_url") or request.build_absolute_uri()
    return {"alternates": alternates(url)}
