from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "contributions"
    verbose_name = _("Call for contributions")

    def ready(self):
        # The program's signals, connected here rather than when the receivers' module happens
        # to be imported (by the admin, say): a process without the admin copies the call too.
        from program.models import Workshop
        from program.services import edition_moved, edition_started

        from .services import calls

        edition_started.connect(
            calls.copy_call, sender=Workshop, dispatch_uid="contributions_call_copied"
        )
        edition_moved.connect(
            calls.move_call, sender=Workshop, dispatch_uid="contributions_call_moved"
        )
