from django.apps import apps
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from program import triggers


@never_cache
def healthz(request):
    """For load balancers and compose: 200 when the database answers and the change-tracking
    triggers are those of this code (program/triggers.py: without them, pages would stay stale);
    503 otherwise, with the reason. One query, which also tells that the database answers."""
    try:
        problems = triggers.problems(connection, apps.get_models(include_auto_created=True))
    except Exception as error:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    if problems:
        return JsonResponse({"status": "error", "database": "ok", "triggers": problems}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "triggers": "ok"})
