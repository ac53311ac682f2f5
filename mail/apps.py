from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class MailConfig(AppConfig):
    """The outbox of every email the site sends (mail/outbox.py), below the apps that write them."""

    name = "mail"
    verbose_name = "Mail"

    def ready(self):
        # Each app's emails.py registers the kinds of email it writes (mail/kinds.py), as each
        # admin.py registers its models with the admin.
        autodiscover_modules("emails")
