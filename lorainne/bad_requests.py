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
"""

from django.core.exceptions import BadRequest
from django.http import QueryDict


def has_nul(request) -> bool:
    """A NUL in the path or in a query parameter's name or value."""
    return "\x00" in request.path or any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists()
    )


def form_body_not_utf8(request) -> bool:
    encoding = request.encoding
    return (
        request.method == "POST"
        and request.content_type == "application/x-www-form-urlencoded"
        and encoding is not None
        and encoding.lower() != "utf-8"
    )


class BadRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if form_body_not_utf8(request):
            request.POST = QueryDict()  # read by nothing after this
            raise BadRequest("A form body in another charset than UTF-8.")
        if has_nul(request):
            raise BadRequest("A NUL character in the address.")
        return self.get_response(request)
