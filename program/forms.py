"""The organizers' forms: an edition's time zone picked from a list, timetable slots typed as
on the site (a day and 24-hour times such as 15:15) in the edition's time zone, and the rows of an
edition that choose rows of an edition (a talk's speakers), which must be of the same one."""

import zoneinfo

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Poster, Session, Talk, Workshop, validate_edition_slug


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def zone_of(workshop: Workshop | None) -> zoneinfo.ZoneInfo | None:
    """The edition's time zone, or None when there is no edition or its zone is not a real one."""
    if workshop is None:
        return None
    try:
        return workshop.tzinfo
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class WorkshopAdminForm(forms.ModelForm):
    # A list, not free text: "Paris" is refused here, before the edition (whose slots are shown
    # in its zone) ever holds it.
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=format_lazy(
            "{} {}",
            Workshop._meta.get_field("timezone").help_text,
            _("The timetable's times are typed in it too."),
        ),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a known time zone; use a name such as Europe/Paris."
            )
        },
    )

    # Set by the admin when the organizer went back from the page that asks whether the
    # edition moves with its first day: the form is shown again as typed, not saved.
    not_saved = None

    class Meta:
        model = Workshop
        # The admin gives the fields, from its fieldsets. Not a `fields` list: the translating
        # admin (modeltranslation's) would take it for the admin's own, beside its fieldsets.
        exclude = ()  # noqa: DJ006

    def clean(self):
        cleaned_data = super().clean()
        if self.not_saved:
            raise ValidationError(self.not_saved)
        return cleaned_data


class SlotTimeWidget(forms.SplitDateTimeWidget):
    """A day and a 24-hour time without seconds, shown in `zone` (None: the site's time zone).
    No admin calendar: its script adds a note about the server's time zone, wrong for an edition
    in another zone; the field's help names the edition's zone."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.widgets = [
            forms.DateInput(attrs={"size": 10, "placeholder": "27/11/2024", "aria-label": "Day"}),
            forms.TimeInput(
                format="%H:%M",
                attrs={"size": 5, "placeholder": "15:15", "aria-label": "Time, 24-hour clock"},
            ),
        ]
        self.zone = None

    def decompress(self, value):
        if value:
            value = timezone.localtime(value, self.zone)
            return [value.date(), value.time()]
        return [None, None]


class SlotTimeField(forms.SplitDateTimeField):
    """The day and time typed, read in `zone` (None: the site's time zone)."""

    widget = SlotTimeWidget
    zone = None

    def compress(self, data_list):
        if self.zone is None:
            return super().compress(data_list)
        with timezone.override(self.zone):
            return super().compress(data_list)


def edition_label(row) -> str:
    """A row of an edition as the admin offers it among those of every edition: “Francesco
    Tudisco (LoRAINNe'24)”. Its edition is read with it (`select_related("workshop")`)."""
    return f"{row} ({row.workshop.acronym})"


def of_an_edition(model) -> bool:
    """Whether rows of `model` belong to an edition (a key to the Workshop)."""
    return any(
        field.many_to_one and field.related_model is Workshop for field in model._meta.fields
    )


class EditionRowForm(forms.ModelForm):
    """The form of a row of an edition (a talk, a poster, a slot) that chooses rows of an edition
    (its speakers, its presenters, its talk). Each choice names its edition; the admin's
    autocomplete offers only those of the row's edition once it is known (`widget.edition`,
    program.admin.choices.EditionAutocompleteJsonView); one of another edition is refused by name. A key
    (a slot's talk) is its model's to check (Session.clean); whatever writes, the database refuses
    a link between two editions (program/triggers.py)."""

    def __init__(self, *args, workshop: Workshop | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop or self._chosen_workshop()
        for name in self._edition_fields():
            field = self.fields[name]
            field.queryset = field.queryset.select_related("workshop")
            field.label_from_instance = edition_label
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
            widget.edition = self.workshop

    def _edition_fields(self) -> list[str]:
        return [
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.ModelChoiceField)
            and field.queryset.model is not Workshop
            and of_an_edition(field.queryset.model)
        ]

    def _chosen_workshop(self) -> Workshop | None:
        """The edition typed in the form, else the row's, else the one the page was opened
        for (the admin's add page from an edition's list): None when none is known yet."""
        if "workshop" not in self.fields:
            return self.instance.workshop if self.instance.workshop_id else None
        try:
            return self.fields["workshop"].clean(self["workshop"].value())
        except ValidationError:
            return None

    def clean(self):
        cleaned = super().clean()
        workshop = cleaned.get("workshop", self.workshop)
        if workshop is None:
            return cleaned
        for name in self._edition_fields():
            if not isinstance(self.fields[name], forms.ModelMultipleChoiceField):
                continue  # a key: its model's clean() names it
            for row in cleaned.get(name) or []:
                if row.workshop_id != workshop.pk:
                    self.add_error(
                        name,
                        gettext(
                            "%(row)s belongs to %(other)s, not to %(edition)s: choose one of "
                            "%(edition)s."
                        )
                        % {
                            "row": row,
                            "other": row.workshop.acronym,
                            "edition": workshop.acronym,
                        },
                    )
        return cleaned


class TalkForm(EditionRowForm):
    class Meta:
        model = Talk
        fields = ["workshop", "slug", "title", "abstract", "speakers", "kind", "text_locked"]


class PosterForm(EditionRowForm):
    class Meta:
        model = Poster
        fields = ["workshop", "number", "title", "abstract", "presenters"]


class SessionForm(EditionRowForm):
    """A timetable slot, its times in its edition's time zone. The timetable's rules are the
    model's (Session.clean)."""

    starts_at = SlotTimeField(label=_("Starts"))
    ends_at = SlotTimeField(label=_("Ends"))

    class Meta:
        model = Session
        fields = ["workshop", "starts_at", "ends_at", "kind", "title", "talk"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = zone_of(self.workshop)
        zone_name = str(zone or timezone.get_current_timezone())
        for name in ("starts_at", "ends_at"):
            field = self.fields[name]
            field.zone = field.widget.zone = zone
            field.help_text = f"{zone_name} time, 24-hour clock (15:15)."


class TimetableFormSet(forms.BaseInlineFormSet):
    """All the slots of one edition, edited at once: each is checked against the stored slots
    (Session.clean) and against the new times of the others in the form, so that two rows that
    overlap each other are refused too, and a block of slots can move together."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "workshop": self.instance}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.saved_with = frozenset(slot.pk for slot in self.get_queryset())
        return form

    def clean(self):
        super().clean()
        if zone_of(self.instance) is None:
            return  # the edition's form reports its time zone
        forms_kept = [
            form
            for form in self.forms
            if form.is_valid()
            and not self._should_delete_form(form)
            and form.instance.starts_at
            and form.instance.ends_at
        ]
        forms_kept.sort(key=lambda form: (form.instance.starts_at, form.instance.ends_at))
        for index, later in enumerate(forms_kept):
            for earlier in forms_kept[:index]:
                # The row the organizer edited is told, naming the one it now overlaps.
                refused, named = later, earlier
                if earlier.has_changed() and not later.has_changed():
                    refused, named = earlier, later
                for message in refused.instance.overlap_errors([named.instance]):
                    refused.add_error(None, message)


class NextEditionForm(forms.Form):
    """What the next edition does not take from this one."""

    # Its sections in the admin's own markup (admin.helpers.AdminForm), as a ModelAdmin's.
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "starts_on"]}),
        (_("What to copy"), {"fields": ["copy_speakers", "copy_timetable"]}),
        (_("Registration"), {"fields": ["confirm_addresses"]}),
    ]

    name = forms.CharField(label=_("Name"), max_length=200)
    acronym = forms.CharField(
        label=_("Acronym"), max_length=50, help_text=_("For example LoRAINNe'25.")
    )
    slug = forms.SlugField(
        label=_("Slug"),
        validators=[validate_edition_slug],
        help_text=_(
            "The last part of the edition's address on the site: lorainne25 for /lorainne25/."
        ),
    )
    starts_on = forms.DateField(label=_("First day"), widget=AdminDateWidget)
    copy_speakers = forms.BooleanField(
        required=False, label=_("Copy the speakers (names, affiliations, homepages)")
    )
    copy_timetable = forms.BooleanField(
        required=False,
        label=_(
            "Copy the shape of the timetable (its slots, moved to the new days; talks to be "
            "filled in)"
        ),
    )
    confirm_addresses = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Confirm addresses before a seat is held"),
        help_text=_(
            "A registration holds its seat only once the person has clicked the link sent to "
            "their address; unconfirmed holds expire by themselves, so nobody can hoard seats. "
            "Untick it only for an edition where registering in one step is safe."
        ),
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Workshop.objects.filter(slug=slug).exists():
            raise ValidationError(_("Another edition has this address already."))
        return slug
