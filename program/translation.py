"""What organizers write about an edition, in each of the site's languages (django-modeltranslation:
a column per language, `description_en_gb` and `description_fr`; settings.MODELTRANSLATION_*).

English is the source: it is required wherever the text is, and the site shows it wherever the
French is not written. The scientific content (titles, abstracts, names) is not translated: it is
written once, in the language of its authors."""

from modeltranslation.translator import TranslationOptions, register

from . import translated_texts
from .models import Organizer, Workshop

SOURCE = ("en-gb",)  # settings.LANGUAGE_CODE: required where the text is required


@register(Workshop)
class WorkshopTranslation(TranslationOptions):
    fields = (
        "description",
        "schedule_note",
        "registration_terms",
        "reminder_note",
        *(name for name in Workshop.PRACTICAL_INFORMATION_FIELDS if name != "venue_room"),
    )
    required_languages = SOURCE


@register(Organizer)
class OrganizerTranslation(TranslationOptions):
    fields = ("role",)  # the name is not translated
    required_languages = SOURCE


translated_texts.keep_source_in_original_columns(Workshop, WorkshopTranslation.fields)
translated_texts.keep_source_in_original_columns(Organizer, OrganizerTranslation.fields)
