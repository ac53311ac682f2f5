"""A speaker's own page, reached by the link emailed to them (/speaker/<token>/): the title and
abstract of each of their talks and posters, their affiliation and homepage, their slides.

The token is the key: whoever holds the link can change what the site shows of the speaker. So
the page is private (never cached or indexed, no Referer leaves it), the token never reaches a
log (lorainne/logs.py), and an unknown or revoked token gets a page that says what to do, with a
404. The rules that write are in services.py; the email that brings the link, in emails.py.
"""

import dataclasses
import itertools
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from . import services
from .languages import PersonLanguageMixin
from .materials import MaterialForm, ReplacePDFForm, pdf_response
from .models import Material, Poster, Speaker, Talk, one_line
from .text import formulas_shown_as_tex

# What new_token() makes (43 characters of the URL-safe alphabet), with room to spare: anything
# else, such as a NUL or a slash, is no token and is not looked up.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

WEB_ADDRESS = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address that starts with https:// (or http://)."),
)


class SpeakerDetailsForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["affiliation", "homepage"]
        labels = {"affiliation": _("Affiliation"), "homepage": _("Homepage")}
        help_texts = {
            "affiliation": _("As it should appear in the program, e.g. “Université de Lorraine”."),
            "homepage": _("Optional: your name links there on the site."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Web pages only: no ftp:, let alone javascript:.
        homepage = self.fields["homepage"]
        homepage.validators = [WEB_ADDRESS]
        homepage.error_messages["invalid"] = WEB_ADDRESS.message


class TextForm(forms.Form):
    """The title and abstract of one talk or poster."""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Math between dollar signs, as in LaTeX: $\\mathbb{R}^{n\\times n}$."),
    )
    abstract = forms.CharField(
        required=False,
        label=_("Abstract"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Plain text; a blank line starts a new paragraph; $…$ for math."),
    )

    def clean_title(self):
        # As the model folds it (Talk.clean): a title sent with a line break is no change.
        return one_line(self.cleaned_data["title"])


@dataclasses.dataclass
class Part:
    """A talk or a poster on the page, with its forms."""

    item: Talk | Poster
    text_form: TextForm
    material_form: MaterialForm  # a new PDF or link

    @property
    def is_talk(self) -> bool:
        return isinstance(self.item, Talk)

    @property
    def locked(self) -> bool:
        return self.is_talk and self.item.text_locked

    @property
    def heading(self) -> str:
        if self.is_talk:
            return gettext("%(kind)s: %(title)s") % {
                "kind": self.item.get_kind_display(),
                "title": self.item.display_title,
            }
        return gettext("Poster %(number)s: %(title)s") % {
            "number": self.item.number,
            "title": self.item.title or gettext("title to be announced"),
        }


class SpeakerPage:
    """Every form of a speaker's page. Forms exist only for the speaker's own talks and posters
    of their edition, named by their ids: a field named after anyone else's talk is never read.
    A talk's or poster's text is taken only when the request sends its fields, so a talk added
    after the page was loaded, or a locked one shown as text, is left as it is."""

    def __init__(self, speaker: Speaker, data=None, files=None):
        self.speaker = speaker
        self.details_form = SpeakerDetailsForm(
            data if self._sent(data, "speaker", SpeakerDetailsForm.base_fields) else None,
            instance=speaker,
            prefix="speaker",
        )
        # Each material's address names its edition, through its talk or poster.
        materials = Prefetch(
            "materials",
            queryset=Material.objects.select_related("talk__workshop", "poster__workshop"),
        )
        talks = speaker.talks.filter(workshop=speaker.workshop_id).prefetch_related(materials)
        posters = speaker.posters.filter(workshop=speaker.workshop_id).prefetch_related(materials)
        self.parts = [
            self._part(item, f"{kind}-{item.pk}", data, files)
            for kind, items in (("talk", talks), ("poster", posters))
            for item in items
        ]

    @staticmethod
    def _sent(data, prefix: str, fields) -> bool:
        """Whether the request sends any field of the form of `prefix`."""
        return data is not None and any(f"{prefix}-{name}" in data for name in fields)

    def _part(self, item, prefix: str, data, files) -> Part:
        sent = self._sent(data, prefix, TextForm.base_fields)
        initial = {"title": item.title, "abstract": item.abstract}
        text_form = TextForm(data if sent else None, prefix=prefix, initial=initial)
        if isinstance(item, Talk):
            material = Material(talk=item, kind=Material.Kind.SLIDES)
        else:
            material = Material(poster=item, kind=Material.Kind.POSTER)
        # A new material only when a file or a link is given: the kind alone is always sent.
        material_prefix = f"{prefix}-material"
        given = data is not None and (
            (files or {}).get(f"{material_prefix}-file")
            or data.get(f"{material_prefix}-url", "").strip()
        )
        material_form = MaterialForm(
            data if given else None,
            files if given else None,
            instance=material,
            prefix=material_prefix,
        )
        return Part(item, text_form, material_form)

    def forms(self):
        yield self.details_form
        for part in self.parts:
            yield part.text_form
            yield part.material_form

    def is_valid(self) -> bool:
        # Every form, not up to the first with an error: the page shows all the errors at once.
        results = [form.is_valid() for form in self.forms() if form.is_bound]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return any(form.is_bound and form.errors for form in self.forms())

    def texts(self, kind: type) -> dict[int, tuple[str, str]]:
        return {
            part.item.pk: (
                part.text_form.cleaned_data["title"],
                part.text_form.cleaned_data["abstract"],
            )
            for part in self.parts
            if isinstance(part.item, kind) and part.text_form.is_bound
        }

    def part_of(self, item) -> Part:
        return next(part for part in self.parts if part.item == item)

    def save(self) -> None:
        """Raises services.TextLocked or ValidationError; nothing is saved then."""
        if self.details_form.is_bound:
            details = self.details_form.cleaned_data
        else:
            details = {"affiliation": self.speaker.affiliation, "homepage": self.speaker.homepage}
        services.save_speaker_page(
            self.speaker,
            affiliation=details["affiliation"],
            homepage=details["homepage"],
            talk_texts=self.texts(Talk),
            poster_texts=self.texts(Poster),
            materials=[
                part.material_form.save(commit=False)
                for part in self.parts
                if part.material_form.is_bound
            ],
        )


def warn_of_formulas_shown_as_tex(request, *texts: str) -> None:
    """Tell the author, after saving, of each formula of `texts` that KaTeX cannot typeset: it
    will show as TeX. A warning, never a refusal (the call's form uses it too)."""
    for formula in formulas_shown_as_tex(*texts):
        messages.warning(
            request, gettext("This formula will show as TeX: %(formula)s") % {"formula": formula}
        )


def private(response):
    """A page for one person only: no shared cache keeps it, no search engine lists it, and no
    Referer carries its address (the token) to another site. (Not "no-referrer": Chromium then
    sends "Origin: null" with the page's own form, which Django's CSRF check rightly refuses;
    our own logs redact the token from the Referer.)"""
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def speaker_by_token(token: str) -> Speaker | None:
    if not TOKEN.fullmatch(token):
        return None
    return Speaker.objects.select_related("workshop").filter(token=token).first()


class SpeakerByTokenMixin(PersonLanguageMixin):
    """The speaker whose token the address holds, shown with their own edition whichever is
    current (and published or not: the next edition's program is gathered while a draft), in
    the speaker's language."""

    person_model = Speaker

    def person(self) -> Speaker | None:
        return self.speaker

    def dispatch(self, request, token: str, **kwargs):
        self.speaker = speaker_by_token(token)
        if self.speaker is None:
            response = render(request, "program/speaker_unknown.html", status=404)
        else:
            response = super().dispatch(request, token=token, **kwargs)
        return private(response)


class SpeakerPageView(SpeakerByTokenMixin, View):
    template_name = "program/speaker_page.html"

    def get(self, request, **kwargs):
        return self.render_page(SpeakerPage(self.speaker))

    def post(self, request, **kwargs):
        page = SpeakerPage(self.speaker, request.POST, request.FILES)
        if page.is_valid():
            try:
                page.save()
            except services.TextLocked as locked:
                page.part_of(locked.talk).text_form.add_error(None, locked.message)
            except ValidationError as invalid:
                page.details_form.add_error(None, invalid)
            else:
                messages.success(
                    request, gettext("Thank you, your changes are saved: the site shows them now.")
                )
                sent = [*page.texts(Talk).values(), *page.texts(Poster).values()]
                warn_of_formulas_shown_as_tex(request, *itertools.chain.from_iterable(sent))
                return redirect("program:speaker-page", token=self.speaker.token)
        return self.render_page(page)

    def render_page(self, page: SpeakerPage):
        # A page sent back with errors shows the speaker as saved, and every answer as typed.
        speaker = Speaker.objects.select_related("workshop").get(pk=self.speaker.pk)
        context = {"speaker": speaker, "workshop": speaker.workshop, "page": page}
        return render(self.request, self.template_name, context)


class SpeakerMaterialView(SpeakerByTokenMixin, View):
    """One of the speaker's own PDFs, under their page's address: it opens while the edition is
    a draft (when speakers upload), where the public address answers organizers only."""

    def get(self, request, pk, name, **kwargs):
        material = services.speaker_materials(self.speaker).exclude(file="").filter(pk=pk).first()
        if material is None:
            raise Http404("No such file of yours.")
        if name != material.served_name:  # as the public address (views.MaterialView)
            return redirect(
                "program:speaker-material",
                token=self.speaker.token,
                pk=pk,
                name=material.served_name,
            )
        return pdf_response(material)


class OwnMaterialMixin(SpeakerByTokenMixin):
    """A page about one file or link of the speaker's own talks and posters (services.
    speaker_materials); any other sends them back to their page, saying so."""

    template_name: str

    def materials(self):
        return services.speaker_materials(self.speaker)

    def get_material(self) -> Material | None:
        return (
            self.materials()
            .select_related("talk__workshop", "poster__workshop")
            .filter(pk=self.kwargs["pk"])
            .first()
        )

    def not_yours(self):
        messages.error(self.request, services.NotYourMaterial.message)
        return redirect("program:speaker-page", token=self.speaker.token)

    def render_page(self, material: Material, **context):
        context |= {"speaker": self.speaker, "workshop": self.speaker.workshop}
        return render(self.request, self.template_name, {"material": material, **context})


class RemoveMaterialView(OwnMaterialMixin, View):
    """GET asks for confirmation; POST removes the file or link (services.remove_material)."""

    template_name = "program/speaker_material_remove.html"

    def get(self, request, **kwargs):
        material = self.get_material()
        if material is None:
            return self.not_yours()
        return self.render_page(material)

    def post(self, request, **kwargs):
        try:
            material = services.remove_material(self.speaker, self.kwargs["pk"])
        except services.NotYourMaterial:
            return self.not_yours()
        messages.success(
            request, gettext("“%(material)s” is removed from the site.") % {"material": material}
        )
        return redirect("program:speaker-page", token=self.speaker.token)


class ReplaceMaterialView(OwnMaterialMixin, View):
    """A new PDF in place of one of the speaker's own (ReplacePDFForm): the same material, so
    the links to it given out before still lead to it."""

    template_name = "program/speaker_material_replace.html"

    def materials(self):
        return super().materials().exclude(file="")  # a PDF, not a link

    def get(self, request, **kwargs):
        material = self.get_material()
        if material is None:
            return self.not_yours()
        return self.render_page(material, form=ReplacePDFForm(instance=material))

    def post(self, request, **kwargs):
        material = self.get_material()
        if material is None:
            return self.not_yours()
        old_name = str(material)
        form = ReplacePDFForm(request.POST, request.FILES, instance=material)
        if not form.is_valid():
            return self.render_page(material, form=form)
        try:
            services.replace_material_file(self.speaker, form.save(commit=False))
        except services.NotYourMaterial:
            return self.not_yours()
        messages.success(
            request,
            gettext("“%(new)s” replaces “%(old)s”: its address on the site stays the same.")
            % {"new": material, "old": old_name},
        )
        return redirect("program:speaker-page", token=self.speaker.token)
