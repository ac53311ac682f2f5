"""Organizers' back office: registrations, seats at a glance, exports and emails.

Every change of seats goes through registration.services, under the same lock as the public
form, so no admin path exceeds the capacity.
"""

# Each module registers its models with the admin site.
from . import announcements, certificates, editions, registrations  # noqa: F401
