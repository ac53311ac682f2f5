"""Existing addresses in their one spelling (registration/addresses.py), where that makes no
two registrations of one edition share an address. Those that would are left as they are, both
of them: nothing is merged; the admin's filter “Same address as another registration” lists
them for the organizer.

The rule is imported, not copied: one source for it; this migration runs it once."""

from django.db import IntegrityError, migrations, transaction

from registration.addresses import normalised_or_as_typed, same_mailbox


def normalise_addresses(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    rows = list(Registration.objects.values_list("pk", "workshop_id", "email"))
    colliding = same_mailbox(rows)
    for pk, _, email in rows:
        normalised = normalised_or_as_typed(email)
        if pk in colliding or normalised == email:
            continue
        try:
            with transaction.atomic():  # a savepoint: the database's lower() has the last word
                Registration.objects.filter(pk=pk).update(email=normalised)
        except IntegrityError:
            pass


class Migration(migrations.Migration):
    dependencies = [("registration", "0008_registration_emails_as_deliveries")]

    operations = [migrations.RunPython(normalise_addresses, migrations.RunPython.noop)]
