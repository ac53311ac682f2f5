"""`in` on an integer column, with the range check Django gives `exact`, `lt`, `gt`…

Django finds nothing for `pk=99999999999999999999` (IntegerFieldOverflow: a number the column
cannot hold matches no row) but passes every value of `pk__in=[…]` to the database, where SQLite
raises OverflowError past 64 bits: a 500. Every ModelMultipleChoiceField checks a client's
choices with `pk__in` (the registration forms' options, the admin's many-to-many fields, an
announcement's people), so the check lives here, once, for every integer column: the values the
column cannot hold are left out, as `exact` leaves them out; the field then says "Select a valid
choice. … is not one of the available choices."
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(internal_type)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
            if not self.rhs:
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)


def register() -> None:
    """Make IntegerFieldIn the `in` of every integer column (AutoField and BigAutoField too)."""
    IntegerField.register_lookup(IntegerFieldIn)
