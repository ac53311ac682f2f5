from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "registration"
    verbose_name = "Registration"

    def ready(self):
        from program.models import Workshop
        from program.services import edition_moved

        from .services import move_days

        edition_moved.connect(move_days, sender=Workshop, dispatch_uid="registration_days_moved")
