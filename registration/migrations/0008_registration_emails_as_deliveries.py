"""Registration emails are Delivery rows (the outbox, registration/tasks.py): what the three
email_* fields of each registration recorded becomes a Delivery, then the fields go.

The fields did not say which email it was: the row is given the email of the registration's
state (what the admin's resend sends). A failed one is recorded as having used its tries, so the
outbox does not send it again by itself: a retry queued before the upgrade still runs (the task
send_registration_email makes a new Delivery of it), and organizers can resend from the admin.
"""

from django.db import migrations

KIND_OF_STATUS = {"confirmed": "confirmed", "waitlisted": "waitlisted", "cancelled": "cancelled"}
# More than the tries of the outbox's retry delays (1 + 5): nothing sends it again by itself.
TRIES_USED = 6


def emails_to_deliveries(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    Delivery = apps.get_model("registration", "Delivery")
    emailed = Registration.objects.exclude(email_sent_at=None, email_error="")
    for registration in emailed.iterator():
        failed = bool(registration.email_error)
        delivery = Delivery.objects.create(
            kind="registration",
            registration=registration,
            email_kind=KIND_OF_STATUS.get(registration.status, "confirmed"),
            state="failed" if failed else "sent",
            attempts=max(registration.email_attempts, TRIES_USED if failed else 1),
            error=registration.email_error,
            sent_at=None if failed else registration.email_sent_at,
        )
        # When it happened, not when the migration ran (auto_now fields, set by hand).
        happened = registration.email_sent_at or registration.updated_at
        Delivery.objects.filter(pk=delivery.pk).update(created_at=happened, updated_at=happened)


def deliveries_to_emails(apps, schema_editor):
    Registration = apps.get_model("registration", "Registration")
    Delivery = apps.get_model("registration", "Delivery")
    for delivery in Delivery.objects.filter(kind="registration").order_by("created_at", "pk"):
        Registration.objects.filter(pk=delivery.registration_id).update(
            email_sent_at=delivery.sent_at,
            email_error=delivery.error,
            email_attempts=min(delivery.attempts, 32767),
        )
    Delivery.objects.filter(kind="registration").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0007_holds_language_outbox"),
    ]

    operations = [
        migrations.RunPython(emails_to_deliveries, deliveries_to_emails),
        migrations.RemoveField(model_name="registration", name="email_attempts"),
        migrations.RemoveField(model_name="registration", name="email_error"),
        migrations.RemoveField(model_name="registration", name="email_sent_at"),
    ]
