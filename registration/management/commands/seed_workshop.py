from django.core.management import call_command
from django.core.management.base import BaseCommand

from program.models import Workshop


class Command(BaseCommand):
    help = (
        "Load the LoRAINNe'24 content (fixtures lorainne24 and its registration options) if the "
        "database holds no workshop yet. "
        "Run again, it changes nothing, so what organizers edited in admin is kept."
    )

    def handle(self, *args, **options):
        if Workshop.objects.exists():
            self.stdout.write("A workshop is already in the database: nothing loaded.")
            return
        call_command("loaddata", "lorainne24", "lorainne24_options", verbosity=0)
        self.stdout.write(self.style.SUCCESS("Loaded the LoRAINNe'24 content."))
