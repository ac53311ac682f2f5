from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        # The program's signals, connected here rather than when the receivers' module happens
        # to be imported (by the admin, say): a process without the admin copies the options too.
        from program.models import Workshop
        from program.services import edition_moved, edition_started

        from .services import choices

        edition_started.connect(
            choices.copy_options, sender=Workshop, dispatch_uid="registration_options_copied"
        )
        edition_moved.connect(
            choices.move_days, sender=Workshop, dispatch_uid="registration_days_moved"
        )
