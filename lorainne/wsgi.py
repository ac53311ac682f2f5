"""WSGI entry point (gunicorn lorainne.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lorainne.settings")

application = get_wsgi_application()
