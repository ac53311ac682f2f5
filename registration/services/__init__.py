"""Registration rules: when registration is open, who gets a seat, who waits, who is told.
Capacity, deadline and waiting list live here, one module per rule:

- state.py: where registration stands (open, full, closed, over) and the errors rules answer;
- locks.py: the edition's lock, with a bounded wait (Busy past it);
- seats.py: the capacity rule, the waiting list and the expiry of unconfirmed holds;
- choices.py: the days and options a person attends, and the options' capacities;
- registrations.py: registering, cancelling, coming back;
- confirmation.py: the person confirms their address;
- changes.py: the person changes their answers on their personal page;
- attendance.py: the figures for the room and the caterer;
- purge.py: personal data deleted (certificates of attendance kept);
- certificates.py: certificates of attendance issued.

Every function that changes seats runs in one transaction that first locks the workshop row
(locks.locked_workshop), so two requests, in any number of processes, never both take the last
seat. The emails a change owes are written to the outbox (mail/) in the same transaction and
sent after it commits: a registration is never lost to a mail server that is down, nor an email
to a crash. Callers use the names below: `services.register(…)`.
"""

from .attendance import Attendance, attendance
from .certificates import (
    NoCertificate,
    certificates_open,
    issue_certificate,
    issue_certificates,
    not_ticked_in_message,
    ticked_in,
)
from .changes import ChangesClosed, change_answers, changes_are_open
from .choices import OptionFull, change_choices, copy_options, full_options, move_days
from .confirmation import HoldExpired, confirm_address
from .locks import Busy, locked_workshop
from .purge import forget, purge_personal_data
from .registrations import (
    AlreadyRegistered,
    cancel,
    register,
    rejoin,
    resend_email,
    send_link_again,
)
from .seats import (
    NoSeatLeft,
    expire_holds,
    fill_free_seats,
    promote,
    seat_free,
    seats_taken,
)
from .state import (
    RegistrationClosed,
    RegistrationError,
    RegistrationNotOpen,
    RegistrationState,
    RegistrationStatus,
    WorkshopOver,
    check_not_over,
    registration_status,
    registration_status_from_counts,
)

__all__ = [
    "AlreadyRegistered",
    "Attendance",
    "Busy",
    "ChangesClosed",
    "HoldExpired",
    "NoCertificate",
    "NoSeatLeft",
    "OptionFull",
    "RegistrationClosed",
    "RegistrationError",
    "RegistrationNotOpen",
    "RegistrationState",
    "RegistrationStatus",
    "WorkshopOver",
    "attendance",
    "cancel",
    "certificates_open",
    "change_answers",
    "change_choices",
    "changes_are_open",
    "check_not_over",
    "confirm_address",
    "copy_options",
    "expire_holds",
    "fill_free_seats",
    "forget",
    "full_options",
    "issue_certificate",
    "issue_certificates",
    "locked_workshop",
    "move_days",
    "not_ticked_in_message",
    "promote",
    "purge_personal_data",
    "register",
    "registration_status",
    "registration_status_from_counts",
    "rejoin",
    "resend_email",
    "seat_free",
    "seats_taken",
    "send_link_again",
    "ticked_in",
]
