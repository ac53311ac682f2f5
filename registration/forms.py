from django import forms
from django.utils import dateformat, timezone

from program.models import Session, Workshop

from .models import Registration


class RegistrationForm(forms.ModelForm):
    # The form's sections, in order: a legend and the names of the fields under it. The template
    # shows these and nothing else, but for the honeypot.
    fieldsets = [
        ("About you", ["first_name", "last_name", "email", "affiliation", "position"]),
        (
            "What you will attend",
            [
                "attends_day_one",
                "attends_day_two",
                "attends_cocktail",
                "attends_lunch",
                "dietary_requirements",
            ],
        ),
        ("Privacy", ["listed_publicly", "privacy_consent"]),
    ]

    privacy_consent = forms.BooleanField(
        label="I have read the privacy notice and agree that my data is used to organize this workshop.",
        error_messages={
            "required": "Please accept the privacy notice: we cannot register you without it."
        },
    )
    # A honeypot: hidden from people by the stylesheet, filled in by bots.
    website = forms.CharField(required=False, label="Leave this field empty", max_length=200)

    class Meta:
        model = Registration
        # What a person answers: the keyword arguments of services.register().
        fields = [
            "first_name",
            "last_name",
            "email",
            "affiliation",
            "position",
            "attends_day_one",
            "attends_day_two",
            "attends_cocktail",
            "attends_lunch",
            "dietary_requirements",
            "listed_publicly",
        ]
        labels = {
            "email": "Email address",
            "dietary_requirements": "Dietary requirements",
            "listed_publicly": "Show my name and affiliation in the public list of participants",
        }
        help_texts = {
            "affiliation": "University, laboratory or company.",
            "dietary_requirements": "Vegetarian, allergies… Leave blank if none.",
        }
        error_messages = {
            "first_name": {"required": "Please enter your first name."},
            "last_name": {"required": "Please enter your last name."},
            "email": {
                "required": "Please enter your email address.",
                "invalid": "Enter a valid email address, such as name@example.org.",
            },
            "affiliation": {"required": "Please enter your affiliation."},
            "position": {"required": "Please choose your position or career stage."},
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
        self.fields["position"].choices = [("", "Choose…"), *Registration.Position.choices]
        tz = workshop.tzinfo
        self.fields[
            "attends_day_one"
        ].label = f"Day 1, {dateformat.format(workshop.starts_on, 'l j F')}"
        self.fields[
            "attends_day_two"
        ].label = f"Day 2, {dateformat.format(workshop.ends_on, 'l j F')}"
        self.fields["attends_cocktail"].label = "Cocktail and posters"
        self.fields["attends_lunch"].label = "Lunch"
        # Say when the cocktail and the lunch are, from the timetable.
        slots = Session.objects.filter(
            workshop=workshop, kind__in=[Session.Kind.SOCIAL, Session.Kind.MEAL]
        )
        for slot in slots:
            field = "attends_cocktail" if slot.kind == Session.Kind.SOCIAL else "attends_lunch"
            starts, ends = (
                timezone.localtime(slot.starts_at, tz),
                timezone.localtime(slot.ends_at, tz),
            )
            self.fields[
                field
            ].help_text = f"{slot.display_title}: {dateformat.format(starts, 'l j F, H:i')}–{dateformat.format(ends, 'H:i')}"

    def clean_email(self) -> str:
        """Spaces trimmed and the domain lower-cased: the same person, however they type it."""
        email = self.cleaned_data["email"].strip()
        local, _, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"

    def bound_fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fieldsets with their bound fields, for the template to loop over."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def registration_data(self) -> dict:
        """The cleaned answers, as keyword arguments of services.register()."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
