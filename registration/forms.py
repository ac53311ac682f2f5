import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from program.models import Session, Workshop

from .addresses import InvalidAddress, normalise_address
from .models import Option, Registration

# What a person answers, in the form's order: the keyword arguments of services.register().
ANSWERS = [
    "first_name",
    "last_name",
    "email",
    "affiliation",
    "position",
    "days",
    "options",
    "dietary_requirements",
    "listed_publicly",
]


def day_label(day: dt.date) -> str:
    """“Tuesday 26 November”: a day of the edition, as people read it."""
    return dateformat.format(day, "l j F")


def slot_text(session: Session, workshop: Workshop) -> str:
    """“Lunch break: Wednesday 27 November, 12:30–14:00”, in the workshop's time zone."""
    starts = timezone.localtime(session.starts_at, workshop.tzinfo)
    ends = timezone.localtime(session.ends_at, workshop.tzinfo)
    when = f"{dateformat.format(starts, 'l j F, H:i')}–{dateformat.format(ends, 'H:i')}"
    return gettext("%(slot)s: %(when)s") % {"slot": session.plain_title, "when": when}


class DescribedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes of which each may carry a description (`descriptions`: value → text), tied to
    its box by aria-describedby. templates/registration/choices.html shows them."""

    def __init__(self, *args, descriptions: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.descriptions = descriptions or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        description = self.descriptions.get(str(value))
        if description and "id" in option["attrs"]:
            option["description"] = description
            option["description_id"] = f"{option['attrs']['id']}_description"
            option["attrs"]["aria-describedby"] = option["description_id"]
        return option


class AddressField(forms.EmailField):
    """An email address in its one spelling (addresses.normalise_address): what is stored, and
    what the duplicate check compares. Validated once normalised, so that the domain's rules are
    IDNA 2008's."""

    def to_python(self, value):
        value = super().to_python(value)
        local, _, domain = value.rpartition("@")
        if not local or not domain:
            return value  # the validator says what is missing
        try:
            return normalise_address(value)
        except InvalidAddress as invalid:
            raise ValidationError(str(invalid), code="invalid") from None


class OptionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, option: Option) -> str:
        return option.label


def offer_choices(form: forms.BaseForm, workshop: Workshop, *, days: list[dt.date]) -> None:
    """Give `form`'s `days` one box per day of the edition (those of `days` ticked at first),
    and its `options` one box per option described by its slot in the timetable; no options,
    no field."""
    form.fields["days"].choices = [(day.isoformat(), day_label(day)) for day in workshop.days]
    form.fields["days"].initial = [day.isoformat() for day in days]
    options = workshop.options.select_related("session__talk")
    if not options:
        del form.fields["options"]
        return
    form.fields["options"].widget = DescribedCheckboxes(
        descriptions={
            str(option.pk): slot_text(option.session, workshop)
            for option in options
            if option.session
        }
    )
    form.fields["options"].queryset = options  # after the widget: it gives it the choices


class RegistrationForm(forms.ModelForm):
    # The form's sections, in order: a legend and the names of the fields under it. The template
    # shows these and nothing else, but for the honeypot; a field the edition does not need (no
    # options) is left out.
    fieldsets = [
        (_("About you"), ["first_name", "last_name", "email", "affiliation", "position"]),
        (_("What you will attend"), ["days", "options", "dietary_requirements"]),
        (_("Privacy"), ["listed_publicly", "privacy_consent"]),
    ]

    days = forms.TypedMultipleChoiceField(
        label=_("Days"),
        coerce=dt.date.fromisoformat,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day.")},
    )
    options = OptionsField(
        label=_("Meals and events"),
        queryset=Option.objects.none(),
        required=False,
        help_text=_("Tick what you will come to, so that we plan for you."),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my data is used to organize this "
            "workshop."
        ),
        error_messages={
            "required": _("Please accept the privacy notice: we cannot register you without it.")
        },
    )
    # A honeypot: hidden from people by the stylesheet, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)

    class Meta:
        model = Registration
        fields = [name for name in ANSWERS if name != "days"]  # days are not a column
        field_classes = {"email": AddressField}
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "email": _("Email address"),
            "affiliation": _("Affiliation"),
            "position": _("Position or career stage"),
            "dietary_requirements": _("Dietary requirements"),
            "listed_publicly": _("Show my name and affiliation in the public list of participants"),
        }
        help_texts = {
            "affiliation": _("University, laboratory or company."),
            "dietary_requirements": _("Vegetarian, allergies… Leave blank if none."),
        }
        error_messages = {
            "first_name": {"required": _("Please enter your first name.")},
            "last_name": {"required": _("Please enter your last name.")},
            "email": {
                "required": _("Please enter your email address."),
                "invalid": _("Enter a valid email address, such as name@example.org."),
            },
            "affiliation": {"required": _("Please enter your affiliation.")},
            "position": {"required": _("Please choose your position or career stage.")},
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "affiliation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["position"].choices = [("", gettext("Choose…")), *Registration.Position.choices]
        offer_choices(self, workshop, days=workshop.days)

    def bound_fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fieldsets with their bound fields, for the template to loop over."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.fieldsets
        ]

    def registration_data(self) -> dict:
        """The cleaned answers, as keyword arguments of services.register()."""
        return {name: self.cleaned_data[name] for name in ANSWERS if name in self.fields}


class ChangeForm(forms.ModelForm):
    """What a person may change on their personal page until the changes deadline: the
    registration form's choices (the same boxes), dietary requirements, affiliation and listing."""

    fieldsets = [
        (_("What you will attend"), ["days", "options", "dietary_requirements"]),
        (_("About you"), ["affiliation"]),
        (_("Privacy"), ["listed_publicly"]),
    ]

    days = RegistrationForm.declared_fields["days"]
    options = RegistrationForm.declared_fields["options"]

    class Meta:
        model = Registration
        fields = ["options", "dietary_requirements", "affiliation", "listed_publicly"]
        labels = RegistrationForm.Meta.labels
        help_texts = RegistrationForm.Meta.help_texts
        error_messages = RegistrationForm.Meta.error_messages
        widgets = RegistrationForm.Meta.widgets

    def __init__(self, *args, instance: Registration, **kwargs):
        super().__init__(*args, instance=instance, label_suffix="", **kwargs)
        offer_choices(self, instance.workshop, days=instance.days)

    bound_fieldsets = RegistrationForm.bound_fieldsets

    def answers(self) -> dict:
        """The cleaned answers, as keyword arguments of services.change_answers()."""
        return {
            "days": self.cleaned_data["days"],
            "options": self.cleaned_data.get("options", []),
            "dietary_requirements": self.cleaned_data["dietary_requirements"],
            "affiliation": self.cleaned_data["affiliation"],
            "listed_publicly": self.cleaned_data["listed_publicly"],
        }


class DeskSearchForm(forms.Form):
    """The desk's search (GET): letters of a name, and the day ticks count for."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    day = forms.TypedChoiceField(label=_("Day"), coerce=dt.date.fromisoformat, required=False)

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        )
        self.fields["day"].choices = [(day.isoformat(), day_label(day)) for day in workshop.days]


class DeskTickForm(forms.Form):
    """A tick (or its undo) at the desk: who, and for which day."""

    registration = forms.IntegerField(min_value=1, max_value=2**63 - 1)  # a database id
    day = forms.DateField(input_formats=["%Y-%m-%d"])


class WalkInForm(forms.ModelForm):
    """Someone at the desk who did not register: the answers desk.add_walk_in() needs."""

    day = forms.TypedChoiceField(label=_("Day"), coerce=dt.date.fromisoformat)
    privacy_consent = forms.BooleanField(
        label=_(
            "The person has read the privacy notice and agrees that their data is used to "
            "organize this workshop."
        ),
        error_messages={
            "required": _("The person must accept the privacy notice to be registered.")
        },
    )

    class Meta:
        model = Registration
        fields = ["first_name", "last_name", "email", "affiliation", "position"]
        labels = RegistrationForm.Meta.labels
        error_messages = RegistrationForm.Meta.error_messages
        widgets = {name: forms.TextInput(attrs={"autocomplete": "off"}) for name in fields[:2]}
        field_classes = RegistrationForm.Meta.field_classes

    def __init__(self, *args, workshop: Workshop, day: dt.date | None = None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["position"].choices = [("", gettext("Choose…")), *Registration.Position.choices]
        self.fields["day"].choices = [(d.isoformat(), day_label(d)) for d in workshop.days]
        if day is not None:
            self.fields["day"].initial = day.isoformat()

    def walk_in_data(self) -> dict:
        """The cleaned answers, as keyword arguments of desk.add_walk_in()."""
        return {name: self.cleaned_data[name] for name in [*self.Meta.fields, "day"]}
