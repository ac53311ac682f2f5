from django.utils.functional import SimpleLazyObject

from . import page_cache
from .models import Workshop


def current_workshop(request) -> Workshop | None:
    """The workshop the site shows (Workshop.objects.current()), looked up once per request."""
    if not hasattr(request, "_current_workshop"):
        request._current_workshop = page_cache.current_workshop(request)
    return request._current_workshop


def workshop(request):
    # Lazy, so that a page that never shows the workshop never queries for it.
    return {"workshop": SimpleLazyObject(lambda: current_workshop(request))}
