"""The submission form: the text, the kind, the authors in order (a formset), the presenting
author's address and an optional PDF. It validates and normalises; the rules of the call (open,
word limit, kinds) are the service's (services/submissions.py), which the form asks too, so that
a wrong answer is said beside its field."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from program.materials import check_pdf
from program.models import one_line
from registration.forms import AddressField, RegistrationForm

from .models import Call, Submission
from .services.submissions import AuthorData, check_abstract

ABSTRACT_MAX_CHARACTERS = 10_000
MAX_AUTHORS = 30

# Characters that change the direction text is shown in without being seen: a right-to-left
# override (U+202E) makes “fdp.exe” show as “exe.pdf”, a name read backwards.
DIRECTION_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def refuse_direction_controls(value: str) -> None:
    found = sorted({f"U+{ord(char):04X}" for char in value if char in DIRECTION_CONTROLS})
    if found:
        raise ValidationError(
            ngettext(
                "Remove the invisible character %(characters)s, which changes the direction of "
                "the text (a right-to-left override): it would show something other than what "
                "is written.",
                "Remove the invisible characters %(characters)s, which change the direction of "
                "the text (right-to-left overrides): they would show something other than what "
                "is written.",
                len(found),
            ),
            code="direction_control",
            params={"characters": ", ".join(found)},
        )


class SubmissionForm(forms.ModelForm):
    """What a submitter answers (the authors are AuthorFormSet's). On the personal page the
    same form edits the submission, with the confirmed address shown but not changed."""

    fieldsets = [
        (_("Your contribution"), ["title", "kind", "abstract", "extended_abstract"]),
        (_("Presenting author"), ["email"]),
    ]

    # A honeypot: hidden from people by the stylesheet, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)

    class Meta:
        model = Submission
        fields = ["title", "kind", "abstract", "extended_abstract", "email"]
        field_classes = {"email": AddressField}
        labels = {
            "title": _("Title"),
            "kind": _("Kind"),
            "abstract": _("Abstract"),
            "extended_abstract": _("Extended abstract (PDF, optional)"),
            "email": _("Email address of the presenting author"),
        }
        help_texts = {
            "title": _("One line. Math between dollar signs, as in LaTeX: $\\mathbb{R}^{n}$."),
            "abstract": _("Plain text; a blank line starts a new paragraph; $…$ for math."),
            "email": _("We send a link there: the committee sees the submission once you open it."),
        }
        error_messages = {
            "title": {"required": _("Please enter the title.")},
            "abstract": {"required": _("Please enter the abstract.")},
            "kind": {"required": _("Please choose a poster or a talk.")},
            "email": {
                "required": _("Please enter the email address of the presenting author."),
                "invalid": _("Enter a valid email address, such as name@example.org."),
            },
        }
        widgets = {
            "title": forms.TextInput(),
            "abstract": forms.Textarea(attrs={"rows": 10}),
            "kind": forms.RadioSelect,
            "extended_abstract": forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.call = call
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in call.kinds]
        if len(call.kinds) == 1:
            self.fields["kind"].initial = call.kinds[0].value
        self.fields["title"].validators.append(refuse_direction_controls)
        abstract = self.fields["abstract"]
        abstract.validators.append(MaxLengthValidator(ABSTRACT_MAX_CHARACTERS))
        abstract.error_messages["max_length"] = _(
            "The abstract is %(show_value)s characters long; the limit is %(limit_value)s."
        )
        if call.abstract_max_words:
            abstract.help_text = format_words_help(call.abstract_max_words)
        if call.double_blind:
            # The site hides the names it knows; what the PDF says is the authors' to hide.
            self.fields["extended_abstract"].help_text = _(
                "The committee reviews without the authors' names: reviewers get your PDF as it "
                "is, so leave your names, affiliations and acknowledgements out of it (and out "
                "of its properties, such as its author field)."
            )
        if self.instance.pk:
            # The address was confirmed: changing it would need confirming again.
            self.fields["email"].disabled = True
            self.fields["email"].help_text = gettext(
                "The address you confirmed. To change it, write to the organizers."
            )

    def clean_title(self):
        return one_line(self.cleaned_data["title"])

    def clean_abstract(self):
        abstract = self.cleaned_data["abstract"].replace("\r\n", "\n").strip()
        try:
            check_abstract(self.call, abstract)
        except ValidationError as invalid:
            raise ValidationError(invalid.message_dict["abstract"]) from None
        return abstract

    def clean_extended_abstract(self):
        upload = self.cleaned_data.get("extended_abstract")
        if isinstance(upload, UploadedFile):
            check_pdf(upload)
            # Stored under a random name: what the browser sent names nothing on our side.
            upload.name = f"{secrets.token_hex(16)}.pdf"
        return upload

    bound_fieldsets = RegistrationForm.bound_fieldsets

    def submission_data(self) -> dict:
        """The cleaned answers, as keyword arguments of services.submit() / edit() (without
        the authors)."""
        data = {name: self.cleaned_data[name] for name in ["kind", "title", "abstract"]}
        upload = self.cleaned_data.get("extended_abstract")
        data["extended_abstract"] = upload if isinstance(upload, UploadedFile) else None
        return data


def format_words_help(limit: int) -> str:
    return ngettext(
        "At most %(limit)s word. Plain text; a blank line starts a new paragraph; $…$ for math.",
        "At most %(limit)s words. Plain text; a blank line starts a new paragraph; $…$ for math.",
        limit,
    ) % {"limit": limit}


class AuthorForm(forms.Form):
    # Not required: a row left blank is no author (the formset needs one at least).
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, validators=[refuse_direction_controls]
    )
    affiliation = forms.CharField(
        label=_("Affiliation"),
        max_length=300,
        required=False,
        validators=[refuse_direction_controls],
    )
    presenting = forms.BooleanField(label=_("Presents the contribution"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def clean_name(self):
        return one_line(self.cleaned_data["name"])

    def clean_affiliation(self):
        return one_line(self.cleaned_data["affiliation"])

    def clean(self):
        data = super().clean()
        if not data.get("name") and (data.get("affiliation") or data.get("presenting")):
            self.add_error("name", gettext("Enter this author's name, or clear the row."))
        return data


class BaseAuthorFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        named = [form for form in self.forms if form.cleaned_data.get("name")]
        if not named:
            raise ValidationError(gettext("Name at least one author."))
        presenting = [form for form in named if form.cleaned_data.get("presenting")]
        if len(presenting) != 1:
            raise ValidationError(
                gettext("Tick “Presents the contribution” for one author, and only one.")
            )

    def authors(self) -> list[AuthorData]:
        """The authors typed, in order, blank rows left out."""
        return [
            AuthorData(
                name=form.cleaned_data["name"],
                affiliation=form.cleaned_data.get("affiliation", ""),
                presenting=form.cleaned_data.get("presenting", False),
            )
            for form in self.forms
            if form.cleaned_data.get("name")
        ]


AuthorFormSet = forms.formset_factory(
    AuthorForm,
    formset=BaseAuthorFormSet,
    extra=4,
    max_num=MAX_AUTHORS,
    validate_max=True,
)


def author_formset(data=None, *, submission: Submission | None = None) -> BaseAuthorFormSet:
    """The authors' rows: those of `submission` in order, and a few blank ones for more."""
    initial = []
    if submission is not None:
        initial = [
            {"name": a.name, "affiliation": a.affiliation, "presenting": a.presenting}
            for a in submission.authors.all()
        ]
    formset = AuthorFormSet(data, initial=initial or None, prefix="authors")
    if submission is not None:
        formset.extra = 2
    return formset
