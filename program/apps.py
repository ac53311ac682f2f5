from django.apps import AppConfig
from django.core import checks as system_checks

from . import checks, lookups  # no models: safe to import before the app registry is ready


class ProgramConfig(AppConfig):
    name = "program"
    verbose_name = "Program"

    def ready(self):
        # Untagged: plain `manage.py check` runs it (program/checks.py).
        system_checks.register(checks.content_triggers)
        system_checks.register(checks.katex_commands)
        lookups.register()
