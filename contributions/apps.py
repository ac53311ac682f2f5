from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Call for contributions")

    def ready(self):
        # The call moves and is copied with its edition: its receivers of the program's signals
        # are connected when the module loads, whatever else is loaded (a management command).
        from .services import calls  # noqa: F401
