"""Requests that no page can answer, refused with a 400 before any view or the page cache reads
them.

- A NUL character in the path or in a query parameter. No link and no form makes one, and
  PostgreSQL refuses it in any text it is given (a personal page's token, an admin filter) with
  an error instead of an empty result. Form fields posted in a body are left to the forms: each
  says "Null characters are not allowed." beside the field and keeps every answer.
- A form body declared in another charset than UTF-8 (`application/x-www-form-urlencoded;
  charset=utf-16`). Django refuses to read it, but its own error pages then read it again (for
  the CSRF token) and the error escaped them as the server's bare 500. The body is set aside,
  empty, so that nothing reads it again.
- An action of an admin list on rows whose ids are no ids (`_selected_action=abc`, `1.5`, a
  NUL). No checkbox sends one; the admin would filter on them and fail with a 500 in every list.
- A body larger than a PDF at MATERIAL_MAX_MB and its form (program.materials.max_request_bytes),
  by its Content-Length: Django would otherwise write every file of a form's body to a temporary
  file, whatever its size, before a form could refuse it. The page says the limit (413). A body
  without a Content-Length is not read at all (Django reads that many bytes).
"""

from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest, ValidationError
from django.http import QueryDict
from django.shortcuts import render

from program.materials import max_request_bytes


def has_nul(request) -> bool:
    """A NUL in the path or in a query parameter's name or value."""
    return "\x00" in request.path or any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists()
    )


def is_past_64_bits(value: str) -> bool:
    digits = value.removeprefix("-")
    return digits.isascii() and digits.isdigit() and not -(2**63) <= int(value) < 2**63


def has_integer_past_64_bits(request) -> bool:
    return any(is_past_64_bits(value) for _, values in request.GET.lists() for value in values)


def has_malformed_selection(request, model_admin) -> bool:
    """Whether an admin action was posted for a row id its model's primary key cannot hold."""
    pk = model_admin.model._meta.pk
    for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
        try:
            pk.to_python(value)
        except ValidationError:
            return True
        if "\x00" in value:
            return True
    return False


def form_body_not_utf8(request) -> bool:
    encoding = request.encoding
    return (
        request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
        and encoding is not None
        and encoding.lower() != "utf-8"
    )


def too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # Django reads nothing of it either
        length = 0
    return length > max_request_bytes()


class BadRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if too_large(request):
            return render(request, "413.html", {"limit": settings.MATERIAL_MAX_MB}, status=413)
        if form_body_not_utf8(request):
            request.POST = QueryDict()  # read by nothing after this
            raise BadRequest("A form body in another charset than UTF-8.")
        if has_nul(request):
            raise BadRequest("A NUL character in the address.")
        if has_integer_past_64_bits(request):
            raise BadRequest("An integer past 64 bits in the address.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Every view of a ModelAdmin's URLs carries its ModelAdmin (ModelAdmin.get_urls).
        model_admin = getattr(view_func, "model_admin", None)
        if (
            model_admin is not None
            and request.method == "POST"
            and has_malformed_selection(request, model_admin)
        ):
            raise BadRequest("An admin action on a row id that is no id.")
        return None
