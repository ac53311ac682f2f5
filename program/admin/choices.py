"""Rows of an edition chosen in the admin (a talk's speakers, a slot's talk): the choices
offered are those of the row's edition, each named with its edition."""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.http import QueryDict

from ..forms import (
    edition_label,
    of_an_edition,
)
from ..models import Workshop


class EditionAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete for rows of an edition (speakers, talks): each result names its
    edition, and `?edition=<pk>` (set by the widgets below) limits them to that edition."""

    def get_queryset(self):
        rows = super().get_queryset()
        if not of_an_edition(rows.model):
            return rows
        edition = self.request.GET.get("edition", "")
        rows = rows.select_related("workshop")
        return rows.filter(workshop=int(edition)) if edition.isdigit() else rows

    def serialize_result(self, obj, to_field_name):
        return {**super().serialize_result(obj, to_field_name), "text": edition_label(obj)}


class EditionAutocomplete:
    """An autocomplete widget that asks EditionAutocompleteJsonView, for the rows of `edition`
    once its form knows it (forms.EditionRowForm), of every edition before."""

    edition: Workshop | None = None
    url_name = "%s:program_edition_autocomplete"

    def get_url(self):
        url = super().get_url()
        return f"{url}?edition={self.edition.pk}" if self.edition and self.edition.pk else url


class EditionAutocompleteSelect(EditionAutocomplete, AutocompleteSelect):
    pass


class EditionAutocompleteSelectMultiple(EditionAutocomplete, AutocompleteSelectMultiple):
    pass


class EditionChoicesMixin:
    """The admin of a row of an edition whose autocompletes choose rows of an edition (a talk's
    speakers, a slot's talk): they ask for those of the row's edition, each named with its
    edition. Its form is an EditionRowForm, which says which edition and refuses another's. An
    add page opened from a list filtered by edition is for that edition."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self._edition_autocomplete(db_field, request):
            kwargs.setdefault(
                "widget",
                EditionAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if self._edition_autocomplete(db_field, request):
            kwargs.setdefault(
                "widget",
                EditionAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _edition_autocomplete(self, db_field, request) -> bool:
        return db_field.name in self.get_autocomplete_fields(request) and of_an_edition(
            db_field.related_model
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        filters = QueryDict(request.GET.get("_changelist_filters", ""))
        if "workshop" not in initial and filters.get("workshop__id__exact"):
            initial["workshop"] = filters["workshop__id__exact"]
        return initial
