"""The program's back office. What changed is recorded by the database (triggers.py): no save
hook here keeps calendars or cached pages in step."""

# Each module registers its models with the admin site.
from . import content, editions  # noqa: F401
from .editions import WorkshopAdmin

__all__ = ["WorkshopAdmin"]
