"""The outbox's periodic job (jobs/registry.py)."""

from jobs import registry

from .outbox import sweep_outbox

registry.frequent(sweep_outbox)
