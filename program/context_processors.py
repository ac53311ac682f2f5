def workshop(request):
    """The workshop the request is about (`request.workshop`, lazy: a page that never shows it
    never reads it)."""
    return {"workshop": getattr(request, "workshop", None)}
