import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# Characters that could end the <script> element or start markup, escaped as json_script does;
# by str.replace, which is a hundred times faster than str.translate on a page's few kilobytes.
_ESCAPES = {">": "\\u003E", "<": "\\u003C", "&": "\\u0026"}


@register.simple_tag
def json_ld(data: dict):
    """A <script type="application/ld+json"> data block (not executed: the CSP allows it)."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    for character, escape in _ESCAPES.items():
        payload = payload.replace(character, escape)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
